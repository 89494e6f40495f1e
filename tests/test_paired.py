"""The paired comparison on hand-made scores whose p-values and intervals are worked by hand."""

from __future__ import annotations

import pytest

from summarise.evaluation.paired import paired_difference

SEVEN = [f"00{n}" for n in range(7)]


def test_equal_contestants_are_no_finding() -> None:
    scores = {case: [0.5, 0.7] for case in SEVEN}
    found = paired_difference(scores, scores)
    assert (found.mean, found.low, found.high, found.p_value) == (0.0, 0.0, 0.0, 1.0)
    assert found.verdict == "no finding"


def test_better_on_every_case_is_a_finding_at_the_smallest_possible_p() -> None:
    a = {case: [0.8] for case in SEVEN}
    b = {case: [0.6] for case in SEVEN}
    found = paired_difference(a, b)
    # Of the 2^7 sign patterns only all-plus and all-minus are as far from zero: 2/128.
    assert found.p_value == pytest.approx(2 / 128)
    assert found.mean == pytest.approx(0.2)
    assert (found.low, found.high) == (pytest.approx(0.2), pytest.approx(0.2))
    assert found.verdict == "a"
    assert paired_difference(b, a).verdict == "b"


def test_one_case_carrying_the_gap_is_no_finding() -> None:
    a = {case: [0.5] for case in SEVEN}
    b = {**a, "000": [0.0]}
    found = paired_difference(a, b)
    assert found.mean == pytest.approx(0.5 / 7)
    # Only the sign of the one non-zero case matters, and it is positive in half the patterns.
    assert found.p_value == 1.0
    assert found.verdict == "no finding"
    assert found.low == 0.0  # resamples without case 000 show no difference at all


def test_p_value_worked_by_hand() -> None:
    # Differences 1, 2, -1 sum to 2. Sign patterns of (1, 2, 1) whose sum is at least 2 in
    # size: +++ 4, ++- 2, -++ 2, --- 4, +-- 2, --+ 2; not +-+ 0 or -+- 0. So 6 of 8.
    found = paired_difference({"a": [1.0], "b": [2.0], "c": [0.0]}, {"a": [0], "b": [0], "c": [1]})
    assert found.p_value == pytest.approx(6 / 8)
    assert found.mean == pytest.approx(2 / 3)
    assert found.low <= found.mean <= found.high


def test_each_case_is_the_mean_of_its_samples_and_only_common_cases_count() -> None:
    a = {"x": [1.0, 0.0], "y": [1.0], "only a": [1.0]}
    b = {"x": [0.25], "y": [0.5], "only b": [0.0], "unscored": []}
    found = paired_difference(a, b)
    assert found.cases == 2
    assert found.mean == pytest.approx(((0.5 - 0.25) + (1.0 - 0.5)) / 2)


def test_no_common_case_is_an_error() -> None:
    with pytest.raises(ValueError, match="no scored case in common"):
        paired_difference({"x": [1.0]}, {"y": [1.0]})


def test_a_score_that_is_no_number_is_an_error() -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        paired_difference({"x": [float("nan")]}, {"x": [1.0]})


def test_many_cases_are_sampled_and_reproducible() -> None:
    a = {f"{n:03}": [0.6 + 0.01 * (n % 3)] for n in range(20)}
    b = {f"{n:03}": [0.5] for n in range(20)}
    first, again = paired_difference(a, b), paired_difference(a, b)
    assert first == again
    assert first.verdict == "a"
    assert first.p_value < 0.001
