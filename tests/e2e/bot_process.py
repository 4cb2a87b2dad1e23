"""A real `leadbot run` process for the process-level tests: its own environment (no .env), its
log in a file the test can wait on, and the fake Bot API reached over HTTP."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.fakebot_http import FakeBotServer

TOKEN = "123:ABC"


class BotProcess:
    def __init__(self, db_url: str, server: FakeBotServer, workdir: Path, *args: str, **env: str) -> None:
        self.log_path = workdir / f"bot-{time.monotonic_ns()}.log"
        environment = {
            "PATH": os.environ.get("PATH", ""),
            "LEADBOT_TELEGRAM_TOKEN": TOKEN,
            "LEADBOT_TELEGRAM_BASE_URL": server.base_url,
            "LEADBOT_TELEGRAM_FILE_BASE_URL": server.file_base_url,
            "LEADBOT_DATABASE_URL": db_url,
            "LEADBOT_SWEEP_INTERVAL_SECONDS": "0",
            "LEADBOT_STANDBY_CHECK_SECONDS": "0.5",
            "LEADBOT_ADMIN_IDS": "900",
            **env,
        }
        self._log = open(self.log_path, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", *args],
            cwd=workdir,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, needle: str, timeout: float = 20.0) -> float:
        """Seconds until the log says `needle`; fails if the process dies or time runs out."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if needle in self.log:
                return time.monotonic() - started
            if self.process.poll() is not None:
                raise AssertionError(
                    f"the bot exited ({self.process.returncode}) before saying {needle!r}:\n{self.log}"
                )
            time.sleep(0.05)
        raise AssertionError(f"the bot did not say {needle!r} in {timeout} s:\n{self.log}")

    def running(self, timeout: float = 30.0) -> None:
        self.wait_log("leadbot is running", timeout)

    def signal(self, signum: int) -> None:
        self.process.send_signal(signum)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(10)
        self._log.close()

    def wait(self, timeout: float) -> int:
        code = self.process.wait(timeout)
        self._log.close()
        return code

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self._log.close()
