"""Verdicts as the filer reads them, manager notices, /mine, /quota, /start and /invite."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.i18n.catalog import TEXTS
from domain.filing import FilingRequest, file_registration
from domain.model import Closure
from domain.rules import Rules
from storage.tables import FilingAttemptRow, InviteRow, RegistrationRow, StaffRow
from tests.bot.conftest import ADMIN_ID, Chat
from tests.bot.test_filing_dialog import ADDRESS, count, data_of, fill


async def confirm(chat: Chat, user) -> str:
    await chat.harness.press(
        user, data_of(chat, user.id, "确认" if user.language_code == "zh" else "Confirm")
    )
    return chat.fake.last_text(user.id)


async def refused_at_phone(chat: Chat, user, *, name: str = "张三", phone: str = "138 0013 8000") -> str:
    """The phone step's verdict (RULES §3.5 decision): the dialog ends there."""
    await chat.harness.say(user, "/new")
    await chat.harness.say(user, name)
    await chat.harness.say(user, phone)
    return chat.fake.last_text(user.id)


def file_directly(
    chat: Chat,
    telegram_id: int,
    phone: str,
    name: str = "张三",
    address: str = ADDRESS,
    rules: Rules | None = None,
):
    request = FilingRequest(telegram_id, name, phone, address)
    return file_registration(chat.roster.writer, request, chat.clock.now, rules or Rules())


async def test_duplicate_names_the_holder_and_since_when_and_nothing_else(chat: Chat) -> None:
    file_directly(chat, 201, "13800138000")  # 李强, field
    guide = chat.user(101)
    verdict = await refused_at_phone(chat, guide)
    assert "李强" in verdict and "11月10日（周二）10:00" in verdict and "先报先保" in verdict
    assert ADDRESS not in verdict  # nothing about the holder's customer beyond who and since when
    assert count(chat, RegistrationRow) == 1
    attempts = [a for a in _attempts(chat)]
    assert [a.reason for a in attempts] == [None, "duplicate"]


async def test_already_yours_points_to_the_next_follow_up(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    chat.clock.now += timedelta(days=1)
    verdict = await refused_at_phone(chat, guide)
    assert "已经在你名下" in verdict and "11月13日（周五）10:00" in verdict and "/mine" in verdict


async def test_quota_reply_shows_used_and_limit(chat: Chat) -> None:
    for i in range(20):
        file_directly(chat, 201, f"1380000{i:04d}", address=f"{ADDRESS}-{i}号")
    sales = chat.user(201)
    assert "本月报备额度已用完（20/20）" in await refused_at_phone(chat, sales, phone="13900139000")
    await chat.harness.say(sales, "/quota")
    assert "已用 20/20，剩余 0" in chat.fake.last_text(sales.id)


async def test_guide_quota_says_there_is_none(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/quota")
    assert "不限数量" in chat.fake.last_text(guide.id)


async def test_late_when_obtained_yesterday_more_than_24_hours_ago(chat: Chat) -> None:
    guide = chat.user(101)  # it is 10:00 on Tue 10 Nov in Shanghai
    await fill(chat, guide, obtained="昨天")
    assert "昨天几点" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "25:99")
    assert "没看懂这个时间" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "9:30")
    assert "11月9日（周一）09:30" in chat.fake.last_text(guide.id)
    verdict = await confirm(chat, guide)
    assert "超过 24 小时" in verdict and count(chat, RegistrationRow) == 0
    assert [a.reason for a in _attempts(chat)] == ["late"]


async def test_yesterday_within_24_hours_is_on_time(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide, obtained="昨天")
    await chat.harness.say(guide, "15:30")
    assert "报备成功" in await confirm(chat, guide)


async def test_earlier_asks_the_date_and_refuses_the_future(chat: Chat) -> None:
    guide = chat.user(101)
    await fill(chat, guide, obtained="更早")
    await chat.harness.say(guide, "tomorrow")
    assert "没看懂这个日期时间" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "2026-11-11 09:00")
    assert "不能晚于现在" in chat.fake.texts(guide.id)[-2] and "哪天几点" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "11-05 14:00")
    assert "超过 24 小时" in await confirm(chat, guide)


async def test_already_sold(chat: Chat) -> None:
    first = file_directly(chat, 101, "13800138000")
    with chat.roster.writer() as uow:
        sold = uow.registrations.registration(first.registration_id)
        assert sold is not None
        now = chat.clock.now
        uow.registrations.save_registration(
            replace(sold, deal_at=now, closure=Closure.WON, holds_claim=False, closed_at=now)
        )
        uow.commit()
    # RULES §7: a colleague is told whose after-sale customer it is and since which deal, nothing
    # of the customer; the holder is pointed to the repeat purchase in /aftersale.
    text = await refused_at_phone(chat, chat.user(102))
    assert "这位客户是王芳的售后客户（11月10日（周二）10:00成交），再次购买请联系王芳" in text
    assert "8000" not in text and "1380013" not in text
    text = await refused_at_phone(chat, chat.user(102, language="en"))
    assert (
        "this customer is 王芳's after-sale customer (deal on Tue 10 Nov 10:00); for a new purchase, ask 王芳"
        in text
    )
    mine = await refused_at_phone(chat, chat.user(101))
    assert "你的售后客户" in mine and "/aftersale" in mine and "再次购买" in mine


