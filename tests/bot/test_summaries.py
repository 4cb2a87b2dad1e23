"""Daily summaries posted by the sweep job: when, to whom, once, masked in groups, with the workbook."""

from __future__ import annotations

import io
import unicodedata
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import sqlalchemy as sa

from bot.delivery.sweep import post_summaries
from domain.filing import FilingRequest, file_registration
from domain.model import FollowUpKind, Role
from domain.registrations import record_follow_up
from domain.roster import enrol
from domain.rules import Rules
from storage.tables import DeliveryRow
from tests.bot.conftest import Chat
from tests.bot.test_groups import GROUP, bind
from tests.bot.test_verdicts_and_lists import file_directly

SHANGHAI = ZoneInfo("Asia/Shanghai")
OPS, MARKETING = 500, 501


def svc(chat: Chat):
    return chat.harness.app.bot_data["services"]


async def setup(chat: Chat) -> None:
    with chat.roster.writer() as uow:
        enrol(
            uow,
            telegram_id=OPS,
            name="运营经理",
            roles=frozenset({Role.OPS_MANAGER}),
            team_name=None,
            region=None,
            now=chat.clock.now,
        )
    with chat.roster.writer() as uow:
        enrol(
            uow,
            telegram_id=MARKETING,
            name="市场经理",
            roles=frozenset({Role.MARKETING_MANAGER}),
            team_name=None,
            region=None,
            now=chat.clock.now,
        )
    await bind(chat, 301)
    await chat.harness.press(chat.user(301), chat.fake.buttons(GROUP)[0][1], chat_id=GROUP)
    file_directly(chat, 101, "13800138000")
    file_directly(chat, 201, "13900139000", address="海淀区中关村大街1号院")


async def test_summaries_go_out_at_digest_time_once_to_each_recipient(chat: Chat) -> None:
    await setup(chat)
    bot = chat.harness.app.bot
    assert await post_summaries(bot, svc(chat), datetime(2026, 11, 10, 20, 29, tzinfo=SHANGHAI)) == []
    results = await post_summaries(bot, svc(chat), datetime(2026, 11, 10, 20, 30, tzinfo=SHANGHAI))
    sent_to = sorted(
        (o.recipient.team.name, o.recipient.chat_id) for o, status in results if status == "sent"
    )
    # the store's group; ops gets all three teams; marketing the two field teams
    assert sent_to == sorted(
        [
            ("朝阳店", GROUP),
            ("朝阳店", OPS),
            ("业务一部", OPS),
            ("业务二部", OPS),
            ("业务一部", MARKETING),
            ("业务二部", MARKETING),
        ]
    )
    assert (
        await post_summaries(bot, svc(chat), datetime(2026, 11, 10, 21, 0, tzinfo=SHANGHAI)) == []
    )  # once a day
    group_texts = "\n".join(chat.fake.texts(GROUP))
    assert (
        "138****8000" in group_texts
        and "13800138000" not in group_texts
        and "138 0013 8000" not in group_texts
    )  # masked in the group
    documents = chat.fake.calls_to("sendDocument")
    group_document = next(c for c in documents if c.params["chat_id"] == GROUP)
    name, data = next(iter(group_document.files.values()))
    assert name.endswith(".xlsx") and "朝阳店" in name
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 3  # title, header + the one open store registration
    assert sheet["C3"].value == "138****8000" and sheet["D3"].value is None  # group copy: masked, no address

    def sheet_for(chat_id: int, team_part: str):
        call = next(
            c
            for c in documents
            if c.params["chat_id"] == chat_id and team_part in next(iter(c.files.values()))[0]
        )
        return openpyxl.load_workbook(io.BytesIO(next(iter(call.files.values()))[1])).active

    ops_sheet = sheet_for(OPS, "业务一部")  # the ops manager is entitled to every team's details
    assert ops_sheet["C3"].value == "139 0013 9000" and ops_sheet["D3"].value == "海淀区中关村大街1号院"
    marketing_sheet = sheet_for(MARKETING, "业务一部")  # copied, not the team's manager: masked
    assert marketing_sheet["C3"].value == "139****9000" and marketing_sheet["D3"].value is None
    tomorrow = await post_summaries(bot, svc(chat), datetime(2026, 11, 11, 20, 30, tzinfo=SHANGHAI))
    assert len(tomorrow) == 6


async def test_a_failed_summary_is_retried_the_same_day(chat: Chat) -> None:
    await setup(chat)
    bot = chat.harness.app.bot
    chat.fake.fail_next("sendMessage", error_code=502, description="Bad Gateway")
    first = await post_summaries(bot, svc(chat), datetime(2026, 11, 10, 20, 30, tzinfo=SHANGHAI))
    assert sorted(status for _, status in first).count("pending") == 1
    retried = await post_summaries(bot, svc(chat), datetime(2026, 11, 10, 20, 33, tzinfo=SHANGHAI))
    assert [status for _, status in retried] == ["sent"]
    with chat.roster.engine.connect() as conn:
        assert set(conn.execute(sa.select(DeliveryRow.status)).scalars()) == {"sent"}


