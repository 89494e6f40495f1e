"""Alignment: decide which predicted item, if any, is which gold item.

Every list field is scored the same way: pair each gold item with at most one predicted item
and vice versa, then count matches, misses and extras (:mod:`~summarise.evaluation.scorers`).
This module owns everything that decides "same item or not": the text similarities, their
thresholds (each justified where it is defined), and the one-to-one pairing :func:`align`.

Text is compared after :func:`fold`: the grounding normalisation, then accents dropped (NFKD,
combining marks removed) and case folded, so "Sánchez", "Sanchez" and "SANCHEZ" are one name;
rapidfuzz's ``default_process`` then drops punctuation. The thresholds were set on hand-made
pairs (the unit tests) and on the kind of paraphrase a model writes of a gold item, and sit in
the gap between the scores of same-item pairs and of different-item pairs.

Why greedy pairing (highest similarity first) rather than an optimal assignment (Hungarian):
the lists are short (tens of items) and the similarities are close to bimodal, near 1 for the
same item and well under the threshold for different ones, so greedy and optimal differ only
between near-duplicates, where either pairing is defensible. Greedy is easy to explain in a
report line ("the closest pair was matched first"), deterministic (ties go to the earlier gold
item, then the earlier prediction), and at least half as heavy as the optimum in the worst case.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from summarise.evaluation.gold import (
    GoldCase,
    GoldEntity,
    GoldFigure,
    GoldKeyPoint,
    GoldQuote,
    GoldStance,
)
from summarise.normalisation import normalise
from summarise.numbers import numbers_agree, parse_numbers, same_number
from summarise.schema import Entity, Figure, Quote, Record, Stance

__all__ = [
    "FIGURE_THRESHOLD", "KEY_POINT_MIN_SHARED", "KEY_POINT_THRESHOLD", "NAME_THRESHOLD",
    "QUOTE_THRESHOLD", "STANCE_THRESHOLD", "Alignment", "Match", "align", "align_entities",
    "align_figures", "align_key_points", "align_quotes", "align_stances", "coverage", "fold",
    "gold_numbers", "name_similarity", "predicted_numbers", "quote_similarity", "text_similarity",
]  # fmt: skip

NAME_THRESHOLD = 0.85
"""Names match at 0.85 of :func:`name_similarity`: a surname alone ("Hegseth" for "Pete
Hegseth", 0.97) and a one-letter misspelling of a 7-letter name (0.86) pass; two people sharing a
first name ("Donald Trump" / "Donald Tusk", 0.78) or a word ("United States" / "United Nations",
0.74) do not."""
FIGURE_THRESHOLD = 0.5
"""A figure pairs only when its value agrees; similarity is then 0.5 + half the similarity of
``measures``, so the value decides and what is measured only breaks ties between equal values."""
QUOTE_THRESHOLD = 0.75
"""Quote texts match at 0.75 of :func:`quote_similarity`: verbatim scores 1.0, a fragment
covering a third or more of the gold quote 0.75 or more, a two-word fragment or a paraphrase
(which is not a quote) 0.65-0.72, other sentences of the same article 0.35-0.5."""
STANCE_THRESHOLD = 0.6
"""With the holder matched, a stance pairs when its target or its evidence reaches 0.6:
paraphrased targets of one proposition score 0.6-1.0 and copied evidence near 1.0, while
different propositions of one holder score 0.35-0.45. The label is not used to pair, so a
flipped stance is paired, then judged wrong."""
KEY_POINT_THRESHOLD = 0.7
"""A statement covers a gold fact at :func:`coverage` 0.7: faithful paraphrases of a fact score
0.78-0.85, statements of other facts of the same article at most about 0.6."""
KEY_POINT_MIN_SHARED = 3
"""Token-set similarity is 1.0 whenever one side's words are a subset of the other's, so a bare
"NATO" would cover every fact naming NATO; a covering statement must also share this many words
with the fact (or all of them, for a shorter fact)."""

G = TypeVar("G")
P = TypeVar("P")


@dataclass(frozen=True)
class Match(Generic[G, P]):
    """A gold item, the predicted item paired with it, and how similar the two are."""

    gold: G
    predicted: P
    similarity: float


@dataclass(frozen=True)
class Alignment(Generic[G, P]):
    """The pairs (in gold order) and what was left over on each side (in input order)."""

    matches: tuple[Match[G, P], ...]
    unmatched_gold: tuple[G, ...]
    unmatched_predicted: tuple[P, ...]


def align(
    gold: Sequence[G],
    predicted: Sequence[P],
    similarity: Callable[[G, P], float],
    threshold: float,
) -> Alignment[G, P]:
    """Pair gold and predicted items one to one, greedily by highest similarity.

    Pairs scoring below ``threshold`` are never made. A similarity outside [0, 1] is a bug in
    the caller and raises :class:`ValueError` rather than skewing every score downstream.
    """
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1], got {threshold}")
    candidates: list[tuple[float, int, int]] = []
    for g_index, g_item in enumerate(gold):
        for p_index, p_item in enumerate(predicted):
            score = similarity(g_item, p_item)
            if not 0.0 <= score <= 1.0:
                raise ValueError(f"similarity must be in [0, 1], got {score}")
            if score >= threshold:
                candidates.append((score, g_index, p_index))
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    for score, g_index, p_index in candidates:
        if g_index not in pairs and p_index not in used:
            pairs[g_index] = (p_index, score)
            used.add(p_index)
    return Alignment(
        matches=tuple(
            Match(gold[g], predicted[p], score) for g, (p, score) in sorted(pairs.items())
        ),
        unmatched_gold=tuple(item for i, item in enumerate(gold) if i not in pairs),
        unmatched_predicted=tuple(item for i, item in enumerate(predicted) if i not in used),
    )


# --- Text similarity ------------------------------------------------------------------------


def fold(text: str) -> str:
    """Normalise as grounding does, then drop accents and casefold (see module docstring)."""
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def name_similarity(gold_names: Iterable[str], predicted_names: Iterable[str]) -> float:
    """Best similarity of any gold name form to any predicted one, in [0, 1].

    0.9 x token-set ratio + 0.1 x plain ratio. Token-set makes a surname equal to the full
    name; the small plain-ratio share breaks the ties that creates, so a gold "US" pairs with a
    predicted "US" before a predicted "US ambassador".
    """
    predicted = [fold(p) for p in predicted_names]
    best = 0.0
    for g_name in map(fold, gold_names):
        for p_name in predicted:
            set_ratio = fuzz.token_set_ratio(g_name, p_name, processor=default_process)
            plain = fuzz.ratio(g_name, p_name, processor=default_process)
            best = max(best, (0.9 * set_ratio + 0.1 * plain) / 100)
    return best


def quote_similarity(a: str, b: str) -> float:
    """Mean of ratio and partial ratio of the folded texts, in [0, 1].

    Partial ratio forgives a quote cut short or extended by a few words; the plain ratio keeps a
    two-word fragment from matching the long quote it happens to occur in.
    """
    x, y = fold(a), fold(b)
    ratio = fuzz.ratio(x, y, processor=default_process)
    return (ratio + fuzz.partial_ratio(x, y, processor=default_process)) / 200


def text_similarity(a: str, b: str) -> float:
    """Token-set ratio of the folded texts in [0, 1]: word order and repeated words are free."""
    return fuzz.token_set_ratio(fold(a), fold(b), processor=default_process) / 100


def _words(text: str) -> set[str]:
    """The words of ``text``, folded; a single letter is not one ("Trump's" gives "trump", "s")."""
    return {word for word in default_process(fold(text)).split() if len(word) > 1}


def coverage(fact: str, statement: str) -> float:
    """How well ``statement`` states ``fact``, in [0, 1].

    :func:`text_similarity`, or 0.0 when the two share fewer than :data:`KEY_POINT_MIN_SHARED`
    words (see there for why).
    """
    fact_words = _words(fact)
    if len(fact_words & _words(statement)) < min(KEY_POINT_MIN_SHARED, len(fact_words)):
        return 0.0
    return text_similarity(fact, statement)


# --- Item similarity and alignment, one per list field --------------------------------------


def _entity_similarity(gold: GoldEntity, predicted: Entity) -> float:
    return name_similarity(
        [gold.name, *gold.surface_forms, *gold.aliases], [predicted.name, *predicted.mentions]
    )


def gold_numbers(figure: GoldFigure) -> tuple[float, ...]:
    """Return the gold number, with every value its text states when the text agrees (ranges)."""
    parsed = parse_numbers(figure.value)
    if figure.number is None:
        return parsed
    if any(same_number(figure.number, value) for value in parsed):
        return (figure.number, *parsed)
    return (figure.number,)


def predicted_numbers(figure: Figure) -> tuple[float, ...]:
    """Return the values a predicted figure states.

    This tool's records read ``number`` from ``value`` (:func:`~summarise.numbers.plain_number`),
    so the two agree and the text's values count. A record made elsewhere (an older output, the
    benchmark's naive baseline) may carry its own ``number``: when it agrees with the text (read
    as is, or as a fraction of a percentage: 0.035 for "3.5%") the text's values count; when it
    contradicts the text only the ``number`` counts, so a wrong number cannot hide behind a right
    text.
    """
    parsed = parse_numbers(figure.value)
    if figure.number is None:
        return parsed
    readings = (figure.number, figure.number * 100)
    if any(same_number(r, v) for r in readings for v in parsed):
        return parsed
    return (figure.number,)


def _figure_similarity(gold: GoldFigure, predicted: Figure) -> float:
    if not numbers_agree(gold_numbers(gold), predicted_numbers(predicted)):
        return 0.0
    return 0.5 + 0.5 * text_similarity(gold.measures, predicted.measures)


def _stance_similarity(gold: GoldStance, predicted: Stance) -> float:
    if name_similarity([gold.holder, *gold.holder_aliases], [predicted.holder]) < NAME_THRESHOLD:
        return 0.0
    return max(
        text_similarity(gold.target, predicted.target),
        quote_similarity(gold.evidence, predicted.evidence),
    )


def align_entities(gold: GoldCase, record: Record) -> Alignment[GoldEntity, Entity]:
    """Pair entities on any gold name form (name, surface form, alias) vs name or mention."""
    return align(gold.entities, record.entities, _entity_similarity, NAME_THRESHOLD)


def align_figures(gold: GoldCase, record: Record) -> Alignment[GoldFigure, Figure]:
    """Pair figures on equal value (:mod:`~summarise.numbers`), ties by measures."""
    return align(gold.figures, record.figures, _figure_similarity, FIGURE_THRESHOLD)


def align_quotes(gold: GoldCase, record: Record) -> Alignment[GoldQuote, Quote]:
    """Pair quotes on text alone; the speaker is judged after pairing."""
    return align(
        gold.quotes, record.quotes, lambda g, p: quote_similarity(g.text, p.text), QUOTE_THRESHOLD
    )


def align_stances(gold: GoldCase, record: Record) -> Alignment[GoldStance, Stance]:
    """Pair stances on holder, then target or evidence; the label is judged after pairing."""
    return align(gold.stances, record.stances, _stance_similarity, STANCE_THRESHOLD)


def align_key_points(
    gold: Sequence[GoldKeyPoint], key_points: Sequence[str]
) -> Alignment[GoldKeyPoint, str]:
    """Pair each key point with a gold fact it covers (:func:`coverage`), one to one.

    For precision only: a key point that restates a fact already paired stays unpaired.
    """
    return align(gold, key_points, lambda g, k: coverage(g.text, k), KEY_POINT_THRESHOLD)
