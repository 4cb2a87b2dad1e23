"""Groups are an allow-list (RULES §2): whatever command, spelling or button a person uses in a
group, nothing personal is shown there and no dialog starts; the full workbook goes to the
team's managers in private."""

from __future__ import annotations

import io
import itertools
from datetime import timedelta

import openpyxl
import sqlalchemy as sa

from bot.chat.commands import GROUP_COMMANDS, command_of
from domain.filing import Accepted, FilingRequest, file_registration
from domain.model import FollowUpKind, Role
from domain.registrations import Done, record_follow_up
from domain.roster import enrol
from domain.rules import Rules
from storage.tables import RegistrationEventRow
from tests.bot.conftest import ADMIN_ID, Chat
from tests.conftest import T0

PHONE, ADDRESS, NAME = "13800138000", "北京市朝阳区建国路88号3栋1201", "张三"
GROUP = -100555
NOTE = "到家里看了，客厅要换沙发"
DEPT_HEAD = 400
# Every command the bot knows, private and group ones.
PRIVATE_COMMANDS = (
    "start",
    "new",
    "follow",
    "mine",
    "quota",
    "extend",
    "history",
    "arbitrate",
    "invite",
    "export",
    "cancel",
)


def spellings(command: str, bot_username: str) -> list[str]:
    return [
        f"/{command}",
        f"/{command.upper()}",
        f"/{command.capitalize()}",
        f"/{command}@{bot_username}",
        f"/{command.capitalize()}@{bot_username.upper()}",
        f"/{command} {PHONE}",
        f"/{command.upper()} {PHONE} {ADDRESS}",
    ]


def file_one(chat: Chat) -> int:
    rules = Rules(review_required=True)
    outcome = file_registration(
        chat.roster.writer, FilingRequest(101, NAME, PHONE, ADDRESS, needs=f"回电 {PHONE}"), T0, rules
    )
    assert isinstance(outcome, Accepted)
    return outcome.registration_id


def leaks(text: str) -> bool:
    digits = "".join(ch for ch in text if ch.isdigit())
    return "0013" in digits and "8000" in digits and PHONE in digits or "建国路" in text or NAME in text


async def test_every_private_command_in_every_spelling_and_group_type_shows_nothing(chat: Chat) -> None:
    file_one(chat)
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
        uow.commit()
    bot_username = chat.harness.factory.bot_user["username"]
    people = (301, ADMIN_ID, DEPT_HEAD, 101)
    # Every spelling by the team's manager (who would see the customer in full), every command by
    # everyone; one group each, as Telegram lets a bot say only ~20 things a minute in one group.
    cases = [
        (c, kind, 301, text)
        for c, kind in itertools.product(PRIVATE_COMMANDS, ("group", "supergroup"))
        for text in spellings(c, bot_username)
    ]
    cases += [
        (c, "supergroup", person, f"/{c}") for c, person in itertools.product(PRIVATE_COMMANDS, people[1:])
    ]
    for group, (_command, chat_type, person, text) in enumerate(cases, start=1):
        group_id = -100_000_000 - group
        await chat.harness.send(
            chat.harness.factory.group_message(chat.user(person), text, chat_id=group_id, chat_type=chat_type)
        )
        # The dialog would now ask its next question: the group answers plain text with nothing.
        await chat.harness.send(
            chat.harness.factory.group_message(
                chat.user(person), PHONE, chat_id=group_id, chat_type=chat_type
            )
        )
        sent = chat.fake.sent_messages(group_id)
        assert len(sent) == 1, (text, chat_type, person, sent)
        assert "私聊" in sent[0]["text"], (text, sent)
        assert not sent[0].get("reply_markup")
        assert not leaks(sent[0]["text"])
    # Nothing was said privately either: no dialog was opened from the group.
    for person in people:
        assert chat.fake.sent_messages(person) == []


async def test_a_command_for_another_bot_and_plain_text_are_ignored_in_groups(chat: Chat) -> None:
    for text in ("/history@other_bot", "/new@OtherBot 13800138000", "hello", PHONE, "/"):
        await chat.harness.send(chat.harness.factory.group_message(chat.user(301), text, chat_id=GROUP))
    assert chat.fake.sent_messages(GROUP) == []


