"""Code repair: near-misses become the article's own words; invented spans stay as written."""

from __future__ import annotations

import pytest

from summarise import repair
from summarise.pipeline import mend
from summarise.schema import (
    CheckedDraft,
    EntityDraft,
    FigureDraft,
    QuotedDraft,
    StanceDraft,
)
from summarise.snapping import nearest

ARTICLE = (
    "The city council voted 7 to 2 on Monday to build a new library in the old market hall.\n"
    '"It is for every child in this city," said Mayor Ana Ruiz.\n'
    "Councillor Tom Bell, who voted against, said the 4 million euro cost was too high.\n"
    "The library opens in 2027.\n"
    "Bell objected.\n"
)


def _draft(
    evidence: str = "said the 4 million euro cost was too high",
    figure_value: str = "4 million euro",
    figure_evidence: str = "the 4 million euro cost",
) -> QuotedDraft:
    return QuotedDraft(
        headline="Council backs library",
        summary="The council voted for a library.",
        key_points=["The vote was 7 to 2.", "A library is planned.", "Bell objected."],
        entities=[EntityDraft(name="Ana Ruiz", type="person", role="mayor")],
        figures=[
            FigureDraft(
                value=figure_value,
                unit=None,
                measures="library cost",
                evidence=figure_evidence,
            )
        ],
        stances=[
            StanceDraft(holder="Tom Bell", target="the library", stance="oppose", evidence=evidence)
        ],
    )


def _mended(draft: QuotedDraft) -> CheckedDraft:
    _, grounded = mend(draft, ARTICLE)
    return repair.note(draft, grounded)


EVIDENCE = {
    "near-miss-becomes-the-sentence": (
        "Tom Bell said the 4 million euro price was too high",
        "Councillor Tom Bell, who voted against, said the 4 million euro cost was too high.",
        True,
    ),
    "invented-stays": (
        "Bell wants a swimming pool instead",
        "Bell wants a swimming pool instead",
        False,
    ),
    "a-sentence-that-says-not-where-the-model-did-not-is-refused": (
        "Councillor Tom Bell, who voted against, said the 4 million euro cost was not too high",
        "Councillor Tom Bell, who voted against, said the 4 million euro cost was not too high",
        False,
    ),
    "short-sentence-does-not-swallow-a-long-paraphrase": (
        "Bell objected strongly to the plan at the meeting",
        "Bell objected strongly to the plan at the meeting",
        False,
    ),
}


@pytest.mark.parametrize(("wrote", "final", "verified"), EVIDENCE.values(), ids=EVIDENCE.keys())
def test_stance_evidence_repair(wrote: str, final: str, verified: bool) -> None:
    stance = _mended(_draft(evidence=wrote)).stances[0]
    assert (stance.evidence, stance.check.verified) == (final, verified)


FIGURES = {
    "paraphrased-evidence-becomes-the-sentence-holding-the-value": (
        "4 million euro",
        "Tom Bell said the 4 million euro price was too high",
        "Councillor Tom Bell, who voted against, said the 4 million euro cost was too high.",
        True,
    ),
    "evidence-far-from-every-sentence-holding-the-value-stays": (
        "2027",
        "The city council voted 7 to 2 on Monday",
        "The city council voted 7 to 2 on Monday",
        False,
    ),
    "a-small-number-is-not-given-an-unrelated-sentence": (
        "2",
        "unemployment fell by 2 points",
        "unemployment fell by 2 points",
        False,
    ),
    "a-value-the-article-lacks-stays-flagged": (
        "5 million euro",
        "the 5 million euro cost",
        "the 5 million euro cost",
        False,
    ),
}


@pytest.mark.parametrize(
    ("value", "wrote", "final", "verified"), FIGURES.values(), ids=FIGURES.keys()
)
def test_figure_evidence_repair(value: str, wrote: str, final: str, verified: bool) -> None:
    figure = _mended(_draft(figure_value=value, figure_evidence=wrote)).figures[0]
    assert (figure.evidence, figure.check.verified) == (final, verified)
    assert not repair.targets(_mended(_draft(figure_value=value, figure_evidence=wrote)))


def test_a_figure_is_not_placed_inside_a_longer_number() -> None:
    article = "Spending rose to 3.5% of GDP by 2025. The goal is 5% by 2035."
    draft = _draft(figure_value="5%", figure_evidence="The goal is 5% of GDP by 2035")
    _, grounded = mend(draft, article)
    assert grounded.figures[0].evidence == "The goal is 5% by 2035."


def test_nearest_respects_the_cutoff_and_keeps_the_first_of_equals() -> None:
    assert nearest("council voted", ["The council voted.", "the council voted!"]) == (
        "The council voted."
    )
    assert nearest("something else entirely", ["The council voted."]) is None
