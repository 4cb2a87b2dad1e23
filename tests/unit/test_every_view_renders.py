"""Every state, event kind, follow-up kind, reason and refusal renders through every view, in both
languages (issue 10 item 6: /mine and /follow crashed on `state_pending_review`)."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from bot.chat import render
from bot.delivery import notices as notify
from bot.digests.tracking_sheet import tracking_workbook
from bot.history import handlers as history_handlers
from bot.i18n import texts
from domain.customer_details import Invalid, Problem
from domain.digest import DigestFacts, TeamReport, TrackingRow, summarize
from domain.filing import Accepted, CustomerDetails, Reason, Rejected
from domain.history import AttemptKind, Entry, RegistrationView, Timeline
from domain.lifecycle import Deadline, DeadlineKind, Standing
from domain.model import (
    Channel,
    EventKind,
    FollowUpKind,
    Invite,
    Notice,
    NoticeKind,
    Registration,
    Role,
    Staff,
    State,
    Team,
)
from domain.notices import DueNotice, entry_for, invite_used_entry
from domain.registrations import Refusal, Refused
from domain.roster import Held
from domain.rules import Rules

ZONE = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 10, 2, 0, tzinfo=UTC)
RULES = Rules()
LANGUAGES = texts.LANGUAGES
DEADLINES = [None, *(Deadline(kind, NOW + timedelta(days=1)) for kind in DeadlineKind)]
REGISTRATION = Registration(
    id=7,
    customer_id=1,
    phone="+8613800138000",
    customer_name="张三",
    address="北京市朝阳区建国路88号",
    holder_id=1,
    holder_name="王芳",
    team_id=1,
    channel=Channel.FIELD,
    filed_at=NOW,
    needs="床垫",
    expires_at=NOW + timedelta(days=15),
)
STAFF = Staff(
    id=1, telegram_id=101, name="王芳", roles=frozenset({Role.GUIDE}), team_id=1, region=None, active=True
)


def standings() -> list[Standing]:
    found = []
    for state, deadline, challenging in itertools.product(State, DEADLINES, (False, True)):
        found.append(Standing(state, deadline, challenging))
    found += [Standing(State.PENDING_REVIEW, None, provisional=p) for p in (State.DEPOSIT, State.WON)]
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_in_mine_follow_refusals_and_history(language: str) -> None:
    for standing in standings():
        line = render.held_line(language, 1, Held(REGISTRATION, standing), ZONE)
        assert "张三" in line and "{" not in line
        assert texts.raw(language, f"state_{standing.state.value}") in line
        for refusal in Refusal:
            assert "{" not in render.refusal(language, Refused(refusal, standing.state))
        view = RegistrationView(
            7,
            "张三",
            "北京市朝阳区",
            "王芳",
            "朝阳店",
            NOW,
            standing,
            3 if standing.challenging else None,
            masked=False,
        )
        timeline = Timeline("+8613800138000", (view, view.__class__(**{**view.__dict__, "masked": True})), ())
        for part in history_handlers.split_message(history_handlers.timeline_text(language, timeline, ZONE)):
            assert "{" not in part


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_event_attempt_kind_and_reason_in_the_history(language: str) -> None:
    entries = []
    for kind, masked in itertools.product([*EventKind, *AttemptKind], (False, True)):
        for follow_up in [None, *FollowUpKind] if kind is EventKind.FOLLOW_UP else [None]:
            for reason in [None, *Reason] if kind is AttemptKind.REJECTED else [None]:
                entries.append(
                    Entry(
                        NOW,
                        kind,
                        "王芳" if follow_up else None,
                        7,
                        masked,
                        customer_name="张三",
                        reason=reason.value if reason else None,
                        other="刘洋",
                        follow_up_kind=follow_up,
                        amount=Decimal("1000"),
                        written="说明",
                        next_contact_at=NOW,
                        until=NOW,
                    )
                )
    text = history_handlers.timeline_text(language, Timeline("+8613800138000", (), tuple(entries)), ZONE)
    assert "{" not in text and len(text.splitlines()) >= len(entries)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_verdict_and_problem(language: str) -> None:
    deadline = Deadline(DeadlineKind.FOLLOW_UP, NOW)
    for reason in Reason:
        problems = tuple(Invalid(p, 5) for p in Problem) if reason is Reason.INCOMPLETE else ()
        rejected = Rejected(
            reason,
            problems,
            holder_name="刘洋",
            held_since=NOW,
            registration_id=7,
            deadline=deadline,
            quota_used=20,
            quota_limit=20,
            obtained_at=NOW,
            expired_at=NOW,
        )
        assert "{" not in render.verdict(language, rejected, RULES)
    for needs_review, pending in itertools.product((False, True), repeat=2):
        details = CustomerDetails("张三", "+8613800138000", "北京市朝阳区建国路88号", "床垫")
        accepted = Accepted(
            7, NOW, deadline, needs_review=needs_review, pending_review=pending, details=details
        )
        assert "{" not in render.verdict(language, accepted, RULES, holder_of_similar="刘洋")
    for problem in Problem:
        assert render.problem_hint(language, Invalid(problem, 5), RULES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_notice(language: str) -> None:
    """Every kind of notice renders from what the outbox keeps of it, in both languages, with
    buttons exactly where a decision is asked."""
    svc = SimpleNamespace(settings=SimpleNamespace(default_language=language), rules=RULES)
    detail = {
        "reason": "原因",
        "request_id": 5,
        "filer": "赵磊",
        "filer_team": "朝阳店",
        "holder": "王芳",
        "holder_team": "海淀店",
        "other_name": "张三丰",
        "other_phone": "+8613900139000",
    }
    asking = {NoticeKind.POSSIBLE_DUPLICATE, NoticeKind.REVIEW_REQUESTED, NoticeKind.EXTENSION_REQUESTED}
    for kind in NoticeKind:
        entry = entry_for(Notice(STAFF, kind, REGISTRATION, STAFF, detail), NOW, 0)
        if kind is NoticeKind.INVITE_USED:  # about a colleague who joined, not a customer
            invite = Invite("code", Role.GUIDE, 1, "王芳", created_by=STAFF.telegram_id)
            entry = invite_used_entry(invite, STAFF, STAFF, Team(1, "朝阳店", Channel.STORE), "Fang", NOW)
        text, keyboard = notify.notice_message(DueNotice(entry, STAFF), svc)  # type: ignore[arg-type]
        assert "{" not in text and text.strip(), kind
        assert (keyboard is not None) == (kind in asking), kind
        if kind is NoticeKind.POSSIBLE_DUPLICATE:
            # Neither customer is this manager's team's: both masked.
            assert (
                "13800138000" not in text
                and "138 0013 8000" not in text
                and "13900139000" not in text
                and "139 0013 9000" not in text
                and "139****9000" in text
            )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_state_in_the_tracking_workbook(language: str) -> None:
    rows = [
        TrackingRow(
            i,
            "张三",
            "+8613800138000",
            "北京市朝阳区建国路88号",
            None,
            None,
            "王芳",
            NOW,
            None,
            standing.state,
            standing.challenging,
            standing.deadline,
        )
        for i, standing in enumerate(standings())
    ]
    digest = summarize(DigestFacts(Team(1, "朝阳店", Channel.STORE), [], [], [], [], [], {}), NOW, Rules())
    for masked in (False, True):
        assert tracking_workbook(TeamReport(language, digest, rows), language, ZONE, mask_phones=masked)
