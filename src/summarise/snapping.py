"""Repair by code: put the article's own words where the model nearly copied them.

A small model often copies an evidence phrase almost right: a name expanded
("US Defense Secretary Pete Hegseth stirred tensions" for "Hegseth, a former television host,
stirred tensions"), a word changed, a clause dropped. Asking the model again sends the article
a second time (15-20 s on the embedded model) and, on the three seed articles, mended none of
the six spans it was asked about. Finding the nearest article words is a solved problem
(rapidfuzz) and costs microseconds, so code tries first and the model is re-asked only for
what code cannot place.

What code puts in place is always whole article text, never a fuzzy guess printed as verbatim:
a whole sentence. Grounding then checks it exactly,
like any span, and the pipeline keeps what the model first wrote beside it
(``Check.repaired_from``). A span is replaced only when the article's words are near enough
(:data:`MIN_SIMILARITY`), and only by words that say "not" where the model's did
(:func:`_same_polarity`). Only stance evidence is the model's to copy now: code finds quotes
(:mod:`summarise.quotations`) and figures' sentences (:mod:`summarise.figure_evidence`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from summarise.normalisation import normalise
from summarise.schema import CheckedDraft, FilledDraft
from summarise.sentences import Sentences

MIN_SIMILARITY = 80.0
"""Least similarity (0-100, case and punctuation ignored; the better of rapidfuzz's ``ratio``
for texts of like length and ``partial_ratio`` for a phrase inside a longer sentence) between
what the model wrote and the article text put in its place. On the seed articles the model's
near-misses scored 74-89 against the sentence they came from, while invented phrases ("Spain
opposes the 5% target", "Hegseth supports the deal", five in all) reached 57-71 against their
best sentence: 80 sits between the two, and a near-miss below it is left to the model."""

MIN_LENGTH_RATIO = 0.5
"""A candidate must be at least half as long as what the model wrote: ``partial_ratio`` aligns
the shorter text inside the longer, so a short sentence ("Spain objected.") would otherwise
match any long paraphrase that contains its words."""

_NEGATION = re.compile(r"\b(?:not|no|never|nor|cannot|neither|none)\b|n't\b", re.IGNORECASE)


def _same_polarity(wrote: str, candidate: str) -> bool:
    """Whether both texts negate, or neither does.

    The similarity ignores a "not" (one word of many), and "Spain does support" snapped to
    "Spain does not support" would verify the opposite stance.
    """
    return bool(_NEGATION.search(normalise(wrote))) == bool(_NEGATION.search(normalise(candidate)))


def _similarity(wrote: str, candidate: str) -> float:
    """How nearly ``candidate`` holds what the model wrote, 0-100 (0 when it is too short)."""
    if len(candidate) < MIN_LENGTH_RATIO * len(wrote):
        return 0.0
    return max(
        fuzz.ratio(wrote, candidate, processor=default_process),
        fuzz.partial_ratio(wrote, candidate, processor=default_process),
    )


def nearest(wrote: str, candidates: Iterable[str]) -> str | None:
    """The candidate nearest to ``wrote``, at :data:`MIN_SIMILARITY` or above, or None.

    The first of equals wins. A candidate that negates where ``wrote`` does not (or the other
    way round) is never chosen: the evidence's meaning is the stance.
    """
    best, best_score = None, MIN_SIMILARITY
    for candidate in candidates:
        if not _same_polarity(wrote, candidate):
            continue
        score = _similarity(wrote, candidate)
        if score > best_score or (best is None and score == best_score):
            best, best_score = candidate, score
    return best


def snap(draft: FilledDraft, grounded: CheckedDraft, source: str) -> FilledDraft:
    """``draft`` with each failed stance evidence replaced by its nearest article sentence."""
    if not grounded.ungrounded:  # the usual case: nothing to place, nothing to cut
        return draft
    sentences = Sentences.of(source)
    stances = list(draft.stances)
    for index, stance in enumerate(grounded.stances):
        if not stance.check.verified:
            found = nearest(stance.evidence, sentences)
            if found is not None:
                stances[index] = stances[index].model_copy(update={"evidence": found})
    return draft.model_copy(update={"stances": stances})
