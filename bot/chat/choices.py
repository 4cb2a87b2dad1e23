"""The labels of a list of buttons: no list shows the same button twice (issue 13).

Each option is given as its key (what the button stands for) and the parts of its label, most
telling first, each with its own leading punctuation ("张三", "·8000", "· 11月12日（周四）10:00"):
a customer's name, then the phone's last digits, then the filing date. An option
given twice is shown once; where labels would read the same, the next parts are added (only to
those), and as a last resort a number in brackets."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

SEPARATOR = " "
WIDTH = 60  # what a button label shows before it is cut (bot.chat.dialogs.ButtonDialog.button)


def distinct_labels(options: Sequence[tuple[K, Sequence[str]]], *, width: int = WIDTH) -> list[tuple[K, str]]:
    """Each option once (by key, in the given order) with a label no other option has."""
    seen: set[K] = set()
    unique: list[tuple[K, list[str]]] = []
    for key, parts in options:
        if key not in seen:
            seen.add(key)
            unique.append((key, [p for p in parts if p] or ["?"]))
    depth = [1] * len(unique)

    def labels() -> list[str]:
        return [SEPARATOR.join(parts[:d])[:width] for (_, parts), d in zip(unique, depth, strict=True)]

    shown = labels()
    while True:
        counts = Counter(shown)
        deeper = [i for i, label in enumerate(shown) if counts[label] > 1 and depth[i] < len(unique[i][1])]
        if not deeper:
            break
        for i in deeper:
            depth[i] += 1
        shown = labels()
    counts, nth = Counter(shown), Counter[str]()
    result = []
    for (key, _), label in zip(unique, shown, strict=True):
        if counts[label] > 1:
            nth[label] += 1
            suffix = f" ({nth[label]})"
            label = label[: width - len(suffix)] + suffix
        result.append((key, label))
    return result
