"""/history as managers use it: the whole timeline of a customer, masked across teams (RULES §2)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from telegram.ext import ConversationHandler

from bot.history import handlers as history_handlers
from domain.decisions import Arbitration, arbitrate
from domain.filing import Accepted, FilingRequest, Rejected, file_registration
from domain.model import FollowUpKind, Role
from domain.registrations import Done, record_follow_up
from domain.roster import enrol
from domain.rules import Rules
from tests.bot.conftest import Chat
from tests.conftest import T0

RULES = Rules()
DAY = timedelta(days=1)
ADDRESS = "北京市朝阳区建国路88号3栋1201"
PHONE = "13800138000"
DEPT_HEAD = 400


@pytest.fixture
def h(chat: Chat) -> Chat:
    """The chat with /history registered (beside the other dialogs, before the catch-all handlers)
    if bot/app.py does not register it yet, and a department head on the roster."""
    group = chat.harness.app.handlers[0]
    if not any(getattr(handler, "name", None) == "history" for handler in group):
        at = max(i for i, handler in enumerate(group) if isinstance(handler, ConversationHandler)) + 1
        group[at:at] = history_handlers.handlers()
    with chat.roster.writer() as uow:
        enrol(
            uow,
            telegram_id=DEPT_HEAD,
            name="部门经理",
            roles=frozenset({Role.DEPT_HEAD}),
            team_name=None,
            region=None,
            now=T0,
        )
    return chat


def file(chat: Chat, telegram_id: int, at, phone: str = PHONE, name: str = "张三"):
    return file_registration(chat.roster.writer, FilingRequest(telegram_id, name, phone, ADDRESS), at, RULES)


def follow(
    chat: Chat,
    telegram_id: int,
    registration_id: int,
    at,
    kind=FollowUpKind.CALL,
    note="打了电话",
    amount=None,
):
    done = record_follow_up(
        chat.roster.writer,
        actor_telegram_id=telegram_id,
        registration_id=registration_id,
        kind=kind,
        note=note,
        amount=amount,
        next_contact_at=None,
        now=at,
        rules=RULES,
    )
    assert isinstance(done, Done), done
    return done


async def look_up(chat: Chat, telegram_id: int, phone: str = PHONE, language: str = "zh") -> list[str]:
    """What the person reads after `/history PHONE`."""
    user = chat.user(telegram_id, language)
    before = len(chat.fake.texts(user.id))
    await chat.harness.say(user, f"/history {phone}")
    return chat.fake.texts(user.id)[before:]


def lines_with(text: str, *parts: str) -> list[int]:
    """The index of the first line containing each part, in order."""
    lines = text.splitlines()
    return [next(i for i, line in enumerate(lines) if part in line) for part in parts]


async def test_dept_head_sees_the_whole_timeline_in_order(h: Chat) -> None:
    original = file(h, 101, T0)  # 王芳, 朝阳店
    duplicate = file(h, 201, T0 + timedelta(hours=1))  # 李强 is too late: first come, first protected
    assert isinstance(original, Accepted) and isinstance(duplicate, Rejected)
    follow(h, 101, original.registration_id, T0 + DAY, note="客户想看1.8米床垫")
    challenge = file(h, 102, T0 + 12 * DAY)  # lapsed since day 11: 刘洋 challenges
    assert isinstance(challenge, Accepted) and challenge.challenge_of is not None
    follow(
        h,
        102,
        challenge.registration_id,
        T0 + 12 * DAY + timedelta(hours=2),
        FollowUpKind.DEPOSIT,
        note=None,
        amount=Decimal("2000"),
    )
    moved = arbitrate(
        h.roster.writer,
        actor_telegram_id=DEPT_HEAD,
        registration_id=challenge.registration_id,
        decision=Arbitration.TRANSFER,
        to_telegram_id=101,
        reason="客户坚持由王芳服务",
        now=T0 + 13 * DAY,
        rules=RULES,
    )
    assert isinstance(moved, Done)
    h.clock.now = T0 + 14 * DAY

    (text,) = await look_up(h, DEPT_HEAD, "+86 138-0013-8000")
    first, second = original.registration_id, challenge.registration_id
    assert "📋 客户 138 0013 8000 的记录" in text
    assert f"#{first} 张三 — 报备人 王芳（朝阳店），11月10日（周二）10:00 报备；当前：<b>已作废</b>" in text
    assert f"#{second} 张三 — 报备人 王芳（朝阳店），11月22日（周日）10:00 报备；当前：<b>已下定</b>" in text
    assert text.count(ADDRESS) == 2 and "资料已隐藏" not in text
    order = lines_with(
        text,
        f"11月10日（周二）10:00 王芳：报备客户 张三，通过（#{first}）",
        "11月10日（周二）11:00 李强：报备客户 张三，未通过：已由他人报备（先报先保）",
        f"11月11日（周三）10:00 王芳：跟进 #{first}：📞 电话，备注：客户想看1.8米床垫",
        f"11月22日（周日）10:00 刘洋：报备客户 张三，通过（#{second}）",
        f"11月22日（周日）10:00 刘洋：#{first} 超期未跟进，申请接手",
        # The deposit voids the lapsed original first; the log keeps that order.
        f"11月22日（周日）12:00 刘洋：接手 #{first}（超期未跟进），原报备作废",
        f"11月22日（周日）12:00 刘洋：#{second} 接手成功，王芳 的原报备作废",
        f"11月22日（周日）12:00 刘洋：跟进 #{second}：💰 下定，金额 ¥2,000.00",
        f"11月23日（周一）10:00 部门经理：仲裁：#{second} 改由 王芳 持有，理由：客户坚持由王芳服务",
    )
    assert order == sorted(order)
    assert "报备 #" not in text  # each filing is told once, by its accepted attempt


async def test_store_manager_sees_own_team_in_full_and_other_teams_masked(h: Chat) -> None:
    expired = file(h, 201, T0)  # 李强, 业务一部 (field): expires on day 15 without a measurement
    follow(h, 201, expired.registration_id, T0 + DAY, note="客户住建国路88号")
    refiled = file(h, 101, T0 + 16 * DAY)  # 王芳, 朝阳店 files the freed customer
    assert isinstance(refiled, Accepted)
    h.clock.now = T0 + 16 * DAY + timedelta(hours=1)

    (store_view,) = await look_up(h, 301)  # 陈店长, 朝阳店
    own, other = refiled.registration_id, expired.registration_id
    assert f"#{own} 张三 — 报备人 王芳（朝阳店）" in store_view and ADDRESS in store_view
    assert f"#{other} 张* — 报备人 李强（业务一部）" in store_view and "当前：<b>已失效</b>" in store_view
    assert "李强：报备客户 张*，通过" in store_view
    assert f"李强：跟进 #{other}：📞 电话" in store_view and "建国路88号" not in store_view.replace(
        ADDRESS, ""
    )
    assert store_view.count(ADDRESS) == 1 and "资料已隐藏" in store_view

    (field_view,) = await look_up(h, 302)  # 周主管, 业务一部: the other way round
    assert f"#{other} 张三 — 报备人 李强（业务一部）" in field_view and "客户住建国路88号" in field_view
    assert f"#{own} 张* — 报备人 王芳（朝阳店）" in field_view and field_view.count(ADDRESS) == 1


async def test_a_manager_without_a_record_of_their_team_learns_nothing(h: Chat) -> None:
    file(h, 101, T0)  # only 朝阳店 knows this customer
    known = await look_up(h, 302)  # 业务一部's supervisor
    unknown = await look_up(h, 302, "13900139000")
    assert known == unknown == ["没有你可以查看的记录。"]
    assert (await look_up(h, DEPT_HEAD, "13900139000")) == ["没有你可以查看的记录。"]


async def test_a_guide_or_salesperson_is_refused(h: Chat) -> None:
    file(h, 101, T0)
    for filer in (101, 201):
        assert await look_up(h, filer) == ["只有店长、业务主管、部门负责人和运营经理可以查询客户记录。"]
    await h.harness.say(h.user(101), "/history")
    assert "只有店长" in h.fake.last_text(101)
    stranger = await look_up(h, 555)
    assert len(stranger) == 1 and "只供本公司销售人员使用" in stranger[0] and "张三" not in stranger[0]


async def test_asks_for_the_phone_and_hints_at_garbage(h: Chat) -> None:
    file(h, 101, T0)
    head = h.user(DEPT_HEAD)
    await h.harness.say(head, "/history")
    assert "请输入客户电话" in h.fake.last_text(head.id)
    await h.harness.say(head, "call me")
    assert "只能包含数字" in h.fake.last_text(head.id)
    await h.harness.say(head, "12345")
    assert "你输入了 5 位" in h.fake.last_text(head.id)
    await h.harness.say(head, "138 0013 8000")
    assert "📋 客户 138 0013 8000 的记录" in h.fake.last_text(head.id)
    await h.harness.say(head, "138 0013 8000")  # the dialog is over: this is chat, not a lookup
    assert "记录" not in h.fake.last_text(head.id)


async def test_a_bad_phone_on_the_command_line_gets_a_hint_then_waits_and_cancel_ends(h: Chat) -> None:
    head = h.user(DEPT_HEAD)
    await h.harness.say(head, "/history 1380013800")
    assert "你输入了 10 位" in h.fake.last_text(head.id)
    await h.harness.say(head, "/cancel")
    assert h.fake.last_text(head.id) == "已取消查询。"


async def test_in_a_group_it_points_to_the_private_chat(h: Chat) -> None:
    head = h.user(DEPT_HEAD)
    await h.harness.say(head, f"/history {PHONE}", chat_id=-100200, chat_type="supergroup")
    assert "私聊" in h.fake.last_text(-100200)


async def test_a_long_timeline_is_split_at_line_boundaries(h: Chat) -> None:
    first = file(h, 101, T0)
    notes = [f"第{i:03d}次跟进：客户对比了三家的床垫和衣柜报价，约定下次到店再看样品" for i in range(120)]
    for i, note in enumerate(notes):
        follow(h, 101, first.registration_id, T0 + timedelta(minutes=i + 1), note=note)
    messages = await look_up(h, DEPT_HEAD)
    assert len(messages) > 1
    assert all(len(m.encode("utf-16-le")) // 2 <= 4096 for m in messages)
    for note in notes:  # every entry whole, in exactly one message
        assert sum(note in m for m in messages) == 1
    entries = [line for m in messages for line in m.splitlines() if "跟进 #" in line]
    assert [next(n for n in notes if n in line) for line in entries] == notes  # in time order
    for m in messages[1:]:
        assert m.splitlines()[0].startswith("11月10日")  # a message starts with a whole line


async def test_english_speaker_gets_english(h: Chat) -> None:
    first = file(h, 101, T0).registration_id
    file(h, 201, T0 + timedelta(hours=1))
    follow(h, 101, first, T0 + DAY)
    h.clock.now = T0 + 2 * DAY
    (text,) = await look_up(h, DEPT_HEAD, language="en")
    assert "📋 Record of customer 138 0013 8000" in text
    assert (
        f"#{first} 张三 — held by 王芳 (朝阳店), filed Tue 10 Nov 10:00; "
        "now: <b>active</b>, follow up by Sat 14 Nov 10:00" in text
    )
    assert f"Tue 10 Nov 10:00 王芳: filed customer 张三: accepted (#{first})" in text
    assert "李强: filed customer 张三: rejected, already held by a colleague" in text
    assert f"Wed 11 Nov 10:00 王芳: follow-up on #{first}: 📞 Call, note: 打了电话" in text
    own_words = ("张三", "王芳", "李强", "朝阳店", ADDRESS, "打了电话")
    stripped = text
    for word in own_words:
        stripped = stripped.replace(word, "")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in stripped), stripped
    await h.harness.say(h.user(101, "en"), "/history")
    assert "Only store managers" in h.fake.last_text(101)


async def test_what_people_typed_cannot_break_the_message(h: Chat) -> None:
    first = file(h, 101, T0, name="<b>张三").registration_id
    follow(h, 101, first, T0 + DAY, note="报价 <5000 & 含安装")
    (text,) = await look_up(h, DEPT_HEAD)
    assert "&lt;b&gt;张三" in text and "报价 &lt;5000 &amp; 含安装" in text
    assert "<b>张三" not in text
