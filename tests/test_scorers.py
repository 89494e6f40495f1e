"""Scorers on a hand-made case: the gold scores 1.0, and each corruption costs its own field only.

The case is written here, not read from ``evals/``, so the scorers are judged on an article
whose every item the test author chose, and the gold files can change without moving these.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

import pytest

from summarise.evaluation.align import (
    align,
    coverage,
    name_similarity,
    quote_similarity,
)
from summarise.evaluation.gold import (
    GoldCase,
    GoldEntity,
    GoldFigure,
    GoldKeyPoint,
    GoldQuote,
    GoldStance,
)
from summarise.evaluation.perfect import record_from_gold
from summarise.evaluation.scorers import (
    SCORERS,
    FieldScore,
    score_case,
    score_figures,
    score_stances,
)
from summarise.schema import Check, Entity, Figure, Quote, Record, Stance
from summarise.sentences import Sentences

SOURCE = """\
NATO leaders meeting in The Hague on June 24\u201325 agreed to raise defence spending to 5% of \
GDP by 2035, up from the current 2% target.
US Defense Secretary Pete Hegseth welcomed the deal. \u201cEurope is finally carrying its fair \
share of the burden,\u201d Hegseth said.
Spain\u2019s prime minister Pedro S\u00e1nchez refused to commit, calling the target \
\u201cunreasonable and counterproductive for a country like Spain\u201d.
Hegseth has long backed the higher target, while S\u00e1nchez said Spain would not be bound by it.
NATO Secretary General Mark Rutte told reporters: \u201cWe are really close to an agreement that \
makes all of us stronger.\u201d
"""

TARGET = "raising NATO defence spending to 5% of GDP"

GOLD = GoldCase(
    case="t01",
    article="inline",
    reviewed=True,
    headline="NATO allies agree to lift defence spending to 5% of GDP by 2035",
    key_points=[
        GoldKeyPoint(
            text="NATO leaders agreed to raise defence spending to 5% of GDP by 2035, "
            "up from a 2% target."
        ),
        GoldKeyPoint(
            text="Spain's prime minister Pedro S\u00e1nchez refused to commit to the new target, "
            "calling it unreasonable."
        ),
        GoldKeyPoint(
            text="US Defense Secretary Pete Hegseth welcomed the deal, saying Europe was finally "
            "carrying its share."
        ),
        GoldKeyPoint(text="Mark Rutte said the allies were close to an agreement.", optional=True),
    ],
    entities=[
        GoldEntity(name="Pete Hegseth", type="person", surface_forms=["Pete Hegseth", "Hegseth"]),
        GoldEntity(
            name="Pedro S\u00e1nchez",
            type="person",
            surface_forms=["Pedro S\u00e1nchez", "S\u00e1nchez"],
        ),
        GoldEntity(
            name="NATO",
            type="organisation",
            surface_forms=["NATO"],
            aliases=["North Atlantic Treaty Organization"],
        ),
        GoldEntity(name="Mark Rutte", type="person", surface_forms=["Mark Rutte"], optional=True),
        GoldEntity(name="Spain", type="place", surface_forms=["Spain"], optional=True),
    ],
    figures=[
        GoldFigure(
            value="5%", number=5, unit="percent of GDP", measures="new defence spending target"
        ),
        GoldFigure(value="2035", number=2035, unit="year", measures="deadline for the new target"),
        GoldFigure(
            value="June 24\u201325",
            number=None,
            unit="date",
            measures="dates of the summit",
            optional=True,
        ),
    ],
    quotes=[
        GoldQuote(
            speaker="Mark Rutte",
            speaker_aliases=["Rutte", "NATO Secretary General"],
            text="We are really close to an agreement that makes all of us stronger.",
        ),
        GoldQuote(
            speaker="Pedro S\u00e1nchez",
            text="unreasonable and counterproductive for a country like Spain",
        ),
        GoldQuote(
            speaker="Pete Hegseth",
            text="Europe is finally carrying its fair share of the burden,",
            optional=True,
        ),
    ],
    stances=[
        GoldStance(
            holder="Pete Hegseth",
            target=TARGET,
            stance="support",
            evidence="Hegseth has long backed the higher target",
        ),
        GoldStance(
            holder="Pedro S\u00e1nchez",
            holder_aliases=["Spain"],
            target=TARGET,
            stance="oppose",
            evidence="Pedro S\u00e1nchez refused to commit",
        ),
        GoldStance(
            holder="Mark Rutte",
            target="reaching an agreement at the summit",
            stance="support",
            alternatives=["neutral"],
            evidence="We are really close to an agreement",
            optional=True,
        ),
    ],
)

FIELDS = tuple(SCORERS)
Corruption = Callable[[Record], Record]
ItemT = TypeVar("ItemT", Entity, Figure, Quote, Stance)


@pytest.fixture(scope="module")
def perfect() -> Record:
    return record_from_gold(GOLD, SOURCE)


@pytest.fixture(scope="module")
def perfect_scores(perfect: Record) -> dict[str, FieldScore]:
    return score_case(GOLD, perfect, SOURCE)


def _prf(score: FieldScore) -> tuple[float, float, float]:
    return score.precision, score.recall, score.f1


def _replace(items: Sequence[ItemT], index: int, **update: object) -> list[ItemT]:
    """Copy ``items`` with the one at ``index`` edited (without validation, as a bug would)."""
    return [item.model_copy(update=update) if i == index else item for i, item in enumerate(items)]


# --- The gold itself --------------------------------------------------------------------------


def test_perfect_record_is_fully_grounded(perfect: Record) -> None:
    assert perfect.ungrounded == []


@pytest.mark.parametrize("field", FIELDS)
def test_gold_scores_one_on_every_field(perfect_scores: dict[str, FieldScore], field: str) -> None:
    score = perfect_scores[field]
    assert _prf(score) == (1.0, 1.0, 1.0), score.reasons
    assert score.reasons == ()


def test_score_case_covers_every_field(perfect_scores: dict[str, FieldScore]) -> None:
    assert list(perfect_scores) == [
        "entities", "figures", "quotes", "speakers", "stances", "key_points", "grounding",
        "validity",
    ]  # fmt: skip
    assert all(score.field == name for name, score in perfect_scores.items())
    assert all(score.score == score.f1 for score in perfect_scores.values())


def test_gold_stance_details(perfect_scores: dict[str, FieldScore]) -> None:
    details = perfect_scores["stances"].details
    assert details["f_avg"] == details["macro_f1"] == 1.0
    assert details["support->support"] == 2.0
    assert details["oppose->oppose"] == 1.0


# --- One corruption, one field ----------------------------------------------------------------


def _fabricated_quote(record: Record) -> Record:
    fake = Quote(
        speaker="Mark Rutte",
        text="Spain will be expelled from the alliance",
        check=Check(verified=True),  # a tampered check: the scorer must not believe it
    )
    return record.model_copy(update={"quotes": [*record.quotes, fake]})


def _flipped_stance(record: Record) -> Record:
    return record.model_copy(update={"stances": _replace(record.stances, 1, stance="support")})


def _wrong_number(record: Record) -> Record:
    return record.model_copy(update={"figures": _replace(record.figures, 0, number=7.0)})


def _misattributed_speaker(record: Record) -> Record:
    return record.model_copy(update={"quotes": _replace(record.quotes, 0, speaker="Pete Hegseth")})


def _dropped_key_fact(record: Record) -> Record:
    kept = [GOLD.key_points[i].text for i in (0, 2, 3)]
    return record.model_copy(update={"key_points": kept, "summary": " ".join(kept)})


# (field, metric) pairs that must drop; every other field must keep its perfect P/R/F1.
CORRUPTIONS: list[tuple[Corruption, dict[str, tuple[str, ...]]]] = [
    (
        _fabricated_quote,
        {"quotes": ("precision", "f1"), "grounding": ("precision", "recall", "f1")},
    ),
    (_flipped_stance, {"stances": ("precision", "recall", "f1", "f_avg", "macro_f1")}),
    (_wrong_number, {"figures": ("precision", "recall", "f1")}),
    (_misattributed_speaker, {"speakers": ("precision", "recall", "f1")}),
    (_dropped_key_fact, {"key_points": ("recall", "f1")}),
]


def _metric(score: FieldScore, metric: str) -> float:
    value = getattr(score, metric, None)
    return float(value) if isinstance(value, float) else score.details[metric]


@pytest.mark.parametrize(
    ("corrupt", "lowered"),
    [pytest.param(c, lowered, id=c.__name__.strip("_")) for c, lowered in CORRUPTIONS],
)
def test_corruption_lowers_only_its_field(
    perfect: Record,
    perfect_scores: dict[str, FieldScore],
    corrupt: Corruption,
    lowered: dict[str, tuple[str, ...]],
) -> None:
    scores = score_case(GOLD, corrupt(perfect), SOURCE)
    for field in FIELDS:
        before, after = perfect_scores[field], scores[field]
        if field not in lowered:
            assert _prf(after) == _prf(before), (field, after.reasons)
            continue
        for metric in lowered[field]:
            assert _metric(after, metric) < _metric(before, metric), (field, metric)
        assert after.reasons, field
        untouched = {"precision", "recall"} - set(lowered[field])
        assert all(_metric(after, m) == 1.0 for m in untouched), (field, untouched)


def test_fabricated_quote_is_a_hallucination_with_a_false_check(perfect: Record) -> None:
    score = SCORERS["grounding"](GOLD, _fabricated_quote(perfect), SOURCE)
    assert score.details["hallucinations"] == 1.0
    assert score.details["false_checks"] == 1.0
    assert score.details["claimed_rate"] == 1.0  # what the tampered record claims
    assert any("its check claims it is" in r for r in score.reasons)


def test_flipped_stance_is_counted_in_the_confusion(perfect: Record) -> None:
    score = score_stances(GOLD, _flipped_stance(perfect), SOURCE)
    assert score.details["oppose->support"] == 1.0
    assert "oppose->oppose" not in score.details
    assert any("is support, gold oppose" in r for r in score.reasons)


def test_misattribution_is_named(perfect: Record) -> None:
    reasons = SCORERS["speakers"](GOLD, _misattributed_speaker(perfect), SOURCE).reasons
    assert reasons == (
        "quote 'We are really close to an agreement that makes all of us st…' attributed to "
        "'Pete Hegseth', gold 'Mark Rutte'",
    )


def test_wrong_number_and_its_text_also_lose_grounding(perfect: Record) -> None:
    record = perfect.model_copy(
        update={"figures": _replace(perfect.figures, 0, number=7.0, value="7%")}
    )
    scores = score_case(GOLD, record, SOURCE)
    assert scores["figures"].f1 < 1.0
    assert scores["grounding"].precision < 1.0
    assert scores["grounding"].details["hallucinations"] == 1.0


def test_a_repaired_item_counts_as_grounded_and_is_counted_as_repaired(perfect: Record) -> None:
    quote = perfect.quotes[0]
    check = quote.check.model_copy(update={"repaired_from": "a paraphrase of it"})
    quotes = [quote.model_copy(update={"check": check}), *perfect.quotes[1:]]
    scores = score_case(GOLD, perfect.model_copy(update={"quotes": quotes}), SOURCE)
    assert scores["grounding"].f1 == 1.0
    assert scores["grounding"].details["repaired"] == 1.0


# --- A faithful paraphrase --------------------------------------------------------------------


def _paraphrase(record: Record) -> Record:
    key_points = [
        "The allies committed to spending 5% of GDP on defence by 2035, up from 2%.",
        "S\u00e1nchez declined to commit Spain to the target, which he called unreasonable.",
        "Hegseth welcomed the agreement, saying Europe now carries its fair share.",
    ]
    surnames = {
        "Pete Hegseth": "Hegseth",
        "Pedro S\u00e1nchez": "S\u00e1nchez",
        "Mark Rutte": "Rutte",
    }
    entities = [
        e.model_copy(
            update={
                "name": surnames.get(e.name, e.name),
                "mentions": [surnames.get(e.name, e.name)],
            }
        )
        for e in record.entities
    ]
    return record.model_copy(
        update={
            "headline": "Allies back 5% defence goal; Spain holds out",
            "summary": " ".join(key_points),
            "key_points": key_points,
            "entities": entities,
        }
    )


@pytest.mark.parametrize("field", ["key_points", "entities"])
def test_faithful_paraphrase_scores_high(perfect: Record, field: str) -> None:
    score = SCORERS[field](GOLD, _paraphrase(perfect), SOURCE)
    assert score.f1 >= 0.8, score.reasons


# --- Conventions ------------------------------------------------------------------------------


def test_empty_gold_and_empty_prediction_score_one(perfect: Record) -> None:
    gold = GOLD.model_copy(update={"quotes": [], "stances": []})
    record = perfect.model_copy(update={"quotes": [], "stances": []})
    scores = score_case(gold, record, SOURCE)
    for field in ("quotes", "speakers", "stances"):
        assert _prf(scores[field]) == (1.0, 1.0, 1.0), field


def test_nothing_predicted_scores_zero(perfect: Record) -> None:
    scores = score_case(GOLD, perfect.model_copy(update={"quotes": []}), SOURCE)
    assert _prf(scores["quotes"]) == (0.0, 0.0, 0.0)
    assert scores["speakers"].f1 == 0.0


@pytest.mark.parametrize(
    ("field", "attribute"),
    [
        pytest.param("entities", "entities", id="entities"),
        pytest.param("figures", "figures", id="figures"),
        pytest.param("quotes", "quotes", id="quotes"),
        pytest.param("stances", "stances", id="stances"),
    ],
)
def test_missing_optional_items_cost_nothing(perfect: Record, field: str, attribute: str) -> None:
    required = [
        item
        for item, g in zip(getattr(perfect, attribute), getattr(GOLD, attribute), strict=True)
        if not g.optional
    ]
    score = SCORERS[field](GOLD, perfect.model_copy(update={attribute: required}), SOURCE)
    assert _prf(score) == (1.0, 1.0, 1.0), score.reasons


def test_accepted_alternative_stance_counts_as_correct(perfect: Record) -> None:
    record = perfect.model_copy(update={"stances": _replace(perfect.stances, 2, stance="neutral")})
    score = score_stances(GOLD, record, SOURCE)
    assert _prf(score) == (1.0, 1.0, 1.0)
    assert score.details["support->neutral"] == 1.0
    assert score.details["macro_f1"] == 1.0


def test_missing_stance_is_a_miss_in_the_confusion(perfect: Record) -> None:
    score = score_stances(GOLD, perfect.model_copy(update={"stances": perfect.stances[:1]}), SOURCE)
    assert score.recall == 0.5
    assert score.precision == 1.0
    assert score.details["oppose->none"] == 1.0
    assert score.details["f_avg"] < 1.0


@pytest.mark.parametrize(
    ("value", "number", "matches"),
    [
        pytest.param("five percent", None, True, id="number-from-words"),
        pytest.param("5 per cent", 5.0, True, id="reworded-value"),
        pytest.param("5%", 5.5, False, id="wrong-number-right-text"),
        pytest.param("7%", None, False, id="wrong-text-no-number"),
    ],
)
def test_figures_match_by_value(
    perfect: Record, value: str, number: float | None, matches: bool
) -> None:
    record = perfect.model_copy(
        update={"figures": _replace(perfect.figures, 0, value=value, number=number)}
    )
    assert (score_figures(GOLD, record, SOURCE).recall == 1.0) is matches


def test_range_gold_matches_either_end(perfect: Record) -> None:
    gold = GOLD.model_copy(
        update={
            "figures": [GoldFigure(value="3.5% to 3.7%", number=3.5, measures="capability cost")]
        }
    )
    figure = perfect.figures[0].model_copy(
        update={"value": "3.7%", "number": 3.7, "measures": "cost"}
    )
    assert score_figures(gold, perfect.model_copy(update={"figures": [figure]}), SOURCE).f1 == 1.0


def test_validity_reports_attempts_and_catches_invalid_edits(perfect: Record) -> None:
    retried = perfect.model_copy(
        update={"provenance": perfect.provenance.model_copy(update={"attempts": 3})}
    )
    score = SCORERS["validity"](GOLD, retried, SOURCE)
    assert score.f1 == 1.0
    assert score.details == {"attempts": 3.0, "retries": 2.0}
    broken = perfect.model_copy(update={"quotes": ["not a quote"]})
    invalid = SCORERS["validity"](GOLD, broken, SOURCE)
    assert invalid.f1 == 0.0
    assert invalid.reasons[0].startswith("invalid record: quotes.0")


def test_entity_types_are_checked_among_matches(perfect: Record) -> None:
    entities = [
        e.model_copy(update={"type": "place"}) if e.name == "NATO" else e for e in perfect.entities
    ]
    score = SCORERS["entities"](GOLD, perfect.model_copy(update={"entities": entities}), SOURCE)
    assert score.f1 == 1.0
    assert score.details["type_accuracy"] == pytest.approx(4 / 5)
    assert score.reasons == ("entity 'NATO' typed place, gold organisation",)


def test_unmatched_prediction_is_named(perfect: Record) -> None:
    extra = Entity(name="Foo", type="other", role="", mentions=["Foo"], check=Check(verified=False))
    score = SCORERS["entities"](
        GOLD, perfect.model_copy(update={"entities": [*perfect.entities, extra]}), SOURCE
    )
    assert score.precision == pytest.approx(5 / 6)
    assert score.reasons == ("unmatched predicted entity 'Foo'",)


# --- Similarities and alignment ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("gold", "predicted", "same"),
    [
        pytest.param("Pete Hegseth", "Hegseth", True, id="surname"),
        pytest.param("Pedro S\u00e1nchez", "PEDRO SANCHEZ", True, id="accents-and-case"),
        pytest.param("Hegseth", "Hegsith", True, id="one-letter-misspelling"),
        pytest.param("Donald Trump", "Donald Tusk", False, id="shared-first-name"),
        pytest.param("United States", "United Nations", False, id="shared-word"),
        pytest.param("NATO", "North Atlantic Treaty Organization", False, id="acronym-needs-alias"),
    ],
)
def test_name_similarity(gold: str, predicted: str, same: bool) -> None:
    assert (name_similarity([gold], [predicted]) >= 0.85) is same


@pytest.mark.parametrize(
    ("predicted", "same"),
    [
        pytest.param(
            "We are really close to an agreement that makes all of us stronger.",
            True,
            id="verbatim",
        ),
        pytest.param(
            "\u201cWE ARE REALLY CLOSE to an agreement that makes all of us stronger\u201d",
            True,
            id="case-and-marks",
        ),
        pytest.param("We are really close to an agreement", True, id="first-half"),
        pytest.param("really close", False, id="two-word-fragment"),
        pytest.param(
            "We are close to a deal that makes us all stronger",
            False,
            id="paraphrase-is-not-a-quote",
        ),
        pytest.param("Spain will be expelled from the alliance", False, id="unrelated"),
    ],
)
def test_quote_similarity(predicted: str, same: bool) -> None:
    gold = "We are really close to an agreement that makes all of us stronger."
    assert (quote_similarity(gold, predicted) >= 0.75) is same


@pytest.mark.parametrize(
    ("statement", "covers"),
    [
        pytest.param("Allies agreed to spend 5% of GDP on defence by 2035.", True, id="paraphrase"),
        pytest.param("NATO", False, id="one-word-subset"),
        pytest.param("Spain refused to commit to the target.", False, id="other-fact"),
    ],
)
def test_coverage(statement: str, covers: bool) -> None:
    fact = GOLD.key_points[0].text
    assert (coverage(fact, statement) >= 0.7) is covers


def test_a_possessive_s_is_not_a_shared_word() -> None:
    fact = GOLD.key_points[1].text  # "Spain's prime minister Pedro Sánchez refused ..."
    assert coverage(fact, "Spain's prime concern") == 0.0  # shares "spain" and "prime" only
    assert coverage(fact, "Spain's prime minister refused the target.") >= 0.7


def _table(scores: dict[tuple[str, str], float]) -> Callable[[str, str], float]:
    return lambda g, p: scores.get((g, p), 0.0)


@pytest.mark.parametrize(
    ("scores", "threshold", "pairs", "left_gold", "left_predicted"),
    [
        pytest.param({("a", "x"): 0.9, ("b", "x"): 0.95, ("b", "y"): 0.8}, 0.5,
                     [("b", "x")], ["a"], ["y"], id="highest-first-no-reuse"),
        pytest.param({("a", "x"): 0.9, ("b", "y"): 0.4}, 0.5,
                     [("a", "x")], ["b"], ["y"], id="below-threshold-unpaired"),
        pytest.param({("a", "x"): 0.7, ("b", "x"): 0.7}, 0.5,
                     [("a", "x")], ["b"], ["y"], id="tie-goes-to-earlier-gold"),
        pytest.param({}, 0.5, [], ["a", "b"], ["x", "y"], id="nothing-similar"),
    ],
)  # fmt: skip
def test_align_greedy(
    scores: dict[tuple[str, str], float],
    threshold: float,
    pairs: list[tuple[str, str]],
    left_gold: list[str],
    left_predicted: list[str],
) -> None:
    alignment = align(["a", "b"], ["x", "y"], _table(scores), threshold)
    assert [(m.gold, m.predicted) for m in alignment.matches] == pairs
    assert list(alignment.unmatched_gold) == left_gold
    assert list(alignment.unmatched_predicted) == left_predicted


@pytest.mark.parametrize(
    ("similarity", "threshold"),
    [
        pytest.param(1.5, 0.5, id="similarity-above-one"),
        pytest.param(-0.1, 0.5, id="similarity-below-zero"),
        pytest.param(0.5, 1.5, id="threshold-above-one"),
    ],
)
def test_align_rejects_out_of_range(similarity: float, threshold: float) -> None:
    with pytest.raises(ValueError, match="must be in"):
        align(["a"], ["x"], lambda g, p: similarity, threshold)


# --- The lead baseline of key points -----------------------------------------------------------


def _with_key_points(record: Record, key_points: list[str]) -> Record:
    """``record`` with these key points and a headline and summary that state no gold fact."""
    return record.model_copy(
        update={"key_points": key_points, "headline": "News", "summary": "Leaders met."}
    )


def test_a_restated_key_point_adds_nothing(perfect: Record) -> None:
    facts = [point.text for point in GOLD.key_points if not point.optional]
    restated = "NATO leaders agreed to lift defence spending to 5% of GDP by 2035."
    assert coverage(facts[0], restated) >= 0.7  # it states the first fact again
    once = SCORERS["key_points"](GOLD, _with_key_points(perfect, facts), SOURCE)
    twice = SCORERS["key_points"](GOLD, _with_key_points(perfect, [*facts, restated]), SOURCE)
    assert (once.precision, twice.precision) == (1.0, 0.75)
    assert twice.recall == once.recall == 1.0
    assert any("adds no gold fact" in reason for reason in twice.reasons)


def test_key_points_that_are_the_lead_score_the_lead(perfect: Record) -> None:
    lead = list(Sentences.of(SOURCE))[:2]
    assert lead[1] == "US Defense Secretary Pete Hegseth welcomed the deal."
    score = SCORERS["key_points"](GOLD, _with_key_points(perfect, lead), SOURCE)
    assert score.details["lead_f1"] == pytest.approx(score.f1)


def test_key_points_that_state_what_the_lead_leaves_out_beat_it(perfect: Record) -> None:
    facts = [point.text for point in GOLD.key_points if not point.optional]
    score = SCORERS["key_points"](GOLD, _with_key_points(perfect, facts), SOURCE)
    assert score.f1 == 1.0
    assert score.details["lead_f1"] < 0.9  # the first three sentences never name Spain's refusal
