"""Scorers: pure functions from (gold, record, source) to a :class:`FieldScore`, one per field.

Each list field is scored from its alignment (:mod:`~summarise.evaluation.align`, which decides
which predicted item is which gold item) by counting:

* a *match*: a gold item paired with a prediction (an optional gold item counts when matched);
* a *miss*: a non-optional gold item left unpaired (an optional one is no miss);
* an *extra*: a prediction left unpaired.

precision = matches / (matches + extras), recall = matches / (matches + misses), F1 their
harmonic mean. With nothing to find and nothing predicted all three are 1.0; with something to
find and nothing predicted precision is 0.0 (silence is not precise about anything). Every lost
point leaves a line in ``reasons``, so a report can say why, not only how much.

Every scorer has the same signature (:data:`Scorer`), even where ``source`` is unused, so
:data:`SCORERS` is a plain table and :func:`score_case` a loop. Quote text and speaker are two
scorers over one alignment, rather than one scorer returning a pair, for the same reason.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from pydantic import ValidationError

from summarise.evaluation.align import (
    KEY_POINT_THRESHOLD,
    NAME_THRESHOLD,
    Alignment,
    align_entities,
    align_figures,
    align_key_points,
    align_quotes,
    align_stances,
    coverage,
    name_similarity,
)
from summarise.evaluation.gold import GoldCase, GoldKeyPoint
from summarise.grounding import (
    NormalisedSource,
    check_figure,
    check_quote,
    check_stance,
    grounding_rate,
)
from summarise.schema import (
    Check,
    Figure,
    PlacedFigure,
    Quote,
    QuoteDraft,
    Record,
    Stance,
    StanceDraft,
    StanceLabel,
)
from summarise.sentences import Sentences

__all__ = [
    "SCORERS", "FieldScore", "Scorer", "prf", "ratio", "score_case", "score_entities",
    "score_figures", "score_grounding", "score_key_points", "score_quotes", "score_speakers",
    "score_stances", "score_validity",
]  # fmt: skip

_NONE = "none"
_LABELS: tuple[StanceLabel, ...] = ("support", "oppose", "mixed", "neutral")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
T = TypeVar("T")
U = TypeVar("U")
D = TypeVar("D", QuoteDraft, StanceDraft, PlacedFigure)


@dataclass(frozen=True)
class FieldScore:
    """The score of one field of one record, with the reasons for every point lost."""

    field: str
    precision: float
    recall: float
    f1: float
    reasons: tuple[str, ...]
    details: Mapping[str, float] = dataclasses.field(default_factory=dict)

    @property
    def score(self) -> float:
        """The headline number of the field: its F1."""
        return self.f1


Scorer = Callable[[GoldCase, Record, str], FieldScore]


# --- Counting ---------------------------------------------------------------------------------


def ratio(numerator: int, denominator: int, empty: float) -> float:
    """``numerator / denominator``, or ``empty`` when there is nothing to divide by."""
    return numerator / denominator if denominator else empty


def _harmonic(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def prf(
    name: str,
    counts: tuple[int, int, int],
    reasons: Iterable[str],
    details: Mapping[str, float] | None = None,
) -> FieldScore:
    """Build a score from (matches, misses, extras), by the conventions of the module docstring."""
    matched, missed, extra = counts
    precision = ratio(matched, matched + extra, 0.0 if missed else 1.0)
    recall = ratio(matched, matched + missed, 1.0)
    f1 = _harmonic(precision, recall)
    return FieldScore(name, precision, recall, f1, tuple(reasons), dict(details or {}))


def _accuracy(
    name: str, right: int, total: int, reasons: Iterable[str], **details: float
) -> FieldScore:
    value = ratio(right, total, 1.0)
    return FieldScore(name, value, value, value, tuple(reasons), {"n": float(total), **details})


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _tally(
    noun: str,
    alignment: Alignment[T, U],
    gold_label: Callable[[T], str],
    predicted_label: Callable[[U], str],
) -> tuple[tuple[int, int, int], list[str]]:
    """Count (matches, misses, extras) of an alignment and name every miss and extra."""
    missed = [g for g in alignment.unmatched_gold if not getattr(g, "optional", False)]
    extra = alignment.unmatched_predicted
    reasons = [
        *(f"missed gold {noun} {gold_label(g)}" for g in missed),
        *(f"unmatched predicted {noun} {predicted_label(p)}" for p in extra),
    ]
    return (len(alignment.matches), len(missed), len(extra)), reasons


# --- List fields ------------------------------------------------------------------------------


def score_entities(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """Entities matched by name form; ``details['type_accuracy']``: matches with the gold type."""
    alignment = align_entities(gold, record)
    counts, reasons = _tally("entity", alignment, lambda g: repr(g.name), lambda p: repr(p.name))
    mistyped = [m for m in alignment.matches if m.gold.type != m.predicted.type]
    reasons += [
        f"entity {m.gold.name!r} typed {m.predicted.type}, gold {m.gold.type}" for m in mistyped
    ]
    typed = ratio(len(alignment.matches) - len(mistyped), len(alignment.matches), 1.0)
    return prf("entities", counts, reasons, {"type_accuracy": typed})


def score_figures(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """Figures matched by value (see :func:`~summarise.evaluation.align.predicted_numbers`)."""
    counts, reasons = _tally(
        "figure",
        align_figures(gold, record),
        lambda g: f"{g.value!r} ({g.measures})",
        lambda p: f"{p.value!r} (number {p.number}, {p.measures})",
    )
    return prf("figures", counts, reasons)


def score_quotes(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """Quote texts matched by similarity; who said them is :func:`score_speakers`' business."""
    counts, reasons = _tally(
        "quote",
        align_quotes(gold, record),
        lambda g: f"{_clip(g.text)!r} ({g.speaker})",
        lambda p: f"{_clip(p.text)!r} ({p.speaker})",
    )
    return prf("quotes", counts, reasons)


