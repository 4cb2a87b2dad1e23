"""`.env.example` lists every setting, and nothing that is not one."""

from __future__ import annotations

import re
from pathlib import Path

from bot.config import Settings


def test_env_example_lists_every_setting() -> None:
    text = (Path(__file__).parents[2] / ".env.example").read_text(encoding="utf-8")
    listed = set(re.findall(r"^LEADBOT_([A-Z_]+)=", text, re.MULTILINE))
    assert listed == {name.upper() for name in Settings.model_fields}
