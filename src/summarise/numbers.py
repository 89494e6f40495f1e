"""Numbers in figures: read every value a phrase states, then compare values with a tolerance.

Articles, gold and models write the same figure many ways: ``5%``, ``five percent``, ``3.5 per
cent``, ``$1.2 billion``, ``June 24-25``. The record's plain ``number`` is read from the value
here (:func:`plain_number`), and the figure scorer compares by value, because comparing strings
would punish faithful rewording and reward copied typos. :func:`parse_numbers` returns every
value a phrase states, in order of appearance:

* digits, with thousands commas and decimals: ``"1,200.5"`` -> ``1200.5``; a comma before one or
  two digits is a decimal comma, as in translated articles: ``"3,5%"`` -> ``3.5``;
* a leading minus is a sign only where it cannot be a dash: ``"-0.2"`` is negative, while
  ``"24-25"`` and ``"24 - 25"`` (after a number) are ranges;
* ranges give both ends: ``"3.5% to 3.7%"`` -> ``(3.5, 3.7)``, ``"June 24-25"`` -> ``(24, 25)``
  (with any dash: :mod:`summarise.normalisation` folds en and em dashes to ``-``);
* number words from a small table (zero to twenty, the tens, hundred, and the scales) compose:
  ``"twenty-five"`` -> ``25``, ``"one hundred and five"`` -> ``105``;
* fractions need a numerator, because ``third`` alone is usually an ordinal ("the third round"):
  ``"one third"``, ``"a third"`` -> ``1/3``, ``"two-thirds"`` -> ``2/3``; ``half`` alone is ``0.5``;
* a scale word keeps both readings: ``"1.2 billion"`` -> ``(1.2, 1.2e9)``, because annotators and
  models disagree on whether the scale belongs in the number or in the unit, and both are faithful;
  ``bn``, ``mn`` and ``tn`` written after the digits are scale words too (``"$1.2bn"``), while
  ``m`` and ``k`` are not, because ``"5m"`` is as often metres as millions.

Units are ignored (``%``, ``percent``, ``percentage point``, ``weeks``): the figure scorer
compares what is measured separately. Percentages are not divided by 100, matching the
``number`` convention of the schema (``3.5%`` -> ``3.5``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence

from summarise.normalisation import normalise

__all__ = ["ABS_TOL", "REL_TOL", "numbers_agree", "parse_numbers", "plain_number", "same_number"]

REL_TOL = 1e-6
"""Relative tolerance: absorbs float noise (``0.1 + 0.2``) and nothing a writer would round."""
ABS_TOL = 1e-9
"""Absolute tolerance, so values near zero (where a relative one vanishes) still compare."""

_SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_SCALES_AFTER_DIGITS = {**_SCALES, "mn": 1e6, "bn": 1e9, "tn": 1e12}
"""Abbreviations count only right after digits ("$1.2bn"), never alone ("St Paul, MN")."""
_FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4}
_ARTICLES = {"a", "an"}
_BREAK = "|"

_TOKEN = re.compile(
    r"(?P<num>-?\d+,\d{1,2}(?![\d,])|-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|-?\.\d+)"
    r"|(?P<word>[^\W\d_]+)"
    r"|(?P<stop>[,;:.!?()\[\]])"
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", normalise(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _tokens(text: str) -> list[str | float]:
    """Split into numbers (floats), words, and run breaks; hyphens and dashes only separate."""
    tokens: list[str | float] = []
    for match in _TOKEN.finditer(text):
        number, word = match.group("num"), match.group("word")
        if number is not None:
            before = text[: match.start()]
            dash_not_sign = before[-1:].isalnum() or before.rstrip()[-1:].isdigit()
            if number.startswith("-") and dash_not_sign:
                number = number[1:]
            decimal_comma = re.fullmatch(r"-?\d+,\d{1,2}", number) is not None
            tokens.append(float(number.replace(",", "." if decimal_comma else "")))
        else:
            tokens.append(word if word is not None else _BREAK)
    return tokens


def _is_run_word(token: str | float | None, following: str | float | None) -> bool:
    """Whether ``token`` can start or continue a run of number words."""
    if not isinstance(token, str):
        return False
    if token in _SMALL or token == "hundred" or token in _SCALES:
        return True
    return (
        token in _ARTICLES
        and isinstance(following, str)
        and (following in _FRACTIONS or following == "hundred" or following in _SCALES)
    )


def _word_run(tokens: Sequence[str | float], start: int) -> tuple[float | None, int]:
    """Read number words from ``start``; return (value or None, index after the run)."""
    total, current, index, seen_number = 0.0, 0.0, start, False
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if token == "and" and seen_number and _is_run_word(following, None):
            index += 1
            continue
        if not _is_run_word(token, following) or not isinstance(token, str):
            break
        if token in _SMALL:
            current += _SMALL[token]
            seen_number = True
        elif token == "hundred":
            current = (current or 1) * 100
            seen_number = True
        elif token in _SCALES:
            total += (current or 1) * _SCALES[token]
            current = 0.0
            seen_number = True
        else:  # an article standing for "one" before a fraction, hundred or scale
            current += 1
        index += 1
    value = total + current
    following = tokens[index] if index < len(tokens) else None
    if isinstance(following, str) and following in _FRACTIONS:
        return (value or 1) / _FRACTIONS[following], index + 1
    return (value if seen_number else None), max(index, start + 1)


def _readings(text: str) -> list[tuple[float, bool]]:
    """Every value ``text`` states, in order, each with whether it is a scaled second reading."""
    tokens = _tokens(_fold(text))
    readings: list[tuple[float, bool]] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if isinstance(token, float):
            readings.append((token, False))
            if isinstance(following, str) and following in _SCALES_AFTER_DIGITS:
                readings.append((token * _SCALES_AFTER_DIGITS[following], True))
                index += 1
            index += 1
        elif token in ("half", "halves"):
            readings.append((0.5, False))
            index += 1
        elif _is_run_word(token, following):
            value, index = _word_run(tokens, index)
            if value is not None:
                readings.append((value, False))
        else:
            index += 1
    return readings


def _unique(values: Iterable[float]) -> tuple[float, ...]:
    unique: list[float] = []
    for value in values:
        if not any(same_number(value, seen) for seen in unique):
            unique.append(value)
    return tuple(unique)


def parse_numbers(text: str) -> tuple[float, ...]:
    """Return every value ``text`` states, in order, without repeats; ``()`` for no number.

    See the module docstring for what is read and why.
    """
    return _unique(value for value, _ in _readings(text))


def same_number(a: float, b: float) -> bool:
    """Whether two values are equal up to float noise (see :data:`REL_TOL`, :data:`ABS_TOL`)."""
    return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL)


def numbers_agree(a: Iterable[float], b: Iterable[float]) -> bool:
    """Whether any value of ``a`` equals any value of ``b``: one shared end of a range suffices."""
    right = list(b)
    return any(same_number(x, y) for x in a for y in right)


def plain_number(value: str) -> float | None:
    """The one number a figure's ``value`` states, or ``None`` when it states none or several.

    Why code and not the model: the model used to write this number beside the value, and a
    1.5B model wrote 35 for "3.5%"; the value is the part grounding verifies against the
    article, so the number is read from it. A scale word gives two readings, and the scaled one
    is the plain number ("2 million dollars" -> 2000000). A range ("3.5% to 3.7%") states two
    numbers, and picking one would be a guess, so it has none.
    """
    readings = _readings(value)
    numbers = _unique(number for number, _ in readings)
    if len(numbers) == 1:
        return numbers[0]
    if len(readings) == 2 and readings[1][1]:  # "2 million": the scaled reading
        return readings[1][0]
    return None
