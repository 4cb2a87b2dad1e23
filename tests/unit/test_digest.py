"""The daily summary (RULES §6) on hand-built facts: the local day's edges, every section, masking,
and splitting into Telegram-sized messages."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from bot.digests.render import MESSAGE_LIMIT, render_digest
from domain.digest import (
    DayEvent,
    DigestFacts,
    LastFollowUp,
    PendingExtension,
    QuotaCount,
    RejectedDuplicate,
    day_bounds,
    summarize,
    tracking_rows,
)
from domain.lifecycle import DeadlineKind
from domain.model import Channel, Closure, EventKind, FollowUpKind, Registration, ReviewState, State, Team
from domain.rules import Rules

RULES = Rules()
ZONE = RULES.zone
NOW = datetime(2026, 11, 10, 12, 30, tzinfo=UTC)  # 20:30 in Shanghai, Tuesday 10 Nov
DAY_START = datetime(2026, 11, 9, 16, 0, tzinfo=UTC)  # 00:00 on 10 Nov in Shanghai
DAY_END = datetime(2026, 11, 10, 16, 0, tzinfo=UTC)  # 00:00 on 11 Nov in Shanghai
STORE = Team(1, "朝阳店", Channel.STORE)
FIELD = Team(2, "业务一部", Channel.FIELD)
H = timedelta(hours=1)
D = timedelta(days=1)


STAFF_IDS = {"王芳": 1, "刘洋": 2, "陈静": 3, "李强": 4, "孙丽": 5}


def reg(
    id: int, holder: str = "王芳", filed_at: datetime = NOW - H, *, team: Team = STORE, **changes
) -> Registration:
    base = Registration(
        id=id,
        customer_id=id,
        phone=f"+86138{id:08d}",
        customer_name=f"客户{id}",
        address=f"北京市朝阳区建国路{id}号",
        holder_id=STAFF_IDS.get(holder, 99),
        holder_name=holder,
        team_id=team.id,
        channel=team.channel,
        filed_at=filed_at,
        expires_at=filed_at + RULES.field_expiry if team.channel is Channel.FIELD else None,
    )
    return replace(base, **changes)


def facts(team: Team = STORE, **fields) -> DigestFacts:
    empty = dict(
        open_registrations=[],
        events=[],
        rejected_duplicates=[],
        pending_extensions=[],
        quota=[],
        similar_holders={},
    )
    return DigestFacts(team=team, **{**empty, **fields})


def filed(r: Registration, at: datetime | None = None) -> DayEvent:
    return DayEvent(r, at or r.filed_at, EventKind.FILED, r.holder_id, r.holder_name)


def followed(
    r: Registration, at: datetime, by: str | None = None, kind=FollowUpKind.CALL, amount=None, credited=None
) -> DayEvent:
    by = by or r.holder_name
    return DayEvent(r, at, EventKind.FOLLOW_UP, STAFF_IDS.get(by, 99), by, kind, amount, credited)


def test_the_day_is_the_local_calendar_day_in_shanghai() -> None:
    assert day_bounds(date(2026, 11, 10), ZONE) == (DAY_START, DAY_END)
    edges = [DAY_START - timedelta(seconds=1), DAY_START, DAY_END - timedelta(microseconds=1), DAY_END]
    registrations = [reg(i, filed_at=at) for i, at in enumerate(edges, 1)]
    digest = summarize(
        facts(
            open_registrations=registrations,
            events=[filed(r) for r in registrations] + [followed(registrations[0], at) for at in edges],
            rejected_duplicates=[RejectedDuplicate(at, "刘洋", "王芳") for at in edges],
        ),
        NOW,
        RULES,
    )
    assert digest.day == date(2026, 11, 10) and digest.at == NOW
    assert [line.registration_id for line in digest.new_registrations] == [2, 3]
    assert digest.follow_ups == 2
    assert [c.at for c in digest.rejected_duplicates] == [DAY_START, DAY_END - timedelta(microseconds=1)]
    # States are read at NOW: registrations filed later that evening are not open yet.
    assert digest.open_count == 2


def test_follow_ups_count_by_person_and_credit_deposits_and_deals() -> None:
    a, b, c = reg(1, "王芳"), reg(2, "刘洋"), reg(3, "刘洋")
    digest = summarize(
        facts(
            events=[
                followed(a, NOW - 5 * H),
                followed(b, NOW - 4 * H),
                followed(
                    b, NOW - 3 * H, kind=FollowUpKind.DEPOSIT, amount=Decimal("2000.00"), credited="刘洋"
                ),
                followed(c, NOW - 2 * H, kind=FollowUpKind.DEAL, amount=Decimal("12800.00"), credited="王芳"),
                DayEvent(
                    a, NOW - H, EventKind.FOLLOW_UP, None, None, FollowUpKind.CALL
                ),  # no actor on record
                followed(a, NOW - H, kind=FollowUpKind.NOTE),  # a note is no follow-up done (RULES §4)
            ]
        ),
        NOW,
        RULES,
    )
    assert digest.follow_ups == 5
    assert [(p.name, p.count) for p in digest.follow_ups_by_person] == [("刘洋", 3), ("", 1), ("王芳", 1)]
    assert [(x.kind, x.customer_name, x.amount, x.credited, x.recorded_by) for x in digest.credits] == [
        (FollowUpKind.DEPOSIT, "客户2", Decimal("2000.00"), "刘洋", "刘洋"),
        (FollowUpKind.DEAL, "客户3", Decimal("12800.00"), "王芳", "刘洋"),
    ]


def test_due_lapsed_and_about_to_lapse_by_person() -> None:
    due = reg(1, "王芳", NOW - 4 * D)
    about_to_lapse = reg(2, "王芳", NOW - 9 * D - 2 * H)  # lapses in 22 hours
    not_yet = reg(3, "刘洋", NOW - 8 * D)  # lapses in 2 days: due, not about to lapse
    lapsed = reg(4, "刘洋", NOW - 12 * D)
    lapsed2 = reg(5, "刘洋", NOW - 20 * D, last_follow_up_at=NOW - 11 * D)
    deposited = reg(6, "王芳", NOW - 12 * D, deposit_at=NOW - 11 * D)  # an order: no clock any more
    challenge = reg(7, "陈静", NOW - 9 * D - 2 * H, challenge_of_id=4, holds_claim=False)
    active = reg(8, "陈静", NOW - D)
    digest = summarize(
        facts(
            open_registrations=[due, about_to_lapse, not_yet, lapsed, lapsed2, deposited, challenge, active]
        ),
        NOW,
        RULES,
    )
    assert [(p.name, p.due, p.lapsed) for p in digest.due_by_person] == [("刘洋", 1, 2), ("王芳", 2, 0)]
    assert [(x.registration_id, x.at) for x in digest.about_to_lapse] == [
        (2, about_to_lapse.filed_at + RULES.lapse_after)
    ]
    assert [(x.registration_id, x.at) for x in digest.lapsed] == [
        (4, lapsed.filed_at + RULES.lapse_after),
        (5, lapsed2.last_follow_up_at + RULES.lapse_after),
    ]
    assert digest.open_count == 8 and digest.quota is None


def test_namesakes_are_two_people() -> None:
    one, other = reg(1, "王芳", NOW - 4 * D), reg(2, "王芳", NOW - 4 * D, holder_id=42)
    digest = summarize(facts(open_registrations=[one, other], events=[followed(one, NOW - H)]), NOW, RULES)
    assert [(p.name, p.due) for p in digest.due_by_person] == [("王芳", 1), ("王芳", 1)]
    twice = replace(followed(other, NOW - H), actor_id=42)
    digest = summarize(facts(events=[followed(one, NOW - H), twice, twice]), NOW, RULES)
    assert [(p.name, p.count) for p in digest.follow_ups_by_person] == [("王芳", 2), ("王芳", 1)]


def test_field_expiry_about_to_expire_and_expired_today() -> None:
    soon = reg(1, "李强", NOW - 14 * D - 3 * H, team=FIELD)  # expires in 21 hours
    in_two_days = reg(2, "李强", NOW - 13 * D - H, team=FIELD)  # in 47 hours
    later = reg(3, "李强", NOW - 12 * D, team=FIELD)  # in 3 days
    measured = reg(4, "李强", NOW - 14 * D, team=FIELD, measured_at=NOW - 5 * D)
    today = reg(
        5, "孙丽", NOW - 15 * D - 5 * H, team=FIELD, last_follow_up_at=NOW - D
    )  # expired at 15:30 today
    yesterday = reg(6, "孙丽", NOW - 16 * D, team=FIELD, last_follow_up_at=NOW - D)
    extended = reg(7, "孙丽", NOW - 16 * D, team=FIELD, expires_at=NOW + D)
    digest = summarize(
        facts(FIELD, open_registrations=[soon, in_two_days, later, measured, today, yesterday, extended]),
        NOW,
        RULES,
    )
    assert [x.registration_id for x in digest.about_to_expire] == [1, 7, 2]
    assert [(x.registration_id, x.at) for x in digest.expired_today] == [(5, today.expires_at)]


def test_reviews_duplicates_extensions_and_quota() -> None:
    flagged = reg(1, "李强", NOW - 2 * H, team=FIELD, needs_review=True, similar_to_id=99)
    pending = reg(2, "孙丽", NOW - 3 * H, team=FIELD, review=ReviewState.PENDING)
    asking = reg(3, "李强", NOW - 14 * D, team=FIELD, last_follow_up_at=NOW - D)
    digest = summarize(
        facts(
            FIELD,
            open_registrations=[flagged, pending, asking],
            similar_holders={1: "赵磊"},
            pending_extensions=[PendingExtension(asking, "李强", NOW - 4 * H, "客户出差，下周回来量尺")],
            quota=[QuotaCount("孙丽", 3), QuotaCount("李强", 20), QuotaCount("周杰", 0)],
        ),
        NOW,
        RULES,
    )
    duplicates = digest.possible_duplicates
    assert [(d.line.registration_id, d.line.holder, d.similar_holder) for d in duplicates] == [
        (1, "李强", "赵磊")
    ]
    assert [(x.registration_id, x.holder) for x in digest.pending_reviews] == [(2, "孙丽")]
    assert [
        (e.line.registration_id, e.line.holder, e.line.at, e.reason) for e in digest.pending_extensions
    ] == [(3, "李强", NOW - 4 * H, "客户出差，下周回来量尺")]
    assert [(q.name, q.used, q.limit, q.full) for q in digest.quota] == [
        ("李强", 20, 20, True),
        ("孙丽", 3, 20, False),
        ("周杰", 0, 20, False),
    ]


def test_tracking_rows_one_per_open_registration_by_holder() -> None:
    a = reg(1, "王芳", NOW - 2 * D, needs="床垫", last_follow_up_at=NOW - D)
    b = reg(2, "刘洋", NOW - 12 * D)
    challenge = reg(3, "陈静", NOW - H, challenge_of_id=2, holds_claim=False)
    won = reg(4, "王芳", NOW - 2 * D, closure=Closure.WON)
    tomorrow = reg(5, "王芳", NOW + H)
    called = LastFollowUp(FollowUpKind.CALL, "客户说周末来店", NOW - D)
    rows = tracking_rows([a, b, challenge, won, tomorrow], NOW, RULES, {1: called, 4: called})
    assert [(r.registration_id, r.holder, r.state, r.challenging) for r in rows] == [
        (2, "刘洋", State.LAPSED, False),
        (1, "王芳", State.ACTIVE, False),
        (3, "陈静", State.ACTIVE, True),
    ]
    assert rows[1].deadline.kind is DeadlineKind.FOLLOW_UP and rows[1].deadline.at == NOW + 2 * D
    assert rows[1].needs == "床垫" and rows[1].phone == a.phone and rows[1].address == a.address
    assert [r.last_follow_up for r in rows] == [None, called, None]  # each row's own


# --- rendering ----------------------------------------------------------------------------------


def a_day() -> DigestFacts:
    new = reg(1, "王芳", NOW - 3 * H, customer_name="张<三>")
    lapsed = reg(2, "刘洋", NOW - 12 * D)
    ordered = reg(3, "刘洋", NOW - 5 * D, deposit_at=NOW - 2 * H, last_follow_up_at=NOW - 2 * H)
    return facts(
        open_registrations=[new, lapsed, ordered],
        events=[
            filed(new),
            followed(
                ordered, NOW - 2 * H, kind=FollowUpKind.DEPOSIT, amount=Decimal("2000"), credited="刘洋"
            ),
        ],
        rejected_duplicates=[RejectedDuplicate(NOW - H, "刘洋", "王芳", "张三", "+8613900000009", 2)],
    )


def test_group_summary_masks_phones_and_names_staff_in_full() -> None:
    messages = render_digest(summarize(a_day(), NOW, RULES), "zh", ZONE)
    text = "\n".join(messages)
    assert "+8613800000001" not in text and "13800000001" not in text and "138 0000 0001" not in text
    assert "138****0001" in text and "138****0002" in text and "138****0003" in text
    assert "王芳：张&lt;三&gt; 138****0001，11月10日（周二）17:30" in text
    assert "📊 <b>朝阳店 · 每日汇总</b>" in text and "截至 11月10日（周二）20:30，在跟客户 3 位" in text
    assert "💰 下定：客户3 138****0003，¥2,000.00，业绩归 <b>刘洋</b>，11月10日（周二）18:30" in text
    assert "11月10日（周二）19:30 刘洋 报备的客户 张* 已由 王芳 报备在先" in text
    assert "刘洋：待跟进 0，超期未跟进 1" in text


def test_what_people_wrote_stays_out_of_group_chats() -> None:
    asking = reg(7, "李强", NOW - 14 * D, team=FIELD, last_follow_up_at=NOW - D)
    waiting = [PendingExtension(asking, "李强", NOW - 4 * H, "客户新号 13912345678，下周量尺")]
    digest = summarize(facts(FIELD, open_registrations=[asking], pending_extensions=waiting), NOW, RULES)
    group = "\n".join(render_digest(digest, "zh", ZONE))
    assert (
        "• 李强：客户7 138****0007，11月10日（周二）16:30 申请\n" in group + "\n"
        and "13912345678" not in group
    )
    private = "\n".join(render_digest(digest, "zh", ZONE, mask_phones=False))
    # The stored phone in the one display format; the one typed in the reason as typed.
    assert "李强：客户7 138 0000 0007，11月10日（周二）16:30 申请，理由：客户新号 13912345678，下周量尺" in (
        private
    )


def test_managers_private_summary_may_show_phones_and_english_reads_english() -> None:
    digest = summarize(a_day(), NOW, RULES)
    assert "138 0000 0001" in "\n".join(render_digest(digest, "zh", ZONE, mask_phones=False))
    english = "\n".join(render_digest(digest, "en", ZONE))
    assert "daily summary" in english and "New registrations today (1)" in english
    assert "Tue 10 Nov 17:30" in english
    for data in (
        "朝阳店",
        "王芳",
        "刘洋",
        "张&lt;三&gt;",
        "客户2",
        "客户3",
        "张*",
    ):  # names are data, not words of the bot
        english = english.replace(data, "")
    assert not re.search(r"[\u4e00-\u9fff]", english)


def test_a_quiet_day_says_so() -> None:
    text = "\n".join(render_digest(summarize(facts(), NOW, RULES), "zh", ZONE))
    assert "今日新报备（0）" in text and "　无" in text and "✅ 没有待处理的事项。" in text
    assert "本月报备额度" not in text  # a store has no quota


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag


def _balanced(message: str) -> bool:
    parser = _Tags()
    parser.feed(message)
    parser.close()
    return not parser.open


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_long_summary_is_split_into_valid_messages_with_no_line_lost(language: str) -> None:
    many = [
        reg(i, f"同事{i % 7}", NOW - 12 * D - i * H, holder_id=i % 7, customer_name=f"顾客{i}号")
        for i in range(1, 400)
    ]
    digest = summarize(
        facts(open_registrations=many, events=[followed(r, NOW - H) for r in many[:50]]), NOW, RULES
    )
    messages = render_digest(digest, language, ZONE, list_limit=10_000)
    assert len(messages) > 3
    for message in messages:
        assert 0 < len(message) <= MESSAGE_LIMIT and len(message.encode("utf-16-le")) // 2 <= MESSAGE_LIMIT
        assert _balanced(message)
        assert not message.startswith("\n") and not message.endswith("\n")
    whole = render_digest(digest, language, ZONE, list_limit=10_000, message_limit=10**7)
    assert len(whole) == 1
    sent = [line for m in messages for line in m.split("\n")]
    assert [line for line in whole[0].split("\n") if line] == [
        line for line in sent if line and not _continued(line)
    ]
    # A section that runs over says so, so nobody reads a list's tail without its header.
    assert any(_continued(m.split("\n")[0]) for m in messages[1:])


def _continued(line: str) -> bool:
    return line.endswith("（续）") or line.endswith(" (continued)")


def test_long_lists_stop_and_point_to_the_workbook() -> None:
    many = [reg(i, "刘洋", NOW - 12 * D - i * H) for i in range(1, 46)]
    text = "\n".join(render_digest(summarize(facts(open_registrations=many), NOW, RULES), "zh", ZONE))
    assert text.count("起超期") == 30 and "……另有 15 条，见《意向客户跟踪表》" in text


def test_every_digest_text_is_complete_in_both_languages() -> None:
    from string import Formatter

    from bot.digests.texts import DIGEST_TEXTS
    from bot.i18n.catalog import TEXTS

    for key, texts in DIGEST_TEXTS.items():
        assert key.startswith("digest_") and set(texts) == {"zh", "en"} and TEXTS[key] is texts
        fields = [{name for _, name, _, _ in Formatter().parse(texts[lang]) if name} for lang in ("zh", "en")]
        assert fields[0] == fields[1], key
