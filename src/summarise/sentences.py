"""An article cut into sentences, for the code that picks verbatim evidence from it.

Several parts of the tool choose whole article sentences: the story builder (evidence for a
fact), a figure's evidence (the sentence that states it), the code repair (the sentence a
model's near-miss evidence came from) and a repair request (the sentences it shows). All want
the same cut, so it lives here once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from typing import Self

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)]?(?=\s)|\n")
_ABBREVIATION_REACH = 24
_ABBREVIATION = re.compile(r"(?:\b[A-Z]\.)+$|\b(?:Mr|Mrs|Ms|Dr|St|Gen|Gov|Sen|Rep|Prof|No)\.$")


@dataclass(frozen=True)
class Sentences:
    """An article and the (start, end) offsets of its sentences."""

    text: str
    spans: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, text: str) -> Self:
        """Cut after sentence punctuation and at line breaks, not after "U.S." or "Dr.".

        A cut is sentence punctuation (with a closing quote after it) followed by space, or a
        line break. Good enough for news copy (pysbd would do better, but is not installed): a
        missed cut only lengthens evidence, a wrong one shortens it, and both stay verbatim.
        """
        ends = (m.end() for m in _SENTENCE_END.finditer(text))
        cuts = [0, *(e for e in ends if _ends_sentence(text, e)), len(text)]
        spans = tuple((a, b) for a, b in pairwise(cuts) if text[a:b].strip())
        return cls(text, spans)

    def __iter__(self) -> Iterator[str]:
        """Each sentence as the article prints it, without surrounding space."""
        return (self.text[start:end].strip() for start, end in self.spans)


def _ends_sentence(text: str, end: int) -> bool:
    """Whether a full stop just before ``end`` ends a sentence: not the one of "U.S." or "Mr.".

    Only the last few characters are searched, so testing every full stop of a long article
    costs its length once.
    """
    return not _ABBREVIATION.search(text, max(0, end - _ABBREVIATION_REACH), end)
