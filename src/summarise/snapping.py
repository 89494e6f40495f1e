"""Repair by code: put the article's own words where the model nearly copied them.

A small model often copies a quotation or an evidence phrase almost right: a name expanded
("US Defense Secretary Pete Hegseth stirred tensions" for "Hegseth, a former television host,
stirred tensions"), a word changed, a clause dropped. Asking the model again sends the article
a second time (15-20 s on the embedded model) and, on the three seed articles, mended none of
the six spans it was asked about. Finding the nearest article words is a solved problem
(rapidfuzz) and costs microseconds, so code tries first and the model is re-asked only for
what code cannot place.

What code puts in place is always whole article text, never a fuzzy guess printed as verbatim:
a whole quotation for a quote, a whole sentence for evidence. Grounding then checks it exactly,
like any span, and the pipeline keeps what the model first wrote beside it
(``Check.repaired_from``). A span is replaced only when the article's words are near enough
(:data:`MIN_SIMILARITY`, :data:`FIGURE_MIN_SIMILARITY`), and stance evidence only by words
that say "not" where the model's did (:func:`_same_polarity`). A quote replaced by a narrative
sentence stays flagged, since that sentence is not inside quotation marks.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from summarise.grounding import NormalisedSource
from summarise.normalisation import claim, normalise
from summarise.schema import CheckedDraft, RecordDraft
from summarise.sentences import Sentences

MIN_SIMILARITY = 80.0
"""Least similarity (0-100, case and punctuation ignored; the better of rapidfuzz's ``ratio``
for texts of like length and ``partial_ratio`` for a phrase inside a longer sentence) between
what the model wrote and the article text put in its place. On the seed articles the model's
near-misses scored 74-89 against the sentence they came from, while invented phrases ("Spain
opposes the 5% target", "Hegseth supports the deal", five in all) reached 57-71 against their
best sentence: 80 sits between the two, and a near-miss below it is left to the model."""

FIGURE_MIN_SIMILARITY = 70.0
"""The same least similarity for figure evidence, where the candidates are only the sentences
that hold the figure's value: on the seeds, unrelated phrases scored 48-62 against those and
the model's near-misses 75-82. Below it the figure stays flagged, so a value that also appears
in an unrelated sentence ("2" in "voted 7 to 2") is not given that sentence as evidence."""

MIN_LENGTH_RATIO = 0.5
"""A candidate must be at least half as long as what the model wrote: ``partial_ratio`` aligns
the shorter text inside the longer, so a short sentence ("Spain objected.") would otherwise
match any long paraphrase that contains its words."""

_QUOTATION = re.compile(r'"([^"]+)"')
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


def nearest(
    wrote: str,
    candidates: Iterable[str],
    *,
    cutoff: float = MIN_SIMILARITY,
    keep_polarity: bool = False,
) -> str | None:
    """The candidate nearest to ``wrote`` at ``cutoff`` or above (the first of equals), or None.

    With ``keep_polarity``, a candidate that negates where ``wrote`` does not (or the other way
    round) is never chosen: stance evidence, whose meaning is the stance. A quote or a figure's
    evidence is not judged by its polarity: the article's words replace the model's, and a
    figure's sentence may well say "not" in another clause.
    """
    best, best_score = None, cutoff
    for candidate in candidates:
        if keep_polarity and not _same_polarity(wrote, candidate):
            continue
        score = _similarity(wrote, candidate)
        if score > best_score or (best is None and score == best_score):
            best, best_score = candidate, score
    return best


def quotations(article: str) -> list[str]:
    """Every double-quoted passage of the article, line by line, as printed, without its marks.

    Normalised, every kind of double quotation mark is one straight mark, so one pattern finds
    „…“, «…» and “…” alike; each passage is cut back out of the original line. Marks are paired
    within a line: a quotation running over paragraphs reopens each one without closing the
    last, and pairing across lines would join one paragraph's end to the next one's narrative.
    """
    found: list[str] = []
    for line in article.splitlines():
        source = NormalisedSource.of(line)
        for match in _QUOTATION.finditer(source.text):
            start, end = match.start(1), match.end(1)
            if source.text[start:end].strip():
                found.append(line[source.starts[start] : source.ends[end - 1]].strip())
    return found


def _holding(value: str, sentences: Sentences) -> list[str]:
    """The sentences in which ``value`` stands as a whole number or word."""
    return [s for s in sentences if NormalisedSource.of(s).find(value) is not None]


def snap(draft: RecordDraft, grounded: CheckedDraft, source: str) -> RecordDraft:
    """``draft`` with each failed span that code can place replaced by the article's words.

    - a quote not found at all becomes the nearest quotation of the article, else the nearest
      sentence without quotation marks, which grounding then flags as standing outside them:
      the model took narrative for a quote, and the record shows which narrative. A quote that
      runs past its closing mark into narrative becomes the nearest quotation too. A quote
      found verbatim but wholly outside quotation marks is left alone: its words are exact, it
      is just not a quotation;
    - stance evidence becomes the nearest article sentence;
    - figure evidence becomes the nearest sentence that holds the figure's value. A value the
      article does not hold leaves the figure as it is.
    """
    if not grounded.ungrounded:  # the usual case: nothing to place, nothing to cut
        return draft
    quoted = quotations(source)
    sentences = Sentences.of(source)
    narrative = [s for s in sentences if not _QUOTATION.search(NormalisedSource.of(s).text)]
    quotes = list(draft.quotes)
    for index, quote in enumerate(grounded.quotes):
        if quote.check.verified:
            continue
        if '"' in claim(quote.text):  # crosses a quotation's edge: its quotation is inside it
            found = nearest(quote.text, quoted)
        elif not quote.check.spans:
            found = nearest(quote.text, quoted) or nearest(quote.text, narrative)
        else:
            found = None
        if found is not None:
            quotes[index] = quotes[index].model_copy(update={"text": found})
    stances = list(draft.stances)
    for index, stance in enumerate(grounded.stances):
        if not stance.check.verified:
            found = nearest(stance.evidence, sentences, keep_polarity=True)
            if found is not None:
                stances[index] = stances[index].model_copy(update={"evidence": found})
    figures = list(draft.figures)
    for index, figure in enumerate(grounded.figures):
        if not figure.check.verified:
            holding = _holding(figure.value, sentences)
            found = nearest(figure.evidence, holding, cutoff=FIGURE_MIN_SIMILARITY)
            if found is not None:
                figures[index] = figures[index].model_copy(update={"evidence": found})
    return draft.model_copy(update={"quotes": quotes, "stances": stances, "figures": figures})
