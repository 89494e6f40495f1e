"""Who said a quotation, read from the article's own attribution around it.

News copy names the speaker beside a speech verb next to the quotation, in a few set ways, and
this module reads them in order of trust:

1. the clause after the closing mark, to the sentence's end: ``"...," Gates said``,
   ``"...," said Gates``, ``"...," writes Michael Oppenheimer``;
2. the clause before the opening mark, from the sentence's start (or the quotation before):
   ``Mann calls it "..."``, ``Sakaliene said that the target is "..."``;
3. a quotation with neither continues the one before it in its paragraph
   (``"...," Hansen said. "Now, ..."``);
4. failing all, the person named last before the quotation.

A pronoun at the verb (``he said``, ``He added:``) stands for the person named last before the
quotation. The name at the verb is then made canonical: the record's entity it belongs to (by
the article's spellings of it, :mod:`summarise.mentions`, or a surname close enough for the
misspellings of machine translation: "Heggsth", "Rut"), else the article's fuller form of it
("Mann" → "Michael Mann"), else the name as written. ``None`` when the article names nobody;
the record then says :data:`UNNAMED`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from summarise.mentions import spellings
from summarise.quotations import Quotation
from summarise.schema import EntityDraft

UNNAMED = "(not named)"
"""The speaker of a quotation whose article names nobody near it, nor any person before it."""

_SPEECH_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|wrote|writes|stated|states|"
    r"explained|explains|warned|warns|noted|notes|insisted|insists|argued|argues|"
    r"emphasi[sz]ed|emphasi[sz]es|declared|declares|continued|replied|tweeted|posted|"
    r"calls|called|labell?ed|according to)\b"
)
_PRONOUN = re.compile(r"\b(?:he|she|He|She)\b")
_SENTENCE_END = re.compile(r"[.!?](?=\s|$)|\n")
_NAME_WORD = re.compile(r"[A-Z][\w'\u2019.-]*$")
_NAME_PAIR = re.compile(r"\b([A-Z][\w\u2019'-]+) ([A-Z][\w\u2019'-]+)\b")
_TITLES = frozenset(
    [
        "President",
        "Minister",
        "Secretary",
        "Secretary-General",
        "Chancellor",
        "Senator",
        "General",
        "Governor",
        "Mayor",
        "Chief",
        "Prime",
        "Defense",
        "Defence",
        "Foreign",
        "CEO",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Sir",
        "Lord",
        "Judge",
        "Ambassador",
    ]
)
_NOT_NAMES = frozenset(
    [
        "He",
        "She",
        "It",
        "They",
        "We",
        "I",
        "You",
        "The",
        "A",
        "An",
        "And",
        "But",
        "So",
        "Yet",
        "Or",
        "In",
        "On",
        "At",
        "As",
        "Then",
        "This",
        "That",
        "These",
        "Those",
        "Meanwhile",
        "However",
        "Still",
        "While",
        "When",
        "Also",
        "Later",
        "Earlier",
    ]
)
_SURNAME_SIMILARITY = 75.0
_WORDS_AFTER_VERB = 4
_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


@dataclass(frozen=True)
class _Mention:
    """A place the article names a person: the pronouns after it stand for ``speaker``."""

    start: int
    speaker: str


def attribute(
    source: str, quotations: Sequence[Quotation], entities: Sequence[EntityDraft]
) -> list[str | None]:
    """The speaker of each of ``quotations`` (in reading order), by the rules above."""
    forms = {
        e.name: {e.name, *spellings(e.name, source, person=e.type == "person")} for e in entities
    }
    people = _person_mentions(source, quotations, entities, forms)
    speakers: list[str | None] = []
    for index, quotation in enumerate(quotations):
        previous = quotations[index - 1] if index else None
        named = _after(source, quotation) or _before(source, quotation, previous)
        speaker: str | None = None
        if named is not None:
            at, words = named
            speaker = _canonical(words, source, entities, forms) if words else _last(people, at)
            if words and speaker:
                people.append(_Mention(at, speaker))
                people.sort(key=lambda m: m.start)
        elif previous is not None and "\n" not in source[previous.end : quotation.start]:
            speaker = speakers[-1]
        if speaker is None:
            speaker = _last(people, quotation.start)
        speakers.append(speaker)
    return speakers


def _after(source: str, quotation: Quotation) -> tuple[int, str] | None:
    """Rule 1: the clause from the closing mark to the sentence's end.

    Not when the quotation ends its own sentence with a full stop ("...in the region."): what
    follows is the next sentence, not an attribution.
    """
    if quotation.text.endswith("."):
        return None
    start = quotation.end
    while start < len(source) and source[start] in _MARKS + ", ":
        start += 1
    end_match = _SENTENCE_END.search(source, start)
    return _at_verb(source, start, end_match.start() if end_match else len(source))


def _before(
    source: str, quotation: Quotation, previous: Quotation | None
) -> tuple[int, str] | None:
    """Rule 2: the clause from the sentence's start (or the quotation before) to the opening."""
    end = quotation.start
    while end > 0 and source[end - 1] in _MARKS:
        end -= 1
    starts = [m.end() for m in _SENTENCE_END.finditer(source, 0, end)]
    start = max([0, *starts, previous.end if previous and previous.end <= end else 0])
    return _at_verb(source, start, end)


