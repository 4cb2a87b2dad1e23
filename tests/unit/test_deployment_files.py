"""The deployment files say what README's "Running it for real" says: a multi-stage image that runs
`leadbot` as an unprivileged user with no secrets in it; a compose file whose bot talks to its own
PostgreSQL; and no setting in README that `.env.example` does not list.

No docker here: the files are read, not built (the image's install, `pip install .`, is what
scripts/setup does too, and the /healthz check is exercised against bot/webhook.py by hand)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

ROOT = Path(__file__).parents[2]
SETTINGS = set(
    re.findall(r"^(LEADBOT_[A-Z0-9_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.MULTILINE)
)
# The test runner's variable (scripts/test), not a setting of the bot.
NOT_SETTINGS = {"LEADBOT_TEST_DATABASE_URL", "LEADBOT_TEST_WORKERS"}


# --- Dockerfile ------------------------------------------------------------------------------


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical, current = [], ""
    for line in text.splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        current += line.rstrip()
        if current.endswith("\\"):
            current = current[:-1] + " "
            continue
        logical.append(current.strip())
        current = ""
    assert not current, "the Dockerfile ends inside a continued line"
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in logical
    ]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for instruction in _instructions():
        if instruction[0] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def test_the_image_is_built_in_one_stage_and_run_from_another() -> None:
    stages = _stages()
    assert len(stages) >= 2
    args = dict(a.split("=", 1) for kind, a in _instructions() if kind == "ARG" and "=" in a)
    bases = [s[0][1].split()[0].replace("${PYTHON_IMAGE}", args.get("PYTHON_IMAGE", "")) for s in stages]
    assert all(base == "python:3.11-slim" for base in bases), bases
    build = re.search(r"\bAS\s+(\S+)", stages[0][0][1], re.IGNORECASE)
    assert build, "the build stage is named"
    final = stages[-1]
    copied = [a for kind, a in final if kind == "COPY"]
    assert copied and all(f"--from={build.group(1)}" in a for a in copied), (
        "the final stage takes only the build's output"
    )
    assert not any(kind == "RUN" and "pip install" in a for kind, a in final), (
        "nothing is installed in the final stage"
    )


def test_the_image_runs_leadbot_as_an_unprivileged_user() -> None:
    final = _stages()[-1]
    users = [a for kind, a in final if kind == "USER"]
    assert users, "no USER: the bot would run as root"
    user = users[-1].split(":")[0]
    assert user not in ("root", "0"), user
    entrypoint = json.loads(next(a for kind, a in final if kind == "ENTRYPOINT"))
    assert entrypoint == ["leadbot"]
    assert json.loads(next(a for kind, a in final if kind == "CMD")) == ["run"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["scripts"]
    assert "leadbot" in scripts
    assert ("STOPSIGNAL", "SIGTERM") in final
    # Health means something in webhook mode only: compose checks /healthz for that service.
    assert not any(kind == "HEALTHCHECK" for kind, _ in final)


def test_the_image_keeps_sqlite_on_a_volume_and_holds_no_secret() -> None:
    final = _stages()[-1]
    env = " ".join(a for kind, a in final if kind == "ENV")
    assert "LEADBOT_DATABASE_URL=sqlite:////data/leadbot.db" in env
    assert "PYTHONUNBUFFERED=1" in env and "PYTHONDONTWRITEBYTECODE=1" in env
    assert any(kind == "VOLUME" and "/data" in a for kind, a in final)
    everything = " ".join(a for kind, a in _instructions() if kind in ("ENV", "ARG", "LABEL"))
    for secret in ("LEADBOT_TELEGRAM_TOKEN", "LEADBOT_WEBHOOK_SECRET", "PASSWORD"):
        assert secret not in everything


def test_what_the_build_copies_is_there_and_not_ignored() -> None:
    ignored = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith(("#", "!"))
    }
    for kind, arguments in _instructions():
        if kind != "COPY" or "--from=" in arguments:
            continue
        *sources, _destination = arguments.split()
        for source in sources:
            assert (ROOT / source).exists(), source
            assert source.rstrip("/") not in ignored, f"{source} is in .dockerignore"
    for secret in (".env", ".git", ".venv", "*.db"):
        assert secret in ignored


# --- compose.yaml ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML reads compose.yaml: pip install -e '.[test]'")
    data = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _environment(service: dict[str, Any]) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: str(v) for k, v in env.items()}


def test_compose_runs_the_bot_on_its_own_postgresql(compose: dict[str, Any]) -> None:
    services = compose["services"]
    db, bot = services["db"], services["bot"]
    assert db["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(db["healthcheck"]["test"])
    assert any(str(v).endswith(":/var/lib/postgresql/data") for v in db["volumes"])
    assert "ports" not in db, "the database stays inside the compose network"

    url = make_url(_environment(bot)["LEADBOT_DATABASE_URL"])
    db_env = _environment(db)
    assert url.get_backend_name() == "postgresql"
    assert (url.host, url.port or 5432) == ("db", 5432)
    assert (url.username, url.password, url.database) == (
        db_env["POSTGRES_USER"],
        db_env["POSTGRES_PASSWORD"],
        db_env["POSTGRES_DB"],
    )
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert bot["build"] == "." and bot["restart"] == "unless-stopped"
    assert bot["stop_grace_period"] == "15s"  # the bot exits within 10 s of SIGTERM
    env_files = bot["env_file"]
    assert any(isinstance(f, dict) and f["path"] == ".env" and f["required"] is False for f in env_files)


def test_compose_standby_is_the_same_bot_started_on_request(compose: dict[str, Any]) -> None:
    services = compose["services"]
    bot, standby = services["bot"], services["bot-standby"]
    assert standby["profiles"] == ["standby"]
    assert "profiles" not in bot and "profiles" not in services["db"]
    for key in ("build", "image", "environment", "depends_on", "env_file", "stop_grace_period", "restart"):
        assert standby[key] == bot[key], key


def test_compose_webhook_service_checks_healthz_on_the_port_it_listens_on(compose: dict[str, Any]) -> None:
    webhook = compose["services"]["bot-webhook"]
    assert webhook["profiles"] == ["webhook"]
    assert webhook["command"] == ["run", "--webhook"]
    port = _environment(webhook)["LEADBOT_WEBHOOK_PORT"]
    check = " ".join(webhook["healthcheck"]["test"])
    assert f"127.0.0.1:{port}/healthz" in check
    assert any(str(p).endswith(f":{port}") for p in webhook["ports"])
    assert "$" not in check  # compose would interpolate it


def test_compose_sets_only_real_settings(compose: dict[str, Any]) -> None:
    for name, service in compose["services"].items():
        unknown = {k for k in _environment(service) if k.startswith("LEADBOT_")} - SETTINGS
        assert not unknown, f"{name}: {unknown}"


# --- README ------------------------------------------------------------------------------------


def test_every_setting_readme_names_is_in_env_example() -> None:
    named = set(re.findall(r"\bLEADBOT_[A-Z][A-Z0-9_]*", (ROOT / "README.md").read_text(encoding="utf-8")))
    assert named - NOT_SETTINGS - SETTINGS == set()
    # The production settings are documented where an operator looks for them.
    for setting in (
        "LEADBOT_WEBHOOK_URL",
        "LEADBOT_WEBHOOK_LISTEN",
        "LEADBOT_WEBHOOK_PORT",
        "LEADBOT_WEBHOOK_SECRET",
        "LEADBOT_LOG_FORMAT",
        "LEADBOT_ADMIN_CHAT_ID",
        "LEADBOT_PROCESSED_UPDATE_HOURS",
        "LEADBOT_STANDBY_CHECK_SECONDS",
        "LEADBOT_DB_CONNECT_ATTEMPTS",
    ):
        assert setting in named, setting
