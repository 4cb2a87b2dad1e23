"""Filing a registration (报备): the checks of RULES §3, in their order, and the use case."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from domain.customer_details import (
    Invalid,
    Problem,
    check_address,
    check_name,
    check_needs,
    normalize_phone,
)
from domain.lifecycle import Deadline, initial_expiry, standing_at
from domain.matching import Customer, Match, classify, search_keys, stored_keys
from domain.model import (
    BrokenInvariant,
    Closure,
    EventKind,
    ExpectedPurchase,
    FilingFacts,
    Notice,
    NoticeKind,
    Registration,
    ReviewState,
    SimilarCustomer,
    Staff,
    State,
    present,
)
from domain.notices import record_notices
from domain.ports import UnitOfWork, UnitOfWorkFactory
from domain.registrations import void_open_challenges
from domain.rules import Rules

# A filer's clock may run a little ahead of ours; beyond this "obtained at" is a typo.
_CLOCK_SLACK = timedelta(minutes=5)


class Reason(StrEnum):
    NOT_STAFF = "not_staff"
    INCOMPLETE = "incomplete"
    LATE = "late"
    ALREADY_SOLD = "already_sold"
    DUPLICATE = "duplicate"
    ALREADY_YOURS = "already_yours"
    QUOTA = "quota"
    REFILE_COOLDOWN = "refile_cooldown"


@dataclass(frozen=True)
class FilingRequest:
    filer_telegram_id: int
    customer_name: str
    phone: str
    address: str
    needs: str | None = None
    expected_purchase: ExpectedPurchase | None = None
    obtained_at: datetime | None = None  # None: just now
    source: str = "chat"  # chat | cli: where the attempt came from, for the evidence log


@dataclass(frozen=True)
class CustomerDetails:
    name: str
    phone: str  # E.164
    address: str
    needs: str | None


@dataclass(frozen=True)
class Accepted:
    registration_id: int
    filed_at: datetime
    deadline: Deadline | None
    needs_review: bool = False
    similar: tuple[SimilarCustomer, ...] = ()
    details: CustomerDetails | None = None
    challenge_of: Registration | None = None  # a lapse-takeover challenge of this registration
    pending_review: bool = False
    notices: tuple[Notice, ...] = ()  # recorded in the outbox with the filing
    similar_holder_name: str | None = None  # who holds the possible duplicate


@dataclass(frozen=True)
class Rejected:
    reason: Reason
    problems: tuple[Invalid, ...] = ()
    holder_name: str | None = None
    held_since: datetime | None = None
    registration_id: int | None = None  # already_yours: the filer's own registration
    deadline: Deadline | None = None  # already_yours: what the filer owes next
    quota_used: int = 0
    quota_limit: int = 0
    obtained_at: datetime | None = None
    expired_at: datetime | None = None  # refile_cooldown: when the filer's own claim expired
    may_extend: bool = False  # refile_cooldown: the filer's expired claim can still be extended
    deal_at: datetime | None = None  # already_sold: the deal; holder_name: whose after-sale customer
    holder_left: bool = False  # already_sold: that holder is no longer active (their manager decides)


FilingOutcome = Accepted | Rejected


def check_details(request: FilingRequest, rules: Rules) -> CustomerDetails | tuple[Invalid, ...]:
    """RULES §3.2: name, phone and a detailed address are all required."""
    name = check_name(request.customer_name, rules)
    phone = normalize_phone(request.phone, rules, address=request.address)
    address = check_address(request.address, rules)
    needs = check_needs(request.needs, rules)
    problems = tuple(v for v in (name, phone, address, needs) if isinstance(v, Invalid))
    if problems:
        return problems
    if not (isinstance(name, str) and isinstance(phone, str) and isinstance(address, str)):
        raise BrokenInvariant("a checked detail is invalid without a problem reported")
    if isinstance(needs, Invalid):
        raise BrokenInvariant("the needs are invalid without a problem reported")
    return CustomerDetails(name, phone, address, needs)


def check_obtained_at(obtained_at: datetime, now: datetime, rules: Rules) -> Reason | Invalid | None:
    """RULES §3.3: file within 24 hours of getting the customer's information."""
    if obtained_at > now + _CLOCK_SLACK:
        return Invalid(Problem.OBTAINED_IN_FUTURE)
    if now - obtained_at > rules.filing_window:
        return Reason.LATE
    return None


