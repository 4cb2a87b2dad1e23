"""One INFO line per business event on the logger "leadbot.events", written when the transaction
that records the event commits — so the chat and the command line, which run the same use cases
through the unit of work, log each event once, and a rolled-back one not at all.

What a line holds: the event, ids (registration, staff, Telegram user) and codes (a refusal's
reason, a follow-up's kind); a phone only masked. Never a name, an address, a note or a reason
someone typed. bot.delivery logs the reminders and summaries it sends on the same logger.

    filed: registration 12 by staff 3 (telegram 101, chat), phone 138****8000
    rejected: duplicate, by staff 4 (telegram 102, chat)
    follow_up: registration 12 by staff 3, kind call
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from domain.customer_details import mask_phone
from domain.model import EventKind

events = logging.getLogger("leadbot.events")

# Reasons that are codes (the domain's words), not text someone typed.
_CODED_REASONS = frozenset({EventKind.RELEASED, EventKind.TAKEN_OVER, EventKind.CHALLENGE_DROPPED})


@dataclass
class EventLog:
    """The lines of one unit of work, said on commit (and forgotten on rollback)."""

    lines: list[tuple[str, dict[str, Any]]] = field(default_factory=list)

    def registration_event(
        self, kind: EventKind, registration_id: int, actor_id: int | None, detail: dict[str, Any]
    ) -> None:
        if kind is EventKind.FILED:
            return  # the filing attempt says it, with the filer's Telegram id and the source
        text = f"{kind.value}: registration {registration_id}" + (f" by staff {actor_id}" if actor_id else "")
        fields: dict[str, Any] = {
            "event": kind.value,
            "registration_id": registration_id,
            "staff_id": actor_id,
        }
        if detail.get("follow_up_kind"):
            text += f", kind {detail['follow_up_kind']}"
            fields["follow_up_kind"] = detail["follow_up_kind"]
        if detail.get("other_staff_id"):
            text += f", other staff {detail['other_staff_id']}"
            fields["other_staff_id"] = detail["other_staff_id"]
        if kind in _CODED_REASONS and detail.get("reason"):
            text += f", reason {detail['reason']}"
            fields["reason"] = detail["reason"]
        self.lines.append((text, fields))

    def filing_attempt(
        self,
        *,
        outcome: str,
        reason: str | None,
        registration_id: int | None,
        staff_id: int | None,
        telegram_id: int,
        phone: str,
        source: str,
    ) -> None:
        who = (
            f"staff {staff_id} (telegram {telegram_id}, {source})" if staff_id else f"telegram {telegram_id}"
        )
        fields: dict[str, Any] = {"staff_id": staff_id, "telegram_id": telegram_id, "source": source}
        if outcome == "accepted":
            text = f"filed: registration {registration_id} by {who}, phone {mask_phone(phone)}"
            fields |= {"event": "filed", "registration_id": registration_id, "phone": mask_phone(phone)}
        else:
            text = f"rejected: {reason}, by {who}"
            fields |= {"event": "rejected", "reason": reason}
        self.lines.append((text, fields))

    def say(self) -> None:
        for text, fields in self.lines:
            events.info(text, extra=fields)
        self.lines.clear()
