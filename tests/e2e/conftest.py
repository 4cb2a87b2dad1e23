"""Process-level tests reuse the whole-dialog fixture (a real Application on a fake Bot API)."""

from tests.bot.conftest import chat  # noqa: F401
