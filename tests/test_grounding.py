"""Tests for summarise.grounding: one normalisation, exact spans, nothing dropped."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from summarise.grounding import ground, locate
from summarise.normalisation import claim, normalise
from summarise.schema import EntityDraft, FilledDraft, PlacedFigure, QuoteDraft, StanceDraft

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


def bug(reason: str) -> pytest.MarkDecorator:
    """A known defect in src: the test states the right behaviour and must fail until fixed."""
    return pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)


NORMALISE = {
    "curly-double": ("\u201cWe won\u201d", '"We won"'),
    "curly-single": ("it\u2019s \u2018fine\u2019", "it's 'fine'"),
    "guillemets": ("\u00abnon\u00bb", '"non"'),
    "dashes-and-minus": ("2019\u20132020 \u2014 up \u22121", "2019-2020 - up -1"),
    "nbsp": ("a\u00a0b", "a b"),
    "whitespace-runs": ("a  \t b\n\n\nc", "a b c"),
    "edges-stripped": ("  padded \n", "padded"),
    "decomposed-accent": ("caf\u0065\u0301", "caf\u00e9"),
    "composed-accent": ("caf\u00e9", "caf\u00e9"),
    "ligature": ("\ufb01nal", "final"),
    "no-case-folding": ("Case Stays", "Case Stays"),
    "empty": ("", ""),
}


@pytest.mark.parametrize(("raw", "expected"), NORMALISE.values(), ids=NORMALISE.keys())
def test_normalise(raw: str, expected: str) -> None:
    assert normalise(raw) == expected
    assert normalise(expected) == expected


ARTICLE = (
    "Mayor Ana P\u00e9rez said on Monday: \u201cWe will rebuild the bridge by 2026.\u201d\n"
    "The council approved a budget of \u20ac4.5\u00a0million for the work.\n"
    "Critics  called the plan   reckless \u2013 and too expensive.\n"
    "P\u00e9rez added that the bridge is safe for now.\n"
)
FOUND = {
    "plain": ("Ana P\u00e9rez", "Ana P\u00e9rez"),
    "decomposed-accent": ("Ana Pe\u0301rez", "Ana P\u00e9rez"),
    "straight-vs-curly": ('Monday: "We will', "Monday: \u201cWe will"),
    "edge-quotes": ('"by 2026."', "by 2026"),
    "edge-punctuation": ("rebuild the bridge by 2026,", "rebuild the bridge by 2026"),
    "nbsp": ("budget of \u20ac4.5 million", "budget of \u20ac4.5\u00a0million"),
    "spaces-and-dash": ("called the plan reckless - and", "called the plan   reckless \u2013 and"),
    "newline": ("for the work. Critics", "for the work.\nCritics"),
}


@pytest.mark.parametrize(("needle", "printed"), FOUND.values(), ids=FOUND.keys())
def test_locate_slices_back_to_the_article(needle: str, printed: str) -> None:
    span = locate(needle, ARTICLE)
    assert span is not None
    assert ARTICLE[span.start : span.end] == printed
    assert normalise(ARTICLE[span.start : span.end]) == claim(needle)


@pytest.mark.parametrize(
    "needle",
    ["We will rebuild the bridge by 2025", "ana p\u00e9rez", "Ana Perez", '""', " .,; ", ""],
    ids=["one-word-off", "case-differs", "accent-dropped", "only-quotes", "only-punct", "empty"],
)
def test_locate_missing_text_is_none(needle: str) -> None:
    assert locate(needle, ARTICLE) is None


def figure(value: str, evidence: str) -> PlacedFigure:
    return PlacedFigure(value=value, unit=None, measures="m", evidence=evidence)


def stance(evidence: str) -> StanceDraft:
    return StanceDraft(holder="Critics", target="the plan", stance="oppose", evidence=evidence)


DRAFT = FilledDraft(
    headline="Bridge to be rebuilt",
    summary="The council approved money to rebuild a bridge.",
    key_points=["Budget approved", "Work starts in spring", "The bridge stays open"],
    entities=[
        EntityDraft(name="Ana P\u00e9rez", type="person", role="mayor"),
        EntityDraft(name="Carlos Ruiz", type="person", role="engineer"),
    ],
    figures=[
        figure("\u20ac4.5 million", "a budget of \u20ac4.5 million"),
        figure("2026", "a budget of \u20ac4.5 million"),
    ],
    quotes=[
        QuoteDraft(speaker="Ana P\u00e9rez", text="We will rebuild the bridge by 2026."),
        QuoteDraft(speaker="Ana P\u00e9rez", text="We will finish the bridge by 2025."),
        QuoteDraft(speaker="Ana P\u00e9rez", text="the bridge is safe for now"),
    ],
    stances=[
        stance("called the plan reckless - and too expensive"),
        stance("critics said the plan was reckless"),
    ],
)
GROUNDED = ground(DRAFT, ARTICLE)
VERDICTS = {
    "entity-ok": ("entities", 0, None),
    "entity-name-not-in-text": ("entities", 1, "name 'Carlos Ruiz' is not in the article"),
    "figure-ok": ("figures", 0, None),
    "figure-value-not-in-evidence": ("figures", 1, "value '2026' is not inside its evidence"),
    "quote-ok": ("quotes", 0, None),
    "quote-fabricated": ("quotes", 1, "is not in the article"),
    "quote-outside-quotation-marks": ("quotes", 2, "in the article but not inside quotation marks"),
    "stance-ok": ("stances", 0, None),
    "stance-paraphrased": ("stances", 1, "evidence 'critics said the plan was reckless' is not in"),
}


@pytest.mark.parametrize(("kind", "index", "problem"), VERDICTS.values(), ids=VERDICTS.keys())
def test_ground_flags_each_item(kind: str, index: int, problem: str | None) -> None:
    check = getattr(GROUNDED, kind)[index].check
    assert check.verified is (problem is None)
    if problem is None:
        assert check.problems == []
        assert check.spans
    else:
        assert len(check.problems) == 1
        assert problem in check.problems[0]
        assert any(problem in line for line in GROUNDED.ungrounded)


@pytest.mark.parametrize("kind", ["entities", "figures", "quotes", "stances"])
def test_ground_keeps_every_item(kind: str) -> None:
    drafted = getattr(DRAFT, kind)
    fields = set(type(drafted[0]).model_fields)
    kept = [item.model_dump(include=fields) for item in getattr(GROUNDED, kind)]
    assert kept == [item.model_dump() for item in drafted]
    assert len(GROUNDED.ungrounded) == 5


def test_apostrophes_inside_a_single_quoted_quotation_keep_it_verified() -> None:
    article = "\u2018We don\u2019t give up,\u2019 she said."
    draft = DRAFT.model_copy(update={"quotes": [QuoteDraft(speaker="S", text="We don't give up")]})
    assert ground(draft, article).quotes[0].check.verified


def test_quote_repeated_inside_quotation_marks_later_is_verified() -> None:
    article = 'The plan is bold. Later Smith said: "The plan is bold."'
    draft = DRAFT.model_copy(update={"quotes": [QuoteDraft(speaker="S", text="The plan is bold")]})
    assert ground(draft, article).quotes[0].check.verified


def test_a_quotation_that_an_earlier_one_contains_is_placed_where_it_stands() -> None:
    article = (
        '"We will win it soon, and at a price," she said. Asked again, he answered: "win it soon".'
    )
    quotes = [
        QuoteDraft(speaker="S", text=t)
        for t in ("We will win it soon, and at a price", "win it soon")
    ]
    draft = DRAFT.model_copy(update={"quotes": quotes})
    first, second = (q.check for q in ground(draft, article).quotes)
    assert first.verified and second.verified
    assert article[first.spans[0].start :].startswith("We will win")
    assert second.spans[0].start == article.rindex("win it soon")  # not inside the first


@pytest.mark.parametrize(
    ("article", "text"),
    [
        ("\u201cWe are ready.\u201d The minister announced new taxes.", "The minister announced"),
        ("The players' union rejected the offer.", "union rejected the offer"),
        ("Intro line.\nUS officials met on Thursday.", "US officials met on Thursday"),
        ('"We are ready," the minister said.', '"We are ready," the minister said'),
        (
            "\u201cWe are close,\u201d he said, adding \u201cwe will get there.\u201d",
            "We are close,\u201d he said, adding \u201cwe will get there",
        ),
        ("'We are ready,' the minister said on Monday.", "We are ready,' the minister said"),
    ],
    ids=[
        "after-closing-double-quote",
        "after-plural-apostrophe",
        "start-of-a-line",
        "runs-past-its-closing-mark",
        "spans-two-quotations",
        "runs-past-a-single-closing-mark",
    ],
)
def test_narrative_after_a_closing_mark_is_not_a_quote(article: str, text: str) -> None:
    draft = DRAFT.model_copy(update={"quotes": [QuoteDraft(speaker="S", text=text)]})
    quote = ground(draft, article).quotes[0]
    assert quote.check.spans  # the words are in the article ...
    assert not quote.check.verified  # ... but not inside quotation marks


def test_an_entity_lists_the_spellings_the_article_uses() -> None:
    assert GROUNDED.entities[0].mentions == ["Ana P\u00e9rez", "P\u00e9rez"]
    assert GROUNDED.entities[1].mentions == []


def test_figure_value_with_edge_punctuation_is_inside_its_evidence() -> None:
    draft = DRAFT.model_copy(update={"figures": [figure("2026.", "rebuild the bridge by 2026")]})
    assert ground(draft, ARTICLE).figures[0].check.verified


@pytest.mark.parametrize(
    ("needle", "source"),
    [("5%", "spend 3.5% of GDP"), ("ally", "totally"), ("000", "about 1,000 troops")],
    ids=["decimal", "inside-word", "thousands"],
)
def test_a_span_that_cuts_a_word_or_number_is_not_located(needle: str, source: str) -> None:
    assert locate(needle, source) is None


def test_locate_decomposed_tamil_vowel_sign() -> None:
    word = "\u0b95\u0bc6\u0bbe\u0bb2\u0bcd"  # decomposed; NFKC composes U+0BC6 U+0BBE
    assert locate(word, f"x {word} y") is not None


@bug("a match may start inside one character's NFKC expansion")
def test_locate_does_not_match_inside_an_expanded_character() -> None:
    span = locate("1", "\u00bd cup, 1 spoon")  # NFKC("\u00bd") is "1", FRACTION SLASH, "2"
    assert span is not None
    assert (span.start, span.end) == (7, 8)


TOKENS = [
    "word", "Bridge", "2026", "\u20ac4.5", "caf\u00e9", "cafe\u0301", ".", ",", "'", '"',
    "\u201c", "\u201d", "\u2018", "\u2019", "\u2013", "\u2014", "-", " ", "  ", "\u00a0",
    "\n", "\n\n", "\t", "\u00ab", "\u00bb",
]  # fmt: skip


def _plain(char: str) -> bool:
    """Characters whose NFKC is one character and which compose with nothing after them."""
    return (
        len(unicodedata.normalize("NFKC", char)) == 1
        and not unicodedata.combining(char)
        and unicodedata.category(char) not in {"Cc", "Cs", "Mn", "Mc", "Me"}
    )


CHARS = st.characters(min_codepoint=0x20, max_codepoint=0x24F).filter(_plain) | st.sampled_from(
    list("\u201c\u201d\u2018\u2019\u2013\u2014\u2212\u00a0\u2009\n\t")
)


@PROPERTY
@given(st.text())
def test_normalise_is_idempotent(text: str) -> None:
    assert normalise(normalise(text)) == normalise(text)


def _cuts(source: str, at: int) -> bool:
    """Whether a span edge at ``at`` would cut a word or a number (those are never located)."""
    if at <= 0 or at >= len(source):
        return False
    before, after = source[at - 1], source[at]

    def letter(char: str) -> bool:  # a combining mark belongs to the letter it follows
        return char.isalnum() or unicodedata.combining(char) > 0

    return (letter(before) and letter(after)) or before in ".," or after in ".,"


def assert_located(source: str, start: int, end: int) -> None:
    needle = source[start:end]
    assume(claim(needle) and not _cuts(source, start) and not _cuts(source, end))
    span = locate(needle, source)
    assert span is not None
    assert 0 <= span.start < span.end <= len(source)
    assert normalise(source[span.start : span.end]) == claim(needle)


@PROPERTY
@given(st.lists(st.sampled_from(TOKENS), min_size=1, max_size=30), st.data())
def test_any_token_run_is_located(tokens: list[str], data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(tokens) - 1))
    end = data.draw(st.integers(start + 1, len(tokens)))
    source = "".join(tokens)
    prefix = len("".join(tokens[:start]))
    assert_located(source, prefix, prefix + len("".join(tokens[start:end])))


@PROPERTY
@given(st.text(CHARS, min_size=1, max_size=60), st.data())
def test_any_substring_is_located(source: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(source) - 1))
    assert_located(source, start, data.draw(st.integers(start + 1, len(source))))


def test_a_figure_gets_its_number_from_its_value_not_from_the_model() -> None:
    source = "Spending rose to 3.5% of GDP, or 2 million dollars, against 3.5% to 3.7% planned."
    values = ["3.5%", "2 million dollars", "3.5% to 3.7%"]
    draft = DRAFT.model_copy(update={"figures": [figure(value, source) for value in values]})
    numbers = [figure.number for figure in ground(draft, source).figures]
    assert numbers == [3.5, 2_000_000, None]
