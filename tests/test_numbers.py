"""Figure normalisation: every way an article writes a number reads as the same value."""

from __future__ import annotations

import pytest

from summarise.numbers import numbers_agree, parse_numbers, plain_number, same_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("5%", (5.0,), id="percent-sign"),
        pytest.param("five percent", (5.0,), id="word-percent"),
        pytest.param("two percent", (2.0,), id="word-two-percent"),
        pytest.param("3.5 per cent", (3.5,), id="per-cent-two-words"),
        pytest.param("1.55%", (1.55,), id="two-decimals"),
        pytest.param("3.5% to 3.7%", (3.5, 3.7), id="range-both-ends"),
        pytest.param("2032", (2032.0,), id="year"),
        pytest.param("by 2035.", (2035.0,), id="year-before-full-stop"),
        pytest.param("June 24\u201325", (24.0, 25.0), id="date-range-en-dash"),
        pytest.param("June 24-25", (24.0, 25.0), id="date-range-hyphen"),
        pytest.param("32", (32.0,), id="plain-integer"),
        pytest.param("0.2 percentage point", (0.2,), id="percentage-point"),
        pytest.param("three weeks", (3.0,), id="word-with-unit"),
        pytest.param("twenty-five", (25.0,), id="hyphenated-tens"),
        pytest.param("one hundred and five", (105.0,), id="hundred-and"),
        pytest.param("a hundred", (100.0,), id="article-hundred"),
        pytest.param("one third", (1 / 3,), id="one-third"),
        pytest.param("a third of members", (1 / 3,), id="a-third"),
        pytest.param("two-thirds", (2 / 3,), id="two-thirds"),
        pytest.param("half of the allies", (0.5,), id="half"),
        pytest.param("1,200 troops", (1200.0,), id="thousands-comma"),
        pytest.param("$1.2 billion", (1.2, 1.2e9), id="scale-both-readings"),
        pytest.param("-0.2%", (-0.2,), id="negative"),
        pytest.param("fell by \u22120.2 points", (-0.2,), id="minus-sign"),
        pytest.param("COVID-19", (19.0,), id="hyphen-after-word-is-no-sign"),
        pytest.param("FIVE PERCENT", (5.0,), id="case-folded"),
        pytest.param("5% and 5 percent", (5.0,), id="no-repeats"),
    ],
)
def test_parse_numbers(text: str, expected: tuple[float, ...]) -> None:
    parsed = parse_numbers(text)
    assert len(parsed) == len(expected), parsed
    assert all(same_number(a, b) for a, b in zip(parsed, expected, strict=True)), parsed


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty"),
        pytest.param("the alliance", id="words"),
        pytest.param("the third round", id="ordinal-third-without-numerator"),
        pytest.param("a deal", id="article-alone"),
        pytest.param("percent", id="unit-alone"),
        pytest.param("- \u2013 %", id="punctuation"),
    ],
)
def test_non_numbers_parse_to_nothing(text: str) -> None:
    assert parse_numbers(text) == ()


@pytest.mark.parametrize(
    ("left", "right", "agree"),
    [
        pytest.param("five percent", "5%", True, id="words-equal-digits"),
        pytest.param("3.5 per cent", "3.5", True, id="per-cent-equals-number"),
        pytest.param("3.5% to 3.7%", "3.7%", True, id="range-end-agrees"),
        pytest.param("3.5% to 3.7%", "3.6%", False, id="inside-range-is-not-an-end"),
        pytest.param("June 24\u201325", "25", True, id="date-end"),
        pytest.param("5%", "7%", False, id="wrong-number"),
        pytest.param("5%", "0.05", False, id="percent-not-divided"),
        pytest.param("2032", "2035", False, id="wrong-year"),
        pytest.param("one third", "0.3333333333", True, id="fraction-within-tolerance"),
        pytest.param("one third", "0.333", False, id="rounded-fraction-is-different"),
        pytest.param("the alliance", "5%", False, id="no-number"),
    ],
)
def test_numbers_agree(left: str, right: str, agree: bool) -> None:
    assert numbers_agree(parse_numbers(left), parse_numbers(right)) is agree


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        pytest.param(0.1 + 0.2, 0.3, True, id="float-noise"),
        pytest.param(0.0, 1e-12, True, id="near-zero-absolute"),
        pytest.param(2032.0, 2032.01, False, id="visible-difference"),
        pytest.param(5.0, -5.0, False, id="sign-matters"),
    ],
)
def test_same_number(a: float, b: float, same: bool) -> None:
    assert same_number(a, b) is same


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("3.5%", 3.5),
        ("40,000", 40000),
        ("2 million dollars", 2_000_000),
        ("$1.2 billion", 1.2e9),
        ("$1.2bn", 1.2e9),
        ("3,5%", 3.5),
        ("1,25 euro", 1.25),
        ("two weeks", 2),
        ("5m", 5),
        ("St Paul, MN", None),
        ("Nov. 2", 2),
        ("3.5% to 3.7%", None),
        ("1 to 1000", None),
        ("June 24-25", None),
        ("several", None),
    ],
)
def test_plain_number_reads_one_number_or_none(value: str, expected: float | None) -> None:
    number = plain_number(value)
    if expected is None:
        assert number is None
    else:
        assert number is not None and same_number(number, expected)
