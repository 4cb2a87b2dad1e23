"""The daily summary as Telegram messages (《意向客户跟踪表》 is bot.digests.tracking_sheet).

    messages = render_digest(report.digest, report.language, rules.zone)          # list[str], HTML

`render_digest` masks customers' phones unless told otherwise (group chats, RULES §2), and then
also any phone number typed into a name, and leaves out an extension's reason (it may hold an
address too); staff names are in full. The after-sale sections (bot.digests.render_aftersale)
also mask the customer's name (张*) then.
Each message is at most 4,096 characters, split between lines (every line is whole HTML), a
section's header kept with its first line and repeated, marked continued, when a section
runs over into the next message. Long lists stop at `list_limit` lines and point to the workbook:
a group gets about 20 messages a minute, and the workbook has every row.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.digests.render_aftersale import aftersale_sections
from bot.i18n.keys import Text
from bot.i18n.labels import FOLLOW_UP_KIND
from bot.i18n.texts import raw, t, when
from domain.customer_details import display_phone, mask_phone, mask_phones_in
from domain.digest import CustomerLine, DuplicateAttempts, TeamDigest

MESSAGE_LIMIT = 4096
LIST_LIMIT = 30


@dataclass(frozen=True)
class _Section:
    header: str
    lines: list[str]


def render_digest(
    digest: TeamDigest,
    language: str,
    zone: ZoneInfo,
    mask_phones: bool = True,
    *,
    list_limit: int = LIST_LIMIT,
    message_limit: int = MESSAGE_LIMIT,
) -> list[str]:
    """The summary as HTML messages, each within Telegram's 4,096 characters."""
    lang = language

    def phone(e164: str) -> str:
        return mask_phone(e164) if mask_phones else display_phone(e164)

    def at(moment: datetime) -> str:
        return when(lang, moment, zone)

    def listed(lines: Sequence[str]) -> list[str]:
        shown = list(lines[:list_limit])
        if len(lines) > list_limit:
            shown.append(t(lang, Text.digest_more, count=len(lines) - list_limit))
        return shown

    def customers(
        key: Text, items: Sequence[CustomerLine], **extra: Callable[[CustomerLine], str]
    ) -> list[str]:
        return listed(
            [
                t(
                    lang,
                    key,
                    holder=i.holder,
                    customer=i.customer_name,
                    phone=phone(i.phone),
                    at=at(i.at),
                    **{name: make(i) for name, make in extra.items()},
                )
                for i in items
            ]
        )

    def deadline(key: Text) -> Callable[[CustomerLine], str]:
        return lambda i: raw(lang, key, at=at(i.at))

    title = t(lang, Text.digest_title, team=digest.team.name, at=at(digest.at), count=digest.open_count)
    sections = [
        _Section(title, []),
        _Section(
            t(lang, Text.digest_new, count=len(digest.new_registrations)),
            customers(Text.digest_new_line, digest.new_registrations) or [t(lang, Text.digest_none)],
        ),
        _Section(
            t(lang, Text.digest_follow_ups, count=digest.follow_ups),
            listed(
                [
                    t(
                        lang,
                        Text.digest_follow_up_line,
                        name=p.name or raw(lang, Text.digest_unknown_staff),
                        count=p.count,
                    )
                    for p in digest.follow_ups_by_person
                ]
            )
            or [t(lang, Text.digest_none)],
        ),
        _Section(
            t(lang, Text.digest_credits, count=len(digest.credits)),
            listed(
                [
                    t(
                        lang,
                        Text.digest_credit_line,
                        kind=raw(lang, FOLLOW_UP_KIND[c.kind]),
                        customer=c.customer_name,
                        phone=phone(c.phone),
                        amount=raw(lang, Text.digest_amount, amount=_yuan(c.amount))
                        if c.amount is not None
                        else "",
                        credited=c.credited or raw(lang, Text.digest_no_credit),
                        at=at(c.at),
                    )
                    + (t(lang, Text.digest_provisional) if c.provisional else "")
                    for c in digest.credits
                ]
            )
            or [t(lang, Text.digest_none)],
        ),
    ]
    attention = [
        _Section(
            t(lang, Text.digest_due),
            listed(
                [
                    t(lang, Text.digest_due_line, name=p.name, due=p.due, lapsed=p.lapsed)
                    for p in digest.due_by_person
                ]
            ),
        ),
        _Section(
            t(
                lang,
                Text.digest_about_to_lapse,
                hours=digest.lapse_warning_hours,
                count=len(digest.about_to_lapse),
            ),
            customers(
                Text.digest_deadline_line, digest.about_to_lapse, deadline=deadline(Text.deadline_lapse)
            ),
        ),
        _Section(
            t(lang, Text.digest_lapsed, count=len(digest.lapsed)),
            customers(Text.digest_lapsed_line, digest.lapsed),
        ),
        _Section(
            t(
                lang,
                Text.digest_about_to_expire,
                hours=digest.expiry_warning_hours,
                count=len(digest.about_to_expire),
            ),
            customers(
                Text.digest_deadline_line, digest.about_to_expire, deadline=deadline(Text.deadline_expiry)
            ),
        ),
        _Section(
            t(lang, Text.digest_expired, count=len(digest.expired_today)),
            customers(Text.digest_expired_line, digest.expired_today),
        ),
        _Section(
            t(lang, Text.digest_rejected_duplicates, count=len(digest.rejected_duplicates)),
            listed([_duplicate_attempts(lang, c, at) for c in digest.duplicate_attempts]),
        ),
        _Section(
            t(lang, Text.digest_possible_duplicates, count=len(digest.possible_duplicates)),
            listed(
                [
                    t(
                        lang,
                        Text.digest_possible_duplicate_line,
                        holder=d.line.holder,
                        customer=d.line.customer_name,
                        phone=phone(d.line.phone),
                        at=at(d.line.at),
                        other=d.similar_holder or raw(lang, Text.digest_holder_unknown),
                    )
                    for d in digest.possible_duplicates
                ]
            ),
        ),
        _Section(
            t(lang, Text.digest_pending_reviews, count=len(digest.pending_reviews)),
            customers(Text.digest_pending_review_line, digest.pending_reviews),
        ),
        _Section(
            t(lang, Text.digest_extensions, count=len(digest.pending_extensions)),
            listed(
                [
                    t(
                        lang,
                        Text.digest_extension_line,
                        holder=e.line.holder,
                        customer=e.line.customer_name,
                        phone=phone(e.line.phone),
                        at=at(e.line.at),
                        # Written by a salesperson, it may hold a phone number: not for group chats.
                        reason=""
                        if mask_phones
                        else raw(lang, Text.digest_extension_reason, reason=e.reason),
                    )
                    for e in digest.pending_extensions
                ]
            ),
        ),
    ]
    attention.append(
        _Section(
            t(lang, Text.digest_unreachable, count=len(digest.unreachable)),
            listed([html.escape(name, quote=False) for name in digest.unreachable]),
        )
    )
    sections += [s for s in attention if s.lines] or [_Section(t(lang, Text.digest_all_clear), [])]
    sections += [
        _Section(header, lines)
        for header, lines in aftersale_sections(digest.aftersale, lang, at, mask_phones, listed)
    ]
    if digest.quota:
        sections.append(
            _Section(
                t(lang, Text.digest_quota),
                listed(
                    [
                        t(lang, Text.digest_quota_line, name=q.name, used=q.used, limit=q.limit)
                        + (t(lang, Text.digest_quota_full) if q.full else "")
                        for q in digest.quota
                    ]
                ),
            )
        )
    if mask_phones:
        # Names are typed by people too, and may hold a phone number, as needs and notes do (RULES §2).
        sections = [
            _Section(mask_phones_in(s.header), [mask_phones_in(line) for line in s.lines]) for s in sections
        ]
    return _split_messages(
        sections, lambda header: raw(lang, Text.digest_continued, header=header), message_limit
    )


