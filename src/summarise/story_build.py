"""Build a :class:`~summarise.story.StoryRecord` from the records of several articles.

Entities, facts and stances are resolved by code, deterministically; only the tensions are
named by the model (:func:`~summarise.story.name_tensions`), and checked like any model claim.

**Clustering.** Entities, key points, figures and stance targets are each grouped by one greedy
agglomerative rule, the cross-source cousin of :func:`~summarise.evaluation.align.align`: every
pair scoring at or above a threshold is considered, highest first (ties by input order), and
merges the two groups it joins unless the merge is forbidden. Similarity needs one pair (single
link), so "Heggsth" in one article reaches "Pete Hegseth" in another through "Hegseth"; a
prohibition holds against every member (complete link), so no chain can join what one article
keeps apart. Two prohibitions: two items of one article never share a group (a record lists
distinct entities and distinct key points, so an article never calls two of its own items one),
and facts or targets whose numbers disagree never share one ("by 2030" is not "by 2032", however
alike the words). The similarities and thresholds are those of the eval's alignment, so "the
same entity" means the same thing when building a story and when scoring one.

**Facts.** Key points are grouped across articles. Figures are grouped too, by equal value
(:func:`~summarise.numbers.numbers_agree`, ties between equal values broken by what
they measure): the same number in several articles is evidence of one fact. A figure group then
*extends* the key-point group that states its number in at least two of its articles (adding its
other articles as sources), or, failing that, stands as a fact of its own.

**Evidence.** For each source of a fact, the article sentence sharing the most words with that
source's statement (Jaccard over folded words: token-set similarity rates a short heading whose
words are a subset of the fact at 1.0, and headings won) is kept if it reaches
:data:`EVIDENCE_MIN_OVERLAP` and :func:`~summarise.grounding.locate` finds it in the article.
A source added by a figure gets the sentence holding that figure's evidence. Evidence is thus
always verbatim article text; a source with none is kept and shown flagged.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from rapidfuzz.utils import default_process

from summarise.errors import InputError
from summarise.evaluation.align import (
    FIGURE_THRESHOLD,
    KEY_POINT_THRESHOLD,
    NAME_THRESHOLD,
    coverage,
    fold,
    name_similarity,
    predicted_numbers,
    text_similarity,
)
from summarise.grounding import NormalisedSource, locate
from summarise.numbers import numbers_agree, parse_numbers
from summarise.schema import Entity, Figure, Record
from summarise.sentences import Sentences
from summarise.story import Asker, StoryEntity, StoryFact, StoryRecord, StoryStance, name_tensions

__all__ = [
    "CLIPPED_SHARE", "ENTITY_THRESHOLD", "EVIDENCE_MIN_OVERLAP", "FACT_THRESHOLD",
    "FIGURE_FACT_THRESHOLD", "TARGET_THRESHOLD", "build_story",
]  # fmt: skip

ENTITY_THRESHOLD = NAME_THRESHOLD
"""Entities of two articles are one at :func:`name_similarity` 0.85 over name and mentions, the
eval's entity threshold: "Heggsth"/"Hegseth" scores 0.857, a surname alone ("Rutte" for "Mark
Rutte") 0.9 or more, while "Donald Trump"/"Donald Tusk" scores 0.78. A clipped name scores
just the threshold too (see :data:`CLIPPED_SHARE`)."""
CLIPPED_SHARE = 0.6
"""Machine translation clips names ("Rut" for "Rutte", 0.75 by :func:`name_similarity`): a
one-word form of three letters or more that begins a word of the other entity's name and is at
least this share of it counts as a match at :data:`ENTITY_THRESHOLD` (so any better pair is
merged first). "Jon" is not "Jonson" (0.5); "Europe" would be taken for "European" (0.75)."""
FACT_THRESHOLD = KEY_POINT_THRESHOLD
"""Key points of two articles state one fact at :func:`coverage` 0.7 (both ways). On the seed
story, the same fact in two articles' gold key points scored 0.71-0.84 and different facts at
most 0.68; the compound key points of a summary make this the weakest of the groupings."""
FIGURE_FACT_THRESHOLD = FIGURE_THRESHOLD
"""Figures of two articles are one when their values agree (0.5 + half the similarity of what
they measure, so any agreeing pair passes and what is measured only breaks ties)."""
TARGET_THRESHOLD = 0.7
"""Stance targets of two items are one proposition at :func:`coverage` 0.7 (both ways), with no
number disagreeing: above the 0.6 the eval pairs a paraphrased target at when the holder is
already matched, because here nothing else vouches for the pairing."""
EVIDENCE_MIN_OVERLAP = 0.2
"""A sentence is evidence for a statement when at least a fifth of their words (Jaccard) are
shared; below that the best sentence of an article is about something else."""
T = TypeVar("T")


# --- Clustering -----------------------------------------------------------------------------


def _cluster(
    count: int,
    similarity: Callable[[int, int], float],
    threshold: float,
    allowed: Callable[[int, int], bool],
) -> list[list[int]]:
    """Group items ``0..count-1`` by the rule of the module docstring; groups in input order."""
    candidates = [
        (score, i, j)
        for i in range(count)
        for j in range(i + 1, count)
        if allowed(i, j) and (score := similarity(i, j)) >= threshold
    ]
    candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
    group_of = list(range(count))
    members: dict[int, list[int]] = {i: [i] for i in range(count)}
    for _, i, j in candidates:
        a, b = sorted((group_of[i], group_of[j]))
        if a == b or not all(allowed(x, y) for x in members[a] for y in members[b]):
            continue
        for item in members[b]:
            group_of[item] = a
        members[a] = sorted(members[a] + members.pop(b))
    return [members[key] for key in sorted(members)]


def _commonest(values: Sequence[T], key: Callable[[T], str]) -> T:
    """The value whose key occurs most often; ties go to the earliest."""
    counts = Counter(key(v) for v in values)
    return max(values, key=lambda v: counts[key(v)])  # max keeps the first of equal values


def _numbers_allow(a: Sequence[float], b: Sequence[float]) -> bool:
    return not a or not b or numbers_agree(a, b)


def _mutual_coverage(a: str, b: str) -> float:
    return min(coverage(a, b), coverage(b, a))


# --- Entities -------------------------------------------------------------------------------


def _clipped(a: Sequence[str], b: Sequence[str]) -> float:
    """:data:`ENTITY_THRESHOLD` if a one-word form of one side clips a word of the other.

    See :data:`CLIPPED_SHARE`; 0.0 otherwise.
    """
    for short_side, long_side in ((a, b), (b, a)):
        words = {w for form in long_side for w in default_process(fold(form)).split()}
        for form in short_side:
            (clip, *rest) = default_process(fold(form)).split() or [""]
            if rest or len(clip) < 3:
                continue
            if any(w.startswith(clip) and len(clip) >= CLIPPED_SHARE * len(w) for w in words):
                return ENTITY_THRESHOLD
    return 0.0


def _resolve_entities(sources: Sequence[str], records: Mapping[str, Record]) -> list[StoryEntity]:
    items: list[tuple[str, Entity]] = [(s, e) for s in sources for e in records[s].entities]
    names = [[e.name, *e.mentions] for _, e in items]
    groups = _cluster(
        len(items),
        lambda i, j: max(name_similarity(names[i], names[j]), _clipped(names[i], names[j])),
        ENTITY_THRESHOLD,
        lambda i, j: items[i][0] != items[j][0],
    )
    entities = []
    for group in groups:
        members = [items[i] for i in group]
        forms: dict[str, list[str]] = {}
        for source, entity in members:
            seen = forms.setdefault(source, [])
            seen.extend(m for m in entity.mentions if m not in seen)
        entities.append(
            StoryEntity(
                # Counting mentions too: "Mark Rutte" (mentioned everywhere) beats a model's
                # "NATO Secretary-General Mark Rutte", "United States" (named) beats "US".
                name=_commonest([n for _, e in members for n in (e.name, *e.mentions)], fold),
                type=_commonest([e.type for _, e in members], str),
                forms={s: forms[s] for s in sources if s in forms},
            )
        )
    return entities


# --- Facts ----------------------------------------------------------------------------------


class _Evidence(Sentences):
    """An article cut into sentences, with the choices of evidence the story builder makes."""

    def best(self, statement: str) -> str | None:
        """The sentence sharing the most words with ``statement``, when verbatim and enough."""
        wanted = _words(statement)
        best, best_score = None, EVIDENCE_MIN_OVERLAP
        for start, end in self.spans:
            sentence = self.text[start:end].strip()
            words = _words(sentence)
            score = len(wanted & words) / len(wanted | words) if wanted | words else 0.0
            if score > best_score or (best is None and score == best_score):
                best, best_score = sentence, score
        return best if best is not None and locate(best, self.text) else None

    def stating(self, figure: Figure, number: Sequence[float]) -> str | None:
        """The sentence holding the figure's evidence, else its value, and stating ``number``.

        The number is checked because grounding matches substrings: "5%" is found in "3.5%".
        """
        source = NormalisedSource.of(self.text)
        starts = [span.start for span in source.find_all(figure.evidence)]
        starts += [span.start for span in source.find_all(figure.value)]
        for at in starts:
            for start, end in self.spans:
                sentence = self.text[start:end].strip()
                if start <= at < end and numbers_agree(parse_numbers(sentence), number):
                    return sentence if locate(sentence, self.text) else None
        return None


def _words(text: str) -> set[str]:
    return set(default_process(fold(text)).split())


@dataclass
class _Fact:
    """A fact being built: its statement in each source, and evidence found so far."""

    statements: dict[str, str]
    evidence: dict[str, str]
    text: str


def _medoid(texts: Sequence[str]) -> str:
    """The statement most like the others (the first of equals), to name a group."""
    return max(texts, key=lambda t: sum(text_similarity(t, u) for u in texts))


def _key_point_facts(
    sources: Sequence[str], records: Mapping[str, Record], articles: Mapping[str, _Evidence]
) -> list[_Fact]:
    items = [(s, k) for s in sources for k in records[s].key_points]
    numbers = [parse_numbers(k) for _, k in items]
    groups = _cluster(
        len(items),
        lambda i, j: _mutual_coverage(items[i][1], items[j][1]),
        FACT_THRESHOLD,
        lambda i, j: items[i][0] != items[j][0] and _numbers_allow(numbers[i], numbers[j]),
    )
    facts = []
    for group in groups:
        statements = {items[i][0]: items[i][1] for i in group}
        evidence = {
            s: found for s, k in statements.items() if (found := articles[s].best(k)) is not None
        }
        facts.append(_Fact(statements, evidence, _medoid(list(statements.values()))))
    return facts


def _figure_text(figure: Figure) -> str:
    unit = f" ({figure.unit})" if figure.unit else ""
    return f"{figure.measures}: {figure.value}{unit}"


def _states(fact: _Fact, figures: Mapping[str, Figure], number: Sequence[float]) -> int:
    """In how many of the figures' sources ``fact`` states ``number``; 0 if one does not."""
    common = [s for s in fact.statements if s in figures]
    if all(numbers_agree(parse_numbers(fact.statements[s]), number) for s in common):
        return len(common)
    return 0


