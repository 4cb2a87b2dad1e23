"""All the texts, gathered from the features that own them (each feature keeps its words beside
its dialog): key → language → template."""

from __future__ import annotations

from bot.aftersale.texts import AFTERSALE_TEXTS
from bot.chat.texts import COMMON_TEXTS
from bot.cli.texts import CLI_TEXTS
from bot.decisions.texts import DECISION_TEXTS
from bot.delivery.texts import DELIVERY_TEXTS
from bot.digests.texts import DIGEST_TEXTS
from bot.filing.texts import FILING_TEXTS
from bot.follow_up.texts import FOLLOW_UP_TEXTS
from bot.history.texts import HISTORY_TEXTS
from bot.roster.texts import ROSTER_TEXTS

_CATALOGS = (
    COMMON_TEXTS,
    FILING_TEXTS,
    FOLLOW_UP_TEXTS,
    DECISION_TEXTS,
    ROSTER_TEXTS,
    DELIVERY_TEXTS,
    HISTORY_TEXTS,
    DIGEST_TEXTS,
    CLI_TEXTS,
    AFTERSALE_TEXTS,
)


def _gather() -> dict[str, dict[str, str]]:
    texts: dict[str, dict[str, str]] = {}
    for catalog in _CATALOGS:
        twice = texts.keys() & catalog.keys()
        if twice:
            raise ImportError(f"texts defined twice: {sorted(twice)}")
        texts.update(catalog)
    return texts


TEXTS = _gather()
