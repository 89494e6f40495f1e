"""Grounding: find every quoted or cited span of a draft in the source, or say why not.

Matching is exact after one normalisation (:mod:`summarise.normalisation`: NFKC, straight
quotes, one dash, one space), applied identically to the source and to the span.

A match must not cut a word or a number: "5%" is not found inside "3.5%".

When a span is looked up, quotation marks and sentence punctuation at its two ends are not part
of the claim (a quote ending in "." where the article has "," before its closing mark is still
verbatim); everything between them must match.

Nothing else is forgiven: no case folding, no fuzzy matching. A quote that differs by one word
is not verbatim, and the tool says so rather than guessing. Offsets are reported in the
*original* source, so ``source[span.start:span.end]`` is the text as the article prints it.

One thing is found here rather than checked, because the model no longer writes it: an
entity's spellings (:mod:`summarise.mentions`, which does forgive a misspelt name, since the
model gives the name spelled correctly and the article may not). They are the article's own
text, so the spellings printed beside an entity are verbatim by construction.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from summarise.mentions import spellings
from summarise.normalisation import claim, fold, normalise
from summarise.numbers import plain_number
from summarise.quotations import OPENS_AFTER, find_quotations
from summarise.schema import (
    Check,
    CheckedDraft,
    Entity,
    EntityDraft,
    Figure,
    FilledDraft,
    PlacedFigure,
    Quote,
    QuoteDraft,
    Record,
    Span,
    Stance,
    StanceDraft,
)


def _clusters(text: str) -> Iterable[tuple[int, str]]:
    """Yield (start index, run of characters that NFKC must see together).

    A run grows while folding it whole differs from folding its parts apart: combining marks,
    Hangul jamo and two-part Indic vowel signs all compose with what precedes them.
    """
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text):
            yield start, text[start:index]
            break
        run, following = text[start:index], text[index]
        if unicodedata.combining(following) or fold(run + following) != fold(run) + fold(following):
            continue
        yield start, run
        start = index


def _whole(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` neither starts nor ends inside a word or a number.

    "5%" must not be found inside "3.5%", nor "ally" inside "totally": a span that cuts a word
    or a number in two does not say what the article says.
    """

    def joined(outer: int, inner: int, beyond: int) -> bool:
        if not (0 <= outer < len(text)) or not text[inner].isalnum():
            return False
        if text[outer].isalnum():
            return True
        # a decimal point or thousands separator between two digits: 3.5, 1,000
        return (
            text[outer] in ".," and text[inner].isdigit()
            and 0 <= beyond < len(text) and text[beyond].isdigit()
        )  # fmt: skip

    return not joined(start - 1, start, start - 2) and not joined(end, end - 1, end + 1)


@dataclass(frozen=True)
class NormalisedSource:
    """A source in normalised form, with a map from each normalised index to the original."""

    original: str
    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def of(cls, source: str) -> NormalisedSource:
        """Normalise ``source`` character by character, remembering where each piece came from."""
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        previous_space = True  # drops leading whitespace
        for index, cluster in _clusters(source):
            folded = fold(cluster)
            for out in folded:
                if out.isspace():
                    if previous_space:
                        continue
                    out = " "
                    previous_space = True
                else:
                    previous_space = False
                pieces.append(out)
                starts.append(index)
                ends.append(index + len(cluster))
        if pieces and pieces[-1] == " ":
            del pieces[-1], starts[-1], ends[-1]
        return cls(source, "".join(pieces), tuple(starts), tuple(ends))

    def find_all(self, needle: str) -> list[Span]:
        """Every place ``needle`` occurs after normalisation, as spans of the original text."""
        wanted = claim(needle)
        spans: list[Span] = []
        at = self.text.find(wanted) if wanted else -1
        while at >= 0:
            end = at + len(wanted)
            if _whole(self.text, at, end):
                spans.append(Span(start=self.starts[at], end=self.ends[end - 1]))
            at = self.text.find(wanted, at + 1)
        return spans

    def find(self, needle: str) -> Span | None:
        """The first place ``needle`` occurs after normalisation, or ``None``."""
        spans = self.find_all(needle)
        return spans[0] if spans else None


def locate(needle: str, source: str) -> Span | None:
    """Find ``needle`` in ``source`` after normalisation; ``None`` when it is not there."""
    return NormalisedSource.of(source).find(needle)


def _check(source: NormalisedSource, texts: Iterable[tuple[str, str]]) -> Check:
    """Check that every (label, text) pair occurs in the source."""
    spans: list[Span] = []
    problems: list[str] = []
    for label, text in texts:
        span = source.find(text)
        if span is None:
            problems.append(f"{label} {text!r} is not in the article")
        else:
            spans.append(span)
    return Check(verified=not problems, spans=spans, problems=problems)


def check_entity(draft: EntityDraft, source: NormalisedSource) -> Entity:
    """An entity is grounded when the article spells its name at least once (any spelling)."""
    mentions = spellings(draft.name, source.original, person=draft.type == "person")
    spans = [span for m in mentions if (span := source.find(m)) is not None]
    problems = [] if spans else [f"name {draft.name!r} is not in the article"]
    check = Check(verified=bool(spans), spans=spans, problems=problems)
    return Entity(**draft.model_dump(), mentions=mentions, check=check)


