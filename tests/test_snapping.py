"""Code repair: near-misses become the article's own words; invented spans stay as written."""

from __future__ import annotations

import pytest

from summarise import repair
from summarise.pipeline import mend
from summarise.schema import (
    CheckedDraft,
    EntityDraft,
    FigureDraft,
    QuoteDraft,
    RecordDraft,
    StanceDraft,
)
from summarise.snapping import nearest, quotations

ARTICLE = (
    "The city council voted 7 to 2 on Monday to build a new library in the old market hall.\n"
    '"It is for every child in this city," said Mayor Ana Ruiz.\n'
    "Councillor Tom Bell, who voted against, said the 4 million euro cost was too high.\n"
    "The library opens in 2027.\n"
    "Bell objected.\n"
)


def _draft(
    quote: str = "It is for every child in this city",
    evidence: str = "said the 4 million euro cost was too high",
    figure_value: str = "4 million euro",
    figure_evidence: str = "the 4 million euro cost",
) -> RecordDraft:
    return RecordDraft(
        headline="Council backs library",
        summary="The council voted for a library.",
        key_points=["The vote was 7 to 2."],
        entities=[EntityDraft(name="Ana Ruiz", type="person", role="mayor")],
        figures=[
            FigureDraft(
                value=figure_value,
                unit=None,
                measures="library cost",
                evidence=figure_evidence,
            )
        ],
        quotes=[QuoteDraft(speaker="Ana Ruiz", text=quote)],
        stances=[
            StanceDraft(holder="Tom Bell", target="the library", stance="oppose", evidence=evidence)
        ],
    )


def _mended(draft: RecordDraft) -> CheckedDraft:
    _, grounded = mend(draft, ARTICLE)
    return repair.note(draft, grounded)


QUOTES = {
    # (what the model wrote, text after code repair, verified, re-asked)
    "verbatim-untouched": (
        "It is for every child in this city",
        "It is for every child in this city",
        True,
        False,
    ),
    "near-miss-becomes-the-quotation": (
        "It is for all the children in this city",
        "It is for every child in this city,",
        True,
        False,
    ),
    "narrative-paraphrase-shown-as-narrative": (
        "Bell said the 4 million euro cost was far too high",
        "Councillor Tom Bell, who voted against, said the 4 million euro cost was too high.",
        False,
        False,
    ),
    "running-past-its-closing-mark-becomes-the-quotation": (
        '"It is for every child in this city," said Mayor Ana Ruiz',
        "It is for every child in this city,",
        True,
        False,
    ),
    "invented-left-for-the-model": (
        "Books will be free for everyone from May",
        "Books will be free for everyone from May",
        False,
        True,
    ),
}


@pytest.mark.parametrize(
    ("wrote", "final", "verified", "reasked"), QUOTES.values(), ids=QUOTES.keys()
)
def test_quote_repair(wrote: str, final: str, verified: bool, reasked: bool) -> None:
    quote = _mended(_draft(quote=wrote)).quotes[0]
    assert (quote.text, quote.check.verified) == (final, verified)
    assert quote.check.repaired_from == (None if final == wrote else wrote)
    targets = [t.item for t in repair.targets(_mended(_draft(quote=wrote)))]
    assert ("quotes[0]" in targets) == reasked


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


def test_quotations_of_every_mark_style_come_back_as_printed() -> None:
    article = (
        '\u201cWe won,\u201d she said. \u00abNon,\u00bb il dit. \u201eJa\u201c, sagte er. "Plain".'
    )
    assert quotations(article) == ["We won,", "Non,", "Ja", "Plain"]


def test_nearest_respects_the_cutoff_and_keeps_the_first_of_equals() -> None:
    assert nearest("council voted", ["The council voted.", "the council voted!"]) == (
        "The council voted."
    )
    assert nearest("something else entirely", ["The council voted."]) is None
