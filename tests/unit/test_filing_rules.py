"""RULES §3: the filing checks in their order, on facts alone (no database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.customer_details import Invalid, Problem
from domain.filing import (
    Admission,
    CustomerDetails,
    FilingRequest,
    Reason,
    Rejected,
    check_details,
    check_obtained_at,
    decide,
    is_possible_duplicate,
    month_bounds,
)
from domain.matching import search_keys, stored_keys
from domain.model import Channel, Closure, FilingFacts, Registration, Role, SimilarCustomer, Staff
from domain.rules import Rules

RULES = Rules()
NOW = datetime(2026, 11, 10, 6, 0, tzinfo=UTC)
GUIDE = Staff(1, 101, "王芳", frozenset({Role.GUIDE}), 1, "北京", True, Channel.STORE)
SALES = Staff(2, 201, "李强", frozenset({Role.SALESPERSON}), 2, "北京", True, Channel.FIELD)
DETAILS = CustomerDetails("张三", "+8613800138000", "北京市朝阳区建国路88号", None)


def claim(holder: Staff, filed_at: datetime, channel: Channel = Channel.STORE) -> Registration:
    return Registration(
        1, 1, DETAILS.phone, "张三", DETAILS.address, holder.id, holder.name, 1, channel, filed_at
    )


def test_all_three_details_are_required_and_each_problem_is_named() -> None:
    problems = check_details(FilingRequest(101, "", "123", "北京"), RULES)
    assert isinstance(problems, tuple)
    assert {p.problem for p in problems} == {
        Problem.NAME_EMPTY,
        Problem.PHONE_TOO_SHORT,
        Problem.ADDRESS_TOO_SHORT,
    }


def test_filing_window_boundary_is_exactly_24_hours() -> None:
    assert check_obtained_at(NOW - timedelta(hours=24), NOW, RULES) is None
    assert check_obtained_at(NOW - timedelta(hours=24, microseconds=1), NOW, RULES) is Reason.LATE
    assert check_obtained_at(NOW + timedelta(minutes=4), NOW, RULES) is None  # a phone clock slightly ahead
    assert check_obtained_at(NOW + timedelta(hours=1), NOW, RULES) == Invalid(Problem.OBTAINED_IN_FUTURE)
    assert check_obtained_at(NOW - timedelta(hours=47), NOW, Rules(filing_window_hours=48)) is None


def test_already_sold_comes_before_duplicate() -> None:
    facts = FilingFacts(claim=claim(SALES, NOW), last_deal_at=NOW - timedelta(days=30))
    assert decide(GUIDE, DETAILS, facts, NOW, RULES) == Rejected(
        Reason.ALREADY_SOLD, deal_at=facts.last_deal_at
    )


def test_already_sold_names_whose_after_sale_customer_it_is() -> None:
    """RULES §7: a colleague is told the holder and the deal; the holder is pointed to their own
    won registration (a repeat purchase is opened from it); a holder who left is said to have."""
    deal = NOW - timedelta(days=364)
    won = replace(claim(SALES, deal - timedelta(days=3)), id=7, closure=Closure.WON, deal_at=deal)
    facts = FilingFacts(last_deal_at=deal, last_won=won)
    assert decide(GUIDE, DETAILS, facts, NOW, RULES) == Rejected(
        Reason.ALREADY_SOLD, holder_name="李强", deal_at=deal
    )
    assert decide(SALES, DETAILS, facts, NOW, RULES) == Rejected(
        Reason.ALREADY_SOLD, holder_name="李强", deal_at=deal, registration_id=7
    )
    left = replace(facts, last_won_holder_active=False)
    verdict = decide(GUIDE, DETAILS, left, NOW, RULES)
    assert isinstance(verdict, Rejected) and verdict.holder_left and verdict.registration_id is None


def test_a_deal_older_than_the_resale_window_does_not_block() -> None:
    facts = FilingFacts(last_deal_at=NOW - timedelta(days=365, seconds=1))
    assert decide(GUIDE, DETAILS, facts, NOW, RULES) == Admission()


def test_duplicate_names_the_holder_and_since_when_only() -> None:
    since = NOW - timedelta(days=2)
    verdict = decide(GUIDE, DETAILS, FilingFacts(claim=claim(SALES, since, Channel.FIELD)), NOW, RULES)
    assert verdict == Rejected(Reason.DUPLICATE, holder_name="李强", held_since=since)


def test_own_claim_is_already_yours_with_the_next_deadline() -> None:
    verdict = decide(GUIDE, DETAILS, FilingFacts(claim=claim(GUIDE, NOW - timedelta(days=1))), NOW, RULES)
    assert isinstance(verdict, Rejected) and verdict.reason is Reason.ALREADY_YOURS
    assert verdict.deadline is not None and verdict.deadline.at == NOW + timedelta(days=2)


def test_expired_claim_does_not_protect() -> None:
    old = claim(SALES, NOW - timedelta(days=15), Channel.FIELD)
    assert decide(GUIDE, DETAILS, FilingFacts(claim=old), NOW, RULES) == Admission()


def test_duplicate_comes_before_quota() -> None:
    facts = FilingFacts(claim=claim(GUIDE, NOW), quota_used=20)
    assert decide(SALES, DETAILS, facts, NOW, RULES).reason is Reason.DUPLICATE  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("used", "limit", "rejected"), [(19, 20, False), (20, 20, True), (0, 0, True), (5, 6, False)]
)
def test_quota_for_field_salespeople(used: int, limit: int, rejected: bool) -> None:
    verdict = decide(SALES, DETAILS, FilingFacts(quota_used=used), NOW, Rules(field_monthly_quota=limit))
    assert isinstance(verdict, Rejected) is rejected
    if rejected:
        assert verdict == Rejected(Reason.QUOTA, quota_used=used, quota_limit=limit)


def test_store_guides_have_no_quota() -> None:
    assert decide(GUIDE, DETAILS, FilingFacts(quota_used=1000), NOW, RULES) == Admission()


@pytest.mark.parametrize(
    ("name", "address", "similar"),
    [
        ("张三", "北京市朝阳区建国路88号", True),
        ("张三", "朝阳区建国路88号", True),  # the same place, written shorter
        ("张 三", "北京市朝阳区建国路88号 ", True),
        ("Zhang San", "88 Jianguo Road, Chaoyang District, Beijing", True),  # pinyin and English
        ("张三", "北京市海淀区中关村大街1号", False),
        ("李四", "北京市朝阳区建国路88号", False),  # another person at a road number: no flat to share
    ],
)
def test_possible_duplicate_is_one_person_at_one_place(name: str, address: str, similar: bool) -> None:
    candidate = SimilarCustomer(9, 2, 2, name, address)
    assert is_possible_duplicate(DETAILS, candidate) is similar


def test_the_same_flat_is_a_possible_duplicate_whoever_lives_there() -> None:
    flat = CustomerDetails("张三", "+8613800138000", "北京市朝阳区建国路88号3栋2单元1201", None)
    assert is_possible_duplicate(flat, SimilarCustomer(9, 2, 2, "李梅", "朝阳区建国路88号3-2-1201"))
    assert not is_possible_duplicate(flat, SimilarCustomer(9, 2, 2, "李梅", "朝阳区建国路88号3-2-1202"))


def test_the_keys_meet_for_a_household_and_for_one_person_written_twice() -> None:
    def meet(new: tuple[str, str], on_file: tuple[str, str]) -> bool:
        return bool(set(search_keys(*new)) & set(stored_keys(*on_file)))

    assert meet(("李梅", "朝阳区建国路88号3栋1201"), ("张三", "北京市朝阳区建国路88号3-1201"))
    assert meet(("王先生", "阳光花园"), ("王建国", "阳光花园8栋1102"))
    assert not meet(("王建国", "阳光花园8栋1102"), ("李梅", "阳光花园8栋1103"))


def test_similar_candidates_are_returned_for_review() -> None:
    candidates = [
        SimilarCustomer(9, 2, 2, "张三", "朝阳区建国路88号"),
        SimilarCustomer(8, 2, 2, "王五", "海淀区1号院2号楼"),
    ]
    assert decide(GUIDE, DETAILS, FilingFacts(similar=candidates), NOW, RULES) == Admission((candidates[0],))


def test_month_bounds_are_the_local_calendar_month() -> None:
    # 30 Nov 16:00 UTC is 1 Dec 00:00 in Shanghai.
    start, end = month_bounds(datetime(2026, 11, 30, 16, 0, tzinfo=UTC), RULES)
    assert (start.astimezone(UTC), end.astimezone(UTC)) == (
        datetime(2026, 11, 30, 16, 0, tzinfo=UTC),
        datetime(2026, 12, 31, 16, 0, tzinfo=UTC),
    )
    start, end = month_bounds(datetime(2026, 12, 31, 15, 59, tzinfo=UTC), RULES)
    assert end.astimezone(UTC) == datetime(2026, 12, 31, 16, 0, tzinfo=UTC)
    start, _ = month_bounds(datetime(2026, 2, 15, tzinfo=UTC), replace(RULES, timezone="UTC"))
    assert start == datetime(2026, 2, 1, tzinfo=start.tzinfo)


# --- issue 10 item 16: the refile cooldown looks at the filer's own last registration ----------------

COLLEAGUE = Staff(3, 202, "赵磊", frozenset({Role.SALESPERSON}), 3, "北京", True, Channel.FIELD)


def own_expired(holder: Staff, expired_ago: timedelta) -> Registration:
    """The filer's field registration that expired `expired_ago`, released when a colleague filed."""
    expires_at = NOW - expired_ago
    return replace(
        claim(holder, expires_at - RULES.field_expiry, Channel.FIELD),
        id=7,
        expires_at=expires_at,
        closure=Closure.EXPIRED,
        closed_at=expires_at,
        holds_claim=False,
    )


