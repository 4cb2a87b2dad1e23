"""Manager groups: binding a team's summary, who may, unbinding, and supergroup migration."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from domain.model import Role
from domain.roster import enrol
from storage.tables import TeamChatRow
from tests.bot.conftest import ADMIN_ID, Chat

GROUP = -100777


def bindings(chat: Chat) -> list[tuple[int, int]]:
    with chat.roster.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(sa.select(TeamChatRow.team_id, TeamChatRow.chat_id))]


def group_buttons(chat: Chat) -> list[tuple[str, str | None]]:
    return chat.fake.buttons(GROUP)


async def bind(chat: Chat, telegram_id: int) -> None:
    user = chat.user(telegram_id)
    await chat.harness.send(chat.harness.factory.group_message(user, "/bindteam", chat_id=GROUP))


async def test_store_manager_binds_own_team_only(chat: Chat) -> None:
    await bind(chat, 301)
    assert [text for text, _ in group_buttons(chat)] == ["朝阳店"]
    _, data = group_buttons(chat)[0]
    await chat.harness.press(chat.user(301), data, chat_id=GROUP)
    assert "每天 20:30 收到「朝阳店」的日报" in chat.fake.last_text(GROUP)
    assert bindings(chat) == [(chat.roster.store.id, GROUP)]


async def test_guides_cannot_bind_and_cannot_press_a_managers_button(chat: Chat) -> None:
    await bind(chat, 101)
    assert "只有该团队的店长" in chat.fake.last_text(GROUP)
    await bind(chat, ADMIN_ID)
    assert sorted(text for text, _ in group_buttons(chat)) == sorted(["业务一部", "业务二部", "朝阳店"])
    _, data = group_buttons(chat)[0]
    await chat.harness.press(chat.user(101), data, chat_id=GROUP)
    assert "只有该团队的店长" in chat.fake.calls_to("answerCallbackQuery")[-1].params["text"]
    assert bindings(chat) == []


def add_person(chat: Chat, telegram_id: int, role: Role) -> None:
    with chat.roster.writer() as uow:
        enrol(
            uow,
            telegram_id=telegram_id,
            name="孙经理",
            roles=frozenset({role}),
            team_name=None,
            region=None,
            now=chat.clock.now,
        )


@pytest.mark.parametrize("role", [Role.DEPT_HEAD, Role.OPS_MANAGER])
async def test_department_heads_and_ops_managers_bind_any_team(chat: Chat, role: Role) -> None:
    """They see every team (RULES §2), so they may bind any team's summary, and unbind it."""
    add_person(chat, 500, role)
    await bind(chat, 500)
    assert sorted(text for text, _ in group_buttons(chat)) == sorted(["业务一部", "业务二部", "朝阳店"])
    data = next(data for text, data in group_buttons(chat) if text == "业务二部")
    await chat.harness.press(chat.user(500), data, chat_id=GROUP)
    assert "收到「业务二部」的日报" in chat.fake.last_text(GROUP)
    assert bindings(chat) == [(chat.roster.field2.id, GROUP)]
    await chat.harness.send(chat.harness.factory.group_message(chat.user(500), "/unbindteam", chat_id=GROUP))
    assert "不再接收日报：业务二部" in chat.fake.last_text(GROUP) and bindings(chat) == []


async def test_a_marketing_manager_and_another_teams_manager_cannot_bind(chat: Chat) -> None:
    add_person(chat, 501, Role.MARKETING_MANAGER)
    await bind(chat, 501)
    assert "部门负责人、运营经理或管理员" in chat.fake.last_text(GROUP)
    await bind(chat, 302)  # the supervisor of 业务一部 is offered their own team only
    assert [text for text, _ in group_buttons(chat)] == ["业务一部"]
    forged = f"bind:{chat.roster.store.id}"
    await chat.harness.press(chat.user(302), forged, chat_id=GROUP)
    assert bindings(chat) == []


async def test_unbind_and_private_chat_refusal(chat: Chat) -> None:
    await bind(chat, 301)
    await chat.harness.press(chat.user(301), group_buttons(chat)[0][1], chat_id=GROUP)
    await chat.harness.send(chat.harness.factory.group_message(chat.user(101), "/unbindteam", chat_id=GROUP))
    assert "无权解绑" in chat.fake.last_text(GROUP) and bindings(chat)
    await chat.harness.send(chat.harness.factory.group_message(chat.user(301), "/unbindteam", chat_id=GROUP))
    assert "不再接收日报：朝阳店" in chat.fake.last_text(GROUP) and bindings(chat) == []
    await chat.harness.say(chat.user(301), "/bindteam")
    assert "请在经理群里发送" in chat.fake.last_text(301)


async def test_binding_follows_a_group_migrated_to_a_supergroup(chat: Chat) -> None:
    old = -4455
    user = chat.user(301)
    await chat.harness.send(
        chat.harness.factory.group_message(user, "/bindteam", chat_id=old, chat_type="group")
    )
    await chat.harness.press(user, chat.fake.buttons(old)[0][1], chat_id=old)
    await chat.harness.send(chat.harness.factory.migrate(user, old, -1009988))
    assert bindings(chat) == [(chat.roster.store.id, -1009988)]