async def test_a_person_who_blocked_the_bot_shows_in_their_teams_summary(chat: Chat) -> None:
    from bot.delivery.sweep import sweep

    await setup(chat)
    chat.fake.fail_next("sendMessage", error_code=403, description="Forbidden: bot was blocked by the user")
    reminders = await sweep(chat.harness.app.bot, svc(chat), chat.clock.now + timedelta(days=2))
    assert sorted(status for _, status in reminders) == ["sent", "undeliverable"]
    blocked = next(o.to.name for o, status in reminders if status == "undeliverable")
    await post_summaries(chat.harness.app.bot, svc(chat), datetime(2026, 11, 12, 20, 30, tzinfo=SHANGHAI))
    summary = "\n".join(chat.fake.texts(GROUP if blocked == "王芳" else OPS))
    assert "提醒发不出去" in summary and blocked in summary


# --- issue 10 item 2: phones typed into free text stay out of group copies -------------------------

TYPED = ["138.0013.8000", "(010) 1234-5678"]  # the customer's husband's mobile, their landline
HIDDEN = ["13800138000", "1012345678"]  # none of these digit runs, whatever the separators


def digits_of(value: object) -> str:
    return "".join(str(unicodedata.digit(ch)) for ch in str(value) if ch.isdigit())


def workbook_cells(data: bytes) -> list[object]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    return [
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def leaks(values: list[object]) -> list[object]:
    return [v for v in values if any(hidden in digits_of(v) for hidden in HIDDEN)]


async def test_phones_in_needs_names_and_notes_are_masked_in_every_group_copy(chat: Chat) -> None:
    await setup(chat)
    needs = f"要沙发，她先生 {TYPED[0]}，家里座机 {TYPED[1]}"
    for filer, phone in ((101, "13912345678"), (201, "13712345678")):  # the store, and a field team
        filed = file_registration(
            chat.roster.writer,
            FilingRequest(filer, f"赵六 {TYPED[0]}", phone, "北京市朝阳区光华路1号院2栋301", needs=needs),
            chat.clock.now,
            Rules(),
        )
        record_follow_up(
            chat.roster.writer,
            actor_telegram_id=filer,
            registration_id=filed.registration_id,
            kind=FollowUpKind.CALL,
            note=f"换号了：{TYPED[0]}，座机 {TYPED[1]}",
            amount=None,
            next_contact_at=None,
            now=chat.clock.now + timedelta(hours=1),
            rules=Rules(),
        )
    await post_summaries(chat.harness.app.bot, svc(chat), datetime(2026, 11, 10, 20, 30, tzinfo=SHANGHAI))

    def documents(chat_id: int) -> list[bytes]:
        return [
            next(iter(c.files.values()))[1]
            for c in chat.fake.calls_to("sendDocument")
            if c.params["chat_id"] == chat_id
        ]

    # The group, and marketing (copied on field teams, not entitled to their details): masked.
    for chat_id in (GROUP, MARKETING):
        texts = chat.fake.texts(chat_id)
        assert texts and documents(chat_id)
        assert leaks(texts) == []
        assert any("赵六 138****8000" in text for text in texts)  # the typed name, its phone masked
        cells = [
            cell for data in documents(chat_id) for cell in workbook_cells(data)
        ]  # every cell of every sheet
        assert leaks(cells) == []
        assert "要沙发，她先生 138****8000，家里座机 010-****5678" in cells
    # The ops manager is entitled to every team's details: the private copy has them as typed.
    ops_cells = [cell for data in documents(OPS) for cell in workbook_cells(data)]
    assert needs in ops_cells and "139 1234 5678" in ops_cells and f"赵六 {TYPED[0]}" in ops_cells
    assert any(f"赵六 {TYPED[0]} 139 1234 5678" in text for text in chat.fake.texts(OPS))


async def test_repeated_duplicate_attempts_are_one_line_with_their_count(chat: Chat) -> None:
    await setup(chat)  # 王芳 (101) holds 张三 13800138000
    for minutes in range(6):
        chat.clock.now += timedelta(minutes=minutes)
        file_directly(chat, 102, "13800138000")  # 刘洋 tries again and again
    file_directly(chat, 102, "13900139000")  # and once on 李强's customer
    await post_summaries(chat.harness.app.bot, svc(chat), datetime(2026, 11, 10, 20, 30, tzinfo=SHANGHAI))
    group_texts = "\n".join(chat.fake.texts(GROUP))
    assert "今日撞单被拒（7）" in group_texts
    assert "• 刘洋：6 次撞单，客户 张* 已由 王芳 报备在先" in group_texts
    assert "刘洋 报备的客户 张* 已由 李强 报备在先" in group_texts
    assert group_texts.count("刘洋") == 2
