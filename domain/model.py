"""The business's nouns: teams, staff, registrations, filing attempts."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, TypeVar

_T = TypeVar("_T")


class Channel(StrEnum):
    STORE = "store"  # 商场: store guides, no quota, no expiry
    FIELD = "field"  # 业务部: field salespeople, monthly quota, 15-day expiry


class Role(StrEnum):
    GUIDE = "guide"
    SALESPERSON = "salesperson"
    STORE_MANAGER = "store_manager"
    SUPERVISOR = "supervisor"
    # 客服 / 销售助理: records after-sale care on the team's won customers; never holds one, never credited.
    SERVICE = "service"
    OPS_MANAGER = "ops_manager"
    MARKETING_MANAGER = "marketing_manager"
    DEPT_HEAD = "dept_head"
    ADMIN = "admin"


FILING_ROLES = frozenset({Role.GUIDE, Role.SALESPERSON})
TEAM_MANAGER_ROLES = frozenset({Role.STORE_MANAGER, Role.SUPERVISOR})
# Roles whose scope is every team (RULES §2: "ops manager and dept head see all teams"): they see
# every team's customers in full, decide on any team's registrations, and bind any team's group.
ALL_TEAMS_ROLES = frozenset({Role.DEPT_HEAD, Role.OPS_MANAGER})


class ExpectedPurchase(StrEnum):
    """预计采购时间, offered as buttons."""

    WITHIN_WEEK = "week"
    WITHIN_MONTH = "month"
    WITHIN_QUARTER = "quarter"
    LATER = "later"
    UNKNOWN = "unknown"


class Closure(StrEnum):
    """How a registration stopped holding its customer (stored; the open states are derived)."""

    WON = "won"
    LOST = "lost"
    VOID = "void"
    EXPIRED = "expired"  # released because a colleague filed the customer after expiry


class State(StrEnum):
    PENDING_REVIEW = "pending_review"
    ACTIVE = "active"
    DUE = "due"
    LAPSED = "lapsed"
    EXPIRED = "expired"
    DEPOSIT = "deposit"
    WON = "won"
    LOST = "lost"
    VOID = "void"


class ReviewState(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class FollowUpKind(StrEnum):
    CALL = "call"
    MESSAGE = "message"
    STORE_VISIT = "store_visit"
    HOME_VISIT = "home_visit"
    MEASUREMENT = "measurement"  # 上门量尺: secures a field registration against expiry
    QUOTE = "quote"
    DEPOSIT = "deposit"  # 下定: the order is placed, credit is settled
    DEAL = "deal"  # 成交: done, frees a quota slot
    LOST = "lost"  # 流失: the customer gave up; free for others
    NOTE = "note"


class EventKind(StrEnum):
    """What the registration's append-only log records."""

    FILED = "filed"
    FOLLOW_UP = "follow_up"
    CHALLENGED = "challenged"  # a colleague filed the customer while this one was lapsed
    CHALLENGE_DROPPED = "challenge_dropped"  # holder_resumed
    TAKEN_OVER = "taken_over"  # void by lapsed_takeover
    TOOK_OVER = "took_over"  # the challenge became the holding registration
    RELEASED = "released"  # expired, and a colleague filed the customer
    EXTENSION_REQUESTED = "extension_requested"
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_DECLINED = "extension_declined"
    REVIEW_APPROVED = "review_approved"
    REVIEW_REJECTED = "review_rejected"
    TRANSFERRED = "transferred"  # arbitration: the registration moved to another holder
    CREDIT_MOVED = "credit_moved"  # arbitration: the deposit/deal credit moved
    # After-sale care of a won registration (domain.aftersale): by the holder or customer service.
    AFTERSALE_CONTACT = "aftersale_contact"
    PROBLEM_OPENED = "problem_opened"
    PROBLEM_SOLVED = "problem_solved"
    NEED_OPENED = "need_opened"
    NEED_MET = "need_met"
    SATISFACTION = "satisfaction"


@dataclass(frozen=True)
class Team:
    id: int
    name: str
    channel: Channel
    region: str | None = None


@dataclass(frozen=True)
class Staff:
    id: int
    telegram_id: int
    name: str
    roles: frozenset[Role]
    team_id: int | None
    region: str | None
    active: bool
    channel: Channel | None = None  # the channel of their team, when they have one
    language: str | None = None  # for messages the bot sends them unasked

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def may_file(self) -> bool:
        return self.active and bool(self.roles & FILING_ROLES) and self.team_id is not None

    @property
    def has_quota(self) -> bool:
        """RULES §3.6: field salespeople have a monthly quota; store guides have none."""
        return self.channel is Channel.FIELD


