"""Tests for summarise.render: verdicts shown beside every item, JSON that round-trips."""

from __future__ import annotations

import pytest

from summarise.render import NONE_FOUND, REPAIRED, UNVERIFIED, to_json, to_markdown
from summarise.schema import (
    Check,
    Entity,
    Figure,
    Provenance,
    Quote,
    Record,
    Span,
    Stance,
    Usage,
)

NOT_VERIFIED = "## Not verified against the article"
OK = Check(verified=True, spans=[Span(start=0, end=5)])
FABRICATED = Check(verified=False, problems=["quote 'We never lose' is not in the article"])


def record(quote_check: Check = OK, speaker: str = "Ana Pérez") -> Record:
    return Record(
        headline="Bridge to be rebuilt",
        summary="The council approved €4.5 million.",
        key_points=["Budget approved", "Work starts in spring"],
        entities=[
            Entity(name="Ana Pérez", type="person", role="mayor", mentions=["Pérez"], check=OK)
        ],
        figures=[
            Figure(
                value="€4.5 million",
                number=4.5e6,
                unit="euro",
                measures="budget",
                evidence="a budget of €4.5 million",
                check=OK,
            )
        ],
        quotes=[
            Quote(speaker=speaker, text="We will rebuild it", check=OK),
            Quote(speaker=speaker, text="We never lose", check=quote_check),
        ],
        stances=[
            Stance(
                holder="Critics", target="the plan", stance="oppose", evidence="reckless", check=OK
            )
        ],
        provenance=Provenance(
            model="m",
            backend="compatible",
            prompt_version="abc123abc123",
            schema_version="def456def456",
            source_sha256="0" * 64,
            usage=Usage(prompt_tokens=10, completion_tokens=5),
            latency_s=1.25,
            attempts=2,
        ),
    )


def rows_with(markdown: str, text: str) -> list[str]:
    return [line for line in markdown.splitlines() if line.startswith("|") and text in line]


def test_unverified_quote_is_marked_in_its_row() -> None:
    markdown = to_markdown(record(FABRICATED), "article.txt")
    [bad] = rows_with(markdown, "We never lose")
    [good] = rows_with(markdown, "We will rebuild it")
    assert UNVERIFIED in bad
    assert UNVERIFIED not in good
    assert "✓" in good
    assert markdown.count(UNVERIFIED) == 1


def test_a_repaired_quote_is_marked_as_repaired_and_verified() -> None:
    repaired = OK.model_copy(update={"repaired_from": "We never, ever lose"})
    markdown = to_markdown(record(repaired), "article.txt")
    [row] = rows_with(markdown, "We never lose")
    assert REPAIRED in row and UNVERIFIED not in row
    assert '"repaired_from": "We never, ever lose"' in to_json(record(repaired))


def test_unverified_quote_is_listed_again_with_its_reason() -> None:
    markdown = to_markdown(record(FABRICATED), "article.txt")
    assert NOT_VERIFIED in markdown
    after = markdown.split(NOT_VERIFIED, 1)[1]
    assert "- quote 'We never lose': quote 'We never lose' is not in the article" in after


def test_fully_verified_record_has_no_unverified_section() -> None:
    markdown = to_markdown(record(), "article.txt")
    assert "Not verified" not in markdown
    assert UNVERIFIED not in markdown


def test_an_empty_list_says_none_instead_of_an_empty_table() -> None:
    quoteless = record().model_copy(update={"quotes": []})
    quotes_section = to_markdown(quoteless, "a.txt").split("## Quotes")[1].split("##")[0]
    assert quotes_section.strip() == NONE_FOUND
    assert NONE_FOUND not in to_markdown(record(), "a.txt")


def test_markdown_shows_origin_and_provenance() -> None:
    markdown = to_markdown(record(), "news/bridge.txt")
    assert "*news/bridge.txt*" in markdown
    assert "prompt abc123abc123" in markdown
    assert "10+5 tokens" in markdown
    assert "2 attempt(s)" in markdown


@pytest.mark.parametrize(
    ("speaker", "cell"),
    [("A | B", "A \\| B"), ("two\nlines", "two lines"), ("a||b", "a\\|\\|b")],
    ids=["pipe", "newline", "double-pipe"],
)
def test_cells_are_escaped(speaker: str, cell: str) -> None:
    markdown = to_markdown(record(speaker=speaker), "article.txt")
    [row] = rows_with(markdown, "We will rebuild it")
    assert row.startswith(f"| {cell} | ")
    # an escaped pipe does not split the row: speaker, quote and check are three cells
    assert row.replace("\\|", "").count("|") == 4


@pytest.mark.parametrize("check", [OK, FABRICATED], ids=["verified", "unverified"])
def test_json_round_trips(check: Check) -> None:
    original = record(check, speaker='Zo\u00eb "Z" | O\u2019Neil')
    assert Record.model_validate_json(to_json(original)) == original


def test_json_keeps_checks_and_spans() -> None:
    text = to_json(record(FABRICATED))
    assert '"verified": false' in text
    assert '"start": 0' in text
    assert "is not in the article" in text
