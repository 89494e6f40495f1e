"""Direct quotations, found by code: the spans of an article that stand inside quotation marks.

Why code: that words stand inside quotation marks is a fact of the text's typography, not a
judgement. A small model asked to copy quotations misses some, merges two into one and mends
the grammar of the rest; a scan of the marks does none of that, costs no tokens, and every
span it returns is verbatim by construction. Who said the words is a judgement, and is
:mod:`summarise.attribution`'s business.

The scan works line by line: a news paragraph is one line, and a quotation that runs on past
its paragraph's end without a closing mark (a multi-paragraph quotation, or a machine
translation that dropped the mark) ends with the line. Programme and book titles in marks
("Meet the Press") are not quotations and are left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = ["OPENS_AFTER", "WORD", "Quotation", "find_quotations"]

# Each opening mark and the marks that may close it: "„" is closed by "“" in German usage, and
# copy that mixes curly and straight marks ("“We are ready," he said) is common enough.
_CLOSERS = {
    "\u201c": '\u201d"',
    "\u201e": '\u201c\u201d"',
    "\u00ab": "\u00bb",
    "\u2039": "\u203a",
}
_STRAIGHT_CLOSERS = '"\u201d'
OPENS_AFTER = " \t\u00a0([{\u2014\u2013-:/"
"""What may stand before a straight quotation mark that opens a quotation (not an apostrophe,
not the closing mark of the quotation before); :mod:`summarise.grounding` uses the same set."""
_SINGLE_MARKS = "'\u2018\u2019"
_TITLE_MAX_WORDS = 6
WORD = re.compile(r"[^\W\d_][\w'\u2019-]*")
"""A word in any alphabet, apostrophes and hyphens inside it ("doesn't", "Secretary-General");
:mod:`summarise.attribution` reads names with the same pattern."""


@dataclass(frozen=True)
class Quotation:
    """Words inside quotation marks: ``source[start:end]`` is ``text`` as the article prints it."""

    start: int
    end: int
    text: str


def find_quotations(source: str) -> list[Quotation]:
    """Every quotation in ``source``, in reading order, each text once.

    A quotation repeated word for word (a subheading that quotes the body) is listed at its
    first place only: it is one quotation, said once.
    """
    found: list[Quotation] = []
    seen: set[str] = set()
    offset = 0
    for line in source.splitlines(keepends=True):
        for start, end in _marked_spans(line):
            quotation = _trimmed(source, offset + start, offset + end)
            if quotation is None or _is_title(quotation.text):
                continue
            key = " ".join(quotation.text.rstrip(".!?").split()).casefold()
            if key not in seen:
                seen.add(key)
                found.append(quotation)
        offset += len(line)
    return found


def _marked_spans(line: str) -> Iterator[tuple[int, int]]:
    """(start, end) inside each pair of marks on ``line``; an unclosed one runs to the line's end.

    Double marks are paired first; single marks only outside them (a single-quoted phrase inside
    a double-quoted quotation belongs to it), and only as a pair that opens before a word and
    closes after one, so apostrophes ("doesn't", "members' views") are never taken for marks.
    """
    index = 0
    while index < len(line):
        mark = line[index]
        closers = _CLOSERS.get(mark) or (
            _STRAIGHT_CLOSERS
            if mark == '"' and (index == 0 or line[index - 1] in OPENS_AFTER)
            else None
        )
        if closers:
            close = _next_of(line, closers, index + 1)
            yield index + 1, close
            index = close + 1
        elif mark in _SINGLE_MARKS and _opens_single(line, index):
            single = _single_close(line, index + 1)
            if single is None:
                index += 1
                continue
            yield index + 1, single
            index = single + 1
        else:
            index += 1


def _next_of(line: str, marks: str, start: int) -> int:
    """Index of the first of ``marks`` at or after ``start``, or the end of the line's text."""
    hits = [at for at in (line.find(m, start) for m in marks) if at >= 0]
    return min(hits) if hits else len(line.rstrip("\r\n"))


def _opens_single(line: str, index: int) -> bool:
    before = line[index - 1] if index else " "
    after = line[index + 1] if index + 1 < len(line) else ""
    return line[index] != "\u2019" and before in OPENS_AFTER and after.isalnum()


def _single_close(line: str, start: int) -> int | None:
    """The single mark closing a quotation opened before ``start``: after a word, not inside one."""
    for index in range(start, len(line)):
        if line[index] == '"' or line[index] in _CLOSERS:
            return None  # a double mark first: this single one was an apostrophe
        if line[index] in _SINGLE_MARKS and _opens_single(line, index):
            return None  # another opening first: this one was an apostrophe (and no rescans)
        following = line[index + 1] if index + 1 < len(line) else " "
        if line[index] in _SINGLE_MARKS and line[index - 1] != " " and not following.isalnum():
            return index
    return None


def _trimmed(source: str, start: int, end: int) -> Quotation | None:
    """The span without surrounding space and the comma that hands over to "she said"."""
    while start < end and source[start].isspace():
        start += 1
    while end > start and (source[end - 1].isspace() or source[end - 1] == ","):
        end -= 1
    text = source[start:end]
    return Quotation(start, end, text) if WORD.search(text) else None


def _is_title(text: str) -> bool:
    """A few words, every long one capitalised: "Meet the Press", not "We are really close".

    The first word is capitalised in any sentence, so it proves nothing: a title needs a long
    capitalised word after it ("Thank you" and "Lock her up" are quotations).
    """
    words = WORD.findall(text.rstrip(".!?"))
    if not 2 <= len(words) <= _TITLE_MAX_WORDS or "," in text:
        return False
    long_words = [word for word in words[1:] if len(word) > 3]
    return bool(long_words) and all(word[0].isupper() for word in long_words)