def check_figure(draft: PlacedFigure, source: NormalisedSource) -> Figure:
    """A figure is grounded when its value and its evidence occur, the value inside the evidence.

    Empty evidence means code found no sentence holding the value: the value's own problem is
    the one to tell.
    """
    texts = [("value", draft.value), ("evidence", draft.evidence)]
    check = _check(source, texts if draft.evidence else texts[:1])
    if not draft.evidence and check.verified:
        check = Check(verified=False, spans=check.spans, problems=["no evidence for the value"])
    if check.verified and NormalisedSource.of(draft.evidence).find(draft.value) is None:
        check = Check(
            verified=False,
            spans=check.spans,
            problems=[f"value {draft.value!r} is not inside its evidence"],
        )
    return Figure(**draft.model_dump(), number=plain_number(draft.value), check=check)


_OPENING_MARKS = "\u201c\u2018\u00ab\u201e\u2039"
_DOUBLE_MARKS = '"\u201c\u201d\u201e\u00ab\u00bb'


def _inside_quotation_marks(original: str, span: Span) -> bool:
    """Whether ``span`` of the original article stands inside quotation marks on its line.

    Inside when an odd number of double quotation marks precede it on its line (a quote opened
    and not yet closed), or when the mark right before it opens a quote: a curly opening mark,
    or a straight one that follows a space, a bracket, a dash, a colon or the start of the line
    (:data:`summarise.quotations.OPENS_AFTER`, so code's own quotations pass; not the closing
    mark of an earlier quote, nor an apostrophe as in "players' union").
    """
    line_start = original.rfind("\n", 0, span.start) + 1
    before = original[line_start : span.start]
    if sum(before.count(mark) for mark in _DOUBLE_MARKS) % 2 == 1:
        return True
    mark = before[-1:]
    if not mark:  # the span starts its line: nothing opens a quotation before it
        return False
    if mark in _OPENING_MARKS:
        return True
    return mark in {'"', "'"} and (before[-2:-1] == "" or before[-2:-1] in OPENS_AFTER)


def _runs_past_its_quotation(original: str, span: Span) -> bool:
    """Whether ``span`` crosses a closing quotation mark into narrative.

    ``'We are ready," the minister said'`` starts inside a quotation, so the test above passes
    it. A double mark inside the span gives it away; so does, in a quotation a single mark
    opened, a single mark before a space (``ready,' the minister``). An apostrophe inside a word
    is not followed by a space; a plural possessive ("players' union") inside a single-quoted
    quotation is, and is flagged: a false alarm, never a false verification.
    """
    inner = normalise(original[span.start : span.end])
    if '"' in inner:
        return True
    opener = fold(original[span.start - 1]) if span.start > 0 else ""
    return opener == "'" and "' " in inner


@lru_cache(maxsize=8)
def _whole_quotations(original: str) -> frozenset[tuple[int, int]]:
    """Where each of the article's quotations stands, as code finds them (start, end)."""
    return frozenset((q.start, q.end) for q in find_quotations(original))


def check_quote(draft: QuoteDraft, source: NormalisedSource) -> Quote:
    """A quote is grounded when its text is verbatim in the source, inside one quotation.

    Its place is the first whole quotation with its text, else the first quoted place: a short
    quotation ("win it soon") may also stand inside an earlier, longer one, which is not where
    the article says it.
    """
    spans = source.find_all(draft.text)
    quoted = [
        span
        for span in spans
        if _inside_quotation_marks(source.original, span)
        and not _runs_past_its_quotation(source.original, span)
    ]
    whole = _whole_quotations(source.original)
    quoted.sort(key=lambda span: (span.start, span.end) not in whole)  # stable: first stays first
    if quoted:
        check = Check(verified=True, spans=quoted[:1])
    elif spans:
        problem = f"quote {draft.text!r} is in the article but not inside quotation marks"
        check = Check(verified=False, spans=spans[:1], problems=[problem])
    else:
        check = Check(verified=False, problems=[f"quote {draft.text!r} is not in the article"])
    return Quote(**draft.model_dump(), check=check)


def check_stance(draft: StanceDraft, source: NormalisedSource) -> Stance:
    """A stance is grounded when its evidence is verbatim in the source."""
    check = _check(source, [("evidence", draft.evidence)])
    return Stance(**draft.model_dump(), check=check)


def ground(draft: FilledDraft, source: str) -> CheckedDraft:
    """Check every span-bearing item of ``draft`` against ``source``; drop nothing."""
    normalised = NormalisedSource.of(source)
    return CheckedDraft(
        headline=draft.headline,
        summary=draft.summary,
        key_points=list(draft.key_points),
        entities=[check_entity(e, normalised) for e in draft.entities],
        figures=[check_figure(f, normalised) for f in draft.figures],
        quotes=[check_quote(q, normalised) for q in draft.quotes],
        stances=[check_stance(s, normalised) for s in draft.stances],
    )


def grounding_rate(record: Record) -> float:
    """Share of span-bearing items (quotes, stance evidence, figures) that are verified."""
    checks = [
        *(q.check for q in record.quotes),
        *(s.check for s in record.stances),
        *(f.check for f in record.figures),
    ]
    if not checks:
        return 1.0
    return sum(c.verified for c in checks) / len(checks)
