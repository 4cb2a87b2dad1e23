"""The labelled duplicate-detection pairs (dedup_pairs.jsonl beside this file) and how a matcher
scores on them (RULES §3 item 5: same normalised phone = duplicate; item 7: same person under
another phone, or same household at the same flat = possible duplicate; neighbours are neither).

    from tests.data.dedup import evaluate, load_pairs
    report = evaluate(domain.matching.classify)
    report.overall.duplicate_recall, report.overall.false_duplicates
    report.overall.possible_recall, report.overall.possible_precision
    report.by_category["possible/household"].recall

Each pair's phones are as a person typed them; evaluate() normalises them with
normalize_phone(raw, Rules(), address=…) before the matcher sees them, and passes name and address as they are
stored (clean_text). A pair with a phone that normalize_phone rejects is not given to the matcher:
it counts as a miss of its label ("phone rejected").

How the figures are counted:

- duplicate recall: pairs labelled duplicate and classified DUPLICATE ÷ pairs labelled duplicate;
- false duplicates: pairs labelled possible or distinct and classified DUPLICATE (must be 0);
- possible recall: pairs labelled possible and classified POSSIBLE ÷ pairs labelled possible;
- possible precision: pairs labelled possible and classified POSSIBLE ÷ pairs labelled possible or
  distinct and classified POSSIBLE. A pair labelled duplicate and classified POSSIBLE is a miss of
  duplicate recall, not a false possible.

Every figure is also given per category (a category holds pairs of one label). A ratio with
nothing to divide by is None.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from domain.customer_details import Invalid, clean_text, normalize_phone
from domain.rules import Rules

PAIRS_FILE = Path(__file__).with_name("dedup_pairs.jsonl")
DUPLICATE, POSSIBLE, DISTINCT = "duplicate", "possible", "distinct"
LABELS = (DUPLICATE, POSSIBLE, DISTINCT)
FIELDS = ("name", "phone", "address")


@dataclass(frozen=True)
class Person:
    """One side of a pair, as the filer typed it; also the customer handed to a matcher when
    domain.matching (and its Customer) cannot be imported."""

    name: str
    phone: str
    address: str


@dataclass(frozen=True)
class Pair:
    id: str
    category: str  # "<label>/<kind>", e.g. "possible/household"
    label: str  # one of LABELS
    a: Person
    b: Person
    note: str


def parse_pair(line: str) -> Pair:
    """One line of the pairs file; ValueError (with what is wrong) for anything malformed."""
    data = json.loads(line)
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    keys = {"id", "category", "label", "a", "b", "note"}
    if set(data) != keys:
        raise ValueError(f"keys {sorted(data)}, expected {sorted(keys)}")
    sides = []
    for side in ("a", "b"):
        person = data[side]
        if not isinstance(person, dict) or set(person) != set(FIELDS):
            raise ValueError(f"{side} must have exactly {FIELDS}")
        sides.append(Person(*(person[f] for f in FIELDS)))
    pair = Pair(data["id"], data["category"], data["label"], sides[0], sides[1], data["note"])
    texts = [pair.id, pair.category, pair.label, pair.note]
    texts += [getattr(p, f) for p in sides for f in FIELDS]
    if not all(isinstance(t, str) and t.strip() for t in texts):
        raise ValueError("every field must be a non-empty string")
    if pair.label not in LABELS:
        raise ValueError(f"label {pair.label!r} is not one of {LABELS}")
    if pair.category.split("/", 1)[0] != pair.label:
        raise ValueError(f"category {pair.category!r} does not start with its label {pair.label!r}")
    return pair


def load_pairs(path: Path = PAIRS_FILE) -> list[Pair]:
    pairs = []
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                pairs.append(parse_pair(line))
            except (ValueError, TypeError) as error:
                raise ValueError(f"{path.name} line {number}: {error}") from error
    return pairs


@dataclass(frozen=True)
class Outcome:
    pair: Pair
    got: str | None  # the matcher's answer as a label; None when a phone was rejected
    rejected: tuple[str, ...] = ()  # which phones normalize_phone refused, and why

    @property
    def correct(self) -> bool:
        return self.got == self.pair.label

    def describe(self) -> str:
        """One line for a failure message: 'pf-03 duplicate/phone_format: got possible'."""
        head = f"{self.pair.id} {self.pair.category}: "
        if self.got is None:
            return head + "phone rejected: " + "; ".join(self.rejected)
        return head + f"got {self.got}"


def describe(outcomes: Iterable[Outcome]) -> str:
    return "\n".join(o.describe() for o in outcomes)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class Scores:
    pairs: int = 0
    correct: int = 0
    duplicates: int = 0  # labelled duplicate
    duplicates_found: int = 0  # ... and classified DUPLICATE
    false_duplicates: int = 0  # labelled possible or distinct, classified DUPLICATE
    possibles: int = 0  # labelled possible
    possibles_found: int = 0  # ... and classified POSSIBLE
    flagged_possible: int = 0  # labelled possible or distinct, classified POSSIBLE
    phone_rejected: int = 0

    @classmethod
    def of(cls, outcomes: Sequence[Outcome]) -> Scores:
        def count(test: Callable[[Outcome], bool]) -> int:
            return sum(1 for o in outcomes if test(o))

        return cls(
            pairs=len(outcomes),
            correct=count(lambda o: o.correct),
            duplicates=count(lambda o: o.pair.label == DUPLICATE),
            duplicates_found=count(lambda o: o.pair.label == DUPLICATE and o.got == DUPLICATE),
            false_duplicates=count(lambda o: o.pair.label != DUPLICATE and o.got == DUPLICATE),
            possibles=count(lambda o: o.pair.label == POSSIBLE),
            possibles_found=count(lambda o: o.pair.label == POSSIBLE and o.got == POSSIBLE),
            flagged_possible=count(lambda o: o.pair.label != DUPLICATE and o.got == POSSIBLE),
            phone_rejected=count(lambda o: o.got is None),
        )

    @property
    def accuracy(self) -> float | None:
        return _ratio(self.correct, self.pairs)

    @property
    def recall(self) -> float | None:
        """The share of pairs given their label (in a category: the recall of its one label)."""
        return self.accuracy

    @property
    def duplicate_recall(self) -> float | None:
        return _ratio(self.duplicates_found, self.duplicates)

    @property
    def possible_recall(self) -> float | None:
        return _ratio(self.possibles_found, self.possibles)

    @property
    def possible_precision(self) -> float | None:
        return _ratio(self.possibles_found, self.flagged_possible)


@dataclass(frozen=True, repr=False)
class Report:
    outcomes: list[Outcome]
    overall: Scores
    by_category: dict[str, Scores]
    seconds: float = 0.0  # spent inside classify_fn
    classified: int = 0  # calls of classify_fn (pairs whose phones were accepted)

    def __repr__(self) -> str:  # short: pytest prints it with every failed assertion
        o = self.overall
        return f"<Report {o.pairs} pairs, {o.correct} correct, {o.phone_rejected} phone rejected>"

    @property
    def misses(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.correct]

    @property
    def phone_rejected(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.got is None]

    @property
    def missed_duplicates(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.pair.label == DUPLICATE and not o.correct]

    @property
    def false_duplicates(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.pair.label != DUPLICATE and o.got == DUPLICATE]

    @property
    def missed_possibles(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.pair.label == POSSIBLE and o.got != POSSIBLE]

    @property
    def false_possibles(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.pair.label == DISTINCT and o.got == POSSIBLE]

    @property
    def pairs_per_second(self) -> float | None:
        return self.classified / self.seconds if self.seconds > 0 else None


def default_customer() -> Callable[[str, str, str], Any]:
    """domain.matching.Customer if it is there, else Person (same fields)."""
    try:
        from domain.matching import Customer
    except ModuleNotFoundError as error:
        if error.name not in ("domain.matching", "domain"):
            raise
        return Person
    return Customer


def customers(
    pair: Pair, customer: Callable[[str, str, str], Any], rules: Rules
) -> tuple[Any, Any] | list[str]:
    """The pair's two customers as a matcher sees them, or why its phones were rejected."""
    made, rejected = [], []
    for side, person in (("a", pair.a), ("b", pair.b)):
        phone = normalize_phone(person.phone, rules, address=person.address)
        if isinstance(phone, Invalid):
            rejected.append(f"{side} {person.phone!r} ({phone.problem.value})")
            continue
        made.append(customer(clean_text(person.name), phone, clean_text(person.address)))
    if rejected:
        return rejected
    return made[0], made[1]


