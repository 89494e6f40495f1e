"""Whether one pipeline beats another on a field, or the gap is inside the sampling noise.

An eval score is a mean over a handful of hand-annotated cases, and on a small model any change
to the request resamples every record: a field's mean moves by about 0.1 with nothing else
changed (benchmarks/README.md, "Sampling noise"). Two means cannot tell a real gain from a lucky
draw. A paired comparison can say how sure it is: both contestants are scored on the same cases
(each case's score averaged over the samples a contestant has), and what varies is the per-case
difference.

Two assumption-light tools for few cases, both standard:

- the **sign-flip test**: if neither contestant is better, each case's difference is as likely
  to be negative as positive, so the p-value is the share of the 2^n sign patterns whose mean
  difference is at least as far from zero as the observed one. Exact up to
  :data:`EXACT_UP_TO` cases, sampled with a fixed seed beyond;
- a **percentile bootstrap** interval of the mean difference, resampling cases with a fixed
  seed, so a report reads the same on every run.

With seven cases the smallest possible p-value is 2/128 = 0.016, reached only when every case
differs the same way; a gap that one or two cases carry cannot be a finding. That is all seven
cases can honestly tell.
"""

from __future__ import annotations

import itertools
import math
import random
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

EXACT_UP_TO = 16
"""Up to this many cases every sign pattern is enumerated (65,536 at most)."""
RESAMPLES = 10_000
"""Bootstrap resamples, and sampled sign patterns past :data:`EXACT_UP_TO` cases."""
SEED = 0
LEVEL = 0.95
"""Confidence of the interval; a difference is a finding when p < 1 - LEVEL."""


@dataclass(frozen=True)
class PairedDifference:
    """How much ``a`` scores above ``b`` over their common cases, and how sure that is."""

    mean: float
    """Mean over the cases of (a's mean score - b's mean score)."""
    low: float
    high: float
    """The bootstrap interval of ``mean`` at :data:`LEVEL`."""
    p_value: float
    """Sign-flip test of "neither is better"."""
    cases: int

    @property
    def verdict(self) -> str:
        """'a', 'b' (the better one) or 'no finding' when the gap may be noise.

        The sign-flip test's verdict alone: on a handful of cases the percentile interval is
        too narrow, and may leave out zero where the test does not find a difference.
        """
        if self.p_value >= 1 - LEVEL or self.mean == 0:
            return "no finding"
        return "a" if self.mean > 0 else "b"


def paired_difference(
    a: Mapping[str, Sequence[float]], b: Mapping[str, Sequence[float]]
) -> PairedDifference:
    """Compare ``a`` with ``b``: case -> that case's scores, one per sample.

    Only cases both have (with at least one score each) count; there must be one.
    """
    common = sorted(case for case in a.keys() & b.keys() if a[case] and b[case])
    if not common:
        raise ValueError("the two contestants have no scored case in common")
    if not all(math.isfinite(x) for case in common for x in (*a[case], *b[case])):
        raise ValueError("a score is not a finite number")
    differences = [statistics.fmean(a[c]) - statistics.fmean(b[c]) for c in common]
    mean = statistics.fmean(differences)
    low, high = _bootstrap_interval(differences)
    return PairedDifference(mean, low, high, _sign_flip_p(differences), len(common))


def _sign_flip_p(differences: Sequence[float]) -> float:
    n = len(differences)
    observed = abs(sum(differences)) - 1e-12  # equal sums count as "as far", despite rounding
    exact = n <= EXACT_UP_TO
    if exact:
        patterns: Sequence[Sequence[int]] = list(itertools.product((1, -1), repeat=n))
    else:
        rng = random.Random(SEED)
        patterns = [[rng.choice((1, -1)) for _ in range(n)] for _ in range(RESAMPLES)]
    extreme = sum(
        abs(sum(s * d for s, d in zip(signs, differences, strict=True))) >= observed
        for signs in patterns
    )
    # A sampled test counts the observed pattern too, so it never reports p = 0.
    return extreme / len(patterns) if exact else (extreme + 1) / (len(patterns) + 1)


def _bootstrap_interval(differences: Sequence[float]) -> tuple[float, float]:
    rng = random.Random(SEED)
    means = sorted(
        statistics.fmean(rng.choices(differences, k=len(differences))) for _ in range(RESAMPLES)
    )
    tail = (1 - LEVEL) / 2
    return means[round(tail * (RESAMPLES - 1))], means[round((1 - tail) * (RESAMPLES - 1))]
