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
quotation: a person of the record, or anyone the article names at a speech verb, with or without
a quotation there (``Abney said Wednesday that she arrived early.`` ... ``"...," she said``),
since the model does not list every person a story quotes. The name at the verb is then made
canonical: the record's entity it belongs to (by the article's spellings of it,
:mod:`summarise.mentions`, or a surname close enough for the misspellings of machine
translation: "Heggsth", "Rut"; never one the article writes with another given name), else
the article's fuller form of it ("Mann" → "Michael Mann"), else the name as written. ``None``
when the article names nobody; the record then says :data:`UNNAMED`.
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise

from summarise.mentions import spellings
from summarise.person_names import (
    INITIAL,
    NOT_NAMES,
    TITLES,
    given_name,
    is_institution,
    is_name,
    same_given_name,
    same_surname,
    written_given_name,
)
from summarise.quotations import WORD, Quotation
from summarise.schema import EntityDraft
from summarise.sentences import Sentences

__all__ = ["UNNAMED", "attribute", "unlisted_speakers"]

UNNAMED = "(not named)"
"""The speaker of a quotation whose article names nobody near it, nor any person before it."""

# English, then Spanish (past and present forms only: an infinitive such as "declarar" often
# belongs to someone else's clause, "llama a declarar a doña Cristina").
_SPEECH_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|asked|asks|wrote|writes|stated|states|"
    r"explained|explains|warned|warns|noted|notes|insisted|insists|argued|argues|"
    r"emphasi[sz]ed|emphasi[sz]es|declared|declares|continued|replied|tweeted|posted|"
    r"calls|called|labell?ed|predicted|predicts|according to|"
    r"dijo|dice|afirmó|afirma|declaró|declara|manifestó|manifiesta|sostenía|sostuvo|sostiene|"
    r"aseguró|asegura|explicó|explica|añadió|añade|señaló|señala|indicó|indica|advirtió|"
    r"advierte|insistió|insiste|respondió|responde|preguntó|pregunta|según)\b"
)
_PRONOUN = re.compile(r"\b(?:he|she|He|She)\b")
_WORDS_AFTER_VERB = 4
_MARKS = "\"'\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e"


@dataclass(frozen=True)
class _Mention:
    """A place the article names a person: the pronouns after it stand for ``speaker``."""

    start: int
    speaker: str


@dataclass
class _Article:
    """The article, read once for every quotation: its sentence ends and its capitalised pairs.

    Looked up by bisection, so a long article with many quotations costs its length once, not
    once per quotation.
    """

    source: str
    ends: list[int] = field(default_factory=list)  # where each sentence ends, in order
    pairs: list[tuple[str, str]] = field(default_factory=list)  # "Michael Mann", in order

    @classmethod
    def of(cls, source: str) -> _Article:
        ends = [end for _, end in Sentences.of(source).spans]
        words = list(WORD.finditer(source))
        pairs = [
            (first.group(), last.group())
            for first, last in pairwise(words)
            if source[first.end() : last.start()] == " "
            and is_name(first.group())
            and is_name(last.group())
            and first.group() not in TITLES | NOT_NAMES
        ]
        return cls(source, ends, pairs)

    def sentence_end_after(self, offset: int) -> int:
        """Where the sentence that holds ``offset`` ends."""
        at = bisect.bisect_left(self.ends, offset)
        return self.ends[at] if at < len(self.ends) else len(self.source)

    def sentence_start_before(self, offset: int) -> int:
        """Where the sentence that holds ``offset`` starts (where the one before it ends)."""
        at = bisect.bisect_right(self.ends, offset) - 1
        return self.ends[at] if at >= 0 else 0


