"""Free text people type besides a customer's details: follow-up notes, reasons for a decision,
team and staff names. Each has a length cap (Rules), checked here for the chat and the command
line alike, so nothing longer is stored or quoted in a message that would no longer fit."""

from __future__ import annotations

from domain.customer_details import Invalid, Problem, clean_text
from domain.rules import Rules

MIN_REASON_CHARS = 2  # a reason is a word at least: "ok" and "。" are not reasons


def check_note(raw: str | None, rules: Rules) -> str | None | Invalid:
    """A follow-up note: optional."""
    note = clean_text(raw or "")
    if len(note) > rules.max_note_chars:
        return Invalid(Problem.NOTE_TOO_LONG)
    return note or None


def check_reason(raw: str | None, rules: Rules) -> str | Invalid:
    """Why a review was rejected, an extension asked for, an arbitration made: required."""
    reason = clean_text(raw or "")
    if len(reason) < MIN_REASON_CHARS:
        return Invalid(Problem.REASON_TOO_SHORT)
    if len(reason) > rules.max_reason_chars:
        return Invalid(Problem.REASON_TOO_LONG)
    return reason


def check_team_name(raw: str, rules: Rules) -> str | Invalid:
    return _required(raw, rules.max_team_name_chars, Problem.TEAM_NAME_EMPTY, Problem.TEAM_NAME_TOO_LONG)


def check_staff_name(raw: str, rules: Rules) -> str | Invalid:
    return _required(raw, rules.max_staff_name_chars, Problem.STAFF_NAME_EMPTY, Problem.STAFF_NAME_TOO_LONG)


def _required(raw: str, cap: int, empty: Problem, too_long: Problem) -> str | Invalid:
    text = clean_text(raw)
    if not text:
        return Invalid(empty)
    if len(text) > cap:
        return Invalid(too_long)
    return text
