"""The model-facing schema: what the model is told, and what it may not do."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from summarise import prompts
from summarise.schema import MAX_ITEMS, RecordDraft


def _worked_example() -> str:
    """The example record the instructions show the model, one JSON line."""
    system = prompts.render("record.system")
    return next(line for line in system.splitlines() if line.startswith('{"headline"'))


def test_fields_carry_no_titles_but_records_keep_their_names() -> None:
    schema = RecordDraft.model_json_schema()
    assert schema["title"] == "RecordDraft"  # instructor names the tool after it
    for definition in [schema, *schema["$defs"].values()]:
        assert all("title" not in field for field in definition["properties"].values())


def test_the_worked_example_in_the_instructions_is_a_valid_record() -> None:
    RecordDraft.model_validate_json(_worked_example())


@pytest.mark.parametrize("field", sorted(MAX_ITEMS))
def test_a_list_past_its_cap_is_refused(field: str) -> None:
    example = json.loads(_worked_example())
    example[field] = example[field][:1] * (MAX_ITEMS[field] + 1)
    with pytest.raises(ValidationError):
        RecordDraft.model_validate(example)
    example[field] = example[field][: MAX_ITEMS[field]]
    RecordDraft.model_validate(example)
    assert RecordDraft.model_json_schema()["properties"][field]["maxItems"] == MAX_ITEMS[field]