def attribute(
    source: str, quotations: Sequence[Quotation], entities: Sequence[EntityDraft]
) -> list[str | None]:
    """The speaker of each of ``quotations`` (in reading order), by the rules above."""
    article = _Article.of(source)
    known = [e for e in entities if e.name.strip()]
    forms = {e.name: {e.name, *spellings(e.name, source, person=e.type == "person")} for e in known}
    quoted = [(q.start, q.end) for q in quotations]
    people = _person_mentions(source, quoted, known, forms)
    people += _speakers_named_at_verbs(article, quoted, known, forms)
    people.sort(key=lambda m: m.start)
    speakers: list[str | None] = []
    for index, quotation in enumerate(quotations):
        previous = quotations[index - 1] if index else None
        named = _after(article, quotation) or _before(article, quotation, previous)
        speaker: str | None = None
        if named is not None:
            at, words = named
            if not words:  # a pronoun
                speaker = _last(people, at)
            else:
                speaker, person = _canonical(words, article, known, forms)
                if person:  # a later "he said" may stand for this speaker, not for NATO
                    bisect.insort(people, _Mention(at, speaker), key=lambda m: m.start)
        elif previous is not None and "\n" not in source[previous.end : quotation.start]:
            speaker = speakers[-1]
        if speaker is None:
            speaker = _last(people, quotation.start)
        speakers.append(speaker)
    return speakers


def unlisted_speakers(speakers: Sequence[str | None], entities: Sequence[EntityDraft]) -> list[str]:
    """People the article quotes by name who are not among ``entities``, in order, once each.

    A speaker that is no entity's name was named by :func:`attribute` itself: the article's
    full name for a surname at a speech verb ("Mann" → "Michael Mann"), or the name as written
    there. Only a name of two words or more is taken for a person, as :func:`attribute` does
    for a later "he said"; a single word ("NATO", "Kremlin") may be no person, and is left out.
    """
    listed = {e.name for e in entities}
    named = (s for s in speakers if s is not None and s not in listed and len(s.split()) >= 2)
    return list(dict.fromkeys(named))


def _after(article: _Article, quotation: Quotation) -> tuple[int, str] | None:
    """Rule 1: the clause from the closing mark to the sentence's end.

    Not when the quotation ends its own sentence with a full stop ("...in the region."): what
    follows is the next sentence, not an attribution.
    """
    if quotation.text.endswith("."):
        return None
    source, start = article.source, quotation.end
    while start < len(source) and source[start] in _MARKS + ", ":
        start += 1
    return _at_verb(source, start, article.sentence_end_after(start))


def _before(
    article: _Article, quotation: Quotation, previous: Quotation | None
) -> tuple[int, str] | None:
    """Rule 2: the clause from the sentence's start (or the quotation before) to the opening."""
    source, end = article.source, quotation.start
    while end > 0 and source[end - 1] in _MARKS:
        end -= 1
    start = article.sentence_start_before(end)
    if previous is not None and start < previous.end <= end:
        start = previous.end
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
        if not is_name(word) or word.endswith(("'s", "\u2019s", ",")):
            break
        run.insert(0, word)
    while run and run[0] in NOT_NAMES:  # "He added", "But Gates said"
        run.pop(0)
    if run:
        owner = is_institution(run) and _name_before_phrase(words[: len(words) - len(run)])
        return verb.start(), " ".join(owner or run)
    after = re.split(r"[,;:]", source[verb.end() : end], maxsplit=1)[0].split()
    tail: list[str] = []
    for word in after[:_WORDS_AFTER_VERB]:
        tail = [*tail, word] if is_name(word) and word not in NOT_NAMES else []
    if tail:
        return verb.end(), " ".join(tail)
    nearby = source[max(start, verb.start() - 8) : min(end, verb.end() + 8)]
    return (verb.start(), "") if _PRONOUN.search(nearby) else None


_PREPOSITIONS = frozenset(["with", "at", "from", "for", "of"])


def _name_before_phrase(words: Sequence[str]) -> list[str]:
    """The name a prepositional phrase before the verb hangs on, or nothing.

    "Patrol Chief James Hall with the New York Police Department said": the run just before the
    verb is the department, the speaker is Hall. Asked only when that run is an institution
    (so "High Representative for Foreign Affairs Kaja Kallas said" stays Kallas), and taken only
    when the words before the preposition hold a name of two words or more besides titles.
    """
    words = list(words)
    if words and words[-1] in ("the", "The"):
        words.pop()
    if not words or words[-1] not in _PREPOSITIONS:
        return []
    run: list[str] = []
    for word in reversed(words[:-1]):
        if not is_name(word) or word.endswith(("'s", "\u2019s")):
            break
        run.insert(0, word.rstrip(","))
        if word.endswith(","):
            break
    while run and run[0] in NOT_NAMES:
        run.pop(0)
    return run if len([w for w in run if w not in TITLES]) >= 2 else []