def score_speakers(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """Among quotes matched by text, the share attributed to the right speaker (by name match).

    precision = recall = F1 = that accuracy; ``details['n']`` is the number judged. With
    required gold quotes but none matched, it is 0.0: no attribution could be credited.
    """
    matches = align_quotes(gold, record).matches
    if not matches and any(not q.optional for q in gold.quotes):
        return FieldScore("speakers", 0.0, 0.0, 0.0, ("no gold quote matched",), {"n": 0.0})
    wrong = [
        m
        for m in matches
        if name_similarity([m.gold.speaker, *m.gold.speaker_aliases], [m.predicted.speaker])
        < NAME_THRESHOLD
    ]
    reasons = (
        f"quote {_clip(m.gold.text)!r} attributed to {m.predicted.speaker!r}, "
        f"gold {m.gold.speaker!r}"
        for m in wrong
    )
    return _accuracy("speakers", len(matches) - len(wrong), len(matches), reasons)


def _class_f1(pairs: Sequence[tuple[str, str]], label: str) -> float:
    """F1 of one label over (gold, predicted) pairs, ``none`` standing for an unpaired side."""
    true_pos = sum(g == p == label for g, p in pairs)
    false_pos = sum(p == label != g for g, p in pairs)
    false_neg = sum(g == label != p for g, p in pairs)
    return ratio(2 * true_pos, 2 * true_pos + false_pos + false_neg, 1.0)


def score_stances(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """Stances matched by holder and target; a pair counts only when its label is accepted.

    An accepted label is the gold one or one of its ``alternatives``. A paired but wrong stance
    is an extra and (unless optional) a miss, so a flip costs precision and recall. ``details``:
    confusion counts over pairs (``"support->oppose"``; ``none`` for an unpaired side),
    ``f_avg`` (SemEval-2016 task 6: mean F1 of support and oppose) and ``macro_f1`` over the
    four labels. A label on neither side has F1 1.0, by the empty-is-perfect convention.
    """
    alignment = align_stances(gold, record)
    accepted = [
        m.predicted.stance in (m.gold.stance, *m.gold.alternatives) for m in alignment.matches
    ]
    wrong = [m for m, ok in zip(alignment.matches, accepted, strict=True) if not ok]
    pairs: list[
        tuple[str, str]
    ] = [  # (gold, predicted); an accepted alternative counts as the gold label
        (m.predicted.stance if ok else m.gold.stance, m.predicted.stance)
        for m, ok in zip(alignment.matches, accepted, strict=True)
    ]
    pairs += [(g.stance, _NONE) for g in alignment.unmatched_gold if not g.optional]
    pairs += [(_NONE, p.stance) for p in alignment.unmatched_predicted]
    confusion = Counter(f"{m.gold.stance}->{m.predicted.stance}" for m in alignment.matches)
    confusion.update(f"{g}->{p}" for g, p in pairs if _NONE in (g, p))
    per_class = {label: _class_f1(pairs, label) for label in _LABELS}
    details = {key: float(n) for key, n in sorted(confusion.items())}
    details["f_avg"] = (per_class["support"] + per_class["oppose"]) / 2
    details["macro_f1"] = sum(per_class.values()) / len(per_class)
    (matched, missed, extra), reasons = _tally(
        "stance",
        alignment,
        lambda g: f"{g.holder} {g.stance} {_clip(g.target)!r}",
        lambda p: f"{p.holder} {p.stance} {_clip(p.target)!r}",
    )
    reasons += [
        f"stance of {m.gold.holder!r} on {_clip(m.gold.target)!r} is {m.predicted.stance}, "
        f"gold {m.gold.stance}"
        for m in wrong
    ]
    wrong_required = sum(not m.gold.optional for m in wrong)
    counts = (matched - len(wrong), missed + wrong_required, extra + len(wrong))
    return prf("stances", counts, reasons, details)


def score_key_points(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """Coverage of the gold facts by the key points, summary sentences and headline.

    Recall is not one to one: one summary sentence may state two facts, and that is no fault.
    recall = covered non-optional facts / non-optional facts. Precision is one to one: predicted
    key points paired with a gold fact they cover (optional ones included; paired by
    :func:`~summarise.evaluation.align.align_key_points`) / predicted key points, so a key point
    that restates a fact an earlier one stated counts as idle: it tells the reader nothing new.

    ``details['lead_f1']``: the F1 the same record would get with the article's first sentences
    as its key points (as many as it lists, at least one), the trivial baseline of news
    summarisation: news puts its main facts first, so a list of key points is worth something
    only where it beats the lead.
    """
    precision, recall, missed, idle = _key_point_coverage(gold, record.key_points, record)
    lead = list(Sentences.of(source))[: max(len(record.key_points), 1)]
    lead_precision, lead_recall, _, _ = _key_point_coverage(gold, lead, record)
    reasons = [
        *(f"missed gold key point {_clip(p.text)!r}" for p in missed),
        *(f"predicted key point adds no gold fact {_clip(k)!r}" for k in idle),
    ]
    return FieldScore(
        "key_points",
        precision,
        recall,
        _harmonic(precision, recall),
        tuple(reasons),
        {"lead_f1": _harmonic(lead_precision, lead_recall)},
    )


def _key_point_coverage(
    gold: GoldCase, key_points: Sequence[str], record: Record
) -> tuple[float, float, list[GoldKeyPoint], list[str]]:
    """Precision, recall, missed gold facts and idle key points of ``key_points``.

    Each read beside the record's summary sentences and headline (see :func:`score_key_points`).
    """
    statements = [
        *key_points,
        *(s for s in _SENTENCE_END.split(record.summary) if s.strip()),
        record.headline,
    ]

    def covered(fact: str, by: Iterable[str]) -> bool:
        return max((coverage(fact, s) for s in by), default=0.0) >= KEY_POINT_THRESHOLD

    required = [p for p in gold.key_points if not p.optional]
    missed = [p for p in required if not covered(p.text, statements)]
    idle = list(align_key_points(gold.key_points, key_points).unmatched_predicted)
    recall = ratio(len(required) - len(missed), len(required), 1.0)
    precision = ratio(len(key_points) - len(idle), len(key_points), 0.0 if required else 1.0)
    return precision, recall, missed, idle


# --- Whole record -----------------------------------------------------------------------------


def _draft(kind: type[D], item: D) -> D:
    """The model-facing part of a checked item, so it can be checked afresh."""
    return kind.model_validate(item.model_dump(include=set(kind.model_fields)))


def score_grounding(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """Share of quotes, stance evidence and figures found in ``source``, re-checked here.

    The record's own checks are not trusted: each item is checked again by the grounding
    module's rules, so a record whose ``check`` was edited (or made against another text)
    cannot lie. precision = recall = F1 = that share: grounding judges what was said, not what
    was missed. ``details``: ``hallucinations`` (items matching neither a gold item nor the
    source), ``false_checks`` (checks claiming a verification that fails), ``claimed_rate``
    (what the record's own checks claim) and ``repaired`` (verified items whose words a repair
    put in place of the model's: verified, but not as the model first wrote them).
    """
    text = NormalisedSource.of(source)
    paired = {
        id(m.predicted)
        for alignment in (
            align_quotes(gold, record),
            align_stances(gold, record),
            align_figures(gold, record),
        )
        for m in alignment.matches
    }
    items: list[tuple[Quote | Stance | Figure, Check]] = [
        *((q, check_quote(_draft(QuoteDraft, q), text).check) for q in record.quotes),
        *((s, check_stance(_draft(StanceDraft, s), text).check) for s in record.stances),
        *((f, check_figure(_draft(PlacedFigure, f), text).check) for f in record.figures),
    ]
    failed = [(item, fresh) for item, fresh in items if not fresh.verified]
    reasons = [
        "; ".join(fresh.problems) + (" (its check claims it is)" if item.check.verified else "")
        for item, fresh in failed
    ]
    return _accuracy(
        "grounding",
        len(items) - len(failed),
        len(items),
        reasons,
        hallucinations=float(sum(id(item) not in paired for item, _ in failed)),
        false_checks=float(sum(item.check.verified for item, _ in failed)),
        claimed_rate=grounding_rate(record),
        repaired=float(
            sum(item.check.repaired_from is not None and fresh.verified for item, fresh in items)
        ),
    )


def score_validity(gold: GoldCase, record: Record, source: str) -> FieldScore:
    """1.0 when ``record`` validates as a :class:`Record` again, else 0.0 with the errors.

    A record the tool built is valid by construction; validating again catches one edited with
    ``model_copy(update=...)``, which skips validation. ``details``: ``attempts`` (from
    provenance) and ``retries`` (attempts - 1), so re-asks show in the report.
    """
    try:
        valid = Record.model_validate(record.model_dump(warnings=False))
    except ValidationError as exc:
        errors = (
            f"invalid record: {'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
        )
        return FieldScore("validity", 0.0, 0.0, 0.0, tuple(errors))
    attempts = valid.provenance.attempts
    details = {"attempts": float(attempts), "retries": float(max(attempts - 1, 0))}
    return FieldScore("validity", 1.0, 1.0, 1.0, (), details)


SCORERS: Mapping[str, Scorer] = {
    "entities": score_entities,
    "figures": score_figures,
    "quotes": score_quotes,
    "speakers": score_speakers,
    "stances": score_stances,
    "key_points": score_key_points,
    "grounding": score_grounding,
    "validity": score_validity,
}
"""Every field scorer by report key, in report order."""


def score_case(gold: GoldCase, record: Record, source: str) -> dict[str, FieldScore]:
    """Score every field of ``record`` against ``gold``; keys and order as in :data:`SCORERS`.

    Scorers see the article without the gold's ``ignore_text`` lines.
    """
    body = gold.body(source)
    return {name: scorer(gold, record, body) for name, scorer in SCORERS.items()}
