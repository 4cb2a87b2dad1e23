"""What a dialog update costs the database (issue 11 part 6), through the queue as `leadbot run`
feeds it: two transactions — the record (which also reads the roster version), and the done mark
with the dialog state — and no roster read of its own; yet a deactivation made in another process
(the CLI, its own engine) is seen by the next update."""

from __future__ import annotations

import sqlalchemy as sa
from telegram import Update

from domain.roster import deactivate
from storage.db import make_engine
from storage.uow import SqlUnitOfWork
from tests.bot.conftest import Chat
from tests.conftest import T0


async def _through_the_queue(chat: Chat, update: dict) -> None:
    """What the webhook or the poller does (InboxQueue.put), then what the application does."""
    application = chat.harness.app
    await application.update_queue.put(Update.de_json(update, application.bot))
    if application.update_queue.empty():
        return  # turned away before the queue (bot.runtime.inbound_guard)
    update = application.update_queue.get_nowait()
    try:
        await application.process_update(update)
    finally:
        application.update_queue.task_done()  # or stopping the application waits for it for ever
    await chat.harness.settle()


async def test_a_dialog_step_costs_two_transactions_and_no_roster_read(chat: Chat) -> None:
    guide = chat.user(101)
    engine = chat.roster.engine
    await _through_the_queue(chat, chat.harness.factory.message(guide, "/new"))
    # The first update also remembers the guide's language (a roster write: the next one reads anew).
    await _through_the_queue(chat, chat.harness.factory.message(guide, "张三"))
    await _through_the_queue(chat, chat.harness.factory.message(guide, "13800138000"))
    commits: list[object] = []
    statements: list[str] = []

    def committed(connection: object) -> None:
        commits.append(connection)

    def executed(connection: object, cursor: object, statement: str, *rest: object) -> None:
        statements.append(statement)

    sa.event.listen(engine, "commit", committed)
    sa.event.listen(engine, "before_cursor_execute", executed)
    try:
        await _through_the_queue(chat, chat.harness.factory.message(guide, "北京市朝阳区建国路88号"))
    finally:
        sa.event.remove(engine, "commit", committed)
        sa.event.remove(engine, "before_cursor_execute", executed)
    assert "4/6" in chat.fake.last_text(guide.id)
    assert len(commits) == 2
    assert not [s for s in statements if "FROM staff" in s], statements


async def test_a_deactivation_by_another_process_refuses_the_next_update(chat: Chat) -> None:
    guide = chat.user(101)
    await _through_the_queue(chat, chat.harness.factory.message(guide, "/new"))
    assert "1/6" in chat.fake.last_text(guide.id)
    cli = make_engine(chat.roster.engine.url.render_as_string(hide_password=False))
    try:
        with SqlUnitOfWork(cli, write=True) as uow:
            deactivate(uow, telegram_id=guide.id, now=T0)
    finally:
        cli.dispose()
    await _through_the_queue(chat, chat.harness.factory.message(guide, "张三"))
    assert "只供本公司销售人员使用" in chat.fake.last_text(guide.id)
