"""The Telegram adapter and the command line: thin front doors onto the domain's use cases."""

import os

# Opt into python-telegram-bot's timedelta durations (retry_after and friends), its coming default.
os.environ.setdefault("PTB_TIMEDELTA", "true")
