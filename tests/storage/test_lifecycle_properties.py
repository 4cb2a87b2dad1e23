"""Property tests of RULES §3–4 on a real SQLite database: random histories, checked after every step.

A hypothesis state machine files registrations (guides and field salespeople, a pool of four
customers so collisions happen, a monthly quota of 3), records follow-ups of every kind by holders
and by others, asks for and decides extensions, reviews possible duplicates and arbitrates, at
random increasing instants (often exactly on a 72 h / 10 day / 15 day / month boundary). After
every step it checks:

1. one holder: among a customer's registrations at most one holds it, now and at later instants;
2. credit only to a valid holder: an accepted deposit/deal was recorded by the registration's
   holder while it held the customer (or was the open challenge taking it over), and the credit
   stays with them unless an arbitration moved it (tracked by the model);
3. a deal frees its quota slot at once, the quota is never exceeded, and a filing is refused for
   quota only when the month's slots are all used;
4. state is a function of history and time: what a use case returns is what a fresh unit of work
   reads back, and the same operations replayed into a second database give the same states and
   deadlines at several instants;
5. nothing disappears from the logs: registration_event, filing_attempt and action_attempt only
   grow; a filing adds exactly one attempt row; a refusal adds exactly one action row and changes
   no registration.

Profiles (HYPOTHESIS_PROFILE): `ci` (default) runs the same 60 derandomized histories every time;
`random` runs 60 fresh ones; `thorough` runs 2,000 histories of 40 steps (local bug hunting, long).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from domain.decisions import Arbitration
from domain.filing import Accepted, Reason, Rejected, month_bounds
from domain.lifecycle import CONTACT_KINDS, standing_at
from domain.model import (
    Channel,
    Closure,
    FollowUpKind,
    Registration,
    ReviewState,
    Role,
    Staff,
    State,
)
from domain.registrations import CREDIT_KINDS, Done, Refusal, Refused
from domain.rules import Rules
from storage.uow import SqlUnitOfWork
from tests.conftest import T0
from tests.storage.lifecycle_model import (
    ACTORS,
    CUSTOMERS,
    DELTA_BOUNDARIES,
    DEPT_HEAD,
    FILERS,
    GUIDES,
    MISSING_REGISTRATION,
    PHONES,
    RULES,
    SALES,
    STORE_MANAGER,
    STRANGER,
    SUPERVISOR,
    Arbitrate,
    DecideExtension,
    File,
    FollowUp,
    Operation,
    RequestExtension,
    Review,
    build_template,
    expected_quota_used,
    fresh_engine,
    perform,
    quota_used,
    registrations,
    snapshot,
    summary,
)

_COMMON = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow, HealthCheck.filter_too_much]}
PROFILES = {
    # CI: the same 60 histories every run (a failure is a regression, never luck), ~20–40 s.
    "ci": settings(max_examples=60, stateful_step_count=25, derandomize=True, **_COMMON),
    # Fresh random histories each run, same size as CI.
    "random": settings(max_examples=60, stateful_step_count=25, **_COMMON),
    # Bug hunting: many more and longer random histories (tens of minutes).
    "thorough": settings(max_examples=2000, stateful_step_count=40, **_COMMON),
}
PROFILE = PROFILES.get(os.environ.get("HYPOTHESIS_PROFILE", "ci"), PROFILES["ci"])
# With review on, half as many histories in CI: most of the rules are the same as without.
REVIEW_PROFILE = settings(PROFILE, max_examples=max(PROFILE.max_examples // 2, 1))

SECOND = timedelta(seconds=1)
LATER = (
    timedelta(0),
    SECOND,
    timedelta(hours=72),
    timedelta(days=10),
    timedelta(days=15),
    timedelta(days=22),
    timedelta(days=40),
)

# --- strategies -------------------------------------------------------------------------------------

DELTAS = st.one_of(
    st.sampled_from(DELTA_BOUNDARIES),
    st.integers(0, 20 * 24 * 3600).map(lambda s: timedelta(seconds=s)),
)
# None: the registration's current holder (so that most actions are the holder's own).
ACTOR = st.sampled_from((None,) * len(ACTORS) + ACTORS)
FILER = st.sampled_from(SALES * 3 + GUIDES * 2 + (STORE_MANAGER, DEPT_HEAD, STRANGER))
KIND_AMOUNT = st.one_of(
    st.tuples(
        st.sampled_from(
            [
                FollowUpKind.CALL,
                FollowUpKind.MEASUREMENT,
                FollowUpKind.MESSAGE,
                FollowUpKind.LOST,
                FollowUpKind.NOTE,
            ]
        ),
        st.none(),
    ),
    st.tuples(st.just(FollowUpKind.DEPOSIT), st.sampled_from([None, Decimal("2000")])),
    st.tuples(st.just(FollowUpKind.DEAL), st.sampled_from([Decimal("12800.50"), Decimal("3000"), None])),
    # Amounts where none belongs, or not positive.
    st.tuples(
        st.sampled_from(list(FollowUpKind)), st.sampled_from([Decimal("0"), Decimal("-5"), Decimal("500")])
    ),
)
# The moves that matter in a takeover race (RULES §4): money by the challenger, or the holder resuming.
RACE_MOVES = st.sampled_from(
    [
        (FollowUpKind.DEPOSIT, Decimal("2000")),
        (FollowUpKind.DEAL, Decimal("12800.50")),
        (FollowUpKind.DEPOSIT, None),
        (FollowUpKind.CALL, None),
        (FollowUpKind.MEASUREMENT, None),
        (FollowUpKind.NOTE, None),  # not a real contact: the holder has not resumed
    ]
)
REASONS = st.sampled_from(["客户出差，下周量尺", "客户先在他处看样", " ", "x"])


def _changed(before: dict[int, Registration], after: dict[int, Registration]) -> set[int]:
    return {i for i in after if before.get(i) != after[i]}


def _holders(regs: list[Registration], at: datetime, rules: Rules = RULES) -> list[Registration]:
    return [r for r in regs if standing_at(r, at, rules).holds_customer]


def _instants(regs: dict[int, Registration], now: datetime, rules: Rules = RULES) -> list[datetime]:
    """Now, a few later instants, and every registration's next deadline (and the instant before)."""
    instants = {now + d for d in LATER}
    for r in regs.values():
        deadline = standing_at(r, now, rules).deadline
        if deadline is not None:
            instants |= {deadline.at - SECOND, deadline.at}
        if r.expires_at is not None and r.expires_at >= now:
            instants |= {r.expires_at - SECOND, r.expires_at}
    return sorted(instants)