def _speakers_named_at_verbs(
    article: _Article,
    quoted: Sequence[tuple[int, int]],
    entities: Sequence[EntityDraft],
    forms: Mapping[str, set[str]],
) -> list[_Mention]:
    """Every person the article names just before a speech verb, outside the quotations.

    "Brian M. Good said he, too, was expecting a horrible trip": a later "he said" is Good,
    though no quotation stands in that sentence and the record may not list him.
    """
    source = article.source
    found: list[_Mention] = []
    for verb in _SPEECH_VERB.finditer(source):
        if _inside(quoted, verb.start()):
            continue
        named = _at_verb(source, article.sentence_start_before(verb.start()), verb.end())
        if named is None or not named[1] or named[0] != verb.start():
            continue  # a pronoun, a name after the verb, or another verb of the sentence
        speaker, person = _canonical(named[1], article, entities, forms)
        if person and not is_institution(named[1].split()):  # "The Weather Service said"
            found.append(_Mention(verb.start(), speaker))
    return found


def _canonical(
    words: str, article: _Article, entities: Sequence[EntityDraft], forms: Mapping[str, set[str]]
) -> tuple[str, bool]:
    """(name, whether a person) for the name at the verb.

    The record's entity for it, else the article's fullest form of it, else the name as
    written. The name ends the run of capitalised words ("Defence Minister Margarita Robles"),
    so it is matched at the run's end: a person by surname, anything else by a spelling that
    ends the run ("its ambassador to NATO"). A title earlier in the run names nobody.
    """
    surname = words.split()[-1]
    kept = [w for w in words.split() if w.rstrip(".") not in TITLES]
    given = written_given_name(kept, article.source)  # "Ellie Hall" is not James Hall
    candidates = [
        e
        for e in entities
        if e.type != "person" or same_given_name(given, given_name(e.name.split()))
    ]
    for entity in candidates:
        if entity.type == "person" and same_surname(surname, entity.name.split()[-1]):
            return entity.name, True
    for entity in candidates:
        if any(words == f or words.endswith(" " + f) for f in forms[entity.name]):
            return entity.name, entity.type == "person"
    for first, last in article.pairs:
        if same_surname(surname, last) and same_given_name(given, first):
            return f"{first} {last}", True
    # Keep a middle initial: "Brian M. Good", not "M. Good".
    width = 3 if len(kept) >= 3 and INITIAL.fullmatch(kept[-2]) else 2
    name = " ".join(kept[-width:]) if kept else words
    return name, len(kept) >= 2  # "Hashem Ahelbarra" may be "he" later; "NATO" may not


def _last(people: Sequence[_Mention], offset: int) -> str | None:
    at = bisect.bisect_left(people, offset, key=lambda m: m.start)
    return people[at - 1].speaker if at else None


def _person_mentions(
    source: str,
    quoted: Sequence[tuple[int, int]],
    entities: Sequence[EntityDraft],
    forms: Mapping[str, set[str]],
) -> list[_Mention]:
    """Where the article names each person entity, outside the ``quoted`` spans, in order."""
    found: list[_Mention] = []
    for entity in entities:
        if entity.type != "person":
            continue
        for form in {*forms[entity.name], entity.name.split()[-1]}:
            for match in re.finditer(rf"(?<!\w){re.escape(form)}(?!\w)", source):
                if not _inside(quoted, match.start()):
                    found.append(_Mention(match.start(), entity.name))
    return sorted(found, key=lambda m: m.start)


def _inside(spans: Sequence[tuple[int, int]], offset: int) -> bool:
    """Whether ``offset`` falls inside one of the sorted, disjoint ``spans`` (the quotations)."""
    at = bisect.bisect_right(spans, (offset, sys.maxsize)) - 1
    return at >= 0 and spans[at][0] <= offset < spans[at][1]