@pytest.mark.parametrize(
    "now_held_by",
    ["nobody", "a colleague whose claim expired too", "a colleague whose claim lapsed"],
)
def test_refile_cooldown_whoever_holds_the_customer_now(now_held_by: str) -> None:
    rules = replace(RULES, refile_cooldown_days=30)  # long enough for a colleague's claim to end meanwhile
    mine = own_expired(SALES, timedelta(days=20))
    current = {
        "nobody": None,
        "a colleague whose claim expired too": claim(COLLEAGUE, NOW - timedelta(days=16), Channel.FIELD),
        "a colleague whose claim lapsed": claim(GUIDE, NOW - timedelta(days=11)),
    }[now_held_by]
    facts = FilingFacts(claim=current, own_last=mine)
    assert decide(SALES, DETAILS, facts, NOW, rules) == Rejected(
        Reason.REFILE_COOLDOWN, registration_id=mine.id, expired_at=mine.expires_at
    )
    # Someone who never held the customer may file at once (or challenge the lapsed claim).
    never_held = GUIDE if now_held_by != "a colleague whose claim lapsed" else COLLEAGUE
    challenge_of = current if now_held_by == "a colleague whose claim lapsed" else None
    assert decide(never_held, DETAILS, FilingFacts(claim=current), NOW, rules) == Admission(
        challenge_of=challenge_of
    )


