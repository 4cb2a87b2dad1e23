"""The daily summary's after-sale sections (domain.aftersale_digest), for bot.digests.render:
contacts due today or overdue, open problems and needs, today's satisfaction scores. A section
with nothing to say is left out. With `masked` (group chats: nothing personal, RULES §2) the
customer is named 张* and the phone masked.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from bot.i18n.keys import Text
from bot.i18n.texts import raw, t
from domain.aftersale import DueKind
from domain.aftersale_digest import AftersaleLine, AftersaleSection
from domain.customer_details import display_phone, mask_name, mask_phone

KIND = {
    DueKind.FIRST_CONTACT: Text.digest_as_first_contact,
    DueKind.CONTACT: Text.digest_as_monthly_contact,
    DueKind.PROBLEM: Text.digest_as_problem,
    DueKind.NEED: Text.digest_as_need,
}


def aftersale_sections(
    section: AftersaleSection,
    lang: str,
    at: Callable[[datetime], str],
    masked: bool,
    listed: Callable[[Sequence[str]], list[str]],
) -> list[tuple[str, list[str]]]:
    """(header, lines) of each after-sale section with something to say."""

    def who(customer: str, phone: str) -> dict[str, str]:
        if masked:
            return {"customer": mask_name(customer), "phone": mask_phone(phone)}
        return {"customer": customer, "phone": display_phone(phone)}

    def owed(key: Text, line: AftersaleLine, **extra: object) -> str:
        return t(
            lang,
            key,
            holder=line.holder,
            kind=raw(lang, KIND[line.kind]),
            at=at(line.due_at),
            overdue=raw(lang, Text.digest_as_overdue) if line.overdue else "",
            **who(line.customer_name, line.phone),
            **extra,
        )

    found = []
    if section.contacts:
        found.append(
            (
                t(lang, Text.digest_as_contacts, count=len(section.contacts)),
                listed([owed(Text.digest_as_contact_line, line) for line in section.contacts]),
            )
        )
    if section.items:
        found.append(
            (
                t(lang, Text.digest_as_items, count=sum(line.count for line in section.items)),
                listed([owed(Text.digest_as_item_line, line, count=line.count) for line in section.items]),
            )
        )
    if section.scores:
        found.append(
            (
                t(lang, Text.digest_as_scores, count=len(section.scores)),
                listed(
                    [
                        t(
                            lang,
                            Text.digest_as_score_line,
                            holder=s.holder,
                            score=s.score,
                            **who(s.customer_name, s.phone),
                        )
                        for s in section.scores
                    ]
                ),
            )
        )
    return found
