"""The one text normalisation that grounding, figures and scorers all compare under.

An article and a model write the same words with different typography: curly or straight
quotes, an en dash or a hyphen, a non-breaking space. Comparing under one normalisation, applied
identically to both sides, lets a verbatim span match without forgiving a changed word:

1. Unicode NFKC (full-width forms, ligatures and non-breaking spaces fold to their plain form);
2. curly single and double quotes, primes and guillemets become ``'`` and ``"``;
3. every dash and minus (en, em, figure dash, minus sign) becomes ``-``;
4. every run of whitespace becomes one space; leading and trailing space is dropped.

It is its own module because both :mod:`summarise.grounding` and :mod:`summarise.numbers` need
it, and grounding reads figures' numbers.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["claim", "fold", "normalise"]

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2039": "'", "\u203a": "'",
        "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
        "\u2015": "-", "\u2212": "-",
    }
)  # fmt: skip
_SPACE = re.compile(r"\s+")
_EDGE = "\"' .,;:!?"


def fold(text: str) -> str:
    """Steps 1-3 (characters only, whitespace kept), for code that maps offsets back."""
    return unicodedata.normalize("NFKC", text).translate(_QUOTES)


def normalise(text: str) -> str:
    """Apply the documented normalisation (see module docstring). Idempotent."""
    return _SPACE.sub(" ", fold(text)).strip()


def claim(span_text: str) -> str:
    """The part of a span that must match: normalised, without edge quotes and punctuation."""
    return normalise(span_text).strip(_EDGE)
