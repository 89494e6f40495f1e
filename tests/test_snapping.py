"""Code repair: near-miss stance evidence becomes the article's own words; invented stays."""

from __future__ import annotations

import pytest

from summarise import repair
from summarise.figure_evidence import place_all
from summarise.pipeline import mend
from summarise.schema import (
    CheckedDraft,
    EntityDraft,
    FigureDraft,
    FilledDraft,
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


def _draft(evidence: str = "said the 4 million euro cost was too high") -> FilledDraft:
    return FilledDraft(
        headline="Council backs library",
        summary="The council voted for a library.",
        key_points=["The vote was 7 to 2.", "A library is planned.", "Bell objected."],
        entities=[EntityDraft(name="Ana Ruiz", type="person", role="mayor")],
        figures=place_all(
            [FigureDraft(value="4 million euro", unit=None, measures="library cost")], ARTICLE
        ),
        stances=[
            StanceDraft(holder="Tom Bell", target="the library", stance="oppose", evidence=evidence)
        ],
    )


def _mended(draft: FilledDraft) -> CheckedDraft:
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


def test_nearest_respects_the_cutoff_and_keeps_the_first_of_equals() -> None:
    assert nearest("council voted", ["The council voted.", "the council voted!"]) == (
        "The council voted."
    )
    assert nearest("something else entirely", ["The council voted."]) is None