def _add_figure_facts(
    facts: list[_Fact],
    sources: Sequence[str],
    records: Mapping[str, Record],
    articles: Mapping[str, _Evidence],
) -> None:
    """Group figures by value; each group extends a key-point fact or becomes a fact itself."""
    items: list[tuple[str, Figure]] = [
        (s, f) for s in sources for f in records[s].figures if locate(f.value, articles[s].text)
    ]
    values = [predicted_numbers(f) for _, f in items]

    def similarity(i: int, j: int) -> float:
        if not numbers_agree(values[i], values[j]):
            return 0.0
        return 0.5 + 0.5 * text_similarity(items[i][1].measures, items[j][1].measures)

    groups = _cluster(
        len(items), similarity, FIGURE_FACT_THRESHOLD, lambda i, j: items[i][0] != items[j][0]
    )
    for group in (g for g in groups if len(g) >= 2):
        figures = {items[i][0]: items[i][1] for i in group}
        number = values[group[0]]
        measures = " ".join(f.measures for f in figures.values())
        hosts = [(n, f) for f in facts if (n := _states(f, figures, number)) >= 2]
        if hosts:
            host = max(hosts, key=lambda h: (h[0], text_similarity(h[1].text, measures)))[1]
        else:
            host = _Fact({}, {}, _figure_text(figures[_medoid_source(figures)]))
            facts.append(host)
        for i in group:
            source, figure = items[i]
            if source in host.statements:
                continue
            found = articles[source].stating(figure, values[i])
            # What the source says is its sentence, so the fact's other numbers can host the
            # other figures of that sentence (3.5% and 1.5% of one proposal).
            host.statements[source] = found or _figure_text(figure)
            if found is not None:
                host.evidence[source] = found


