"""Turning use-case results into messages (HTML, escaped through bot.i18n.texts)."""

from __future__ import annotations

import html
from zoneinfo import ZoneInfo

from bot.chat.choices import distinct_labels
from bot.i18n.keys import Text
from bot.i18n.labels import DEADLINE, PROBLEM, REFUSAL, STATE
from bot.i18n.texts import joined, raw, t, when
from domain.customer_details import Invalid, display_phone, mask_name
from domain.filing import Accepted, FilingOutcome, Reason, Rejected
from domain.lifecycle import Deadline, DeadlineKind
from domain.model import BrokenInvariant
from domain.registrations import Refused
from domain.roster import Held
from domain.rules import Rules

_LIMITS = {
    "name_too_long": "max_name_chars",
    "address_too_long": "max_address_chars",
    "needs_too_long": "max_needs_chars",
    "note_too_long": "max_note_chars",
    "reason_too_long": "max_reason_chars",
    "team_name_too_long": "max_team_name_chars",
    "staff_name_too_long": "max_staff_name_chars",
}


def problem_hint(lang: str, problem: Invalid, rules: Rules) -> str:
    key = problem.problem.value
    limit = getattr(rules, _LIMITS[key]) if key in _LIMITS else 0
    return t(lang, PROBLEM[problem.problem], digits=problem.digits, min=rules.min_address_chars, max=limit)


def next_step(lang: str, deadline: Deadline | None, zone: ZoneInfo, *, first: bool = True) -> str:
    """What the holder owes next; `first` right after filing, when no follow-up exists yet."""
    if deadline is None:
        return ""
    key = {
        DeadlineKind.FOLLOW_UP: Text.next_follow_up if first else Text.next_follow_up_again,
        DeadlineKind.LAPSE: Text.next_lapse,
        DeadlineKind.EXPIRY: Text.next_expiry,
    }[deadline.kind]
    return t(lang, key, at=when(lang, deadline.at, zone))


def verdict(lang: str, outcome: FilingOutcome, rules: Rules, *, holder_of_similar: str | None = None) -> str:
    zone = rules.zone
    if isinstance(outcome, Accepted):
        if outcome.details is None:
            raise BrokenInvariant("outcome.details is missing")
        lines = [
            t(lang, Text.accepted, name=outcome.details.name, phone=display_phone(outcome.details.phone)),
            next_step(lang, outcome.deadline, zone),
        ]
        if outcome.pending_review:
            lines.append(t(lang, Text.accepted_pending_review))
        if outcome.challenge_of is not None:
            lines.append(
                t(
                    lang,
                    Text.accepted_challenge,
                    holder=outcome.challenge_of.holder_name,
                    days=rules.lapse_after_days,
                )
            )
        if outcome.needs_review and outcome.similar:
            similar = outcome.similar[0]
            lines.append(
                t(
                    lang,
                    Text.needs_review_filer,
                    holder=holder_of_similar or "?",
                    other=mask_name(similar.customer_name),
                )
            )
        return "\n".join(line for line in lines if line)
    return rejection(lang, outcome, rules)


