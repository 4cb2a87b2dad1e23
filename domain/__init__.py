"""The chain's registration rules (RULES.md), as pure Python: no Telegram, no SQL, no clock reads."""
