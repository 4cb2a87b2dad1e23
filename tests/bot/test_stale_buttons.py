"""Issue 13: a button whose moment has passed says what to do now, in its own context, and loses its
keyboard; no list shows the same button twice."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.app import build_application
from domain.model import Closure, Role
from domain.roster import enrol
from tests.bot.conftest import Chat
from tests.bot.test_decisions import HEAD, add_head, ask_extension
from tests.bot.test_filing_dialog import data_of, fill
from tests.bot.test_restart_and_duplicates import _settings
from tests.bot.test_verdicts_and_lists import confirm, file_directly
from tests.fakebot import BotHarness, UpdateFactory

DAY = timedelta(days=1)
GUIDE = 101


def alert(chat: Chat) -> str:
    return chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]


def keyboard(chat: Chat, chat_id: int, message_id: int | None) -> object:
    assert message_id is not None
    return chat.fake.messages[(chat_id, message_id)].get("reply_markup")


def two_customers(chat: Chat) -> None:
    file_directly(chat, GUIDE, "13800138000", name="张三")
    file_directly(chat, GUIDE, "13900139000", name="李四", address="北京市朝阳区建国路99号2栋301")


def enrol_as(chat: Chat, telegram_id: int, name: str, role: Role, team: str | None) -> None:
    with chat.roster.writer() as uow:
        enrol(
            uow,
            telegram_id=telegram_id,
            name=name,
            roles=frozenset({role}),
            team_name=team,
            region=None,
            now=chat.clock.now,
        )


# --- /follow ----------------------------------------------------------------------------------------


async def test_a_follow_up_button_after_the_dialog_ended_says_send_follow_again_and_loses_its_keyboard(
    chat: Chat,
) -> None:
    two_customers(chat)
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/follow")
    listed, pick = chat.fake.last_bot_message_id(GUIDE), data_of(chat, GUIDE, "张三")
    await chat.harness.say(guide, "/cancel")
    await chat.harness.press(guide, pick, message_id=listed)
    text = alert(chat)
    assert "按钮已过期" in text and "/follow" in text and "/new" not in text
    assert keyboard(chat, GUIDE, listed) is None  # not pressed again
    assert "这次跟进是什么" not in chat.fake.last_text(GUIDE)  # and nothing started


async def test_an_older_follow_up_list_while_a_newer_one_is_open_points_to_the_latest_question(
    chat: Chat,
) -> None:
    two_customers(chat)
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/follow")
    older, older_pick = chat.fake.last_bot_message_id(GUIDE), data_of(chat, GUIDE, "张三")
    await chat.harness.say(guide, "/follow")
    newer_pick = data_of(chat, GUIDE, "张三")
    await chat.harness.press(guide, older_pick, message_id=older)
    assert "最新的问题" in alert(chat) and keyboard(chat, GUIDE, older) is None
    await chat.harness.press(guide, newer_pick)  # the open dialog goes on
    assert "这次跟进是什么" in chat.fake.last_text(GUIDE)


async def test_after_a_restart_a_button_of_a_dialog_that_ended_before_says_send_follow(chat: Chat) -> None:
    two_customers(chat)
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/follow")
    ended, ended_pick = chat.fake.last_bot_message_id(GUIDE), data_of(chat, GUIDE, "张三")
    await chat.harness.say(guide, "/cancel")

    application = build_application(_settings(), chat.roster.engine, request=chat.fake, clock=chat.clock)
    factory = UpdateFactory(chat.fake, first_update_id=chat.harness.factory._update_id + 1)
    async with BotHarness(application, fake=chat.fake, factory=factory) as second:
        await second.press(guide, ended_pick, message_id=ended)
        assert "跟进已经结束" in alert(chat) and "/follow" in alert(chat) and "/new" not in alert(chat)
        await second.say(guide, "/follow")  # and what it says works
        await second.press(guide, data_of(chat, GUIDE, "李四"))
        assert "这次跟进是什么" in chat.fake.last_text(GUIDE) and "李四" in chat.fake.last_text(GUIDE)


async def test_a_registration_that_ended_since_the_list_was_shown_says_so_in_the_list(chat: Chat) -> None:
    two_customers(chat)
    guide = chat.user(GUIDE)
    await chat.harness.say(guide, "/follow")
    listed = chat.fake.last_bot_message_id(GUIDE)
    with chat.roster.writer() as uow:  # voided meanwhile (arbitration, a review)
        (zhang,) = [r for r in uow.registrations.registrations_of_customer("+8613800138000")]
        uow.registrations.save_registration(replace(zhang, closure=Closure.VOID, holds_claim=False))
        uow.commit()
    await chat.harness.press(guide, data_of(chat, GUIDE, "张三"))
    text = chat.fake.last_text(GUIDE)
    assert "已有变化" in text and "/follow" in text and "不是你的报备" not in text
    assert keyboard(chat, GUIDE, listed) is None


async def test_a_follow_button_on_an_old_message_for_a_registration_that_ended_says_it_changed(
    chat: Chat,
) -> None:
    filed = file_directly(chat, GUIDE, "13800138000")
    with chat.roster.writer() as uow:
        lost = uow.registrations.registration(filed.registration_id)
        assert lost is not None
        uow.registrations.save_registration(replace(lost, closure=Closure.LOST, holds_claim=False))
        uow.commit()
    await chat.harness.press(chat.user(GUIDE), f"fu:go:{filed.registration_id}", message_id=3)
    assert "已有变化" in alert(chat) and "/follow" in alert(chat)


# --- filing, arbitration, /extend, anything else -------------------------------------------------


async def test_the_filings_confirm_pressed_after_the_verdict_says_send_new(chat: Chat) -> None:
    guide = chat.user(GUIDE)
    await fill(chat, guide)
    again = data_of(chat, GUIDE, "确认")
    await confirm(chat, guide)
    await chat.harness.press(guide, again)
    assert "报备已经结束" in alert(chat) and "/new" in alert(chat)


async def test_an_arbitration_button_names_arbitrate_only_to_a_department_head(chat: Chat) -> None:
    add_head(chat)
    await chat.harness.press(chat.user(HEAD), "arb:abcdef:confirm", message_id=3)
    assert "/arbitrate" in alert(chat)
    await chat.harness.press(chat.user(301), "arb:abcdef:confirm", message_id=3)  # a store manager
    assert "/arbitrate" not in alert(chat) and "/help" in alert(chat)


async def test_an_extend_list_after_the_request_was_sent_says_send_extend(chat: Chat) -> None:
    add_head(chat)
    file_directly(chat, 201, "13800138000")
    sales = chat.user(201)
    await chat.harness.say(sales, "/extend")
    listed, pick = chat.fake.last_bot_message_id(201), data_of(chat, 201, "张三")
    await chat.harness.say(sales, "/cancel")
    await chat.harness.press(sales, pick, message_id=listed)
    assert "/extend" in alert(chat) and "/new" not in alert(chat)
    assert keyboard(chat, 201, listed) is None


async def test_unknown_button_data_points_to_help(chat: Chat) -> None:
    await chat.harness.press(chat.user(GUIDE), "garbage:data", message_id=77)
    assert "按钮已过期" in alert(chat) and "/help" in alert(chat) and "/new" not in alert(chat)


# --- decisions already taken ---------------------------------------------------------------------


async def test_a_review_another_manager_decided_says_so_and_its_buttons_go(chat: Chat) -> None:
    svc = chat.harness.app.bot_data["services"]
    svc.rules = replace(svc.rules, review_required=True)
    enrol_as(chat, 303, "吴店长", Role.STORE_MANAGER, "朝阳店")
    await fill(chat, chat.user(GUIDE))
    await confirm(chat, chat.user(GUIDE))
    asked = chat.fake.last_bot_message_id(303)
    reject = data_of(chat, 303, "驳回")
    await chat.harness.press(chat.user(301), data_of(chat, 301, "批准"))
    await chat.harness.press(chat.user(303), reject)
    assert "已经审核过了" in alert(chat)
    assert keyboard(chat, 303, asked) is None
    assert chat.fake.texts(303)[-1] == chat.fake.messages[(303, asked)]["text"]  # nothing asked


async def test_an_extension_another_head_decided_says_so_and_its_buttons_go(chat: Chat) -> None:
    add_head(chat)
    enrol_as(chat, 401, "钱经理", Role.DEPT_HEAD, None)
    file_directly(chat, 201, "13800138000")
    await ask_extension(chat)
    asked = chat.fake.last_bot_message_id(401)
    decline = data_of(chat, 401, "不批准")
    await chat.harness.press(chat.user(HEAD), data_of(chat, HEAD, "批准"))
    await chat.harness.press(chat.user(401), decline)
    assert "已经处理过了" in alert(chat)
    assert keyboard(chat, 401, asked) is None


async def test_a_forged_decision_button_says_the_request_is_gone(chat: Chat) -> None:
    add_head(chat)
    await chat.harness.press(chat.user(HEAD), "exd:ok:99999", message_id=4)
    assert "已不存在" in alert(chat)


# --- no list shows the same button twice -----------------------------------------------------------


async def test_mine_tells_two_customers_of_the_same_name_apart(chat: Chat) -> None:
    file_directly(chat, GUIDE, "13800138000", name="张三")
    file_directly(chat, GUIDE, "13900139000", name="张三", address="北京市朝阳区建国路99号2栋301")
    file_directly(chat, GUIDE, "13700137000", name="李四", address="北京市朝阳区建国路77号1栋101")
    await chat.harness.say(chat.user(GUIDE), "/mine")
    labels = [text for text, data in chat.fake.buttons(GUIDE) if data and data.startswith("fu:go:")]
    names = [label.split(". ", 1)[1] for label in labels]
    assert len(set(names)) == 3
    assert any("张三 ·8000" in n for n in names) and any("张三 ·9000" in n for n in names)
    assert any(n.endswith("李四") for n in names)  # no more than it needs


async def test_arbitration_tells_two_colleagues_of_the_same_name_apart_by_team(chat: Chat) -> None:
    add_head(chat)
    enrol_as(chat, 203, "刘洋", Role.SALESPERSON, "业务一部")
    file_directly(chat, GUIDE, "13800138000")
    head = chat.user(HEAD)
    await chat.harness.say(head, "/arbitrate")
    await chat.harness.say(head, "138 0013 8000")
    await chat.harness.press(head, data_of(chat, HEAD, "王芳"))
    await chat.harness.press(head, data_of(chat, HEAD, "转给其他同事"))
    labels = [text for text, _ in chat.fake.buttons(HEAD)]
    assert "刘洋 · 朝阳店" in labels and "刘洋 · 业务一部" in labels
    assert len(labels) == len(set(labels))


def test_every_stale_notice_fits_a_buttons_alert() -> None:
    """Telegram refuses an alert over 200 characters: the notice would be lost, not shortened."""
    import bot.app  # noqa: F401  (every feature says what its stale buttons answer)
    from bot.chat import stale
    from bot.i18n.catalog import TEXTS
    from bot.i18n.keys import Text

    notices = {e.text for e in stale._EXPIRED.values()} | {
        Text.stale_button,
        Text.stale_in_progress,
        Text.follow_gone,
        Text.stale_decision,
    }
    assert {"new", "fu", "arb", "ex", "exd", "rv"} <= set(stale._EXPIRED)
    assert all(len(TEXTS[key][language]) <= 200 for key in notices for language in TEXTS[key])