def test_refile_cooldown_ends_after_its_days_and_ignores_other_endings() -> None:
    mine = own_expired(SALES, timedelta(days=7))
    assert decide(SALES, DETAILS, FilingFacts(own_last=mine), NOW, RULES) == Admission()
    just = own_expired(SALES, timedelta(days=7) - timedelta(seconds=1))
    assert decide(SALES, DETAILS, FilingFacts(own_last=just), NOW, RULES).reason is Reason.REFILE_COOLDOWN  # type: ignore[union-attr]
    # Lost or voided (not expired): no cooldown.
    lost = replace(just, closure=Closure.LOST)
    assert decide(SALES, DETAILS, FilingFacts(own_last=lost), NOW, RULES) == Admission()


def test_a_colleague_holding_the_customer_is_named_even_within_the_cooldown() -> None:
    held = claim(COLLEAGUE, NOW - timedelta(days=1), Channel.FIELD)
    facts = FilingFacts(claim=held, own_last=own_expired(SALES, timedelta(days=2)))
    verdict = decide(SALES, DETAILS, facts, NOW, RULES)
    assert (
        isinstance(verdict, Rejected) and verdict.reason is Reason.DUPLICATE and verdict.holder_name == "赵磊"
    )


def test_the_refile_cooldown_offers_an_extension_only_while_one_is_possible() -> None:
    released = own_expired(SALES, timedelta(days=2))  # a colleague filed the customer since
    unreleased = replace(released, closure=None, closed_at=None, holds_claim=True)
    assert decide(SALES, DETAILS, FilingFacts(own_last=unreleased), NOW, RULES).may_extend  # type: ignore[union-attr]
    verdict = decide(SALES, DETAILS, FilingFacts(own_last=released), NOW, RULES)
    assert (
        isinstance(verdict, Rejected) and verdict.reason is Reason.REFILE_COOLDOWN and not verdict.may_extend
    )
    from bot.chat.render import verdict as render_verdict

    assert "/extend" not in render_verdict("zh", verdict, RULES)
    assert "/extend" in render_verdict("zh", replace(verdict, may_extend=True), RULES)