def _medoid_source(figures: Mapping[str, Figure]) -> str:
    texts = {s: f.measures for s, f in figures.items()}
    best = _medoid(list(texts.values()))
    return next(s for s, t in texts.items() if t == best)


def _facts(
    sources: Sequence[str], records: Mapping[str, Record], texts: Mapping[str, str]
) -> list[StoryFact]:
    articles = {s: _Evidence.of(texts[s]) for s in sources}
    facts = _key_point_facts(sources, records, articles)
    _add_figure_facts(facts, sources, records, articles)
    order = {s: i for i, s in enumerate(sources)}
    built = [
        StoryFact(
            text=f.text,
            sources=sorted(f.statements, key=order.__getitem__),
            evidence={s: f.evidence[s] for s in sorted(f.evidence, key=order.__getitem__)},
        )
        for f in facts
    ]
    return sorted(built, key=lambda f: -len(f.sources))  # stable: input order among equals


# --- Stances --------------------------------------------------------------------------------


def _resolve_holder(holder: str, entities: Sequence[StoryEntity]) -> str:
    """The story name of the entity ``holder`` names, or ``holder`` itself.

    A holder resolves to an entity one of whose forms it matches at :data:`ENTITY_THRESHOLD`
    without adding words: "Heggsth" and "Hegseth" are Pete Hegseth, but "NATO allies" is not
    NATO and "US ambassador to NATO" is not the US, though token-set similarity says they are.
    """
    size = len(_words(holder))
    best, best_score = holder, 0.0
    for entity in entities:
        for form in [entity.name, *(f for forms in entity.forms.values() for f in forms)]:
            if len(_words(form)) < size:
                continue
            score = name_similarity([form], [holder])
            if score >= ENTITY_THRESHOLD and score > best_score:
                best, best_score = entity.name, score
    return best