def month_bounds(now: datetime, rules: Rules) -> tuple[datetime, datetime]:
    """The local calendar month containing `now`, as UTC instants [start, end)."""
    local = now.astimezone(rules.zone)
    start = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = (start + timedelta(days=32)).replace(day=1)
    return start, end


def is_possible_duplicate(details: CustomerDetails, candidate: SimilarCustomer) -> bool:
    """RULES §3.7: the same flat, or the same person at the same place. The candidate is another
    customer (another phone) by how it was found, so its phone is not needed here."""
    new = Customer(details.name, details.phone, details.address)
    return classify(new, Customer(candidate.customer_name, "", candidate.address)) is Match.POSSIBLE


@dataclass(frozen=True)
class Admission:
    """A filing the checks let through: maybe a possible duplicate, maybe a lapse-takeover challenge."""

    similar: tuple[SimilarCustomer, ...] = ()
    challenge_of: Registration | None = None


def decide(
    filer: Staff, details: CustomerDetails, facts: FilingFacts, now: datetime, rules: Rules
) -> Rejected | Admission:
    """Checks 4–7 on what the database knows."""
    if facts.last_deal_at is not None and now - facts.last_deal_at <= rules.resale_window:
        # RULES §7: the holder's after-sale customer; a repeat purchase is opened from the won
        # registration (domain.resale), by its holder, and others are told whose customer it is.
        won = facts.last_won
        if won is None:
            return Rejected(Reason.ALREADY_SOLD, deal_at=facts.last_deal_at)
        return Rejected(
            Reason.ALREADY_SOLD,
            holder_name=won.holder_name,
            deal_at=facts.last_deal_at,
            registration_id=won.id if won.holder_id == filer.id else None,
            holder_left=not facts.last_won_holder_active,
        )
    challenge_of = None
    if facts.claim is not None:
        claim, standing = facts.claim, standing_at(facts.claim, now, rules)
        if standing.holds_customer and claim.holder_id == filer.id:
            return Rejected(
                Reason.ALREADY_YOURS,
                registration_id=claim.id,
                held_since=claim.filed_at,
                deadline=standing.deadline,
            )
        if standing.holds_customer:
            # RULES §4: a lapsed claim may be challenged by one colleague; otherwise first come wins.
            if standing.state is not State.LAPSED or facts.has_open_challenge:
                return Rejected(Reason.DUPLICATE, holder_name=claim.holder_name, held_since=claim.filed_at)
            challenge_of = claim
    # Re-filing one's own expired customer at once would make expiry meaningless, whoever holds
    # the customer now (RULES §4); someone holding it validly is named above instead, as the
    # extension this rejection offers is no longer possible then.
    own = facts.own_last
    if own is not None and own.expires_at is not None and standing_at(own, now, rules).state is State.EXPIRED:
        if now - own.expires_at < timedelta(days=rules.refile_cooldown_days):
            # Released (a colleague filed the customer since): no extension can bring it back.
            return Rejected(
                Reason.REFILE_COOLDOWN,
                registration_id=own.id,
                expired_at=own.expires_at,
                may_extend=own.closure is None,
            )
    if filer.has_quota and facts.quota_used >= rules.field_monthly_quota:
        return Rejected(Reason.QUOTA, quota_used=facts.quota_used, quota_limit=rules.field_monthly_quota)
    similar = tuple(c for c in facts.similar if is_possible_duplicate(details, c))
    return Admission(similar, challenge_of)


def file_registration(
    unit_of_work: UnitOfWorkFactory, request: FilingRequest, now: datetime, rules: Rules
) -> FilingOutcome:
    """File one registration: every attempt is logged, accepted or not, in the same transaction."""
    with unit_of_work() as uow:
        filer = uow.roster.staff_by_telegram_id(request.filer_telegram_id)
        outcome = _file(uow, filer, request, now, rules)
        accepted = isinstance(outcome, Accepted)
        uow.attempts.log_attempt(
            at=now,
            telegram_id=request.filer_telegram_id,
            staff_id=filer.id if filer else None,
            phone=_phone_for_log(request, rules),
            customer_name=request.customer_name[: rules.max_name_chars * 2],
            outcome="accepted" if accepted else "rejected",
            reason=outcome.reason.value if isinstance(outcome, Rejected) else None,
            registration_id=outcome.registration_id if isinstance(outcome, Accepted) else None,
            source=request.source,
        )
        uow.commit()
    return outcome