async def test_group_commands_pass_in_any_spelling(chat: Chat) -> None:
    bot_username = chat.harness.factory.bot_user["username"]
    for text in ("/help", "/HELP", f"/Help@{bot_username}"):
        before = len(chat.fake.sent_messages(GROUP))
        await chat.harness.send(chat.harness.factory.group_message(chat.user(101), text, chat_id=GROUP))
        assert "/bindteam" in chat.fake.sent_messages(GROUP)[before]["text"]
    await chat.harness.send(chat.harness.factory.group_message(chat.user(301), "/BindTeam", chat_id=GROUP))
    assert [text for text, _ in chat.fake.buttons(GROUP)] == ["朝阳店"]


async def test_private_dialog_buttons_pressed_in_a_group_are_ignored(chat: Chat) -> None:
    registration_id = file_one(chat)
    await chat.harness.send(chat.harness.factory.group_message(chat.user(301), "/help", chat_id=GROUP))
    message_id = chat.fake.last_bot_message_id(GROUP)
    for data in (
        f"rv:ok:{registration_id}",
        f"rv:no:{registration_id}",
        f"fu:go:{registration_id}",
        f"ex:go:{registration_id}",
        "new:abc123:confirm",
        "inv:role:guide",
        "garbage",
    ):
        before = len(chat.fake.sent_messages(GROUP))
        await chat.harness.send(
            chat.harness.factory.callback(chat.user(301), data, message_id=message_id, chat_id=GROUP)
        )
        assert chat.fake.sent_messages(GROUP)[before:] == []
        answer = chat.fake.calls_to("answerCallbackQuery")[-1].params
        assert not answer.get("text")
    assert chat.fake.sent_messages(301) == []
    with chat.roster.engine.connect() as conn:  # the review was not decided from the group
        kinds = [k for (k,) in conn.execute(sa.select(RegistrationEventRow.kind))]
    assert "review_approved" not in kinds and "review_rejected" not in kinds


