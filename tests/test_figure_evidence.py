"""A figure's evidence is the article sentence that states it, chosen by what it measures."""

from __future__ import annotations

import pytest

from summarise.figure_evidence import place_all
from summarise.grounding import NormalisedSource, check_figure
from summarise.schema import FigureDraft

ARTICLE = (
    "The city council voted 7 to 2 on Monday to build a new library in the old market hall.\n"
    "Councillor Tom Bell, who voted against, said the 4 million euro cost was too high.\n"
    "The library opens in 2027. Turnout at the vote was 5%, against 5% of GDP for roads.\n"
    "The old hall has stood empty since 2027 was first named as a date, in 2019.\n"
)


def figure(value: str, measures: str = "something", unit: str | None = None) -> FigureDraft:
    return FigureDraft(value=value, unit=unit, measures=measures)


PLACED = {
    "the-one-sentence-holding-the-value": (
        figure("4 million euro", "library cost"),
        "Councillor Tom Bell, who voted against, said the 4 million euro cost was too high.",
    ),
    "a-value-written-twice-goes-to-the-sentence-about-its-measure": (
        figure("2027", "year the hall stood empty since"),
        "The old hall has stood empty since 2027 was first named as a date, in 2019.",
    ),
    "on-equal-match-the-first-sentence": (
        figure("2027", "xyz"),
        "The library opens in 2027.",
    ),
    "the-unit-counts-as-what-it-measures": (
        figure("2027", "date", unit="opening of the library"),
        "The library opens in 2027.",
    ),
    "a-whole-number-only-not-part-of-a-longer-one": (
        figure("7", "votes for"),
        "The city council voted 7 to 2 on Monday to build a new library in the old market hall.",
    ),
    "a-value-the-article-lacks-gets-none": (figure("5 million euro", "library cost"), ""),
}


@pytest.mark.parametrize(("drafted", "evidence"), PLACED.values(), ids=PLACED.keys())
def test_evidence_is_the_sentence_that_states_the_figure(
    drafted: FigureDraft, evidence: str
) -> None:
    (placed,) = place_all([drafted], ARTICLE)
    assert placed.evidence == evidence
    assert placed.model_dump(exclude={"evidence"}) == drafted.model_dump()


def test_3_5_percent_is_not_evidence_for_5_percent() -> None:
    article = "Spending rose to 3.5% of GDP by 2025. The goal is 5% by 2035."
    (placed,) = place_all([figure("5%", "goal")], article)
    assert placed.evidence == "The goal is 5% by 2035."


def test_a_placed_figure_is_verified_and_a_missing_value_is_flagged_once() -> None:
    source = NormalisedSource.of(ARTICLE)
    held, missing = place_all([figure("2027"), figure("10%")], ARTICLE)
    assert check_figure(held, source).check.verified
    flagged = check_figure(missing, source).check
    assert not flagged.verified
    assert flagged.problems == ["value '10%' is not in the article"]


def test_no_figures_place_nothing() -> None:
    assert place_all([], ARTICLE) == []
