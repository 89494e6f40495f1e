"""Where an article names an entity: its spellings, found by code rather than copied by the model.

The model names each entity once, correctly spelled; the article may spell it several ways
("Mark Rutte", "Rutte", a machine translation's "Rut"). Copying every spelling cost the embedded
model about a quarter of an entity's answer tokens (65 of 261 on seed 000), and reading them off
the article is string work: a run of the article's words, each equal to a word of the name or a
near spelling of it, taken in the name's order.

Which runs count is stricter than word similarity, because a loose mention does harm: the story
builder merges the entities of two articles that share a spelling, and "University" would merge
Columbia with Princeton. A run counts when it has a word that begins with a capital or a digit
(a name, not "union" in prose) and it is

- the whole name ("Nato" for "NATO", "the Hague" for "The Hague");
- for a person, any two words or more of it, or the last word alone: the surname ("Rutte" for
  "NATO Secretary-General Mark Rutte"; "NATO" alone is not him);
- for anything else, more than half of its words, or an acronym among them ("NATO" for "North
  Atlantic Treaty Organization (NATO)"); never one common word ("State", "University") nor
  "Climate Change" for "Oxford Open Climate Change".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from summarise.normalisation import fold

__all__ = ["CLIPPED_SHARE", "MIN_WORD_SIMILARITY", "spellings"]

MIN_WORD_SIMILARITY = 80.0
"""Least rapidfuzz ``ratio`` (0-100, accents and case ignored) at which two words of four letters
or more are one spelling: "Hegset"/"Hegseth" scores 92, "Sakaliene"/"Sakalienė" is equal once
accents go, while "Trump"/"Tusk" scores 44 and "Spain"/"Spanish" 67."""

CLIPPED_SHARE = 0.6
"""Machine translation clips names ("Rut" for "Rutte"): an article word of three letters or more
that begins a word of the name and is at least this share of it is that word. "Jon" is not
"Jonson" (0.5)."""

_WORD = re.compile(r"\w+(?:['\u2019-]\w+)*")
_POSSESSIVE = re.compile(r"['\u2019]s$", re.IGNORECASE)
_JOINERS = re.compile(r"\s*|\.\s*")
"""What may stand between two words of one mention: space, or the dot of an initial ("U.S.")."""


@dataclass(frozen=True)
class _Word:
    start: int
    end: int
    key: str


def _key(word: str) -> str:
    """A word as spellings are compared: folded, without accents, case-free."""
    decomposed = unicodedata.normalize("NFKD", fold(word))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=32)
def _words(text: str) -> tuple[_Word, ...]:
    """The words of ``text``, a possessive "'s" cut off ("Trump's" is "Trump").

    Cached: one record asks for the spellings of each entity twice (attribution, grounding),
    and each call read the article's words again (case 005's entities, both passes: 111 -> 63 ms).
    """
    found = []
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group())
        found.append(_Word(match.start(), match.start() + len(word), _key(word)))
    return tuple(found)


def _same_word(written: str, named: str) -> bool:
    """Whether the article's word ``written`` spells the name's word ``named``."""
    if written == named:
        return True
    if written.startswith(named):  # "Russian", "States", "According": another word, not a typo
        return False
    if min(len(written), len(named)) >= 4 and fuzz.ratio(written, named) >= MIN_WORD_SIMILARITY:
        return True
    return (
        len(written) >= 3
        and named.startswith(written)
        and len(written) >= CLIPPED_SHARE * len(named)
    )


def _run_length(article: str, words: Sequence[_Word], at: int, name: list[str], first: int) -> int:
    """How many article words from ``at`` spell the name's words from ``first`` on, in order."""
    length = 0
    while at + length < len(words) and first + length < len(name):
        if length and not _JOINERS.fullmatch(
            article[words[at + length - 1].end : words[at + length].start]
        ):
            break
        if not _same_word(words[at + length].key, name[first + length]):
            break
        length += 1
    return length


def _counts(run: list[str], name: list[str], first: int, *, person: bool) -> bool:
    """Whether a run of article words that spells ``name[first:]`` in order is a mention."""
    if not any(word[:1].isupper() or word[:1].isdigit() for word in run):
        return False
    if len(run) == len(name):
        return True
    if person:
        return len(run) >= 2 or first + 1 == len(name)
    if len(run) >= 2:
        return 2 * len(run) > len(name)
    return run[0].isupper() and len(run[0]) >= 2


def spellings(name: str, article: str, *, person: bool) -> list[str]:
    """Every spelling of ``name`` in ``article``, as the article prints it, first seen first."""
    named = [w.key for w in _words(name)]
    if not named:
        return []
    words = _words(article)
    found: list[str] = []
    at = 0
    while at < len(words):
        best_first, best_length = 0, 0
        for first in range(len(named)):
            length = _run_length(article, words, at, named, first)
            if length > best_length:
                best_first, best_length = first, length
        run = [article[w.start : w.end] for w in words[at : at + best_length]]
        if run and _counts(run, named, best_first, person=person):
            text = article[words[at].start : words[at + best_length - 1].end]
            if text not in found:
                found.append(text)
            at += best_length
        else:
            at += 1
    return found
