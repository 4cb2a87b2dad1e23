"""Duplicate detection on the labelled pairs: how right the matcher is, per category, and how fast.

    .venv/bin/python bench/dedup.py                              # domain.matching.classify
    .venv/bin/python bench/dedup.py --classify mymodule:classify # another matcher (same interface)
    .venv/bin/python bench/dedup.py --naive                      # phone equality only: a baseline
    .venv/bin/python bench/dedup.py --repeat 20 --misses 0

Scores every pair of tests/data/dedup_pairs.jsonl with tests.data.dedup.evaluate (phones normalised
by normalize_phone(raw, Rules()); a pair with a rejected phone is a miss, shown as "phone rejected")
and prints, per category and overall: pairs, correct, possible precision (labelled possible ÷
classified POSSIBLE, duplicates classified POSSIBLE left out), recall (the share of the category's
pairs given their label), and the figures tests/unit/test_dedup_set.py holds the matcher to:
duplicate recall 100%, no false duplicates, possible recall ≥ 85%, possible precision ≥ 90%.
Then the misclassified pair ids, and the speed: classify called on every accepted pair --repeat
times after one untimed pass, timed with time.perf_counter (wall) and time.process_time (CPU).
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.cli.progress import progress
from domain.rules import Rules
from tests.data.dedup import Person, Report, Scores, customers, default_customer, evaluate, load_pairs

TARGETS = {"duplicate recall": 1.0, "possible recall": 0.85, "possible precision": 0.90}


def naive(a: Any, b: Any) -> str:
    """Phone equality alone: what RULES §3.5 catches without any possible-duplicate matching."""
    return "duplicate" if a.phone == b.phone else "distinct"


def load_classify(spec: str | None) -> tuple[Callable[[Any, Any], Any], Callable[..., Any], str]:
    """The classify to bench, the customer type it takes, and its name."""
    if spec is None:
        module = importlib.import_module("domain.matching")
        return module.classify, module.Customer, "domain.matching.classify"
    module_name, _, function = spec.partition(":")
    module = importlib.import_module(module_name)
    customer = getattr(module, "Customer", None) or default_customer()
    return getattr(module, function or "classify"), customer, spec


def figure(value: float | None) -> str:
    return "—" if value is None else f"{value:.1%}"


def table(report: Report) -> list[str]:
    head = f"{'category':<45}{'pairs':>6}{'correct':>8}{'precision':>10}{'recall':>8}{'rejected':>9}"
    lines = [head, "-" * len(head)]

    def row(name: str, s: Scores) -> str:
        return (
            f"{name:<45}{s.pairs:>6}{s.correct:>8}{figure(s.possible_precision):>10}"
            f"{figure(s.recall):>8}{s.phone_rejected:>9}"
        )

    lines += [row(category, scores) for category, scores in report.by_category.items()]
    lines += ["-" * len(head), row("all", report.overall)]
    return lines


def overall(report: Report) -> list[str]:
    o = report.overall
    got = {
        "duplicate recall": o.duplicate_recall,
        "possible recall": o.possible_recall,
        "possible precision": o.possible_precision,
    }
    lines = []
    for name, target in TARGETS.items():
        value = got[name]
        verdict = "ok" if value is not None and value >= target else "BELOW TARGET"
        lines.append(f"{name:<20}{figure(value):>8}   target {'≥ ' + format(target, '.0%'):<7} {verdict}")
    verdict = "ok" if o.false_duplicates == 0 else "BELOW TARGET"
    lines.append(f"{'false duplicates':<20}{o.false_duplicates:>8}   target {'0':<7} {verdict}")
    lines.append(f"{'phone rejected':<20}{o.phone_rejected:>8}   (normalize_phone refused a phone)")
    lines.append(f"{'accuracy':<20}{figure(o.accuracy):>8}   ({o.correct} of {o.pairs} pairs)")
    return lines


def speed(classify: Callable[[Any, Any], Any], customer: Callable[..., Any], repeat: int) -> str:
    rules = Rules()
    prepared = [made for p in load_pairs() if isinstance(made := customers(p, customer, rules), tuple)]
    for a, b in prepared:  # untimed: caches, lazy imports, compiled patterns
        classify(a, b)
    wall, cpu = time.perf_counter(), time.process_time()
    with progress("classifying", repeat) as bar:
        for _ in range(repeat):
            for a, b in prepared:
                classify(a, b)
            bar.advance()  # once per pass over all the pairs: nothing against their time
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    calls = repeat * len(prepared)
    return (
        f"classify: {calls:,} calls in {wall:.3f} s wall, {cpu:.3f} s CPU: "
        f"{calls / wall:,.0f} pairs/s wall, {calls / cpu if cpu else float('inf'):,.0f} pairs/s CPU, "
        f"{wall / calls * 1e6:,.1f} µs a pair"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--classify", metavar="MODULE:FUNCTION", help="default: domain.matching:classify")
    which.add_argument("--naive", action="store_true", help="phone equality only (a baseline)")
    parser.add_argument("--repeat", type=int, default=10, help="timed passes over the pairs")
    parser.add_argument("--misses", type=int, default=-1, help="misclassified pairs to list (-1: all)")
    args = parser.parse_args()

    if args.naive:
        classify, customer, name = naive, Person, "naive (phone equality)"
    else:
        try:
            classify, customer, name = load_classify(args.classify)
        except ModuleNotFoundError as error:
            sys.exit(f"cannot import {error.name}: write domain.matching, or use --classify or --naive")

    report = evaluate(classify, customer=customer)
    print(f"# {name} on {report.overall.pairs} labelled pairs")
    print()
    print("\n".join(table(report)))
    print()
    print("\n".join(overall(report)))
    misses = report.misses if args.misses < 0 else report.misses[: args.misses]
    if misses:
        print()
        print(f"misclassified ({len(report.misses)}):")
        for outcome in misses:
            print(f"  {outcome.describe()}")
    print()
    print(speed(classify, customer, args.repeat))


if __name__ == "__main__":
    main()