def check_phone(
    reader: UnitOfWorkFactory,
    writer: UnitOfWorkFactory,
    filer: Staff,
    customer_name: str,
    phone: str,
    now: datetime,
    rules: Rules,
) -> Rejected | None:
    """RULES §3.5 Decision: the phone's verdict as soon as it is given, so a filer does not type
    four more answers to learn the customer is taken. A refusal here is the filing attempt's
    outcome and is logged as one; a pass promises nothing (the check at confirmation counts)."""
    if not filer.may_file:
        return None  # the confirmation refuses it, with the roster's word at that moment
    with reader() as uow:
        customer_id = uow.registrations.customer_id(phone)
        quota_used = 0
        if filer.has_quota:
            quota_used = uow.registrations.quota_used(filer.id, *month_bounds(now, rules))
        if customer_id is None and quota_used < rules.field_monthly_quota:
            return None
        details = CustomerDetails(customer_name, phone, address="", needs=None)
        verdict = decide(filer, details, _facts(uow, filer, customer_id, quota_used), now, rules)
    if not isinstance(verdict, Rejected):
        return None
    with writer() as uow:
        uow.attempts.log_attempt(
            at=now,
            telegram_id=filer.telegram_id,
            staff_id=filer.id,
            phone=phone,
            customer_name=customer_name[: rules.max_name_chars * 2],
            outcome="rejected",
            reason=verdict.reason.value,
            registration_id=None,
            source="chat",
        )
        uow.commit()
    return verdict


def _facts(uow: UnitOfWork, filer: Staff, customer_id: int | None, quota_used: int) -> FilingFacts:
    """What the database knows about this customer and filer, for the phone's checks."""
    if customer_id is None:
        return FilingFacts(
            claim=None, own_last=None, has_open_challenge=False, last_deal_at=None, quota_used=quota_used
        )
    claim = uow.registrations.claim_for(customer_id)
    won = uow.registrations.last_won(customer_id)
    holder = uow.roster.staff_by_id(won.holder_id) if won is not None else None
    return FilingFacts(
        claim=claim,
        own_last=uow.registrations.last_registration_held_by(filer.id, customer_id),
        has_open_challenge=bool(claim and uow.registrations.open_challenges_of(claim.id)),
        last_deal_at=won.deal_at if won is not None else None,
        last_won=won,
        last_won_holder_active=holder is not None and holder.active,
        quota_used=quota_used,
    )