class LifecycleMachine(RuleBasedStateMachine):
    # Set by the test before running: the template database and the cast.
    base: Path
    template: Path
    cast: dict[int, Staff]  # telegram id → staff
    policy: Rules = RULES  # the settings under test (`rules` is hypothesis's own name)

    registrations = Bundle("registrations")
    extension_requests = Bundle("extension_requests")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(dir=self.base))
        self.engine = fresh_engine(self.template, self.dir, "run.db")
        self.now = T0
        self.ops: list[Operation] = []
        self.outcomes: list[tuple[Any, ...]] = []
        self.holder: dict[int, int] = {}  # the model: registration → holder (staff id)
        self.credit: dict[int, int | None] = {}  # the model: registration → credited staff id
        self.closed: dict[int, tuple[Any, ...]] = {}  # registration → (closure, closed_at, reason)
        self.tid_of = {s.id: tid for tid, s in self.cast.items()}
        self.clean = True  # every step so far ran to the end of its checks
        self.regs: dict[int, Registration] = {}  # as read back right after the last operation
        self.open_ids: list[int] = []  # registrations not closed (holding, or open challenges)
        self.open_challenges: list[tuple[int, int]] = []  # (open challenge, the registration it challenges)

    # --- running one operation ---------------------------------------------------------------------

    def _run(self, op: Operation) -> tuple[Any, dict[int, Registration], dict[int, Registration]]:
        self.clean = False
        before, regs_before = snapshot(self.engine), self.regs
        outcome = perform(self.engine, op, self.policy)
        self.ops.append(op)
        self.outcomes.append(summary(outcome))
        after, regs_after = snapshot(self.engine), registrations(self.engine)
        self.regs = regs_after
        self._check_logs(op, outcome, before, after)
        self._check_read_back(outcome, regs_after)
        return outcome, regs_before, regs_after

    def _check_logs(self, op: Operation, outcome: Any, before: dict, after: dict) -> None:
        """Property 5: the logs only grow, by exactly the rows this operation owes them."""
        for table in ("registration_event", "filing_attempt", "action_attempt"):
            old, new = before[table], after[table]
            for row_id, row in old.items():
                assert new.get(row_id) == row, (
                    f"{table} row {row_id} changed or vanished: {row} -> {new.get(row_id)}"
                )
            added = set(new) - set(old)
            assert all(i > max(old, default=0) for i in added), f"{table}: rows inserted below existing ids"
        filings = [
            after["filing_attempt"][i]
            for i in sorted(set(after["filing_attempt"]) - set(before["filing_attempt"]))
        ]
        actions = [
            after["action_attempt"][i]
            for i in sorted(set(after["action_attempt"]) - set(before["action_attempt"]))
        ]
        events = set(after["registration_event"]) - set(before["registration_event"])
        if isinstance(op, File):
            assert len(filings) == 1, (
                f"a filing attempt must add exactly one filing_attempt row, added {len(filings)}"
            )
            row = filings[0]
            assert (row["at"], row["telegram_id"], row["phone"]) == (
                op.at,
                op.tid,
                CUSTOMERS[op.customer].phone,
            )
            if isinstance(outcome, Accepted):
                assert (row["outcome"], row["reason"], row["registration_id"]) == (
                    "accepted",
                    None,
                    outcome.registration_id,
                )
            else:
                assert (row["outcome"], row["reason"], row["registration_id"]) == (
                    "rejected",
                    outcome.reason.value,
                    None,
                )
        else:
            assert not filings, "only a filing adds filing_attempt rows"
        if isinstance(outcome, Refused):
            assert len(actions) == 1, (
                f"a refusal must add exactly one action_attempt row, added {len(actions)}"
            )
            row = actions[0]
            assert (row["at"], row["telegram_id"], row["outcome"], row["reason"]) == (
                op.at,
                op.tid,
                "refused",
                outcome.refusal.value,
            )
        else:
            assert not actions, "only a refusal adds action_attempt rows"
        if isinstance(outcome, Refused | Rejected):
            assert not events, "a refusal/rejection must add no registration event"
            assert after["registration"] == before["registration"], (
                "a refusal/rejection changed a registration"
            )
            assert after["extension_request"] == before["extension_request"], (
                "a refusal changed an extension request"
            )
        else:
            assert events, "an accepted action must leave an event in the registration's log"

    def _check_read_back(self, outcome: Any, regs_after: dict[int, Registration]) -> None:
        """Property 4: what the use case reports equals what a fresh unit of work reads back."""
        if isinstance(outcome, Done):
            stored = regs_after[outcome.registration.id]
            assert stored == outcome.registration, f"reported {outcome.registration} but stored {stored}"
            assert standing_at(stored, self.now, self.policy) == outcome.standing
        if isinstance(outcome, Accepted):
            stored = regs_after[outcome.registration_id]
            assert standing_at(stored, self.now, self.policy).deadline == outcome.deadline

    def _tid(self, actor: int | None, registration_id: int) -> int:
        """The acting telegram id: `None` stands for the registration's current holder."""
        if actor is not None:
            return actor
        holder = self.holder.get(registration_id)
        return self.tid_of[holder] if holder is not None else STRANGER

    # --- time ------------------------------------------------------------------------------------------

    @rule(delta=DELTAS)
    def advance(self, delta: timedelta) -> None:
        self.clean = False
        self.now += delta

    @rule(
        registration=registrations,
        which=st.sampled_from(["next", "due", "lapse", "expiry", "cooldown", "month"]),
        offset=st.sampled_from([timedelta(0), -SECOND, SECOND]),
    )
    def jump_to_boundary(self, registration: int, which: str, offset: timedelta) -> None:
        """Go to exactly a deadline of a registration (or the month's end), or a second either side."""
        self.clean = False
        r = self.regs[registration]
        last = max(r.filed_at, r.last_follow_up_at or r.filed_at)
        expiry = r.expires_at or (r.filed_at + self.policy.field_expiry)
        deadline = standing_at(r, self.now, self.policy).deadline
        target = {
            "next": deadline.at if deadline else None,
            "due": last + self.policy.follow_up_every,
            "lapse": last + self.policy.lapse_after,
            "expiry": expiry,
            "cooldown": expiry + timedelta(days=self.policy.refile_cooldown_days),
            "month": month_bounds(self.now, self.policy)[1],
        }[which]
        if target is not None and target + offset > self.now:
            self.now = target + offset

    # --- filing ----------------------------------------------------------------------------------------

    def _expected_filing(
        self, regs: dict[int, Registration], filer: Staff | None, customer: int, used: int
    ) -> tuple:
        """RULES §3 checks 1, 4–6 and §4's takeover and cooldown, from the history and the clock."""
        if filer is None or not filer.may_file:
            return ("rejected", Reason.NOT_STAFF)
        now, phone = self.now, CUSTOMERS[customer].phone
        mine = [r for r in regs.values() if r.phone == phone]
        # A sale on record is a won registration's deal (one awaiting or voided in review is not).
        deals = [r.deal_at for r in mine if r.deal_at is not None and r.closure is Closure.WON]
        if deals and now - max(deals) <= self.policy.resale_window:
            return ("rejected", Reason.ALREADY_SOLD)
        holders = _holders(mine, now, self.policy)
        assert len(holders) <= 1
        challenge_of = None
        if holders:
            held = holders[0]
            if held.holder_id == filer.id:
                return ("rejected", Reason.ALREADY_YOURS)
            open_challenge = any(r.is_open_challenge and r.challenge_of_id == held.id for r in mine)
            if standing_at(held, now, self.policy).state is not State.LAPSED or open_challenge:
                return ("rejected", Reason.DUPLICATE)
            challenge_of = held.id
        # The refile cooldown looks at the filer's own last registration, whoever holds the customer now.
        own = max(
            (r for r in mine if r.holder_id == filer.id), key=lambda r: (r.filed_at, r.id), default=None
        )
        if (
            own is not None
            and own.expires_at is not None
            and standing_at(own, now, self.policy).state is State.EXPIRED
            and now - own.expires_at < timedelta(days=self.policy.refile_cooldown_days)
        ):
            return ("rejected", Reason.REFILE_COOLDOWN)
        if filer.has_quota and used >= self.policy.field_monthly_quota:
            return ("rejected", Reason.QUOTA)
        return ("accepted", challenge_of)

    @rule(
        target=registrations, tid=FILER, customer=st.integers(0, len(CUSTOMERS) - 1), typed=st.integers(0, 2)
    )
    def file(self, tid: int, customer: int, typed: int) -> Any:
        new = self._file(tid, customer, typed)
        return multiple() if new is None else new

    def _file(self, tid: int, customer: int, typed: int) -> int | None:
        """One filing attempt, checked against RULES §3; the new registration's id if accepted."""
        filer = self.cast.get(tid)
        quota_filer = filer is not None and filer.has_quota
        used = quota_used(self.engine, filer.id, self.now, self.policy) if quota_filer else 0
        outcome, before, after = self._run(File(self.now, tid, customer, typed))
        expected = self._expected_filing(before, filer, customer, used)
        event(
            f"file: {summary(outcome)[0]} "
            f"{getattr(outcome, 'reason', '') or ('challenge' if summary(outcome)[2] else '')}"
        )

        if isinstance(outcome, Rejected):
            assert expected == ("rejected", outcome.reason), f"expected {expected}, got {outcome.reason}"
            if outcome.reason is Reason.QUOTA:
                # Property 3: refused for quota only when every slot of the month is used.
                assert used == self.policy.field_monthly_quota, (
                    f"quota rejection with {used} of {self.policy.field_monthly_quota} used"
                )
            return None
        assert isinstance(outcome, Accepted)
        assert expected == ("accepted", outcome.challenge_of.id if outcome.challenge_of else None), (
            f"expected {expected}, got {summary(outcome)}"
        )
        new = after[outcome.registration_id]
        assert filer is not None and new.holder_id == filer.id and new.filer_id == filer.id
        assert new.phone == CUSTOMERS[customer].phone and new.credited_to_id is None
        # The previous claim, if any, stepped aside (expired) unless this is a challenge of it; an
        # open challenge of the released claim ends with it (original_released, quota-exempt).
        claims = [r for r in before.values() if r.phone == new.phone and r.holds_claim]
        allowed = {new.id}
        ended_own = 0
        if claims and outcome.challenge_of is None:
            released = after[claims[0].id]
            assert (released.closure, released.holds_claim) == (Closure.EXPIRED, False)
            allowed.add(released.id)
            for r in before.values():
                if r.is_open_challenge and r.challenge_of_id == released.id:
                    ended = after[r.id]
                    assert (ended.closure, ended.closure_reason, ended.quota_exempt) == (
                        Closure.VOID,
                        "original_released",
                        True,
                    )
                    allowed.add(r.id)
                    start, end = month_bounds(self.now, self.policy)
                    ended_own += r.filer_id == filer.id and start <= r.filed_at < end
        if quota_filer:
            assert quota_used(self.engine, filer.id, self.now, self.policy) == used + 1 - ended_own
        assert _changed(before, after) <= allowed, (
            f"filing changed registrations {_changed(before, after) - allowed}"
        )
        self.holder[new.id] = filer.id
        self.credit[new.id] = None
        return new.id

    @rule(
        target=registrations,
        tid=st.sampled_from(SALES),
        customers=st.lists(
            st.integers(0, len(CUSTOMERS) - 1), min_size=2, max_size=len(CUSTOMERS), unique=True
        ),
    )
    def file_burst(self, tid: int, customers: list[int]) -> Any:
        """A field salesperson files several customers in a row (and runs into the quota)."""
        filed = []
        for customer in customers:
            new = self._file(tid, customer, 0)
            if new is not None:
                filed.append(new)
            self.invariants_hold()
        return multiple(*filed)

    @rule(
        target=registrations,
        registration=registrations,
        actor=st.sampled_from((None,) + FILERS),
        typed=st.integers(0, 2),
    )
    def file_again(self, registration: int, actor: int | None, typed: int) -> Any:
        """Someone (None: the holder) files the customer of an existing registration: a collision."""
        customer = PHONES[self.regs[registration].phone]
        new = self._file(self._tid(actor, registration), customer, typed)
        return multiple() if new is None else new

    # --- follow-ups --------------------------------------------------------------------------------------

    @rule(
        registration=st.one_of(registrations, st.just(MISSING_REGISTRATION)),
        actor=ACTOR,
        kind_amount=KIND_AMOUNT,
    )
    def follow_up(
        self, registration: int, actor: int | None, kind_amount: tuple[FollowUpKind, Decimal | None]
    ) -> None:
        kind, amount = kind_amount
        tid = self._tid(actor, registration)
        staff = self.cast.get(tid)
        pre = self.regs.get(registration)
        freed_filer = None
        if kind is FollowUpKind.DEAL and pre is not None and pre.channel is Channel.FIELD:
            start, end = month_bounds(self.now, self.policy)
            if start <= pre.filed_at < end:
                freed_filer = pre.filer_id
                used = quota_used(self.engine, pre.filer_id, self.now, self.policy)

        outcome, before, after = self._run(FollowUp(self.now, tid, registration, kind, amount))

        # What RULES §4 says should happen, from the history and the clock.
        if staff is None or not staff.active:
            expected: tuple = ("refused", Refusal.NOT_STAFF.value, None)
        elif pre is None:
            expected = ("refused", Refusal.NOT_FOUND.value, None)
        elif pre.holder_id != staff.id:
            expected = ("refused", Refusal.NOT_HOLDER.value, None)
        elif not (pre_standing := standing_at(pre, self.now, self.policy)).may_follow_up:
            expected = ("refused", Refusal.CLOSED.value, pre_standing.state)
        elif kind is FollowUpKind.DEAL and amount is None:
            expected = ("refused", Refusal.AMOUNT_REQUIRED.value, None)
        elif amount is not None and (kind not in CREDIT_KINDS or amount <= 0):
            expected = ("refused", Refusal.BAD_AMOUNT.value, None)
        else:
            expected = ("done", registration)
        assert summary(outcome) == expected, f"expected {expected}, got {summary(outcome)}"
        if not isinstance(outcome, Done):
            event(f"follow-up refused: {outcome.refusal.value}")
            return
        assert pre is not None and staff is not None
        pre_standing = standing_at(pre, self.now, self.policy)
        post = after[registration]
        if kind in CONTACT_KINDS:
            assert post.last_follow_up_at == self.now, "a real contact resets the clocks"
        else:
            assert post.last_follow_up_at == pre.last_follow_up_at, "a note resets no clock"
        allowed = {registration}
        if kind is FollowUpKind.MEASUREMENT and pre.measured_at is None:
            assert post.measured_at == self.now

        if kind in CREDIT_KINDS:
            event(f"follow-up: {kind.value}{' takeover' if pre.is_open_challenge else ''}")
            # Property 2: credit only to a valid holder at that instant.
            assert staff.id == pre.holder_id
            assert pre_standing.holds_customer or pre.is_open_challenge, (
                f"credit on a registration not holding: {pre_standing}"
            )
            assert post.credited_to_id == staff.id
            assert standing_at(post, self.now, self.policy).holds_customer or post.closure is Closure.WON
            self.credit[registration] = staff.id
            if pre.review is ReviewState.PENDING:
                # RULES §3: recorded, provisional; the registration stays on the review list.
                event(f"follow-up: provisional {kind.value}")
                assert (
                    post.closure is None
                    and standing_at(post, self.now, self.policy).state is State.PENDING_REVIEW
                )
            if pre.is_open_challenge:
                # The challenger's deposit/deal before the holder resumed: the original is void.
                assert pre.challenge_of_id is not None
                original_before = before[pre.challenge_of_id]
                original = after[pre.challenge_of_id]
                assert original_before.closure is None and original_before.holds_claim, (
                    "a challenge took over a registration that no longer held the customer: "
                    f"{original_before.closure} ({original_before.closure_reason}), "
                    f"holds_claim={original_before.holds_claim}"
                )
                assert (original.closure, original.closure_reason) == (Closure.VOID, "lapsed_takeover")
                assert post.holds_claim or post.closure is Closure.WON
                allowed.add(original.id)
        if pre_standing.state is State.LAPSED and not pre_standing.challenging and kind in CONTACT_KINDS:
            # The holder resumed first: the open challenges are dropped (holder_resumed).
            for r in before.values():
                if r.is_open_challenge and r.challenge_of_id == registration:
                    event("follow-up: holder resumed, challenge dropped")
                    dropped = after[r.id]
                    assert (dropped.closure, dropped.closure_reason, dropped.quota_exempt) == (
                        Closure.VOID,
                        "holder_resumed",
                        True,
                    )
                    allowed.add(r.id)
        if kind is FollowUpKind.LOST:
            assert (
                post.closure is Closure.LOST and not standing_at(post, self.now, self.policy).holds_customer
            )
            if pre.review is ReviewState.PENDING:
                self.credit[registration] = None  # a provisional credit, never approved, ends with it
        if freed_filer is not None:
            # Property 3: a deal frees its slot at once (and dropped challenges free theirs).
            dropped_own = sum(
                1
                for i in allowed - {registration}
                if after[i].closure_reason == "holder_resumed"
                and after[i].filer_id == freed_filer
                and month_bounds(self.now, self.policy)[0]
                <= after[i].filed_at
                < month_bounds(self.now, self.policy)[1]
            )
            # Decision: a deal awaiting review frees its slot only once approved.
            freed = 0 if pre.review is ReviewState.PENDING else 1
            event(f"follow-up: deal freed {freed} quota slot")
            assert quota_used(self.engine, freed_filer, self.now, self.policy) == used - freed - dropped_own
        assert _changed(before, after) <= allowed, (
            f"follow-up changed registrations {_changed(before, after) - allowed}"
        )

    @precondition(lambda self: bool(self.open_ids))
    @rule(pick=st.integers(0, 63), kind_amount=KIND_AMOUNT)
    def holder_follow_up(self, pick: int, kind_amount: tuple[FollowUpKind, Decimal | None]) -> None:
        """The holder of an open registration (or an open challenge) records a follow-up."""
        self.follow_up(self.open_ids[pick % len(self.open_ids)], None, kind_amount)

    @precondition(lambda self: bool(self.open_challenges))
    @rule(pick=st.integers(0, 63), challenger=st.booleans(), kind_amount=RACE_MOVES)
    def challenge_race(
        self, pick: int, challenger: bool, kind_amount: tuple[FollowUpKind, Decimal | None]
    ) -> None:
        """RULES §4 takeover race: the challenger's deposit/deal, or the original holder resuming."""
        challenge, original = self.open_challenges[pick % len(self.open_challenges)]
        self.follow_up(challenge if challenger else original, None, kind_amount)

    # --- extensions ----------------------------------------------------------------------------------------

    @rule(target=extension_requests, registration=registrations, actor=ACTOR, reason=REASONS)
    def request_extension(self, registration: int, actor: int | None, reason: str) -> Any:
        tid = self._tid(actor, registration)
        outcome, before, after = self._run(RequestExtension(self.now, tid, registration, reason))
        staff, pre = self.cast.get(tid), before[registration]
        if isinstance(outcome, Refused):
            event(f"extension request refused: {outcome.refusal.value}")
            if staff is not None and pre.holder_id != staff.id:
                assert outcome.refusal in (Refusal.NOT_HOLDER, Refusal.NOT_STAFF)
            return multiple()
        event("extension requested")
        assert staff is not None and staff.id == pre.holder_id, "only the holder may ask for an extension"
        assert pre.expires_at is not None and pre.closure is None, (
            "only an open field registration can be extended"
        )
        assert after == before
        return outcome.detail["request_id"]

    @rule(
        request=extension_requests,
        actor=st.sampled_from([DEPT_HEAD, DEPT_HEAD, DEPT_HEAD, SUPERVISOR]),
        approve=st.sampled_from([True, True, False]),
    )
    def decide_extension(self, request: int, actor: int, approve: bool) -> None:
        outcome, before, after = self._run(DecideExtension(self.now, actor, request, approve))
        if actor != DEPT_HEAD:
            assert outcome == Refused(Refusal.NOT_ENTITLED)
        if isinstance(outcome, Refused):
            event(f"extension decision refused: {outcome.refusal.value}")
            return
        event(f"extension {'approved' if approve else 'declined'}")
        reg_id = outcome.registration.id
        pre, post = before[reg_id], after[reg_id]
        if approve:
            assert pre.expires_at is not None
            assert pre.closure is None and pre.holds_claim, (
                "an extension revived a registration someone else has filed"
            )
            assert post.expires_at == max(pre.expires_at, self.now) + timedelta(
                days=self.policy.extension_days
            )
            assert _changed(before, after) <= {reg_id}
        else:
            assert after == before

    # --- review and arbitration ------------------------------------------------------------------------

    @rule(
        registration=registrations,
        actor=st.sampled_from([STORE_MANAGER, SUPERVISOR, DEPT_HEAD]),
        approve=st.booleans(),
        reason=st.sampled_from([None, "资料不实，疑似撞单"]),
    )
    def review(self, registration: int, actor: int, approve: bool, reason: str | None) -> None:
        outcome, before, after = self._run(Review(self.now, actor, registration, approve, reason))
        if isinstance(outcome, Refused):
            event(f"review refused: {outcome.refusal.value}")
            return
        event(f"review {'approved' if approve else 'voided'}")
        pre, post = before[registration], after[registration]
        assert pre.closure is None and (pre.needs_review or pre.review is ReviewState.PENDING)
        if approve:
            # A deal recorded while pending is won once approved; anything else stays open.
            won = pre.review is ReviewState.PENDING and pre.deal_at is not None
            assert not post.needs_review and post.closure is (Closure.WON if won else None)
            assert post.credited_to_id == pre.credited_to_id
        else:
            assert (post.closure, post.closure_reason, post.holds_claim) == (
                Closure.VOID,
                "review_rejected",
                False,
            )
            assert post.credited_to_id is None, "a rejection voids the credit with the registration"
            self.credit[registration] = None
        ended = {
            r.id
            for r in before.values()
            if r.is_open_challenge and r.challenge_of_id == registration and not approve
        }
        for i in ended:
            assert (after[i].closure, after[i].closure_reason) == (Closure.VOID, "original_released")
        assert _changed(before, after) <= {registration} | ended

    @rule(
        registration=registrations,
        actor=st.sampled_from([DEPT_HEAD, DEPT_HEAD, STORE_MANAGER]),
        decision=st.sampled_from(list(Arbitration)),
        to_tid=st.sampled_from(FILERS + (STORE_MANAGER,)),
        reason=REASONS,
    )
    def arbitrate(
        self, registration: int, actor: int, decision: Arbitration, to_tid: int, reason: str
    ) -> None:
        outcome, before, after = self._run(Arbitrate(self.now, actor, registration, decision, to_tid, reason))
        if actor != DEPT_HEAD:
            assert outcome == Refused(Refusal.NOT_ENTITLED)
        if isinstance(outcome, Refused):
            event(f"arbitration refused: {outcome.refusal.value}")
            return
        event(f"arbitration: {decision.value}")
        target = self.cast[to_tid]
        assert target.may_file and len(reason.strip()) >= 2
        pre, post = before[registration], after[registration]
        if decision is Arbitration.TRANSFER:
            assert pre.closure is None and pre.holds_claim, (
                "transferred a registration that holds no customer"
            )
            assert post.holder_id == target.id and post.team_id == target.team_id
            assert post.credited_to_id == pre.credited_to_id, (
                "a transfer moves the registration, not the credit"
            )
            self.holder[registration] = target.id
        else:
            assert pre.credited_to_id is not None and post.credited_to_id == target.id
            assert post.holder_id == pre.holder_id
            self.credit[registration] = target.id
        assert _changed(before, after) <= {registration}

    # --- after every step -----------------------------------------------------------------------------

    @invariant()
    def invariants_hold(self) -> None:
        # Property 4: a fresh unit of work reads back exactly what the last operation left.
        regs = registrations(self.engine)
        assert regs == self.regs, "a fresh unit of work reads different registrations"
        by_customer: dict[int, list[Registration]] = {}
        for r in regs.values():
            by_customer.setdefault(r.customer_id, []).append(r)
        # Property 1: at most one valid holder per customer, now and later (nothing else happening).
        for at in _instants(regs, self.now, self.policy):
            for mine in by_customer.values():
                holders = _holders(mine, at, self.policy)
                assert len(holders) <= 1, (
                    f"{len(holders)} registrations hold customer {mine[0].phone} at {at}: "
                    + "; ".join(f"#{h.id} {standing_at(h, at, self.policy)}" for h in holders)
                )
        # Property 2 (and arbitration): holders and credits are what the model says.
        for reg_id, r in regs.items():
            assert r.holder_id == self.holder[reg_id], (
                f"#{reg_id} holder {r.holder_id}, model says {self.holder[reg_id]}"
            )
            assert r.credited_to_id == self.credit[reg_id], (
                f"#{reg_id} credited to {r.credited_to_id}, model says {self.credit[reg_id]}"
            )
        # A closure is final: nothing reopens or rewrites a closed registration.
        for reg_id, r in regs.items():
            closed = (r.closure, r.closed_at, r.closure_reason)
            if reg_id in self.closed:
                assert closed == self.closed[reg_id], (
                    f"#{reg_id} closed as {self.closed[reg_id]}, now {closed}"
                )
            elif r.closure is not None:
                self.closed[reg_id] = closed
        # Property 3: the quota count is RULES §3.6's, and never above the quota.
        for tid in SALES:
            staff_id = self.cast[tid].id
            used = quota_used(self.engine, staff_id, self.now, self.policy)
            assert used == expected_quota_used(regs, staff_id, self.now, self.policy), (
                f"{tid}: quota_used {used}"
            )
            assert used <= self.policy.field_monthly_quota, (
                f"{tid}: {used} slots used of {self.policy.field_monthly_quota}"
            )
        self.open_ids = [i for i, r in regs.items() if r.closure is None]
        self.open_challenges = [
            (i, r.challenge_of_id) for i, r in regs.items() if r.is_open_challenge and r.challenge_of_id
        ]
        self.clean = True

    def teardown(self) -> None:
        try:
            if self.clean and self.ops:
                self._check_replay()
        finally:
            self.engine.dispose()
            shutil.rmtree(self.dir, ignore_errors=True)

    def _check_replay(self) -> None:
        """Property 4: the same operations in a second fresh database give the same history."""
        engine = fresh_engine(self.template, self.dir, "replay.db")
        try:
            outcomes = [summary(perform(engine, op, self.policy)) for op in self.ops]
            assert outcomes == self.outcomes, "replay gave different outcomes"
            first, second = registrations(self.engine), registrations(engine)
            assert first.keys() == second.keys()
            instants = sorted({op.at for op in self.ops} | set(_instants(first, self.now, self.policy)))
            for at in instants:
                for reg_id in first:
                    a, b = (
                        standing_at(first[reg_id], at, self.policy),
                        standing_at(second[reg_id], at, self.policy),
                    )
                    assert a == b, f"#{reg_id} at {at}: {a} vs replayed {b}"
            assert first == second, "replay stored different registrations"
            assert snapshot(engine) == snapshot(self.engine), "replay stored different rows"
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, dict[int, Staff]]]:
    base = tmp_path_factory.mktemp("lifecycle_properties")
    path, _ids = build_template(base)
    engine = fresh_engine(path, base, "cast.db")
    with SqlUnitOfWork(engine) as uow:
        cast = {s.telegram_id: s for s in uow.roster.all_staff()}
    engine.dispose()
    yield base, path, cast


