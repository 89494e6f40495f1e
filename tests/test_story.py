"""Story mode, offline: the seed story built from gold-derived records, its scorers, tensions.

The three seed articles (000, 002, 003) tell one story, annotated by hand in
``evals/gold/story.yaml``. Records built from each article's gold stand in for a perfect model,
so these tests judge the story builder and the story scorers, never a model. Tension naming is
the one model step; it is fed a canned answer by a fake backend.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from summarise.backend import Reply
from summarise.errors import InputError, PromptError
from summarise.evaluation.gold import GoldStory, load_gold_case, load_gold_story
from summarise.evaluation.perfect import record_from_gold
from summarise.evaluation.story_scorers import (
    STORY_SCORERS,
    score_story,
    score_story_entities,
)
from summarise.grounding import locate
from summarise.numbers import parse_numbers, same_number
from summarise.prompts import render
from summarise.schema import Check, Entity, Provenance, Record, Usage
from summarise.story import (
    TENSIONS_TEMPLATE,
    StoryEntity,
    StoryFact,
    StoryRecord,
    StoryStance,
    Tension,
    TensionDraft,
    TensionsDraft,
    name_tensions,
    story_to_markdown,
    tension_messages,
)
from summarise.story_build import build_story

GOLD = Path(__file__).resolve().parents[1] / "evals" / "gold"
CASES = ("000", "002", "003")


@pytest.fixture(scope="module")
def seeds() -> tuple[dict[str, Record], dict[str, str]]:
    """Case id -> the record a perfect system would give, and case id -> article text."""
    records, texts = {}, {}
    for case in CASES:
        path = GOLD / f"{case}.yaml"
        gold = load_gold_case(path)
        texts[case] = gold.article_text(path)
        records[case] = record_from_gold(gold, texts[case])
    return records, texts


@pytest.fixture(scope="module")
def story(seeds: tuple[dict[str, Record], dict[str, str]]) -> StoryRecord:
    records, texts = seeds
    return build_story(records, texts, backend=None)


@pytest.fixture(scope="module")
def gold_story() -> GoldStory:
    return load_gold_story(GOLD / "story.yaml")


def story_from_gold(gold: GoldStory) -> StoryRecord:
    """The story a perfect builder (and a model naming the gold tensions) would output."""
    return StoryRecord(
        sources=list(gold.cases),
        entities=[
            StoryEntity(name=e.name, type=e.type, forms={gold.cases[0]: list(e.surface_forms)})
            for e in gold.entities
        ],
        shared_facts=[StoryFact(**f.model_dump()) for f in gold.shared_facts],
        partial_facts=[StoryFact(**f.model_dump()) for f in gold.partial_facts],
        tensions=[Tension(**t.model_dump(), verified=True) for t in gold.tensions],
        stances=[
            StoryStance(**s.model_dump(exclude={"alternatives"}), verified=True)
            for s in gold.stances
        ],
    )


def _holding(story: StoryRecord, form: str) -> list[StoryEntity]:
    return [e for e in story.entities if any(form in forms for forms in e.forms.values())]


# --- Building the seed story ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        (
            "Pete Hegseth",
            {
                "000": ["Pete Hegseth", "Hegseth", "Heggsth"],
                "002": ["Pete Hegseth", "Hegseth"],
                "003": ["Pete Hegseth", "Hegseth"],
            },
        ),
        (
            "Mark Rutte",
            {
                "000": ["Mark Rutte", "Rutte", "Rut"],
                "002": ["Mark Rutte", "Rutte"],
                "003": ["Mark Rutte", "Rutte"],
            },
        ),
        ("Netherlands", {"002": ["The Netherlands"], "003": ["Netherlands"]}),
    ],
    ids=["hegseth-with-heggsth", "rutte-with-rut", "netherlands-with-article"],
)
def test_spellings_across_sources_resolve_to_one_entity(
    story: StoryRecord, name: str, forms: dict[str, list[str]]
) -> None:
    found = {id(e): e for fs in forms.values() for f in fs for e in _holding(story, f)}
    assert len(found) == 1, [e.name for e in found.values()]
    (entity,) = found.values()
    assert entity.name == name
    for source, expected in forms.items():
        assert set(expected) <= set(entity.forms[source])


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Pete Hegseth", "Pal Jonson"),
        ("Mark Rutte", "Margarita Robles"),
        ("The Hague", "Netherlands"),
        ("Donald Trump", "United States"),
        ("NATO", "The Netherlands"),
    ],
    ids=["hegseth-jonson", "rutte-robles", "hague-netherlands", "trump-us", "nato-netherlands"],
)
def test_different_entities_stay_apart(story: StoryRecord, a: str, b: str) -> None:
    (left,), (right,) = _holding(story, a), _holding(story, b)
    assert left is not right


def _record(*entities: tuple[str, list[str]]) -> Record:
    """A record holding only ``entities`` (name, mentions), as a model might list them."""
    provenance = Provenance(
        model="test",
        backend="test",
        prompt_version="test",
        schema_version="test",
        source_sha256="0" * 64,
        usage=Usage(),
        latency_s=0.0,
        attempts=1,
    )
    return Record(
        headline="",
        summary="",
        key_points=[],
        entities=[
            Entity(name=n, type="person", role="", mentions=m, check=Check(verified=True))
            for n, m in entities
        ],
        figures=[],
        quotes=[],
        stances=[],
        provenance=provenance,
    )


@pytest.mark.parametrize(
    ("records", "expected"),
    [
        (
            [[("Heggsth", ["Heggsth"])], [("Pete Hegseth", ["Hegseth"])]],
            [{"a": ["Heggsth"], "b": ["Hegseth"]}],
        ),
        (
            [[("Rut", ["Rut"])], [("Mark Rutte", ["Mark Rutte"])], [("Rutte", ["Rutte"])]],
            [{"a": ["Rut"], "b": ["Mark Rutte"], "c": ["Rutte"]}],
        ),
        (
            [[("Jon", ["Jon"])], [("Pal Jonson", ["Pal Jonson"])]],
            [{"a": ["Jon"]}, {"b": ["Pal Jonson"]}],
        ),
        (
            [
                [("United States", ["US"]), ("US ambassador to NATO", ["US ambassador"])],
                [("United States", ["US"])],
            ],
            [{"a": ["US"], "b": ["US"]}, {"a": ["US ambassador"]}],
        ),
    ],
    ids=[
        "misspelt-alone",
        "clipped-alone",
        "short-prefix-is-not-a-name",
        "one-article-keeps-apart",
    ],
)
def test_entity_resolution_on_model_like_records(
    records: list[list[tuple[str, list[str]]]], expected: list[dict[str, list[str]]]
) -> None:
    """Each spelling here is an entity of its own in its article, as a model may list it."""
    sources = "abc"[: len(records)]
    story = build_story(
        {s: _record(*r) for s, r in zip(sources, records, strict=True)},
        dict.fromkeys(sources, ""),
        backend=None,
    )
    assert [e.forms for e in story.entities] == expected


def test_a_shared_fact_states_five_percent_with_evidence_from_every_source(
    story: StoryRecord,
) -> None:
    def states_five(text: str) -> bool:
        return any(same_number(value, 5.0) for value in parse_numbers(text))

    five = [f for f in story.shared_facts if states_five(f.text)]
    assert five, [f.text for f in story.shared_facts]
    fact = five[0]
    assert fact.sources == list(CASES)
    assert sorted(fact.evidence) == list(CASES)
    assert all(states_five(sentence) for sentence in fact.evidence.values())
    # a whole sentence, not cut after the "U." of "U.S."
    assert fact.evidence["000"].startswith("The U.S. president said")


def test_every_evidence_string_is_verbatim_in_its_article(
    story: StoryRecord, seeds: tuple[dict[str, Record], dict[str, str]]
) -> None:
    _, texts = seeds
    facts = [*story.shared_facts, *story.partial_facts]
    cited = [(source, said) for f in facts for source, said in f.evidence.items()]
    assert len(cited) >= 20
    missing = [(source, said) for source, said in cited if locate(said, texts[source]) is None]
    assert not missing
    assert all(set(f.evidence) <= set(f.sources) for f in facts)


def test_shared_facts_have_every_source_and_partial_facts_fewer(story: StoryRecord) -> None:
    assert len(story.shared_facts) >= 3
    assert all(f.sources == list(CASES) for f in story.shared_facts)
    assert story.partial_facts
    assert all(0 < len(f.sources) < len(CASES) for f in story.partial_facts)


def test_stance_matrix_spans_sources_with_holders_resolved(story: StoryRecord) -> None:
    assert {cell.source for cell in story.stances} == set(CASES)
    hegseth = {c.source for c in story.stances if c.holder == "Pete Hegseth"}
    assert hegseth == set(CASES)
    assert all(cell.verified for cell in story.stances)
    holders = {cell.holder for cell in story.stances}
    assert {"NATO allies", "US ambassador to NATO"} <= holders  # not folded into NATO or US


def test_markdown_shows_sources_side_by_side(story: StoryRecord) -> None:
    text = story_to_markdown(story)
    for heading in (
        "## Entities",
        "## Shared facts",
        "## Partial facts",
        "## Tensions",
        "## Stance matrix",
    ):
        assert heading in text
    assert "| entity | type | 000 | 002 | 003 |" in text
    assert "| holder | target | 000 | 002 | 003 |" in text
    assert "Heggsth" in text
    assert "⚠" not in text


def test_markdown_flags_what_is_unverified(story: StoryRecord) -> None:
    cell = story.stances[0].model_copy(update={"verified": False})
    tension = Tension(
        about="The deadline",
        positions={"000": "by 2030", "002": "invented"},
        verified=False,
        problems=["position 'invented' is not in 002"],
    )
    flagged = story.model_copy(update={"stances": [cell], "tensions": [tension]})
    text = story_to_markdown(flagged)
    assert f"| {cell.stance} ⚠ |" in text
    assert "### The deadline ⚠" in text
    assert "| 000 | 002 |" in text
    assert "| “by 2030” | “invented” |" in text


@pytest.mark.parametrize(
    ("records", "texts"),
    [({"000": None}, {"000": ""}), ({"000": None, "002": None}, {"000": ""})],
    ids=["one-article", "text-missing"],
)
def test_build_story_refuses_bad_input(
    seeds: tuple[dict[str, Record], dict[str, str]],
    records: dict[str, None],
    texts: dict[str, str],
) -> None:
    seed_records, _ = seeds
    with pytest.raises(InputError):
        build_story({k: seed_records[k] for k in records}, texts, backend=None)


# --- Story scorers --------------------------------------------------------------------------


def test_gold_story_scores_perfectly(gold_story: GoldStory) -> None:
    scores = score_story(gold_story, story_from_gold(gold_story))
    assert list(scores) == list(STORY_SCORERS)
    assert {name: s.f1 for name, s in scores.items()} == dict.fromkeys(STORY_SCORERS, 1.0)


def test_built_seed_story_scores(gold_story: GoldStory, story: StoryRecord) -> None:
    """Floors at the builder's current scores on the seed story, so a regression fails here.

    entities 1.0 and stance_matrix 1.0; agreement precision 1.0, recall 3/7 (compound key
    points hide four shared facts); unique_facts 0.5 (8 of 16, 12 found by text).
    """
    scores = score_story(gold_story, story)
    assert scores["entities"].f1 == 1.0
    assert scores["stance_matrix"].f1 == 1.0
    assert scores["agreement"].precision == 1.0
    assert scores["agreement"].recall >= 3 / 7
    assert scores["unique_facts"].f1 >= 0.5


def _merge_entities(story: StoryRecord) -> StoryRecord:
    (hegseth,), (rutte,) = _holding(story, "Pete Hegseth"), _holding(story, "Mark Rutte")
    forms = {s: [*hegseth.forms.get(s, []), *rutte.forms.get(s, [])] for s in story.sources}
    merged = hegseth.model_copy(update={"forms": forms})
    entities = [merged if e is hegseth else e for e in story.entities if e is not rutte]
    return story.model_copy(update={"entities": entities})


def _drop_shared_fact(story: StoryRecord) -> StoryRecord:
    return story.model_copy(update={"shared_facts": story.shared_facts[1:]})


def _flip_stance(story: StoryRecord) -> StoryRecord:
    def flip(cell: StoryStance) -> StoryStance:
        if (cell.holder, cell.source) == ("Donald Trump", "000"):
            return cell.model_copy(update={"stance": "oppose"})
        return cell

    return story.model_copy(update={"stances": [flip(c) for c in story.stances]})


def _misattribute_partial_facts(story: StoryRecord) -> StoryRecord:
    def move(fact: StoryFact) -> StoryFact:
        other = story.sources[1] if fact.sources == story.sources[:1] else story.sources[0]
        return fact.model_copy(update={"sources": [other]})

    return story.model_copy(update={"partial_facts": [move(f) for f in story.partial_facts]})


CORRUPTIONS: list[tuple[str, Callable[[StoryRecord], StoryRecord]]] = [
    ("entities", _merge_entities),
    ("agreement", _drop_shared_fact),
    ("stance_matrix", _flip_stance),
    ("unique_facts", _misattribute_partial_facts),
]


@pytest.mark.parametrize("base", ["gold", "built"])
@pytest.mark.parametrize(
    ("field", "corrupt"),
    CORRUPTIONS,
    ids=["merge-hegseth-rutte", "drop-shared-fact", "flip-trump-000", "misattribute-partial"],
)
def test_corruption_lowers_its_own_field_only(
    gold_story: GoldStory,
    story: StoryRecord,
    base: str,
    field: str,
    corrupt: Callable[[StoryRecord], StoryRecord],
) -> None:
    original = story_from_gold(gold_story) if base == "gold" else story
    before = score_story(gold_story, original)
    after = score_story(gold_story, corrupt(original))
    assert after[field].f1 < before[field].f1
    assert after[field].reasons != before[field].reasons
    others = {name: s.f1 for name, s in after.items() if name != field}
    assert others == {name: s.f1 for name, s in before.items() if name != field}


@pytest.mark.parametrize(
    ("stance", "accepted"),
    [("oppose", True), ("mixed", True), ("support", False), ("neutral", False)],
    ids=["gold-label", "alternative", "flipped", "other"],
)
def test_stance_matrix_accepts_gold_alternatives(
    gold_story: GoldStory, stance: str, accepted: bool
) -> None:
    """Gold says Spain opposes the 5% target in 002, mixed acceptable."""
    perfect = story_from_gold(gold_story)

    def relabel(cell: StoryStance) -> StoryStance:
        if (cell.holder, cell.source) == ("Spain", "002"):
            return cell.model_copy(update={"stance": stance})
        return cell

    relabelled = perfect.model_copy(update={"stances": [relabel(c) for c in perfect.stances]})
    score = score_story(gold_story, relabelled)["stance_matrix"]
    assert (score.f1 == 1.0) is accepted
    assert score.details["n"] == len(gold_story.stances)


def _entities_story(*clusters: list[str]) -> StoryRecord:
    return StoryRecord(
        sources=["a", "b"],
        entities=[StoryEntity(name=c[0], type="person", forms={"a": c}) for c in clusters],
        shared_facts=[],
        partial_facts=[],
        tensions=[],
        stances=[],
    )


@pytest.mark.parametrize(
    ("clusters", "precision", "recall"),
    [
        ([["Pete Hegseth", "Heggsth"], ["Mark Rutte", "Rut"]], 1.0, 1.0),
        ([["Pete Hegseth"], ["Heggsth"], ["Mark Rutte", "Rut"]], 1.0, 0.5),
        ([["Pete Hegseth", "Heggsth", "Mark Rutte", "Rut"]], 2 / 6, 1.0),
        ([["Pete Hegseth", "Heggsth", "Mark Rutte"], ["Rut"]], 1 / 3, 0.5),
    ],
    ids=["right", "split-one", "merge-all", "merge-and-split"],
)
def test_entity_score_counts_pairs_of_forms(
    gold_story: GoldStory, clusters: list[list[str]], precision: float, recall: float
) -> None:
    two = gold_story.model_copy(
        update={
            "entities": [e for e in gold_story.entities if e.name in {"Pete Hegseth", "Mark Rutte"}]
        }
    )
    score = score_story_entities(two, _entities_story(*clusters))
    assert score.precision == pytest.approx(precision)
    assert score.recall == pytest.approx(recall)
    assert score.details["form_coverage"] == pytest.approx(4 / 6)  # "Hegseth", "Rutte" absent


def test_entity_score_is_zero_without_any_gold_form(gold_story: GoldStory) -> None:
    assert score_story_entities(gold_story, _entities_story(["Nobody"])).f1 == 0.0


# --- Tensions (the model's step, faked) -----------------------------------------------------

ARTICLES = {
    "a": "The council voted 7 to 2 for the library on Monday. A note read {{ not a variable }}.",
    "b": "The council rejected the library plan, 5 to 4, according to the mayor.",
}
VERBATIM = TensionDraft(
    about="How the council voted",
    source_a="a",
    position_a="The council voted 7 to 2 for the library",
    source_b="b",
    position_b="The council rejected the library plan, 5 to 4",
)
INVENTED = TensionDraft(
    about="Who spoke",
    source_a="a",
    position_a="on Monday",
    source_b="b",
    position_b="the mayor refused to comment",
)
UNKNOWN_SOURCE = TensionDraft(
    about="Timing", source_a="a", position_a="on Monday", source_b="c", position_b="on Sunday"
)


class FakeBackend:
    """Answers every request with one canned draft and remembers what it was asked."""

    def __init__(self, draft: TensionsDraft) -> None:
        self.draft = draft
        self.calls: list[tuple[list[dict[str, Any]], type[Any]]] = []

    def ask(self, messages: list[dict[str, Any]], response_model: type[Any]) -> Reply[Any]:
        self.calls.append((messages, response_model))
        return Reply(draft=self.draft, usage=Usage(), model="fake")


def test_name_tensions_checks_positions_and_drops_nothing() -> None:
    backend = FakeBackend(TensionsDraft(tensions=[VERBATIM, INVENTED, UNKNOWN_SOURCE]))
    tensions = name_tensions(backend, ARTICLES, [])
    assert [t.about for t in tensions] == ["How the council voted", "Who spoke", "Timing"]
    assert [t.verified for t in tensions] == [True, False, False]
    assert tensions[0].positions == {"a": VERBATIM.position_a, "b": VERBATIM.position_b}
    assert tensions[0].problems == []
    assert tensions[1].problems == ["position 'the mayor refused to comment' is not in b"]
    assert tensions[2].problems == ["'c' is not one of the sources"]
    ((_, response_model),) = backend.calls
    assert response_model is TensionsDraft


def test_tension_prompt_carries_articles_verbatim_with_braces() -> None:
    facts = [StoryFact(text="The council met.", sources=["a", "b"])]
    backend = FakeBackend(TensionsDraft(tensions=[]))
    assert name_tensions(backend, ARTICLES, facts) == []
    ((messages, _),) = backend.calls
    (message,) = messages
    assert message["role"] == "user"
    content = message["content"]
    assert content == tension_messages(ARTICLES, facts)[0]["content"]
    for text in ARTICLES.values():
        assert content.count(text) == 1
    assert "{{ not a variable }}" in content
    assert "- The council met. (articles a, b)" in content


def test_tension_template_is_strict() -> None:
    with pytest.raises(PromptError, match="articles"):
        render(TENSIONS_TEMPLATE, facts=[])


def test_build_story_names_tensions_only_with_a_backend(
    seeds: tuple[dict[str, Record], dict[str, str]], story: StoryRecord
) -> None:
    records, texts = seeds
    draft = TensionDraft(
        about="Germany and the 5% target",
        source_a="000",
        position_a='it would be "extremely difficult" to reach the 5% target',
        source_b="003",
        position_b="Last month Germany accepted in principle",
    )
    backend = FakeBackend(TensionsDraft(tensions=[draft]))
    with_model = build_story(records, texts, backend)
    assert [t.verified for t in with_model.tensions] == [True]
    assert with_model.model_copy(update={"tensions": []}) == story
    assert story.tensions == []