async def test_possible_duplicate_shows_each_manager_their_own_teams_customer_only(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000", name="张伟", address="北京市朝阳区建国路88号3栋1201")
    sales = chat.user(201)
    await fill(chat, sales, name="张伟", phone="13900139000", address="朝阳区建国路88号3栋1201室")
    verdict = await confirm(chat, sales)
    assert "报备成功" in verdict and "王芳" in verdict and "待主管核实" in verdict and "张*" in verdict
    # The filer sees their own customer in full, the colleague's masked.
    assert "139 0013 9000" in verdict and "138 0013 8000" not in verdict
    store_manager, supervisor = 301, 302  # 王芳's store (the holder's), 李强's field group (the filer's)
    for manager, own, others in (
        (store_manager, "138 0013 8000", "139****9000"),
        (supervisor, "139 0013 9000", "138****8000"),
    ):
        notice = chat.fake.last_text(manager)
        assert "可能撞单" in notice and "李强" in notice and "王芳" in notice
        assert own in notice and others in notice and "张伟" in notice and "张*" in notice
        hidden = ({"138 0013 8000", "139 0013 9000"} - {own}).pop()
        assert hidden not in notice and "建国路" not in notice
    with chat.roster.engine.connect() as conn:
        assert conn.execute(
            sa.select(RegistrationRow.needs_review).order_by(RegistrationRow.id)
        ).scalars().all() == [False, True]


async def test_mine_lists_open_registrations_with_state_and_deadline(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/mine")
    assert "没有有效的报备" in chat.fake.last_text(guide.id)
    file_directly(chat, 101, "13800138000", name="张三")
    chat.clock.now += timedelta(days=4)
    file_directly(chat, 101, "13900139000", name="<i>李四</i>", address="海淀区中关村大街1号院")
    await chat.harness.say(guide, "/mine")
    listing = chat.fake.last_text(guide.id)
    assert "（2 个）" in listing
    first, second = listing.splitlines()[1:3]
    assert "张三" in first and "待跟进" in first and "11月20日（周五）10:00" in first  # due: lapses on day 10
    assert "&lt;i&gt;李四" in second and "跟进中" in second and "11月17日（周二）10:00" in second


async def test_start_greets_staff_with_their_commands(chat: Chat) -> None:
    sales = chat.user(201)
    await chat.harness.say(sales, "/start")
    greeting = chat.fake.last_text(sales.id)
    assert "李强" in greeting and "/new" in greeting and "/quota" in greeting and "/invite" not in greeting


async def test_command_menu_is_localized(chat: Chat) -> None:
    calls = chat.fake.calls_to("setMyCommands")
    private = {
        c.params.get("language_code"): c.params["commands"]
        for c in calls
        if c.params["scope"]["type"] == "all_private_chats"
    }
    groups = {
        c.params.get("language_code"): c.params["commands"]
        for c in calls
        if c.params["scope"]["type"] == "all_group_chats"
    }
    # A chat the bot knows nobody in: how to get in, nothing else (issue 13); staff get their own.
    assert [c["command"] for c in private[None]] == ["help", "start"]
    assert private[None][0]["description"] == TEXTS["cmd_help"]["zh"]
    assert private["en"][0]["description"] == TEXTS["cmd_help"]["en"]
    assert [c["command"] for c in groups["en"]] == ["help", "bindteam", "unbindteam"]


async def test_invite_link_enrols_whoever_opens_it_once(chat: Chat) -> None:
    admin = chat.user(ADMIN_ID)
    h = chat.harness
    await h.say(admin, "/invite")
    assert "叫什么名字" in chat.fake.last_text(admin.id)
    await h.say(admin, "小美")
    await h.press(admin, data_of(chat, admin.id, "导购"))
    team_buttons = [text for text, _ in chat.fake.buttons(admin.id)]
    assert team_buttons == ["朝阳店"]  # a guide belongs to a store, not a field group
    await h.press(admin, data_of(chat, admin.id, "朝阳店"))
    link_text = chat.fake.last_text(admin.id)
    assert "https://t.me/leadbot_test_bot?start=" in link_text and "72 小时" in link_text
    assert "给 小美 的邀请链接" in link_text
    code = link_text.split("?start=")[1].split()[0]

    newcomer = chat.user(777, name="Mei")
    await h.say(newcomer, f"/start {code}")
    welcome = chat.fake.last_text(newcomer.id)
    assert "欢迎加入，小美" in welcome and "导购" in welcome and "朝阳店" in welcome and "/new" in welcome
    await h.say(newcomer, "/new")
    assert "1/6" in chat.fake.last_text(newcomer.id)

    someone_else = chat.user(778)
    await h.say(someone_else, f"/start {code}")
    assert "已经有人用过了" in chat.fake.last_text(someone_else.id)
    await h.say(someone_else, "/new")
    assert "只供本公司销售人员使用" in chat.fake.last_text(someone_else.id)


async def test_invite_link_expires(chat: Chat) -> None:
    admin = chat.user(ADMIN_ID)
    await chat.harness.say(admin, "/invite 孙运营")  # the name given at once
    await chat.harness.press(admin, data_of(chat, admin.id, "运营经理"))  # no team needed
    code = chat.fake.last_text(admin.id).split("?start=")[1].split()[0]
    chat.clock.now += timedelta(hours=72, seconds=1)
    late = chat.user(779)
    await chat.harness.say(late, f"/start {code}")
    assert "这个邀请链接已于 11月13日（周五）10:00 过期" in chat.fake.last_text(late.id)
    with chat.roster.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(sa.func.count()).select_from(StaffRow).where(StaffRow.telegram_id == 779)
            ).scalar_one()
            == 0
        )