def test_command_parsing_matches_the_handlers() -> None:
    from telegram import Message

    def message(text: str, length: int | None = None) -> Message:
        data = {"message_id": 1, "date": 0, "chat": {"id": 1, "type": "group"}, "text": text}
        if length is not None:
            data["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return Message.de_json(data, None)  # type: ignore[arg-type]

    assert command_of(message("/History 138", 8), "LeadBot") == "history"
    assert command_of(message("/history@leadbot", 16), "LeadBot") == "history"
    assert command_of(message("/history@other", 14), "LeadBot") is None
    assert command_of(message("/history"), "LeadBot") is None  # no entity: Telegram did not call it a command
    assert command_of(message("x /new", None), "LeadBot") is None
    assert GROUP_COMMANDS == {"bindteam", "unbindteam", "help"}


async def bound_group_with_summary(chat: Chat) -> None:
    await chat.harness.send(chat.harness.factory.group_message(chat.user(301), "/bindteam", chat_id=GROUP))
    await chat.harness.press(chat.user(301), chat.fake.buttons(GROUP)[0][1], chat_id=GROUP)


async def test_team_manager_gets_the_full_workbook_in_private_from_the_group_button(chat: Chat) -> None:
    from bot.delivery.sweep import post_summaries

    registration_id = file_one(chat)
    done = record_follow_up(
        chat.roster.writer,
        actor_telegram_id=101,
        registration_id=registration_id,
        kind=FollowUpKind.HOME_VISIT,
        note=NOTE,
        amount=None,
        next_contact_at=None,
        now=T0 + timedelta(hours=1),
        rules=Rules(review_required=True),
    )
    assert isinstance(done, Done)
    await bound_group_with_summary(chat)
    svc = chat.harness.app.bot_data["services"]
    chat.clock.now = T0.replace(hour=12, minute=35)  # 20:35 in Shanghai
    await post_summaries(chat.harness.app.bot, svc, chat.clock.now)
    documents = [c for c in chat.fake.calls_to("sendDocument") if c.params["chat_id"] == GROUP]
    assert documents and documents[-1].params.get("reply_markup")
    button = documents[-1].params["reply_markup"]["inline_keyboard"][0][0]
    document_message = chat.fake.last_bot_message_id(GROUP)

    # A guide pressing it gets nothing; the store manager gets the full workbook privately.
    await chat.harness.send(
        chat.harness.factory.callback(
            chat.user(101), button["callback_data"], message_id=document_message, chat_id=GROUP
        )
    )
    assert "只有该团队" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    assert not [c for c in chat.fake.calls_to("sendDocument") if c.params["chat_id"] == 101]
    await chat.harness.send(
        chat.harness.factory.callback(
            chat.user(301), button["callback_data"], message_id=document_message, chat_id=GROUP
        )
    )
    private = [c for c in chat.fake.calls_to("sendDocument") if c.params["chat_id"] == 301]
    assert len(private) == 1
    cells = workbook_text(document(private[0]))
    assert PHONE in cells and ADDRESS in cells and "138 0013 8000" in cells and NOTE in cells
    group_cells = workbook_text(document(documents[-1]))
    assert PHONE not in group_cells and ADDRESS not in group_cells and NOTE not in group_cells
    assert "138****8000" in group_cells and "上门拜访" in group_cells  # the follow-up, without its note


async def test_export_in_private_for_managers_only(chat: Chat) -> None:
    file_one(chat)
    await chat.harness.say(chat.user(101), "/export")
    assert "只有该团队" in chat.fake.last_text(101)
    await chat.harness.say(chat.user(301), "/export")
    private = [c for c in chat.fake.calls_to("sendDocument") if c.params["chat_id"] == 301]
    assert len(private) == 1 and PHONE in workbook_text(document(private[0]))
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
        uow.commit()
    await chat.harness.say(chat.user(DEPT_HEAD), "/export")
    assert sorted(text for text, _ in chat.fake.buttons(DEPT_HEAD)) == sorted(
        ["业务一部", "业务二部", "朝阳店"]
    )


def workbook_text(data: bytes) -> str:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return "\n".join(
        str(c.value)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    )


def document(call) -> bytes:
    return next(iter(call.files.values()))[1]


async def test_forged_buttons_with_absurd_ids_get_a_clear_answer(chat: Chat) -> None:
    """Issue 10 item 7: absurd ids in callback data never reach the database as an overflow."""
    huge, negative = "9" * 30, "-1"
    await chat.harness.say(chat.user(101), "/mine")
    for person, data in itertools.product(
        (101, 301, ADMIN_ID),
        [
            f"fu:go:{huge}",
            f"ex:go:{huge}",
            f"rv:ok:{huge}",
            f"rv:no:{huge}",
            f"exd:ok:{huge}",
            f"exd:no:{negative}",
            f"wb:{huge}",
            f"wb:{negative}",
            f"mine:p:{huge}",
            f"inv:role:guide:{huge}",
            f"ex:abcdef:{huge}",
            "fu:go:0",
        ],
    ):
        await chat.harness.send(
            chat.harness.factory.callback(chat.user(person), data, message_id=1, chat_id=person)
        )
        answer = chat.fake.calls_to("answerCallbackQuery")[-1].params
        assert answer.get("text") or data.startswith("mine:"), (person, data)
    await chat.harness.send(
        chat.harness.factory.callback(chat.user(301), f"bind:{huge}", message_id=1, chat_id=GROUP)
    )
    assert not chat.harness.errors


async def test_in_private_every_spelling_reaches_its_command(chat: Chat) -> None:
    bot_username = chat.harness.factory.bot_user["username"]
    guide = chat.user(101)
    for text in ("/mine", "/MINE", "/Mine", f"/mine@{bot_username}", f"/MINE@{bot_username.upper()}"):
        await chat.harness.say(guide, text)
        assert "没有" in chat.fake.last_text(101) and "报备" in chat.fake.last_text(101), text  # mine_empty
    await chat.harness.say(guide, "/New")
    assert "1/" in chat.fake.last_text(101)  # the filing dialog's first step
    await chat.harness.say(guide, "/Cancel")
    await chat.harness.say(guide, "/mine@other_bot")  # addressed to another bot: not ours
    assert "没有进行中的操作" in chat.fake.last_text(101)