def _stances(
    sources: Sequence[str],
    records: Mapping[str, Record],
    texts: Mapping[str, str],
    entities: Sequence[StoryEntity],
) -> list[StoryStance]:
    items = [(s, stance) for s in sources for stance in records[s].stances]
    targets = [stance.target for _, stance in items]
    numbers = [parse_numbers(t) for t in targets]
    groups = _cluster(
        len(items),
        lambda i, j: _mutual_coverage(targets[i], targets[j]),
        TARGET_THRESHOLD,
        lambda i, j: _numbers_allow(numbers[i], numbers[j]),
    )
    label = {i: _commonest([targets[j] for j in group], fold) for group in groups for i in group}
    holders: dict[str, str] = {}
    for _, stance in items:
        holders.setdefault(fold(stance.holder), _resolve_holder(stance.holder, entities))
    return [
        StoryStance(
            holder=holders[fold(stance.holder)],
            target=label[i],
            source=source,
            stance=stance.stance,
            evidence=stance.evidence,
            verified=locate(stance.evidence, texts[source]) is not None,
        )
        for i, (source, stance) in enumerate(items)
    ]


# --- The story ------------------------------------------------------------------------------


def build_story(
    records: Mapping[str, Record], texts: Mapping[str, str], backend: Asker | None
) -> StoryRecord:
    """Read several articles' records as one story; without a backend, no tensions are named.

    ``records`` and ``texts`` are keyed by source id, in the order the story lists them.
    """
    sources = list(records)
    missing = [s for s in sources if s not in texts]
    if len(sources) < 2:
        raise InputError("a story needs at least two articles")
    if missing:
        raise InputError(f"no article text for {', '.join(missing)}")
    entities = _resolve_entities(sources, records)
    facts = _facts(sources, records, texts)
    shared = [f for f in facts if len(f.sources) == len(sources)]
    partial = [f for f in facts if len(f.sources) < len(sources)]
    tensions = name_tensions(backend, {s: texts[s] for s in sources}, facts) if backend else []
    return StoryRecord(
        sources=sources,
        entities=entities,
        shared_facts=shared,
        partial_facts=partial,
        tensions=tensions,
        stances=_stances(sources, records, texts, entities),
    )
