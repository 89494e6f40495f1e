"""Key points as the reader gets them: each fact stated once.

Why code: the decoding grammar makes the model write at least three key points
(:data:`summarise.schema.MIN_KEY_POINTS`), and where it has run out of facts the embedded model
fills a slot by restating one it already wrote. Seed 000's committed record listed "Defense
Secretary Pete Hegseth urged NATO allies to agree ..." and then "U. S. Defense Secretary Pete
Hegseth urged NATO members to agree ..."; asked for five (`experiment/kp-more`), case 009 gave
one sentence twice. A list that says one fact twice tells the reader the article holds more than
it does, so only the first of near-identical points is kept.
"""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from summarise.normalisation import normalise

SAME_POINT = 90.0
"""rapidfuzz ratio (0-100, punctuation and case ignored) at or above which two key points are one
fact restated. The restated seed-000 pair above scores 95; two facts worded alike ("The storm
delayed flights in New York by an hour." and "... in Philadelphia by an hour.") score 82."""


def distinct(points: Sequence[str], at_least: int) -> list[str]:
    """``points`` without restatements of an earlier point, in their order.

    Restatements come back (the earliest first, still in order) when fewer than ``at_least``
    points would remain, so that a record stays valid: a repeated point is noise, not an error.
    """
    folded = [default_process(normalise(p)) for p in points]
    kept = [
        i
        for i, p in enumerate(folded)
        if not any(fuzz.ratio(folded[j], p) >= SAME_POINT for j in range(i))
    ]
    dropped = [i for i in range(len(points)) if i not in kept]
    restored = dropped[: max(at_least - len(kept), 0)]
    return [points[i] for i in sorted([*kept, *restored])]
