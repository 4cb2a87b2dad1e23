"""/follow as people use it: the dialog, deposits and deals, takeover news in both directions."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import sqlalchemy as sa

from domain.model import Closure
from storage.tables import ActionAttemptRow, DialogStateRow, RegistrationEventRow, RegistrationRow
from tests.bot.conftest import Chat
from tests.bot.test_filing_dialog import data_of, fill
from tests.bot.test_verdicts_and_lists import confirm, file_directly, refused_at_phone

DAY = timedelta(days=1)


def events(chat: Chat) -> list[tuple[int, str, str | None]]:
    with chat.roster.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                RegistrationEventRow.registration_id,
                RegistrationEventRow.kind,
                RegistrationEventRow.follow_up_kind,
            ).order_by(RegistrationEventRow.id)
        )
        return [tuple(r) for r in rows]


async def test_call_with_note_and_next_contact(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    h = chat.harness
    chat.clock.now += 2 * DAY
    await h.say(guide, "/follow")  # one registration: straight to the kind
    assert "张三" in chat.fake.last_text(guide.id) and "这次跟进是什么" in chat.fake.last_text(guide.id)
    await h.press(guide, data_of(chat, guide.id, "电话"))
    await h.say(guide, "客户想看1.8米床垫，周末来店")
    await h.press(guide, data_of(chat, guide.id, "3 天后"))
    saved = chat.fake.last_text(guide.id)
    assert "已记录「📞 电话」" in saved and "跟进中" in saved
    assert "请在 11月15日（周日）10:00 前再次跟进" in saved  # 3 days after this follow-up
    assert "计划下次联系：11月15日（周日）10:00" in saved
    assert events(chat)[-1][1:] == ("follow_up", "call")


async def test_list_is_paged_past_eight(chat: Chat) -> None:
    for i in range(10):
        file_directly(chat, 101, f"1380000{i:04d}", name=f"客户{i}", address=f"北京市朝阳区建国路{i}号院")
    guide = chat.user(101)
    await chat.harness.say(guide, "/follow")
    labels = [text for text, _ in chat.fake.buttons(guide.id)]
    assert sum("客户" in label for label in labels) == 8 and "(1/2)" in chat.fake.last_text(guide.id)
    await chat.harness.press(guide, data_of(chat, guide.id, "下一页"))
    labels = [text for text, _ in chat.fake.buttons(guide.id)]
    assert sum("客户" in label for label in labels) == 2
    await chat.harness.press(guide, data_of(chat, guide.id, "客户"))
    assert "这次跟进是什么" in chat.fake.last_text(guide.id)


async def test_deal_asks_the_amount_rejects_garbage_and_confirms(chat: Chat) -> None:
    file_directly(chat, 201, "13800138000")
    sales = chat.user(201)
    h = chat.harness
    await h.say(sales, "/follow")
    await h.press(sales, data_of(chat, sales.id, "成交"))
    await h.press(sales, data_of(chat, sales.id, "跳过"))  # no note
    assert "成交金额" in chat.fake.last_text(sales.id)
    for garbage in ("-5", "abc", "12.345", "0"):
        await h.say(sales, garbage)
        assert "金额不对" in chat.fake.last_text(sales.id), garbage
    for too_large in ("1e9", "99999999999", "10000000.01"):
        await h.say(sales, too_large)
        assert "金额太大了：最多 ¥10,000,000" in chat.fake.last_text(sales.id), too_large
    await h.say(sales, "¥12,800")
    assert "请确认" in chat.fake.last_text(sales.id) and "¥12800.00" in chat.fake.last_text(sales.id)
    await h.press(sales, data_of(chat, sales.id, "确认"))
    assert "已成交" in chat.fake.last_text(sales.id)
    with chat.roster.engine.connect() as conn:
        row = conn.execute(
            sa.select(RegistrationRow.closure, RegistrationRow.deal_amount, RegistrationRow.credited_to_id)
        ).one()
    assert (row.closure, str(row.deal_amount), row.credited_to_id) == (
        "won",
        "12800.00",
        chat.roster.sales.id,
    )
    await h.say(sales, "/quota")
    assert "已用 0/20" in chat.fake.last_text(sales.id)  # the deal freed its slot


async def test_an_amount_too_large_names_the_maximum_in_english(chat: Chat) -> None:
    file_directly(chat, 201, "13800138000")
    sales = chat.user(201, language="en")
    h = chat.harness
    await h.say(sales, "/follow")
    await h.press(sales, data_of(chat, sales.id, "Deposit"))
    await h.press(sales, data_of(chat, sales.id, "Skip"))  # no note
    await h.press(sales, data_of(chat, sales.id, "Not planned"))
    await h.say(sales, "20000000")
    assert "amount is too large: at most ¥10,000,000" in chat.fake.last_text(sales.id)
    await h.say(sales, "10000000")  # the maximum itself is taken
    assert "¥10000000.00" in chat.fake.last_text(sales.id)


async def test_cancelling_a_deposit_records_nothing(chat: Chat) -> None:
    file_directly(chat, 201, "13800138000")
    sales = chat.user(201)
    h = chat.harness
    await h.say(sales, "/follow")
    await h.press(sales, data_of(chat, sales.id, "下定"))
    await h.say(sales, "交了定金")
    await h.press(sales, data_of(chat, sales.id, "明天"))
    await h.press(sales, data_of(chat, sales.id, "跳过"))
    await h.press(sales, data_of(chat, sales.id, "取消"))
    assert "没有记录任何跟进" in chat.fake.last_text(sales.id)
    assert [e[1] for e in events(chat)] == ["filed"]


async def test_someone_elses_registration_button_is_refused(chat: Chat) -> None:
    first = file_directly(chat, 101, "13800138000")
    other = chat.user(102)
    await chat.harness.press(other, f"fu:go:{first.registration_id}", message_id=1)
    assert "不是你的报备" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    assert [e[1] for e in events(chat)] == ["filed"]


async def test_registration_closed_meanwhile_is_refused_clearly(chat: Chat) -> None:
    first = file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/follow")
    await h.press(guide, data_of(chat, guide.id, "电话"))
    with chat.roster.writer() as uow:  # e.g. voided by arbitration in the meantime
        voided = uow.registrations.registration(first.registration_id)
        assert voided is not None
        uow.registrations.save_registration(replace(voided, closure=Closure.VOID, holds_claim=False))
        uow.commit()
    await h.press(guide, data_of(chat, guide.id, "跳过"))
    await h.press(guide, data_of(chat, guide.id, "明天"))
    assert "已作废，不能再记录" in chat.fake.last_text(guide.id)
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(ActionAttemptRow.reason)).scalars().all() == ["closed"]


async def test_mine_entries_and_already_yours_lead_into_the_dialog(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    await chat.harness.say(guide, "/mine")
    await chat.harness.press(guide, data_of(chat, guide.id, "跟进"))
    assert "这次跟进是什么" in chat.fake.last_text(guide.id)
    await chat.harness.say(guide, "/cancel")
    assert "已经在你名下" in await refused_at_phone(chat, guide)
    await chat.harness.press(guide, data_of(chat, guide.id, "跟进"))
    assert "这次跟进是什么" in chat.fake.last_text(guide.id)


async def test_takeover_challenger_deposit_voids_the_holder_and_both_are_told(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    chat.clock.now += 10 * DAY
    guide2, guide = chat.user(102), chat.user(101, language="en")
    await chat.harness.say(guide, "/start")  # the bot learns the holder reads English
    await fill(chat, guide2)
    verdict = await confirm(chat, guide2)
    assert "报备成功" in verdict and "接手申请" in verdict and "王芳" in verdict
    assert "has just filed them" in chat.fake.last_text(guide.id)  # the holder hears, in English
    chat.clock.now += DAY
    h = chat.harness
    await h.say(guide2, "/follow")
    await h.press(guide2, data_of(chat, guide2.id, "下定"))
    await h.press(guide2, data_of(chat, guide2.id, "跳过"))
    await h.press(guide2, data_of(chat, guide2.id, "暂不安排"))
    await h.say(guide2, "2000")
    await h.press(guide2, data_of(chat, guide2.id, "确认"))
    assert "已下定" in chat.fake.last_text(guide2.id)
    assert "taken them over with a deposit" in chat.fake.last_text(guide.id)
    await h.say(guide, "/follow")
    assert "no registration to follow up" in chat.fake.last_text(guide.id)


async def test_takeover_holder_resumes_first_and_the_challenger_is_told(chat: Chat) -> None:
    file_directly(chat, 201, "13800138000")
    chat.clock.now += 10 * DAY
    file_directly(chat, 202, "13800138000", address="朝阳区建国路88号3栋1201")
    sales = chat.user(201)
    await chat.harness.say(sales, "/follow")
    await chat.harness.press(sales, data_of(chat, sales.id, "电话"))
    await chat.harness.press(sales, data_of(chat, sales.id, "跳过"))
    await chat.harness.press(sales, data_of(chat, sales.id, "明天"))
    # The filing made outside the chat told the holder from the outbox meanwhile.
    assert any("跟进中" in text for text in chat.fake.texts(sales.id)[-2:])
    assert "接手申请作废" in chat.fake.last_text(202) and "不占用你的本月额度" in chat.fake.last_text(202)


async def test_starting_a_dialog_ends_the_one_left_open(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    await h.say(guide, "李四")  # the filing dialog now waits for a phone…
    await h.say(guide, "/follow")  # …but the guide turns to a follow-up instead
    await h.press(guide, data_of(chat, guide.id, "电话"))
    await h.say(guide, "客户说周末来店")
    assert "下次计划什么时候联系" in chat.fake.last_text(guide.id)  # read as the note, not as a phone
    await h.press(guide, data_of(chat, guide.id, "明天"))
    assert "已记录「📞 电话」" in chat.fake.last_text(guide.id)
    await h.say(guide, "13900139000")
    assert "没有进行中的操作" in chat.fake.last_text(guide.id)  # the abandoned filing is gone


async def test_a_dialog_left_open_starts_afresh_when_opened_again_and_leaves_nothing(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/new")
    await h.say(guide, "李四")
    await h.say(guide, "/follow")  # the filing is left waiting for a phone
    await h.say(guide, "/cancel")
    await h.say(guide, "13900139000")  # not read by the filing left open
    assert "3/6" not in chat.fake.last_text(guide.id)
    await h.say(guide, "/new")
    assert "1/6" in chat.fake.last_text(guide.id)  # from the first step, not the stale one
    await h.say(guide, "/cancel")
    with chat.roster.engine.connect() as conn:
        scopes = {row.scope for row in conn.execute(sa.select(DialogStateRow.scope))}
    assert "user_data" not in scopes  # no dialog open, none left open


# --- issue 10 items 5 and 7: a capped note; a typed next contact lies ahead -------------------------


async def test_a_5000_character_note_is_asked_again_and_nothing_is_stored(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/follow")
    await h.press(guide, data_of(chat, guide.id, "电话"))
    before = events(chat)
    await h.say(guide, "记" * 5000)
    hint = chat.fake.last_text(guide.id)
    assert "最多 500 个字" in hint and len(hint) < 200
    assert events(chat) == before
    await h.say(guide, "客户周末来店")
    assert "下次计划什么时候联系" in chat.fake.last_text(guide.id)


async def test_next_contact_typed_must_lie_ahead(chat: Chat) -> None:
    file_directly(chat, 101, "13800138000")
    guide = chat.user(101)
    h = chat.harness
    await h.say(guide, "/follow")  # T0 is Tue 10 Nov 10:00 in Shanghai
    await h.press(guide, data_of(chat, guide.id, "电话"))
    await h.press(guide, data_of(chat, guide.id, "跳过"))
    await h.say(guide, "11-9 15:00")  # yesterday
    assert "已经过去" in chat.fake.last_text(guide.id)
    await h.say(guide, "11-10 9:00")  # earlier today
    assert "已经过去" in chat.fake.last_text(guide.id)
    await h.say(guide, "9999-12-31 23:59")
    assert "离今天太远" in chat.fake.last_text(guide.id)
    await h.say(guide, "13-45 99:00")
    assert "没看懂" in chat.fake.last_text(guide.id)
    await h.say(guide, "11-12 15:30")
    assert "计划下次联系：11月12日（周四）15:30" in chat.fake.last_text(guide.id)
    with chat.roster.engine.connect() as conn:
        planned = conn.execute(
            sa.select(RegistrationEventRow.next_contact_at).where(RegistrationEventRow.kind == "follow_up")
        ).scalar_one()
    assert planned.strftime("%m-%d %H:%M") == "11-12 07:30"  # stored in UTC
