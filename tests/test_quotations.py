"""Quotations found by code: every span inside quotation marks, verbatim, and nothing else."""

from __future__ import annotations

import pytest

from summarise.quotations import find_quotations


def _texts(source: str) -> list[str]:
    return [q.text for q in find_quotations(source)]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("\u201cWe are ready,\u201d she said.", ["We are ready"]),
        ('"We are ready," she said. "Now we act."', ["We are ready", "Now we act."]),
        ("The union called it \u201ccruel\u201d and \u201cillegal\u201d.", ["cruel", "illegal"]),
        ("'We are close' says NATO chief", ["We are close"]),
        ("Er sagte: \u201eWir sind bereit\u201c.", ["Wir sind bereit"]),
        ("Il a dit \u00abnous sommes pr\u00eats\u00bb hier.", ["nous sommes pr\u00eats"]),
    ],
    ids=["curly", "straight-two", "scare-quotes", "single", "german", "guillemets"],
)
def test_finds_each_quotation_verbatim(source: str, expected: list[str]) -> None:
    assert _texts(source) == expected


def test_spans_point_at_the_article_text() -> None:
    source = (
        "Intro line.\n\u201cWe have to go further, we have to go faster,\u201d Rut told reporters."
    )
    (quotation,) = find_quotations(source)
    assert (quotation.start, quotation.end) == (13, 56)
    assert quotation.text == "We have to go further, we have to go faster"


def test_an_unclosed_quotation_runs_to_its_paragraph_end() -> None:
    source = "Sakaliene said the target is \u201cabsolutely too late.\nNext paragraph here."
    assert _texts(source) == ["absolutely too late."]


def test_apostrophes_are_not_quotation_marks() -> None:
    source = "The members' views differ and it doesn't matter, the ministers' aides said."
    assert _texts(source) == []


def test_single_marks_inside_a_quotation_belong_to_it() -> None:
    source = "\u201cThey promote the \u2018geoengineering\u2019 gambit,\u201d Mann writes."
    assert _texts(source) == ["They promote the \u2018geoengineering\u2019 gambit"]


def test_titles_in_marks_are_not_quotations() -> None:
    source = (
        "He spoke on NBC\u2019s \u201cMeet the Press.\u201d \u201cWe are friends,\u201d he said."
    )
    assert _texts(source) == ["We are friends"]


def test_a_quotation_repeated_word_for_word_is_listed_once() -> None:
    source = "'We are really close' says Rutte\n\"We are really close,\" he said."
    quotations = find_quotations(source)
    assert [q.text for q in quotations] == ["We are really close"]
    assert quotations[0].start == 1


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('\u201cWe are ready," Gates said.', ["We are ready"]),
        ('"We are ready,\u201d Gates said.', ["We are ready"]),
        ('He said:\u00a0"Now."', ["Now."]),
    ],
    ids=["curly-then-straight", "straight-then-curly", "after-a-non-breaking-space"],
)
def test_mixed_marks_close_their_quotation(source: str, expected: list[str]) -> None:
    assert _texts(source) == expected


@pytest.mark.parametrize("said", ["Thank you", "Lock her up", "Good job"])
def test_a_short_capitalised_quotation_is_not_a_title(said: str) -> None:
    assert _texts(f"The crowd shouted \u201c{said}\u201d at him.") == [said]


@pytest.mark.parametrize(
    ("source", "expected"),
    [("", []), ("\u201c\u201d \"\" ''", []), ("\u201c", []), ("x \u201cunclosed", ["unclosed"])],
    ids=["empty", "marks-only", "a-lone-mark", "unclosed"],
)
def test_degenerate_marks(source: str, expected: list[str]) -> None:
    assert _texts(source) == expected


def test_many_single_marks_on_one_line_do_not_rescan_it() -> None:
    # each "'a" could open a quotation and none closes; a rescan per mark was quadratic
    # (minutes at 100 KB). The answer is none.
    assert _texts("'a " * 30000) == []
