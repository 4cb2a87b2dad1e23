"""What a dialog update costs the real process, beside a bare python-telegram-bot echo bot.

    .venv/bin/python bench/throughput.py                                        # SQLite
    .venv/bin/python bench/throughput.py --pg postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python bench/throughput.py --seconds 60 --rate 25 --guides 25

One run starts, one after the other, two webhook processes against the HTTP fake Bot API
(tests/fakebot_http.py, served from this process): a bare PTB echo bot (this file's `echo-bot`
mode: the same AIORateLimiter(max_retries=3) and HTTPX pool as leadbot, a reply per text and a
sendMessage after answering each button) and `leadbot run --webhook` (tests/e2e/bot_process.py)
on a fresh migrated database (SQLite in a temporary directory; with --pg, a database
`leadbot_bench_throughput` beside the one named, dropped afterwards) with the tests' roster and
--guides more guides. To each, --rate updates per second are offered for --seconds: every tick
the next guide whose last step was answered posts its next step of a /new dialog (/new, name,
phone, address, needs, the 「一个月内」 button, and /new again), so --guides must be large
enough that one is always free (each waits for its answer, ≈ guides / rate seconds between its
steps), and small enough per guide for leadbot's per-user cap (20 updates in 10 s: at 25/s, 25
guides make 1 update/s each). A warm-up of 2 dialogs per guide comes first and is not counted.

Printed for each: CPU ms per update (utime + stime of the process, from /proc/<pid>/stat, read
after the warm-up and after the last answer, over the updates answered), p50/p99 reply latency
(the webhook POST sent → the first sendMessage/editMessageText to that chat recorded by the fake),
updates offered/answered, and the ratio leadbot / echo bot.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

BENCH_DB = "leadbot_bench_throughput"
SECRET = "bench-secret"
HOOK_PATH = "/tg/hook"
REPLIES = frozenset({"sendMessage", "editMessageText"})
# One dialog, as a guide walks it: text steps, and ("button", label) presses.
DIALOG: tuple[str | tuple[str, str], ...] = (
    "/new",
    "张三",
    "PHONE",
    "北京市朝阳区建国路88号3栋1201",
    "1.8米床垫",
    ("button", "一个月内"),
)
TICKS_PER_S = os.sysconf("SC_CLK_TCK")


# -- the echo bot (a process of its own) --------------------------------------------------------


def echo_bot(base_url: str, port: int) -> None:
    from telegram import Update
    from telegram.ext import (
        AIORateLimiter,
        ApplicationBuilder,
        CallbackQueryHandler,
        ContextTypes,
        MessageHandler,
        filters,
    )
    from telegram.request import HTTPXRequest

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    async def button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.callback_query is not None and update.effective_chat is not None
        await update.callback_query.answer()
        await context.bot.send_message(update.effective_chat.id, update.callback_query.data or "")

    application = (
        ApplicationBuilder()
        .token("123:ABC")
        .base_url(base_url)
        .rate_limiter(AIORateLimiter(max_retries=3))
        .request(HTTPXRequest(connection_pool_size=256))
        .build()
    )
    application.add_handler(MessageHandler(filters.TEXT, echo))
    application.add_handler(CallbackQueryHandler(button))
    application.run_webhook(
        listen="127.0.0.1",
        port=port,
        url_path=HOOK_PATH.lstrip("/"),
        webhook_url=f"https://bot.example.com{HOOK_PATH}",
        secret_token=SECRET,
    )


# -- the load --------------------------------------------------------------------------------


def _cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of the whole line)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_port(port: int, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process.poll() is not None:
            raise SystemExit(f"the bot exited ({process.returncode}) before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"nothing listens on {port} after {timeout} s")


@dataclass
class _Guide:
    user: Any
    step: int = 0
    dialogs: int = 0
    posted_at: float | None = None


@dataclass
class Result:
    offered: int
    answered: int
    cpu_ms: float
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def cpu_per_update(self) -> float:
        return self.cpu_ms / max(1, self.answered)

    def pct(self, q: float) -> float:
        ms = sorted(self.latencies_ms)
        return ms[min(len(ms) - 1, int(len(ms) * q))] if ms else float("nan")


def _make_server_class() -> Any:
    from tests.fakebot_http import FakeBotServer

    class TimedServer(FakeBotServer):
        """Tells the load the moment each reply reaches the fake."""

        on_reply: Any = None

        def _answer(self, url: str, method: str, data: Any) -> tuple[int, Any]:
            answer = super()._answer(url, method, data)
            if url.rstrip("/").rsplit("/", 1)[-1] in REPLIES and self.on_reply is not None:
                self.on_reply(data.parameters.get("chat_id"), time.monotonic())
            return answer

    return TimedServer


class Load:
    def __init__(self, server: Any, port: int, guides: list[Any]) -> None:
        self.server, self.port = server, port
        self.guides = {g.id: _Guide(g) for g in guides}
        self.ready: collections.deque[_Guide] = collections.deque(self.guides.values())
        self.cond = threading.Condition()
        self.latencies: list[float] = []
        self.errors = 0
        server.on_reply = self._replied

    def _replied(self, chat_id: object, at: float) -> None:
        try:
            guide = self.guides.get(int(chat_id))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return
        with self.cond:
            if guide is None or guide.posted_at is None:
                return
            self.latencies.append((at - guide.posted_at) * 1000)
            guide.posted_at = None
            self.ready.append(guide)
            self.cond.notify_all()

    def _update(self, guide: _Guide) -> dict[str, Any]:
        step = DIALOG[guide.step]
        with self.server.lock:
            if isinstance(step, tuple):
                buttons = self.server.fake.buttons(guide.user.id)
                data = next((d for text, d in buttons if step[1] in text and d), step[1])
                return self.server.factory.callback(guide.user, data)
            text = f"138{guide.user.id % 1000:03d}{guide.dialogs:05d}" if step == "PHONE" else step
            return self.server.factory.message(guide.user, text)

    def _post(self, guide: _Guide) -> None:
        body = json.dumps(self._update(guide)).encode()
        guide.step = (guide.step + 1) % len(DIALOG)
        guide.dialogs += guide.step == 0
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.port}{HOOK_PATH}",
            data=body,
            headers={"Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        with self.cond:
            guide.posted_at = time.monotonic()
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                response.read()
        except Exception:
            self.errors += 1

    def offer(self, rate: float, count: int) -> tuple[int, int]:
        """Offer `count` updates at `rate` per second; (offered, answered) once all are answered."""
        from bot.cli.progress import progress

        offered = 0
        start = time.monotonic()
        answered_before = len(self.latencies)
        with ThreadPoolExecutor(max_workers=16) as pool, progress(f"{rate:g} updates/s", count) as bar:
            for tick in range(count):
                bar.advance()
                delay = start + tick / rate - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                with self.cond:
                    guide = self.ready.popleft() if self.ready else None
                if guide is None:
                    continue  # every guide waits for an answer: this tick offers nothing
                offered += 1
                pool.submit(self._post, guide)
        with self.cond:
            self.cond.wait_for(lambda: len(self.latencies) - answered_before >= offered, timeout=60)
            return offered, len(self.latencies) - answered_before


def run_one(name: str, start: Any, rate: float, seconds: float, n_guides: int) -> Result:
    from tests.fakebot import TgUser

    server = _make_server_class()()
    server.start()
    port = _free_port()
    process: subprocess.Popen[bytes] = start(server, port)
    try:
        _wait_port(port, process)
        guides = [TgUser(1001 + i, f"导购{i}") for i in range(n_guides)]
        load = Load(server, port, guides)
        load.offer(rate, 2 * len(DIALOG) * n_guides)  # warm-up
        load.latencies.clear()
        before = _cpu_ticks(process.pid)
        offered, answered = load.offer(rate, int(rate * seconds))
        cpu_ms = (_cpu_ticks(process.pid) - before) * 1000 / TICKS_PER_S
        if load.errors or answered < offered:
            print(f"{name}: {load.errors} webhook errors, {offered - answered} unanswered", file=sys.stderr)
        return Result(offered, answered, cpu_ms, list(load.latencies))
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        server.stop()


def _start_echo(server: Any, port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, __file__, "echo-bot", server.base_url, str(port)],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _leadbot_starter(db_url: str, workdir: Path) -> Any:
    from tests.e2e.bot_process import BotProcess

    def start(server: Any, port: int) -> subprocess.Popen[bytes]:
        bot = BotProcess(
            db_url,
            server,
            workdir,
            "--webhook",
            LEADBOT_WEBHOOK_URL=f"https://bot.example.com{HOOK_PATH}",
            LEADBOT_WEBHOOK_LISTEN="127.0.0.1",
            LEADBOT_WEBHOOK_PORT=str(port),
            LEADBOT_WEBHOOK_SECRET=SECRET,
        )
        bot.running(60)
        return bot.process

    return start


def _prepare(db_url: str, n_guides: int) -> None:
    from domain.model import Role
    from domain.roster import enrol
    from storage.db import make_engine
    from storage.migrate import upgrade
    from storage.uow import SqlUnitOfWork
    from tests.conftest import T0, make_roster

    upgrade(db_url)
    engine = make_engine(db_url)
    make_roster(engine)
    for i in range(n_guides):
        with SqlUnitOfWork(engine, write=True) as uow:
            enrol(
                uow,
                telegram_id=1001 + i,
                name=f"导购{i}",
                roles=frozenset({Role.GUIDE}),
                team_name="朝阳店",
                region=None,
                now=T0,
            )
    engine.dispose()


def _line(name: str, r: Result) -> str:
    return (
        f"{name:<22} offered {r.offered:>5}  answered {r.answered:>5}  CPU {r.cpu_per_update:6.2f} ms/update"
        f"  p50 {r.pct(0.5):6.1f} ms  p99 {r.pct(0.99):6.1f} ms"
    )


def bench(label: str, db_url: str, args: argparse.Namespace) -> None:
    _prepare(db_url, args.guides)
    with tempfile.TemporaryDirectory() as workdir:
        echo = run_one("echo", _start_echo, args.rate, args.seconds, args.guides)
        leadbot = _leadbot_starter(db_url, Path(workdir))
        lead = run_one("leadbot", leadbot, args.rate, args.seconds, args.guides)
    print(f"{label}, {args.rate:g} updates/s offered for {args.seconds:g} s, {args.guides} guides")
    print(_line("PTB echo bot", echo))
    print(_line("leadbot run --webhook", lead))
    print(f"{'ratio leadbot / echo':<22} CPU {lead.cpu_per_update / echo.cpu_per_update:.2f}×")


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "echo-bot":
        echo_bot(sys.argv[2], int(sys.argv[3]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pg", metavar="URL", help="bench on PostgreSQL (any database on that server)")
    parser.add_argument("--rate", type=float, default=25.0, help="updates offered per second")
    parser.add_argument("--seconds", type=float, default=40.0)
    parser.add_argument("--guides", type=int, default=25)
    args = parser.parse_args()
    if not args.pg:
        with tempfile.TemporaryDirectory() as directory:
            bench("SQLite", f"sqlite:///{directory}/bench.db", args)
        return
    from sqlalchemy.engine import make_url

    from storage.db import make_engine, normalize_url

    admin = make_engine(args.pg, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{BENCH_DB}"')
    try:
        url = make_url(normalize_url(args.pg)).set(database=BENCH_DB).render_as_string(False)
        bench("PostgreSQL", url, args)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


if __name__ == "__main__":
    main()