def rejection(lang: str, outcome: Rejected, rules: Rules) -> str:
    zone = rules.zone
    match outcome.reason:
        case Reason.DUPLICATE:
            if outcome.held_since is None:
                raise BrokenInvariant("outcome.held_since is missing")
            return t(
                lang,
                Text.rejected_duplicate,
                holder=outcome.holder_name,
                since=when(lang, outcome.held_since, zone),
            )
        case Reason.ALREADY_YOURS:
            if outcome.held_since is None:
                raise BrokenInvariant("outcome.held_since is missing")
            return t(
                lang,
                Text.rejected_already_yours,
                since=when(lang, outcome.held_since, zone),
                next=next_step(lang, outcome.deadline, zone),
            )
        case Reason.QUOTA:
            return t(lang, Text.rejected_quota, used=outcome.quota_used, limit=outcome.quota_limit)
        case Reason.LATE:
            if outcome.obtained_at is None:
                raise BrokenInvariant("outcome.obtained_at is missing")
            return t(
                lang,
                Text.rejected_late,
                obtained=when(lang, outcome.obtained_at, zone),
                hours=rules.filing_window_hours,
            )
        case Reason.REFILE_COOLDOWN:
            if outcome.expired_at is None:
                raise BrokenInvariant("outcome.expired_at is missing")
            text = t(
                lang,
                Text.rejected_refile_cooldown,
                expired=when(lang, outcome.expired_at, zone),
                days=rules.refile_cooldown_days,
            )
            return text + t(lang, Text.refile_cooldown_extend) if outcome.may_extend else text
        case Reason.ALREADY_SOLD:
            return already_sold(lang, outcome, zone)
        case Reason.INCOMPLETE:
            hints = ["• " + problem_hint(lang, p, rules) for p in outcome.problems]
            return "\n".join([t(lang, Text.rejected_incomplete), *hints])
        case Reason.NOT_STAFF:
            return t(lang, Text.rejected_not_staff)


def already_sold(lang: str, outcome: Rejected, zone: ZoneInfo) -> str:
    """RULES §7: whose after-sale customer it is, since which deal, and whom to ask — the filer's
    own (a repeat purchase is opened from /aftersale), a colleague's, or one who left (their
    manager). Only the holder's name and the deal's date: nothing of the customer (RULES §2)."""
    if outcome.holder_name is None or outcome.deal_at is None:
        return t(lang, Text.rejected_already_sold)
    if outcome.registration_id is not None:
        key = Text.rejected_aftersale_yours
    else:
        key = Text.rejected_aftersale_left if outcome.holder_left else Text.rejected_aftersale_of
    return t(lang, key, holder=outcome.holder_name, deal=when(lang, outcome.deal_at, zone))


def held_line(lang: str, number: int, held: Held, zone: ZoneInfo) -> str:
    r, standing = held.registration, held.standing
    state = t(lang, STATE[standing.state])
    parts = [f"{number}. <b>{_e(r.customer_name)}</b> {_e(display_phone(r.phone))} — {state}"]
    if standing.provisional is not None:
        parts.append(t(lang, Text.provisional_credit, state=raw(lang, STATE[standing.provisional])))
    if standing.deadline is not None:
        parts.append(t(lang, DEADLINE[standing.deadline.kind], at=when(lang, standing.deadline.at, zone)))
    line = joined(lang, parts)
    return line + (t(lang, Text.review_flag) if r.needs_review else "")


def follow_labels(lang: str, held: list[Held], zone: ZoneInfo) -> list[tuple[int, str]]:
    """The follow-up buttons of a /mine page: namesakes told apart by the phone's last digits, then
    by the filing date (bot.chat.choices)."""
    follow = raw(lang, Text.follow_button)
    return distinct_labels(
        [
            (
                h.registration.id,
                [
                    f"{follow} {h.registration.customer_name}",
                    f"·{h.registration.phone[-4:]}",
                    f"· {when(lang, h.registration.filed_at, zone)}",
                ],
            )
            for h in held
        ],
        width=55,  # room for the entry's number
    )


def stranger(lang: str, telegram_id: int) -> str:
    """The refusal to someone not on the roster, with the id an admin enrols them by."""
    return t(lang, Text.stranger) + "\n\n" + t(lang, Text.stranger_your_id, telegram_id=telegram_id)


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def refusal(lang: str, refused: Refused) -> str:
    state = t(lang, STATE[refused.state]) if refused.state else ""
    return t(lang, REFUSAL[refused.refusal], state=state)


def refusal_alert(lang: str, refused: Refused) -> str:
    """The same, as a button's pop-up (plain text, no markup)."""
    state = raw(lang, STATE[refused.state]) if refused.state else ""
    return raw(lang, REFUSAL[refused.refusal], state=state)
