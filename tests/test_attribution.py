"""Speakers read from the article's attribution: the common news patterns, hand-made."""

from __future__ import annotations

import pytest

from summarise.attribution import attribute, unlisted_speakers
from summarise.quotations import find_quotations
from summarise.schema import EntityDraft


def _person(name: str) -> EntityDraft:
    return EntityDraft(name=name, type="person", role="")


def _speakers(source: str, *entities: EntityDraft) -> list[str | None]:
    return attribute(source, find_quotations(source), entities)


def test_name_before_or_after_the_verb_following_the_quotation() -> None:
    source = (
        "\u201cBeing friendly doesn\u2019t make you friends,\u201d Gates said.\n"
        "\u201cWe weren\u2019t friends,\u201d said Rice.\n"
        "\u201cIt is credible,\u201d writes Michael Oppenheimer, a scientist."
    )
    gates, rice = _person("Robert Gates"), _person("Condoleezza Rice")
    assert _speakers(source, gates, rice) == [
        "Robert Gates",
        "Condoleezza Rice",
        "Michael Oppenheimer",  # not in the record: the article's own spelling
    ]


def test_the_person_at_the_verb_wins_over_an_organisation_beside_it() -> None:
    source = "'We are really close' says NATO chief Rutte"
    nato = EntityDraft(name="NATO", type="organisation", role="")
    assert _speakers(source, nato, _person("Mark Rutte")) == ["Mark Rutte"]


def test_name_before_the_quotation_in_its_sentence() -> None:
    source = (
        "Mann calls Hansen\u2019s arguments \u201cmisguided policy advocacy.\u201d\n"
        "Defence Minister Margarita Robles said it was \u201cenough\u201d for Spain."
    )
    entities = (_person("James Hansen"), _person("Michael Mann"))
    assert _speakers(source, *entities) == ["Michael Mann", "Margarita Robles"]


def test_a_misspelled_surname_is_the_record_entity() -> None:
    source = "\u201cWe are here to continue the work,\u201d Heggsth said."
    assert _speakers(source, _person("Pete Hegseth")) == ["Pete Hegseth"]


def test_a_surname_alone_takes_the_articles_full_name() -> None:
    source = "Michael Mann disagrees.\n\u201cI come away with other conclusions,\u201d Mann writes."
    assert _speakers(source) == ["Michael Mann"]


def test_a_pronoun_is_the_person_named_last() -> None:
    source = (
        "\u201cWe have to go faster,\u201d Rutte told reporters.\n"
        "He added: \u201cA new programme will be at the heart of the summit.\u201d\n"
        "\u201cWe are close,\u201d he said, and added that he has \u201ctotal confidence\u201d."
    )
    rutte = _person("Mark Rutte")
    assert _speakers(source, rutte) == ["Mark Rutte"] * 4


def test_a_quotation_continues_the_speaker_of_the_one_before_in_its_paragraph() -> None:
    source = (
        "\u201cHumanity made a bargain,\u201d Hansen said in a webinar. "
        "\u201cNow our first payment is due.\u201d\n"
        "\u201cThe authors are wrong,\u201d Mann writes. \u201cThis is a fallacy.\u201d"
    )
    entities = (_person("James Hansen"), _person("Michael Mann"))
    assert _speakers(source, *entities) == [
        "James Hansen",
        "James Hansen",
        "Michael Mann",
        "Michael Mann",
    ]


def test_nobody_named_is_none() -> None:
    assert _speakers("The law calls the hunt \u201ccruel\u201d.") == [None]


def test_an_abbreviated_title_does_not_end_the_attribution() -> None:
    source = "\u201cWe are friends,\u201d said Mr. Gates."
    assert _speakers(source, _person("Robert Gates")) == ["Robert Gates"]


def test_a_pronoun_is_never_an_organisation_named_at_a_verb() -> None:
    source = (
        "Mark Rutte spoke first.\n"
        "\u201cWe agree,\u201d NATO said.\n"
        "\u201cWe are close,\u201d he added."
    )
    nato = EntityDraft(name="NATO", type="organisation", role="")
    assert _speakers(source, nato, _person("Mark Rutte")) == ["NATO", "Mark Rutte"]


def test_a_name_with_an_accented_capital_is_a_name() -> None:
    source = "\u201cWir sind bereit,\u201d said \u00d6zdemir."
    assert _speakers(source, _person("Cem \u00d6zdemir")) == ["Cem \u00d6zdemir"]


def test_an_entity_with_a_blank_name_is_ignored() -> None:
    blank = EntityDraft(name=" ", type="person", role="")
    assert _speakers("\u201cHello,\u201d Gates said.", blank) == ["Gates"]


def test_a_sentence_opener_is_not_a_first_name() -> None:
    source = "But Gates arrived late.\n\u201cWe talked,\u201d Gates said."
    assert _speakers(source) == ["Gates"]