def test_lifecycle_properties(template: tuple[Path, Path, dict[int, Staff]]) -> None:
    base, path, cast = template
    assert {s.telegram_id for s in cast.values() if s.has(Role.SALESPERSON)} == set(SALES)
    LifecycleMachine.base, LifecycleMachine.template, LifecycleMachine.cast = base, path, cast
    run_state_machine_as_test(LifecycleMachine, settings=PROFILE)


class ReviewedLifecycleMachine(LifecycleMachine):
    """The same histories with manager review on (RULES §3): every filing starts pending review."""

    policy = Rules(field_monthly_quota=3, review_required=True)


def test_lifecycle_properties_with_review(template: tuple[Path, Path, dict[int, Staff]]) -> None:
    """Issue 10 item 14: with review on, deposits and deals are provisional until approved."""
    base, path, cast = template
    ReviewedLifecycleMachine.base, ReviewedLifecycleMachine.template, ReviewedLifecycleMachine.cast = (
        base,
        path,
        cast,
    )
    run_state_machine_as_test(ReviewedLifecycleMachine, settings=REVIEW_PROFILE)


# --- regressions: minimal histories the machine found ------------------------------------------------
# An open lapse-takeover challenge used to outlive the registration it challenged (released after
# expiry, or voided in review): the challenger's later deposit then "took over" a customer someone
# else held (IntegrityError on uq_registration_claim) or re-closed the released registration.

