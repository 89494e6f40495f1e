"""Story scorers: pure functions from (gold story, story record) to a :class:`FieldScore`.

They follow the conventions of :mod:`~summarise.evaluation.scorers` (precision, recall and F1
in [0, 1]; 1.0 when there is nothing to find and nothing was claimed; a reason for every point
lost) and reuse the alignment of :mod:`~summarise.evaluation.align`, so "the same fact" or "the
same holder" means the same thing here as when one article is scored.

* ``entities``: does entity resolution put each gold entity's forms together, and apart from
  other entities? Scored over pairs of forms (the pairwise measure of coreference evaluation).
* ``agreement``: are the facts the story calls shared the ones every source reports (F1)?
* ``unique_facts``: are the facts only some sources report found, with the right sources
  (recall; gold lists the partial facts worth finding, not every one, so no precision)?
* ``stance_matrix``: for each gold cell holder x target x source, is the polarity right?
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from itertools import combinations

from summarise.evaluation.align import (
    KEY_POINT_THRESHOLD,
    NAME_THRESHOLD,
    STANCE_THRESHOLD,
    align,
    coverage,
    fold,
    name_similarity,
    quote_similarity,
    text_similarity,
)
from summarise.evaluation.gold import GoldStory
from summarise.evaluation.gold import StoryFact as GoldFact
from summarise.evaluation.gold import StoryStance as GoldCell
from summarise.evaluation.scorers import FieldScore, prf, ratio
from summarise.normalisation import claim, normalise
from summarise.story import StoryFact, StoryRecord, StoryStance

__all__ = [
    "STORY_SCORERS", "StoryScorer", "fact_similarity", "score_agreement", "score_stance_matrix",
    "score_story", "score_story_entities", "score_unique_facts",
]  # fmt: skip

StoryScorer = Callable[[GoldStory, StoryRecord], FieldScore]


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- Entities -------------------------------------------------------------------------------


def score_story_entities(gold: GoldStory, story: StoryRecord) -> FieldScore:
    """Pairwise entity resolution over the gold surface forms that the story contains.

    Each gold form the story lists (compared after :func:`fold`) is an item. For every pair of
    items, gold says "same" when one gold entity has both forms; the story says "same" when one
    of its entities has both. precision = pairs the story joins rightly / pairs it joins,
    recall = pairs it joins rightly / pairs gold joins. Forms the story lacks are the
    extraction's miss, not the resolver's, and only lower ``details['form_coverage']``; a story
    containing no gold form at all scores 0.0.
    """
    predicted = [{fold(f) for forms in e.forms.values() for f in forms} for e in story.entities]
    present = {form for forms in predicted for form in forms}
    owners: dict[str, set[str]] = {}
    for entity in gold.entities:
        for form in entity.surface_forms:
            owners.setdefault(fold(form), set()).add(entity.name)
    items = sorted(form for form in owners if form in present)
    coverage_share = ratio(len(items), len(owners), 1.0)
    if not items and owners:
        return FieldScore("entities", 0.0, 0.0, 0.0, ("no gold surface form is in the story",), {})
    joined_right = joined_wrong = split = 0
    reasons: list[str] = []
    for a, b in combinations(items, 2):
        gold_same = bool(owners[a] & owners[b])
        story_same = any(a in forms and b in forms for forms in predicted)
        if gold_same and story_same:
            joined_right += 1
        elif story_same:
            joined_wrong += 1
            reasons.append(
                f"{a!r} ({', '.join(sorted(owners[a]))}) merged with {b!r} "
                f"({', '.join(sorted(owners[b]))})"
            )
        elif gold_same:
            split += 1
            reasons.append(f"{a!r} and {b!r} ({', '.join(sorted(owners[a] & owners[b]))}) split")
    details = {"form_coverage": coverage_share, "forms": float(len(items))}
    return prf("entities", (joined_right, split, joined_wrong), reasons, details)


# --- Facts ----------------------------------------------------------------------------------


def _same_evidence(gold: str, predicted: str) -> bool:
    """Whether one evidence span contains the other (after the grounding normalisation)."""
    g, p = claim(gold), claim(predicted)
    return bool(g and p) and (g in normalise(predicted) or p in normalise(gold))


def fact_similarity(gold: GoldFact, predicted: StoryFact) -> float:
    """How surely ``predicted`` is the gold fact, in [0, 1]: by its words or by its evidence.

    The larger of :func:`coverage` of the gold text by the predicted text and, when gold cites
    evidence in two sources or more, the share of them whose gold evidence lies within (or
    contains) the predicted evidence there. Evidence pairs a fact worded quite differently but
    drawn from the same sentences. One sentence can carry two facts, so evidence alone never
    pairs a fact gold cites in one source, and below the threshold it needs every source.
    """
    cited = [s for s in gold.sources if s in gold.evidence]
    if len(cited) < 2:
        return coverage(gold.text, predicted.text)
    same = sum(
        _same_evidence(gold.evidence[s], predicted.evidence[s])
        for s in cited
        if s in predicted.evidence
    )
    return max(coverage(gold.text, predicted.text), same / len(cited))


def score_agreement(gold: GoldStory, story: StoryRecord) -> FieldScore:
    """F1 of the story's shared facts against gold's, paired by :func:`fact_similarity` at 0.7.

    A shared fact pairing no gold shared fact is an extra (a claim of agreement gold does not
    make), so calling a partial fact shared costs precision here.
    """
    alignment = align(gold.shared_facts, story.shared_facts, fact_similarity, KEY_POINT_THRESHOLD)
    reasons = [
        *(f"missed shared fact {_clip(g.text)!r}" for g in alignment.unmatched_gold),
        *(f"shared fact not in gold {_clip(p.text)!r}" for p in alignment.unmatched_predicted),
    ]
    counts = (
        len(alignment.matches),
        len(alignment.unmatched_gold),
        len(alignment.unmatched_predicted),
    )
    return prf("agreement", counts, reasons)


def score_unique_facts(gold: GoldStory, story: StoryRecord) -> FieldScore:
    """Recall of gold partial facts: found among the story's facts, with the same sources.

    precision = recall = F1 = that share. ``details['text_recall']``: the share found at all,
    whatever the sources, so a report can tell "not found" from "found, wrongly attributed".
    """
    facts = [*story.shared_facts, *story.partial_facts]
    alignment = align(gold.partial_facts, facts, fact_similarity, KEY_POINT_THRESHOLD)
    right = [m for m in alignment.matches if set(m.gold.sources) == set(m.predicted.sources)]
    reasons = [
        *(f"missed partial fact {_clip(g.text)!r}" for g in alignment.unmatched_gold),
        *(
            f"partial fact {_clip(m.gold.text)!r} given sources {m.predicted.sources}, "
            f"gold {m.gold.sources}"
            for m in alignment.matches
            if m not in right
        ),
    ]
    n = len(gold.partial_facts)
    value = ratio(len(right), n, 1.0)
    details = {"n": float(n), "text_recall": ratio(len(alignment.matches), n, 1.0)}
    return FieldScore("unique_facts", value, value, value, tuple(reasons), details)


# --- Stance matrix --------------------------------------------------------------------------


def _cell_similarity(gold: GoldCell, predicted: StoryStance) -> float:
    """As the article scorer pairs stances: holder first, then target or evidence."""
    if name_similarity([gold.holder], [predicted.holder]) < NAME_THRESHOLD:
        return 0.0
    return max(
        text_similarity(gold.target, predicted.target),
        quote_similarity(gold.evidence, predicted.evidence),
    )


def _by_source(cells: Sequence[GoldCell | StoryStance]) -> dict[str, list[int]]:
    grouped: dict[str, list[int]] = {}
    for index, cell in enumerate(cells):
        grouped.setdefault(cell.source, []).append(index)
    return grouped


def score_stance_matrix(gold: GoldStory, story: StoryRecord) -> FieldScore:
    """Accuracy over gold cells: the cell is paired (same source) and its polarity accepted.

    Cells pair within one source, one to one, as the article scorer pairs stances (holder at
    the name threshold, then target or evidence at 0.6). Accepted: the gold polarity or one of
    its ``alternatives``. A gold cell with no pair counts as wrong. precision = recall = F1 =
    that accuracy; ``details``: ``n`` gold cells, ``extra_cells`` the story's unpaired cells,
    ``unverified`` its cells whose evidence is not in the article.
    """
    predicted = _by_source(story.stances)
    right = extra = 0
    reasons: list[str] = []
    for source, indices in _by_source(gold.stances).items():
        cells = [gold.stances[i] for i in indices]
        candidates = [story.stances[i] for i in predicted.get(source, [])]
        alignment = align(cells, candidates, _cell_similarity, STANCE_THRESHOLD)
        extra += len(alignment.unmatched_predicted)
        for match in alignment.matches:
            g, p = match.gold, match.predicted
            if p.stance in (g.stance, *g.alternatives):
                right += 1
            else:
                reasons.append(
                    f"{source}: {g.holder} on {_clip(g.target)!r} is {p.stance}, gold {g.stance}"
                )
        reasons += [
            f"{source}: no cell for {g.holder} on {_clip(g.target)!r}"
            for g in alignment.unmatched_gold
        ]
    n = len(gold.stances)
    value = ratio(right, n, 1.0)
    details = {
        "n": float(n),
        "extra_cells": float(extra),
        "unverified": float(sum(not s.verified for s in story.stances)),
    }
    return FieldScore("stance_matrix", value, value, value, tuple(reasons), details)


STORY_SCORERS: Mapping[str, StoryScorer] = {
    "entities": score_story_entities,
    "agreement": score_agreement,
    "unique_facts": score_unique_facts,
    "stance_matrix": score_stance_matrix,
}
"""Every story scorer by report key, in report order."""


def score_story(gold: GoldStory, story: StoryRecord) -> dict[str, FieldScore]:
    """Score every part of ``story``; keys and order as in :data:`STORY_SCORERS`."""
    return {name: scorer(gold, story) for name, scorer in STORY_SCORERS.items()}