def test_people_quoted_by_name_but_not_listed_become_known_once_each() -> None:
    source = (
        "\u201cIt is credible,\u201d writes Michael Oppenheimer, a scientist.\n"
        "\u201cIt is not,\u201d Gates said. \u201cNever,\u201d NATO said.\n"
        "\u201cStill credible,\u201d said Michael Oppenheimer. \u201cWhat?\u201d asked nobody."
    )
    gates = _person("Robert Gates")
    speakers = _speakers(source, gates)
    assert unlisted_speakers(speakers, [gates]) == ["Michael Oppenheimer"]  # not NATO, not Gates
    assert unlisted_speakers([None, "Gates"], []) == []  # nobody named; one word is no person


def test_spanish_speech_verbs_name_the_speaker_not_the_person_named_last() -> None:
    source = (
        "El juez cita a doña Cristina como imputada.\n"
        "\u00abNo lo s\u00e9\u00bb, manifest\u00f3 Castro, que al ser preguntado, declar\u00f3: "
        "\u00abNo estoy en la intenci\u00f3n de ellos\u00bb.\n"
        "\u00abLas meras conjeturas no constituyen imputaci\u00f3n\u00bb, sosten\u00eda Horrach."
    )
    entities = (_person("Cristina de Borb\u00f3n"), _person("Jos\u00e9 Castro"))
    assert _speakers(source, *entities, _person("Pedro Horrach")) == [
        "Jos\u00e9 Castro",
        "Jos\u00e9 Castro",
        "Pedro Horrach",
    ]


def test_a_pronoun_is_a_person_named_at_a_verb_without_a_quotation() -> None:
    # Neither traveller is in the record; each is named at a speech verb, then quoted as "she"/"he".
    source = (
        "\u201cAll clear,\u201d said Anna Berg, a spokeswoman.\n"
        "Nadia Okafor said Monday that she left early.\n"
        "\u201cThe lines were short,\u201d she said.\n"
        "Weather expert Tomas Lind predicted more snow.\n"
        "But, he added: \u201cThe worst is over.\u201d"
    )
    assert _speakers(source, _person("Anna Berg")) == ["Anna Berg", "Nadia Okafor", "Tomas Lind"]


def test_a_middle_initial_stays_in_the_name() -> None:
    source = "Brian M. Good said he was worried.\n\u201cThe roads were dead,\u201d he said."
    assert _speakers(source) == ["Brian M. Good"]


def test_the_speaker_is_the_person_a_prepositional_phrase_hangs_on() -> None:
    source = (
        "\u201cWe will decide tomorrow,\u201d Patrol Chief James Hall with the City Police "
        "Department said.\n"
        "\u201cIt was an honour,\u201d Secretary of State Condoleezza Rice said."
    )
    police = EntityDraft(name="City Police Department", type="organisation", role="")
    assert _speakers(source, police) == ["James Hall", "Condoleezza Rice"]


def test_a_shared_surname_with_another_given_name_is_another_person() -> None:
    source = (
        "\u201cWe will decide,\u201d said James Hall.\n"
        "\u201cQuiet car, window seat,\u201d Ellie Hall tweeted.\n"
        "\u201cStill deciding,\u201d Hall said."
    )
    assert _speakers(source, _person("James Hall")) == ["James Hall", "Ellie Hall", "James Hall"]


@pytest.mark.parametrize(
    ("source", "entity", "speaker"),
    [
        ('"We hold," Ukrainian President Zelensky said.', "Volodymyr Zelensky", None),
        ('"We are close," NATO Secretary-General Rutte said.', "Mark Rutte", None),
        ('"Five percent," U.S. Defense Secretary Hegseth said.', "Pete Hegseth", None),
        ('"No," Sen. Schumer said.', "Chuck Schumer", None),
        ('"Good choice," Secretary of State Rice said.', "Condoleezza Rice", None),
        ('"Yes," Vice President Vance said.', "JD Vance", None),
        (
            '"We back it," High Representative for Foreign Affairs Kaja Kallas said.',
            None,
            "Kaja Kallas",
        ),
    ],
    ids=[
        "nationality",
        "acronym",
        "abbreviation",
        "abbreviated-title",
        "of-title",
        "vice",
        "for-phrase",
    ],
)
def test_words_before_a_surname_that_are_no_given_name_keep_the_person(
    source: str, entity: str | None, speaker: str | None
) -> None:
    """A title's other words are not a given name, and a title's own "for" phrase is no speaker."""
    entities = [_person(entity)] if entity else []
    assert _speakers(source, *entities) == [speaker or entity]


def test_an_institution_at_a_verb_is_not_a_person_a_pronoun_stands_for() -> None:
    source = (
        "Mayor Karen Bass spoke first.\n"
        "The National Weather Service predicted rain.\n"
        "The White House said it would help.\n"
        '"We are ready," she said.'
    )
    assert _speakers(source, _person("Karen Bass")) == ["Karen Bass"]