def evaluate(
    classify_fn: Callable[[Any, Any], Any],
    pairs: Sequence[Pair] | None = None,
    *,
    customer: Callable[[str, str, str], Any] | None = None,
    rules: Rules | None = None,
) -> Report:
    """Classify every pair (default: all of dedup_pairs.jsonl) and count the results.

    classify_fn(a, b) gets two customers (default: domain.matching.Customer, or Person when that
    cannot be imported) with E.164 phones, and returns a Match or its string value."""
    pairs = load_pairs() if pairs is None else pairs
    customer = default_customer() if customer is None else customer
    rules = Rules() if rules is None else rules
    outcomes, seconds, classified = [], 0.0, 0
    for pair in pairs:
        made = customers(pair, customer, rules)
        if isinstance(made, list):
            outcomes.append(Outcome(pair, None, tuple(made)))
            continue
        start = time.perf_counter()
        answer = classify_fn(made[0], made[1])
        seconds += time.perf_counter() - start
        classified += 1
        got = str(getattr(answer, "value", answer))
        if got not in LABELS:
            raise ValueError(f"{pair.id}: classify returned {answer!r}, not one of {LABELS}")
        outcomes.append(Outcome(pair, got))
    by_category: dict[str, list[Outcome]] = {}
    for outcome in outcomes:
        by_category.setdefault(outcome.pair.category, []).append(outcome)
    return Report(
        outcomes=outcomes,
        overall=Scores.of(outcomes),
        by_category={c: Scores.of(os) for c, os in sorted(by_category.items())},
        seconds=seconds,
        classified=classified,
    )