async def test_only_admins_invite_and_forged_invite_buttons_do_nothing(chat: Chat) -> None:
    guide = chat.user(101)
    await chat.harness.say(guide, "/invite")
    assert "只有管理员可以邀请同事" in chat.fake.last_text(guide.id)
    await chat.harness.press(guide, "inv:abcdef:role:admin", message_id=1)
    assert "按钮已过期" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    admin = chat.user(ADMIN_ID)
    await chat.harness.say(admin, "/invite 小美")
    nonce = data_of(chat, admin.id, "导购").split(":")[1]
    await chat.harness.press(admin, f"inv:{nonce}:role:king")  # no such role
    assert "按钮已过期" in chat.fake.last_text(admin.id)
    await chat.harness.say(admin, "/invite 小美")
    await chat.harness.press(admin, data_of(chat, admin.id, "导购"))
    nonce = data_of(chat, admin.id, "朝阳店").split(":")[1]
    await chat.harness.press(admin, f"inv:{nonce}:team:999")  # no such team
    assert "按钮已过期" in chat.fake.last_text(admin.id)
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(InviteRow)).scalar_one() == 0


def _attempts(chat: Chat):
    with chat.roster.engine.connect() as conn:
        return conn.execute(sa.select(FilingAttemptRow).order_by(FilingAttemptRow.id)).all()


async def test_start_sets_a_menu_scoped_to_the_persons_roles(chat: Chat) -> None:
    from tests.bot.test_decisions import HEAD, add_head

    add_head(chat)
    await chat.harness.say(chat.user(101), "/start")
    await chat.harness.say(chat.user(HEAD, language="en"), "/start")
    scoped = {
        c.params["scope"]["chat_id"]: c.params["commands"]
        for c in chat.fake.calls_to("setMyCommands")
        if c.params["scope"]["type"] == "chat"
    }
    assert [c["command"] for c in scoped[101]] == [
        "new",
        "follow",
        "mine",
        "aftersale",
        "cancel",
        "help",
        "start",
    ]
    assert [c["command"] for c in scoped[HEAD]] == [
        "history",
        "export",
        "arbitrate",
        "cancel",
        "help",
        "start",
    ]
    assert scoped[HEAD][2]["description"] == "Arbitrate (department head)"
    assert "/arbitrate" in chat.fake.last_text(HEAD)


@pytest.mark.parametrize("blocked", [301, 302])
async def test_a_manager_who_blocked_the_bot_never_stops_the_others_or_the_filers_verdict(
    chat: Chat, blocked: int
) -> None:
    """Issue 10 item 11: every recipient is independent; the filer's dialog ends with its verdict."""
    file_directly(chat, 101, "13800138000", name="张伟", address="北京市朝阳区建国路88号3栋1201")
    chat.fake.blocked = {blocked}
    sales = chat.user(201)
    await fill(chat, sales, name="张伟", phone="13900139000", address="朝阳区建国路88号3栋1201室")
    verdict = await confirm(chat, sales)
    assert "报备成功" in verdict
    other = 302 if blocked == 301 else 301
    assert "可能撞单" in (chat.fake.last_text(other) or "")
    assert [c.status for c in chat.fake.calls_to("sendMessage") if c.params["chat_id"] == blocked] == [403]
    assert not chat.harness.errors
    # The dialog is over: the next words are not read as an answer to anything.
    await chat.harness.say(sales, "你好")
    assert "没有进行中的操作" in chat.fake.last_text(sales.id)