DAY = timedelta(days=1)


def _engine(template: tuple[Path, Path, dict[int, Staff]], tmp_path: Path) -> Any:
    _base, path, _cast = template
    return fresh_engine(path, tmp_path, "repro.db")


@pytest.mark.parametrize(
    "released_by", ["colleague_files_after_expiry", "challenger_files_after_expiry", "review_void"]
)
def test_a_challenge_cannot_take_over_a_customer_someone_else_now_holds(
    template: tuple[Path, Path, dict[int, Staff]], tmp_path: Path, released_by: str
) -> None:
    engine = _engine(template, tmp_path)
    try:
        if released_by == "review_void":
            # 201 files customer 1 while 101 holds customer 0 (same name and address): a possible duplicate.
            history: list[Operation] = [File(T0, 101, 0), File(T0, 201, 1), File(T0 + 10 * DAY, 202, 1)]
            original, challenge, customer = 2, 3, 1
            history += [
                Review(T0 + 11 * DAY, DEPT_HEAD, original, False, "疑似撞单，作废"),
                File(T0 + 11 * DAY, 102, 1),
            ]
        else:
            history = [File(T0, 201, 2), File(T0 + 10 * DAY, 202, 2)]  # 李强's claim lapsed: 赵磊 challenges
            original, challenge, customer = 1, 2, 2
            # Day 15: 李强's claim expired; someone files the customer and holds it from now on.
            history.append(
                File(T0 + 15 * DAY, 101 if released_by == "colleague_files_after_expiry" else 202, 2)
            )
        outcomes = [summary(perform(engine, op)) for op in history]
        assert ("accepted", challenge, original) in outcomes and outcomes[-1][0] == "accepted"
        new_holder = outcomes[-1][1]

        # The challenger records a deposit on the challenge: the customer is someone else's now.
        deposit = perform(
            engine, FollowUp(T0 + 16 * DAY, 202, challenge, FollowUpKind.DEPOSIT, Decimal("2000"))
        )

        assert isinstance(deposit, Refused), deposit
        regs = [r for r in registrations(engine).values() if r.phone == CUSTOMERS[customer].phone]
        assert [r.id for r in _holders(regs, T0 + 16 * DAY)] == [new_holder]
    finally:
        engine.dispose()


def test_a_late_takeover_does_not_rewrite_a_closed_registration(
    template: tuple[Path, Path, dict[int, Staff]], tmp_path: Path
) -> None:
    engine = _engine(template, tmp_path)
    try:
        perform(engine, File(T0, 201, 2))  # 李强, field: #1
        perform(engine, File(T0 + 10 * DAY, 202, 2))  # 赵磊 challenges the lapsed #1: #2
        perform(engine, File(T0 + 15 * DAY, 101, 2))  # #1 expired; 王芳 files: #1 released, #3
        perform(engine, FollowUp(T0 + 15 * DAY, 101, 3, FollowUpKind.LOST))  # 王芳 loses the customer
        released = registrations(engine)[1]
        assert (released.closure, released.closed_at) == (Closure.EXPIRED, T0 + 15 * DAY)

        perform(engine, FollowUp(T0 + 16 * DAY, 202, 2, FollowUpKind.DEPOSIT, Decimal("2000")))

        after = registrations(engine)[1]
        assert (after.closure, after.closed_at, after.closure_reason) == (
            released.closure,
            released.closed_at,
            released.closure_reason,
        ), "an expired, released registration was re-closed as taken over"
    finally:
        engine.dispose()
