"""Invitations: the admin names the colleague, the colleague joins under that name, the admin is
told through the outbox when the link is used, and a used or expired link says so."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from bot.delivery.notices import deliver_notices
from domain.model import Role
from domain.roster import InviteProblem, InviteRefused, create_invite, enrol, redeem_invite
from storage.tables import DeliveryRow, InviteRow, StaffRow
from tests.bot.conftest import ADMIN_ID, Chat
from tests.bot.test_filing_dialog import data_of

ROSTER_ADMIN = 950  # an admin on the roster (not in the settings' admin ids)


def _code(link_text: str | None) -> str:
    assert link_text is not None and "?start=" in link_text
    return link_text.split("?start=")[1].split()[0]


def _staff_name(chat: Chat, telegram_id: int) -> str | None:
    with chat.roster.engine.connect() as conn:
        return conn.execute(sa.select(StaffRow.name).where(StaffRow.telegram_id == telegram_id)).scalar()


def _notices(chat: Chat) -> list[tuple[int, int | None, str]]:
    with chat.roster.engine.connect() as conn:
        rows = conn.execute(
            sa.select(DeliveryRow.chat_id, DeliveryRow.staff_id, DeliveryRow.status).where(
                DeliveryRow.kind == "notice:invite_used"
            )
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


async def test_the_invitee_joins_under_the_given_name_and_the_admin_is_told(chat: Chat) -> None:
    admin = chat.user(ADMIN_ID, language="en")  # named in the settings, not on the roster
    h = chat.harness
    await h.say(admin, "/invite")
    assert "What is the new colleague's name?" in chat.fake.last_text(admin.id)
    await h.say(admin, "张伟")
    await h.press(admin, data_of(chat, admin.id, "field salesperson"))
    assert [text for text, _ in chat.fake.buttons(admin.id)] == ["业务一部", "业务二部"]
    await h.press(admin, data_of(chat, admin.id, "业务二部"))
    link_text = chat.fake.last_text(admin.id)
    assert "Invitation link for 张伟 (valid for 72 hours" in link_text
    assert "You will be told when someone joins with it." in link_text

    newcomer = chat.user(780, name="Tony")
    await h.say(newcomer, f"/start {_code(link_text)}")
    welcome = chat.fake.last_text(newcomer.id)
    assert "欢迎加入，张伟" in welcome and "Tony" not in welcome
    assert _staff_name(chat, 780) == "张伟"
    # The admin is told at once, in the language they invited in: who, as what, in which team.
    told = chat.fake.last_text(ADMIN_ID)
    assert told == (
        "✅ Your invitation was used: 张伟 (Telegram name: Tony) joined as field salesperson, team: 业务二部."
    )
    assert _notices(chat) == [(ADMIN_ID, None, "sent")]
    await h.say(newcomer, "/quota")  # on the roster, in the team the invitation named
    assert "已用 0/20" in chat.fake.last_text(newcomer.id)


async def test_the_notice_is_recorded_with_the_enrolment_and_sent_once(chat: Chat) -> None:
    """Through the use case, as the command line would: the notice row exists as soon as the
    enrolment does, and a delivery pass sends it (to an admin on the roster, by their staff id)."""
    with chat.roster.writer() as uow:
        admin = enrol(
            uow,
            telegram_id=ROSTER_ADMIN,
            name="马管理",
            roles=frozenset({Role.ADMIN}),
            team_name=None,
            region=None,
            now=chat.clock.now,
        )
    with chat.roster.writer() as uow:
        create_invite(
            uow,
            code="code-for-li",
            role=Role.STORE_MANAGER,
            team_id=chat.roster.store.id,
            name="李店长",
            created_by=ROSTER_ADMIN,
            now=chat.clock.now,
            valid_for=timedelta(hours=1),
        )
    with chat.roster.writer() as uow:
        redeem_invite(uow, code="code-for-li", telegram_id=781, telegram_name="Li", now=chat.clock.now)
    assert _notices(chat) == [(ROSTER_ADMIN, admin.id, "pending")]
    assert chat.fake.sent_messages(ROSTER_ADMIN) == []
    svc = chat.harness.app.bot_data["services"]
    assert [status for _, status in await deliver_notices(chat.harness.app.bot, svc)] == ["sent"]
    assert await deliver_notices(chat.harness.app.bot, svc) == []
    told = chat.fake.last_text(ROSTER_ADMIN)
    assert told == "✅ 你的邀请已被使用：李店长（电报名：Li）已加入，身份：店长，团队：朝阳店。"


async def test_a_used_or_expired_invitation_says_which(chat: Chat) -> None:
    admin = chat.user(ADMIN_ID)
    h = chat.harness
    await h.say(admin, "/invite 小美")
    await h.press(admin, data_of(chat, admin.id, "运营经理"))
    used = _code(chat.fake.last_text(admin.id))
    await h.say(admin, "/invite 小丽")
    await h.press(admin, data_of(chat, admin.id, "运营经理"))
    late = _code(chat.fake.last_text(admin.id))

    first = chat.user(782)
    await h.say(first, f"/start {used}")
    assert "欢迎加入，小美" in chat.fake.last_text(first.id)
    await h.say(first, f"/start {used}")  # the same person again: they are in already
    assert "你已经用这个邀请链接加入了" in chat.fake.last_text(first.id)
    second = chat.user(783)
    await h.say(second, f"/start {used}")
    assert "这个邀请链接已经有人用过了，每个链接只能用一次" in chat.fake.last_text(second.id)
    await h.say(second, "/start no-such-code")
    assert "这个邀请链接无效，可能复制时不完整" in chat.fake.last_text(second.id)
    chat.clock.now += timedelta(hours=73)
    english = chat.user(784, language="en")
    await h.say(english, f"/start {late}")
    assert chat.fake.last_text(english.id) == (
        "This invitation link expired on Fri 13 Nov 10:00. Ask an admin for a new one."
    )
    assert _staff_name(chat, 783) is None and _staff_name(chat, 784) is None
    # Only the invitation used was told to the admin, once.
    assert _notices(chat) == [(ADMIN_ID, None, "sent")]


async def test_the_name_is_checked_and_the_dialog_can_be_cancelled(chat: Chat) -> None:
    admin = chat.user(ADMIN_ID)
    h = chat.harness
    await h.say(admin, "/invite")
    await h.say(admin, "张" * 81)
    assert chat.fake.last_text(admin.id) == "姓名太长了（最多 80 个字）。"
    await h.say(admin, "   ")
    assert chat.fake.last_text(admin.id) == "请输入姓名。"
    await h.say(admin, "<b>王</b>")  # accepted as typed, shown escaped
    assert "角色" in chat.fake.last_text(admin.id)
    await h.say(admin, "/cancel")
    assert "已取消，没有生成邀请链接" in chat.fake.last_text(admin.id)
    await h.say(admin, "李四")  # the dialog is over: a name now is just text
    assert "角色" not in chat.fake.last_text(admin.id)
    await h.say(admin, "/invite " + "张" * 81)  # a name too long at once: asked for again
    assert "叫什么名字" in chat.fake.last_text(admin.id)
    with chat.roster.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(InviteRow)).scalar_one() == 0


def test_redeeming_tells_why_not(chat: Chat) -> None:
    with chat.roster.writer() as uow:
        refused = redeem_invite(uow, code="nothing", telegram_id=785, telegram_name="X", now=chat.clock.now)
    assert refused == InviteRefused(InviteProblem.UNKNOWN)