def _duplicate_attempts(lang: str, c: DuplicateAttempts, at: Callable[[datetime], str]) -> str:
    """One person's rejected duplicate filings of one customer: one line, however many they were."""
    customer = c.customer or raw(lang, Text.digest_customer_unknown)
    holder = c.holder_name or raw(lang, Text.digest_holder_unknown)
    if c.count == 1:
        return t(
            lang,
            Text.digest_rejected_duplicate_line,
            at=at(c.last_at),
            filer=c.filer_name,
            customer=customer,
            holder=holder,
        )
    return t(
        lang,
        Text.digest_rejected_duplicates_repeated,
        filer=c.filer_name,
        count=c.count,
        customer=customer,
        holder=holder,
        first=at(c.first_at),
        at=at(c.last_at),
    )


def _yuan(amount: Decimal) -> str:
    return f"{amount:,.2f}"


def _size(text: str) -> int:
    """Telegram counts UTF-16 code units: an emoji outside the BMP counts twice."""
    return len(text.encode("utf-16-le")) // 2


def _split_messages(
    sections: Sequence[_Section], continued: Callable[[str], str], limit: int = MESSAGE_LIMIT
) -> list[str]:
    """Pack sections into messages of at most `limit`, splitting only between lines.

    A blank line separates sections. A section starts a new message when its header and first
    line do not fit in the current one; a section that runs over repeats its header, marked
    continued. Every line is whole HTML, so no tag is ever cut."""
    messages: list[str] = []
    current: list[str] = []
    size = 0

    def fits(lines: list[str]) -> bool:
        added = sum(_size(line) for line in lines) + len(lines)  # one newline before each line
        return size + added - (0 if current else 1) <= limit

    def put(lines: list[str]) -> None:
        nonlocal size
        size += sum(_size(line) for line in lines) + len(lines) - (0 if current else 1)
        current.extend(lines)

    def flush() -> None:
        nonlocal size
        if current:
            messages.append("\n".join(current))
        current.clear()
        size = 0

    for section in sections:
        opening = [section.header, *section.lines[:1]]
        if current and not fits(["", *opening]):
            flush()
        put(["", section.header] if current else [section.header])
        for line in section.lines:
            if not fits([line]):
                flush()
                put([continued(section.header)])
            put([line])
    flush()
    return messages