def _file(
    uow: UnitOfWork, filer: Staff | None, request: FilingRequest, now: datetime, rules: Rules
) -> FilingOutcome:
    if filer is None or not filer.may_file:
        return Rejected(Reason.NOT_STAFF)
    details = check_details(request, rules)
    if isinstance(details, tuple):
        return Rejected(Reason.INCOMPLETE, problems=details)
    obtained_at = request.obtained_at or now
    timing = check_obtained_at(obtained_at, now, rules)
    if isinstance(timing, Invalid):
        return Rejected(Reason.INCOMPLETE, problems=(timing,))
    if timing is Reason.LATE:
        return Rejected(Reason.LATE, obtained_at=obtained_at)

    customer_id = uow.registrations.lock_customer(details.phone, now)
    uow.roster.lock_staff(filer.id)
    quota_used = uow.registrations.quota_used(filer.id, *month_bounds(now, rules)) if filer.has_quota else 0
    similar = uow.registrations.similar_open(customer_id, search_keys(details.name, details.address))
    facts = replace(_facts(uow, filer, customer_id, quota_used), similar=similar)
    claim = facts.claim
    verdict = decide(filer, details, facts, now, rules)
    if isinstance(verdict, Rejected):
        return verdict
    challenge_of = verdict.challenge_of
    if claim is not None and challenge_of is None:
        # The old claim no longer protects the customer (it expired): it steps aside for good.
        uow.registrations.release_claim(claim.id, Closure.EXPIRED, now)
        uow.registrations.add_event(claim.id, now, filer.id, EventKind.RELEASED, reason="expired")
        void_open_challenges(uow, claim, filer.id, now)
    if filer.channel is None:
        raise BrokenInvariant(f"staff {filer.id} files without a team channel")
    registration_id = uow.registrations.add_registration(
        customer_id=customer_id,
        filer=filer,
        customer_name=details.name,
        address=details.address,
        needs=details.needs,
        expected_purchase=request.expected_purchase,
        obtained_at=obtained_at,
        filed_at=now,
        needs_review=bool(verdict.similar),
        similar_to_id=verdict.similar[0].registration_id if verdict.similar else None,
        expires_at=initial_expiry(filer.channel, now, rules),
        review=ReviewState.PENDING if rules.review_required else None,
        challenge_of_id=challenge_of.id if challenge_of else None,
        keys=stored_keys(details.name, details.address),
    )
    uow.registrations.add_event(registration_id, now, filer.id, EventKind.FILED)
    if challenge_of is not None:
        uow.registrations.add_event(
            challenge_of.id, now, filer.id, EventKind.CHALLENGED, other_staff_id=filer.id
        )
    registration = present(uow.registrations.registration(registration_id), f"registration {registration_id}")
    notices: list[Notice] = []
    if challenge_of is not None:
        holder = uow.roster.staff_by_id(challenge_of.holder_id)
        if holder is not None:
            notices.append(Notice(holder, NoticeKind.CHALLENGED, challenge_of, filer))
    if registration.review is ReviewState.PENDING:
        notices += [
            Notice(m, NoticeKind.REVIEW_REQUESTED, registration, filer)
            for m in uow.roster.team_managers({registration.team_id})
        ]
    similar_holder = None
    if verdict.similar:
        duplicates = _possible_duplicate_notices(uow, filer, registration, verdict.similar[0])
        similar_holder = duplicates[0].detail["holder"] if duplicates else None
        notices += duplicates
    record_notices(uow, notices, now)
    return Accepted(
        registration_id=registration_id,
        filed_at=now,
        deadline=standing_at(registration, now, rules).deadline,
        needs_review=bool(verdict.similar),
        similar=verdict.similar,
        details=details,
        challenge_of=challenge_of,
        pending_review=registration.review is ReviewState.PENDING,
        notices=tuple(notices),
        similar_holder_name=similar_holder,
    )


def _phone_for_log(request: FilingRequest, rules: Rules) -> str:
    """The attempt log keeps the normalized phone when there is one, else what was typed."""
    phone = normalize_phone(request.phone, rules, address=request.address)
    return phone if isinstance(phone, str) else request.phone.strip()[:40]


def _possible_duplicate_notices(
    uow: UnitOfWork, filer: Staff, registration: Registration, similar: SimilarCustomer
) -> list[Notice]:
    """RULES §3.7: the holder's manager and the filer's manager are told; each sees their own
    team's customer in full and the other team's masked (RULES §2)."""
    holder = uow.roster.staff_by_id(similar.holder_id)
    held = uow.registrations.registration(similar.registration_id)
    filer_team = uow.roster.team_by_id(registration.team_id)
    holder_team = uow.roster.team_by_id(similar.team_id)
    if holder is None or held is None or filer_team is None or holder_team is None:
        raise LookupError("a possible duplicate's holder, registration or team is not on the roster")
    detail = {
        "filer": filer.name,
        "filer_team": filer_team.name,
        "holder": holder.name,
        "holder_team": holder_team.name,
        "other_name": similar.customer_name,
        "other_phone": held.phone,
    }
    return [
        Notice(
            m,
            NoticeKind.POSSIBLE_DUPLICATE,
            registration,
            filer,
            detail | {"sees_filed": m.team_id == filer_team.id, "sees_held": m.team_id == holder_team.id},
        )
        for m in uow.roster.team_managers({filer_team.id, holder_team.id})
    ]