@dataclass(frozen=True)
class Registration:
    id: int
    customer_id: int
    phone: str
    customer_name: str
    address: str
    holder_id: int
    holder_name: str
    team_id: int
    channel: Channel
    filed_at: datetime
    last_follow_up_at: datetime | None = None
    measured_at: datetime | None = None
    deposit_at: datetime | None = None
    closure: Closure | None = None
    closed_at: datetime | None = None
    needs: str | None = None
    expected_purchase: ExpectedPurchase | None = None
    needs_review: bool = False
    filer_id: int = 0
    deal_at: datetime | None = None
    deposit_amount: Decimal | None = None
    deal_amount: Decimal | None = None
    credited_to_id: int | None = None
    expires_at: datetime | None = None  # field channel: filing + 15 days, plus extensions
    challenge_of_id: int | None = None  # a lapse-takeover challenge of that registration
    review: ReviewState | None = None
    closure_reason: str | None = None
    quota_exempt: bool = False  # a challenge dropped because the holder resumed
    holds_claim: bool = True
    similar_to_id: int | None = None
    resale_of_id: int | None = None  # a repeat purchase opened from this won registration (RULES §7)

    @property
    def is_open_challenge(self) -> bool:
        return self.challenge_of_id is not None and not self.holds_claim and self.closure is None


@dataclass(frozen=True)
class SimilarCustomer:
    """An open registration under another phone, candidate for a possible duplicate (撞单)."""

    registration_id: int
    holder_id: int
    team_id: int
    customer_name: str
    address: str


@dataclass
class FilingFacts:
    """What the database knows that the filing checks need, read under the filing lock."""

    claim: Registration | None = None
    own_last: Registration | None = (
        None  # the filer's own last registration of the customer (refile cooldown)
    )
    has_open_challenge: bool = False
    last_deal_at: datetime | None = None
    last_won: Registration | None = None  # the registration of that deal: whose after-sale customer
    last_won_holder_active: bool = True
    quota_used: int = 0
    similar: list[SimilarCustomer] = field(default_factory=list)


class NoticeKind(StrEnum):
    """What a notice tells (domain.notices); each has its text and, where a decision is asked,
    its buttons."""

    CHALLENGED = "challenged"  # to the holder: a colleague filed their lapsed customer
    TAKEN_OVER = "taken_over"  # to the holder: the challenge won, the customer moved
    CHALLENGE_DROPPED = "challenge_dropped"  # to the challenger: the holder resumed
    POSSIBLE_DUPLICATE = "possible_duplicate"  # to both teams' managers, with Keep / Void
    REVIEW_REQUESTED = "review_request"  # to the team's managers, with Approve / Reject
    REVIEW_APPROVED = "review_approved"
    REVIEW_REJECTED = "review_rejected"
    EXTENSION_REQUESTED = "extension_requested"  # to department heads, with Approve / Decline
    EXTENSION_APPROVED = "extension_approved"
    EXTENSION_DECLINED = "extension_declined"
    TRANSFERRED_TO = "arbitrated_transfer_to"
    TRANSFERRED_FROM = "arbitrated_transfer_from"
    CREDIT_MOVED_TO = "arbitrated_credit_to"
    CREDIT_MOVED_FROM = "arbitrated_credit_from"
    INVITE_USED = "invite_used"  # to the admin who made the invitation: who joined, role, team


@dataclass(frozen=True)
class Notice:
    """Someone the bot must tell what happened, unasked, in their own language."""

    to: Staff
    kind: NoticeKind
    registration: Registration
    other: Staff | None = None  # the colleague who caused it
    # What else its text needs (a reason, the extension request to decide, the teams involved).
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Invite:
    """A one-time enrolment link: the role and team it grants, the name the invitee joins under,
    who made it (a Telegram id: an admin may be named in the settings only) and what became of it."""

    code: str
    role: Role
    team_id: int | None
    name: str | None = None  # None: made before invitations asked for a name
    created_by: int = 0
    language: str | None = None  # the admin's when making it: the notice of its use is in it
    expires_at: datetime | None = None
    used_by: int | None = None
    used_at: datetime | None = None


@dataclass(frozen=True)
class Delivery:
    """A message sent unasked (reminder, summary), recorded before it is sent."""

    id: int
    key: str
    kind: str
    chat_id: int
    staff_id: int | None
    registration_id: int | None
    team_id: int | None
    deadline_at: datetime | None
    status: str
    attempts: int


@dataclass(frozen=True)
class DeliveryClaim:
    """A delivery to record (claim) under its unique key before it is sent."""

    key: str
    kind: str
    chat_id: int
    staff_id: int | None
    registration_id: int | None
    team_id: int | None
    deadline_at: datetime | None


class BrokenInvariant(RuntimeError):
    """Stored data contradicts what the rules guarantee: a bug, or a row changed by hand."""


def present(value: _T | None, what: str) -> _T:
    """`value`, which the rules guarantee exists; BrokenInvariant when it does not."""
    if value is None:
        raise BrokenInvariant(f"{what} is missing")
    return value
