"""Races between real OS processes: first registered, first protected, and the field quota, hold.

Each child process builds its own engine, connects, then waits at a barrier so that all of them
file at the same instant through the real use case and the real unit of work. A child never
raises: it reports its verdict, or its traceback, through a queue, and the parent asserts.
Runs on SQLite and, when LEADBOT_TEST_DATABASE_URL is set, on PostgreSQL (the `db_url` fixture).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue as queue_module
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from domain.filing import FilingRequest
from domain.model import Channel, Role
from domain.rules import Rules
from tests.conftest import T0

pytestmark = pytest.mark.process

BARRIER_TIMEOUT_S = 90  # all children must have started and connected by then
RESULTS_TIMEOUT_S = 120  # and all must have reported by then
STORE = "朝阳店"
FIELD = "业务一部"
# Forty people who share neither a character of their name nor a street (nothing looks similar).
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜戚谢邹喻柏水窦章"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红娥玲芬燕彬鹏辉春雪梅琳峰宁"
CITIES = [
    "北京市朝阳区",
    "上海市浦东新区",
    "广州市天河区",
    "深圳市南山区",
    "杭州市西湖区",
    "成都市武侯区",
    "南京市鼓楼区",
    "武汉市洪山区",
    "西安市雁塔区",
    "天津市和平区",
]
ROADS = "建国人民解放中山和平长江黄河泰山华山嵩山"


# --- the child ------------------------------------------------------------------------------


def _file_in_child(
    url: str, barrier: Any, results: Any, index: int, request: FilingRequest, rules: Rules
) -> None:
    """One filing in a fresh process; puts (index, summary) on the queue whatever happens."""
    try:
        from domain.filing import Accepted, file_registration
        from storage.db import make_engine
        from storage.uow import SqlUnitOfWork

        engine = make_engine(url)
        with engine.connect() as conn:  # connected (and the pool warm) before the start signal
            conn.exec_driver_sql("SELECT 1")
        barrier.wait(timeout=BARRIER_TIMEOUT_S)
        started = time.time()
        outcome = file_registration(lambda: SqlUnitOfWork(engine, write=True), request, T0, rules)
        finished = time.time()
        engine.dispose()
        if isinstance(outcome, Accepted):
            summary = {
                "outcome": "accepted",
                "registration_id": outcome.registration_id,
                "needs_review": outcome.needs_review,
            }
        else:
            summary = {
                "outcome": "rejected",
                "reason": outcome.reason.value,
                "holder_name": outcome.holder_name,
                "quota_used": outcome.quota_used,
                "quota_limit": outcome.quota_limit,
            }
        summary.update(started=started, finished=finished)
    except BaseException:
        summary = {"outcome": "error", "traceback": traceback.format_exc()}
    results.put((index, summary))


def _race(url: str, requests: list[FilingRequest], rules: Rules) -> list[dict[str, Any]]:
    """Run each request in its own spawned process, all released together; their summaries in order."""
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(len(requests))
    results = ctx.Queue()
    processes = [
        ctx.Process(target=_file_in_child, args=(url, barrier, results, i, request, rules), daemon=True)
        for i, request in enumerate(requests)
    ]
    for process in processes:
        process.start()
    summaries: dict[int, dict[str, Any]] = {}
    deadline = time.monotonic() + RESULTS_TIMEOUT_S
    try:
        while len(summaries) < len(requests):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            try:
                index, summary = results.get(timeout=min(remaining, 5))
            except queue_module.Empty:
                if not any(p.is_alive() for p in processes) and results.empty():
                    break  # someone died without reporting
                continue
            summaries[index] = summary
        for process in processes:
            process.join(timeout=max(1.0, deadline - time.monotonic()))
    finally:
        for process in processes:
            if process.is_alive():
                process.terminate()
                process.join(5)
    missing = [i for i in range(len(requests)) if i not in summaries]
    exit_codes = [p.exitcode for p in processes]
    assert not missing, f"children {missing} never reported (exit codes {exit_codes})"
    assert all(code == 0 for code in exit_codes), f"child exit codes: {exit_codes}"
    errors = [
        f"child {i}:\n{s['traceback']}" for i, s in sorted(summaries.items()) if s["outcome"] == "error"
    ]
    assert not errors, "a filing raised:\n" + "\n".join(errors)
    ordered = [summaries[i] for i in range(len(requests))]
    # They did race: every child was in its filing before the first one had finished.
    first_finish = min(s["finished"] for s in ordered)
    overlapping = sum(s["started"] <= first_finish for s in ordered)
    print(
        f"{len(ordered)} filings, {overlapping} started before the first one finished, "
        f"spread {max(s['finished'] for s in ordered) - min(s['started'] for s in ordered):.3f} s"
    )
    return ordered


# --- the roster -----------------------------------------------------------------------------


def _roster(url: str, team: str, channel: Channel, role: Role, telegram_ids: list[int]) -> None:
    from domain.roster import add_team, enrol
    from storage.db import make_engine
    from storage.uow import SqlUnitOfWork

    engine = make_engine(url)
    try:
        with SqlUnitOfWork(engine, write=True) as uow:
            add_team(uow, name=team, channel=channel, region="北京", now=T0)
        for i, telegram_id in enumerate(telegram_ids):
            with SqlUnitOfWork(engine, write=True) as uow:
                enrol(
                    uow,
                    telegram_id=telegram_id,
                    name=f"{SURNAMES[i % 40]}{GIVEN[i % 40]}",
                    roles=frozenset({role}),
                    team_name=team,
                    region=None,
                    now=T0,
                )
    finally:
        engine.dispose()


def _scalar(url: str, sql: str, **params: object) -> Any:
    from storage.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar_one()
    finally:
        engine.dispose()


def _rows(url: str, sql: str, **params: object) -> list[tuple[Any, ...]]:
    from storage.db import make_engine

    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(sa.text(sql), params)]
    finally:
        engine.dispose()


# --- the races ------------------------------------------------------------------------------


def test_twenty_guides_filing_one_phone_at_once_one_wins(db_url: str) -> None:
    guides = [1001 + i for i in range(20)]
    _roster(db_url, STORE, Channel.STORE, Role.GUIDE, guides)
    requests = [
        FilingRequest(
            filer_telegram_id=tid,
            customer_name="张三",
            phone="138 0013 8000",
            address="北京市朝阳区建国路88号3栋1201",
        )
        for tid in guides
    ]

    results = _race(db_url, requests, Rules())

    verdicts = Counter((r["outcome"], r.get("reason")) for r in results)
    assert verdicts == {("accepted", None): 1, ("rejected", "duplicate"): 19}, verdicts
    [winner] = [i for i, r in enumerate(results) if r["outcome"] == "accepted"]
    winner_name = _scalar(db_url, "SELECT name FROM staff WHERE telegram_id = :t", t=guides[winner])
    assert {r["holder_name"] for r in results if r["outcome"] == "rejected"} == {winner_name}

    phone = "+8613800138000"
    assert _scalar(db_url, "SELECT count(*) FROM customer WHERE phone = :p", p=phone) == 1
    registrations = _rows(
        db_url,
        "SELECT r.id, s.telegram_id, r.holds_claim FROM registration r "
        "JOIN customer c ON c.id = r.customer_id JOIN staff s ON s.id = r.filer_id WHERE c.phone = :p",
        p=phone,
    )
    assert registrations == [(results[winner]["registration_id"], guides[winner], True)]
    assert _scalar(db_url, "SELECT count(*) FROM registration") == 1
    attempts = _rows(db_url, "SELECT telegram_id, outcome, reason, phone FROM filing_attempt")
    assert len(attempts) == 20
    assert sorted(a[0] for a in attempts) == guides
    assert Counter((a[1], a[2]) for a in attempts) == {("accepted", None): 1, ("rejected", "duplicate"): 19}
    assert {a[3] for a in attempts} == {phone}


def test_forty_filings_by_one_salesperson_at_once_respect_the_quota(db_url: str) -> None:
    salesperson = 2001
    _roster(db_url, FIELD, Channel.FIELD, Role.SALESPERSON, [salesperson])
    requests = [
        FilingRequest(
            filer_telegram_id=salesperson,
            customer_name=f"{SURNAMES[i]}{GIVEN[i]}",
            phone=f"1391234{i:04d}",
            address=(
                f"{CITIES[i % 10]}{ROADS[i // 10 * 2 : i // 10 * 2 + 2]}路{i * 7 + 3}号{i + 1}栋{100 + i}室"
            ),
        )
        for i in range(40)
    ]

    results = _race(db_url, requests, Rules(field_monthly_quota=20))

    verdicts = Counter((r["outcome"], r.get("reason")) for r in results)
    assert verdicts == {("accepted", None): 20, ("rejected", "quota"): 20}, verdicts
    assert not any(r["needs_review"] for r in results if r["outcome"] == "accepted")
    assert {(r["quota_used"], r["quota_limit"]) for r in results if r["outcome"] == "rejected"} == {(20, 20)}
    assert _scalar(db_url, "SELECT count(*) FROM registration") == 20
    assert _scalar(db_url, "SELECT count(DISTINCT customer_id) FROM registration WHERE holds_claim") == 20
    attempts = _rows(db_url, "SELECT outcome, reason FROM filing_attempt")
    assert Counter(attempts) == {("accepted", None): 20, ("rejected", "quota"): 20}


# --- the real command line ------------------------------------------------------------------


def _leadbot() -> list[str]:
    script = Path(sys.executable).parent / "leadbot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def test_ten_concurrent_cli_filings_of_one_phone_one_wins(db_url: str, tmp_path: Path) -> None:
    guides = [3001 + i for i in range(10)]
    _roster(db_url, STORE, Channel.STORE, Role.GUIDE, guides)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LEADBOT_")}
    env["LEADBOT_DATABASE_URL"] = db_url
    processes = [
        subprocess.Popen(
            [
                *_leadbot(),
                "file",
                "--staff",
                str(tid),
                "--name",
                "张三",
                "--phone",
                "+86 138-0013-8000",
                "--address",
                "北京市朝阳区建国路88号3栋1201",
                "--json",
            ],
            cwd=tmp_path,  # no stray .env is read
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for tid in guides
    ]
    outputs = []
    try:
        for process in processes:
            stdout, stderr = process.communicate(timeout=RESULTS_TIMEOUT_S)
            outputs.append((process.returncode, stdout, stderr))
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()

    problems = [(code, out, err) for code, out, err in outputs if code not in (0, 3) or "Traceback" in err]
    assert not problems, problems
    verdicts = [(code, json.loads(out.strip().splitlines()[-1])) for code, out, _ in outputs]
    accepted = [v for code, v in verdicts if code == 0]
    rejected = [v for code, v in verdicts if code == 3]
    assert len(accepted) == 1 and accepted[0]["outcome"] == "accepted", verdicts
    assert isinstance(accepted[0]["registration_id"], int)
    assert len(rejected) == 9, verdicts
    assert all(
        {k: x for k, x in v.items() if k != "holder"}
        == {"outcome": "rejected", "reason": "duplicate", "registration_id": None, "needs_review": False}
        and v.get("holder")  # whose customer it is (the winner's name)
        for v in rejected
    ), verdicts
    assert _scalar(db_url, "SELECT count(*) FROM registration") == 1
    assert _rows(db_url, "SELECT source, count(*) FROM filing_attempt GROUP BY source") == [("cli", 10)]