def _at_verb(source: str, start: int, end: int) -> tuple[int, str] | None:
    """(where, name) at the first speech verb of ``source[start:end]``; name "" for a pronoun.

    The name is the run of capitalised words just before the verb ("Defence Minister Margarita
    Robles said") or, failing that, the last such run in the few words after it ("says NATO
    chief Rutte", "writes Michael Oppenheimer, a climate scientist").
    """
    verb = _SPEECH_VERB.search(source, start, end)
    if verb is None:
        return None
    words = source[start : verb.start()].split()
    run: list[str] = []
    for word in reversed(words):
        if not _NAME_WORD.match(word) or word.endswith(("'s", "\u2019s", ",")):
            break
        run.insert(0, word)
    while run and run[0] in _NOT_NAMES:  # "He added", "But Gates said"
        run.pop(0)
    if run:
        return verb.start(), " ".join(run)
    after = re.split(r"[,;:]", source[verb.end() : end], maxsplit=1)[0].split()
    tail: list[str] = []
    for word in after[:_WORDS_AFTER_VERB]:
        tail = [*tail, word] if _NAME_WORD.match(word) else []
    if tail:
        return verb.end(), " ".join(tail)
    nearby = source[max(start, verb.start() - 8) : min(end, verb.end() + 8)]
    return (verb.start(), "") if _PRONOUN.search(nearby) else None


def _canonical(
    words: str, source: str, entities: Sequence[EntityDraft], forms: Mapping[str, set[str]]
) -> str:
    """The record's entity for the name at the verb, else the article's fullest form of it.

    The name ends the run of capitalised words ("Defence Minister Margarita Robles"), so it is
    matched at the run's end: a person by surname, anything else by a spelling that ends the
    run ("its ambassador to NATO"). A title earlier in the run names nobody.
    """
    surname = words.split()[-1]
    for entity in entities:
        if entity.type == "person" and _same_surname(surname, entity.name.split()[-1]):
            return entity.name
    for entity in entities:
        if any(words == f or words.endswith(" " + f) for f in forms[entity.name]):
            return entity.name
    for first, last in _NAME_PAIR.findall(source):
        if first not in _TITLES and _same_surname(surname, last):
            return f"{first} {last}"
    kept = [w for w in words.split() if w not in _TITLES]
    return " ".join(kept[-2:]) if kept else words


def _same_surname(written: str, known: str) -> bool:
    return written[:1] == known[:1] and fuzz.ratio(written, known) >= _SURNAME_SIMILARITY


def _last(people: Sequence[_Mention], offset: int) -> str | None:
    before = [m for m in people if m.start < offset]
    return before[-1].speaker if before else None


def _person_mentions(
    source: str,
    quotations: Sequence[Quotation],
    entities: Sequence[EntityDraft],
    forms: Mapping[str, set[str]],
) -> list[_Mention]:
    """Where the article names each person entity, outside the quotations, in order."""
    found: list[_Mention] = []
    for entity in entities:
        if entity.type != "person":
            continue
        for form in {*forms[entity.name], entity.name.split()[-1]}:
            for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", source):
                if not any(q.start <= match.start() < q.end for q in quotations):
                    found.append(_Mention(match.start(), entity.name))
    return sorted(found, key=lambda m: m.start)
