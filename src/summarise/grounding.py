"""Grounding: find every quoted or cited span of a draft in the source, or say why not.

Matching is exact after one normalisation, applied identically to the source and to the span:

1. Unicode NFKC (full-width forms, ligatures and non-breaking spaces fold to their plain form);
2. curly single and double quotes, primes and guillemets become ``'`` and ``"``;
3. every dash and minus (en, em, figure dash, minus sign) becomes ``-``;
4. every run of whitespace becomes one space; leading and trailing space is dropped.

Nothing else is forgiven: no case folding, no fuzzy matching. A quote that differs by one word
is not verbatim, and the tool says so rather than guessing. Offsets are reported in the
*original* source, so ``source[span.start:span.end]`` is the text as the article prints it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from summarise.schema import (
    Check,
    Entity,
    EntityDraft,
    Figure,
    FigureDraft,
    Quote,
    QuoteDraft,
    Record,
    RecordDraft,
    Span,
    Stance,
    StanceDraft,
)

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
_EDGE_QUOTES = "\"' "


def normalise(text: str) -> str:
    """Apply the documented normalisation (see module docstring). Idempotent."""
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _SPACE.sub(" ", folded).strip()


def _clusters(text: str) -> Iterable[tuple[int, str]]:
    """Yield (start index, base character with its combining marks), so NFKC can compose them."""
    start = 0
    for index in range(1, len(text) + 1):
        if index == len(text) or not unicodedata.combining(text[index]):
            yield start, text[start:index]
            start = index


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
            folded = unicodedata.normalize("NFKC", cluster).translate(_QUOTES)
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

    def find(self, needle: str) -> Span | None:
        """Locate ``needle`` after normalisation; return its span in the original text."""
        wanted = normalise(needle).strip(_EDGE_QUOTES)
        if not wanted:
            return None
        at = self.text.find(wanted)
        if at < 0:
            return None
        end = at + len(wanted)
        return Span(start=self.starts[at], end=self.ends[end - 1])


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
    """An entity is grounded when every mention it lists occurs in the source."""
    check = _check(source, (("mention", m) for m in draft.mentions))
    return Entity(**draft.model_dump(), check=check)


def check_figure(draft: FigureDraft, source: NormalisedSource) -> Figure:
    """A figure is grounded when its value and its evidence occur, the value inside the evidence."""
    check = _check(source, [("value", draft.value), ("evidence", draft.evidence)])
    if check.verified and normalise(draft.value) not in normalise(draft.evidence):
        check = Check(
            verified=False,
            spans=check.spans,
            problems=[f"value {draft.value!r} is not inside its evidence"],
        )
    return Figure(**draft.model_dump(), check=check)


def _inside_quotation_marks(source: NormalisedSource, span: Span) -> bool:
    """Whether ``span`` sits inside quotation marks on its line of the original article.

    True when a quotation mark touches the span, or when an odd number of double quotation marks
    stands between the start of its line and the span (the quote opened and is not closed yet).
    """
    line_start = source.original.rfind("\n", 0, span.start) + 1
    before = normalise(source.original[line_start : span.start] + "x")[:-1]
    touching = before.rstrip()[-1:] in {'"', "'"}
    return touching or before.count('"') % 2 == 1


def check_quote(draft: QuoteDraft, source: NormalisedSource) -> Quote:
    """A quote is grounded when its text is verbatim in the source, inside quotation marks."""
    check = _check(source, [("quote", draft.text)])
    if check.verified and not _inside_quotation_marks(source, check.spans[0]):
        check = Check(
            verified=False,
            spans=check.spans,
            problems=[f"quote {draft.text!r} is in the article but not inside quotation marks"],
        )
    return Quote(**draft.model_dump(), check=check)


def check_stance(draft: StanceDraft, source: NormalisedSource) -> Stance:
    """A stance is grounded when its evidence is verbatim in the source."""
    check = _check(source, [("evidence", draft.evidence)])
    return Stance(**draft.model_dump(), check=check)


@dataclass(frozen=True)
class GroundedDraft:
    """A draft with every item checked; ``problems`` lists what failed, for re-asking."""

    headline: str
    summary: str
    key_points: list[str]
    entities: list[Entity]
    figures: list[Figure]
    quotes: list[Quote]
    stances: list[Stance]

    @property
    def problems(self) -> list[str]:
        """Every failed check, one line each, phrased so the model can act on it."""
        lines: list[str] = []
        groups: tuple[tuple[str, Sequence[Entity | Figure | Quote | Stance]], ...] = (
            ("entities", self.entities),
            ("figures", self.figures),
            ("quotes", self.quotes),
            ("stances", self.stances),
        )
        for kind, items in groups:
            for index, item in enumerate(items):
                lines.extend(f"{kind}[{index}]: {p}" for p in item.check.problems)
        return lines

    def to_record_fields(self) -> dict[str, object]:
        """The fields of a :class:`Record`, less provenance."""
        return {
            "headline": self.headline,
            "summary": self.summary,
            "key_points": self.key_points,
            "entities": self.entities,
            "figures": self.figures,
            "quotes": self.quotes,
            "stances": self.stances,
        }


def ground(draft: RecordDraft, source: str) -> GroundedDraft:
    """Check every span-bearing item of ``draft`` against ``source``; drop nothing."""
    normalised = NormalisedSource.of(source)
    return GroundedDraft(
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
