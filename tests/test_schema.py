"""The model-facing schema: what the model is told, and what it may not do."""

from __future__ import annotations

import json

import pytest
from fake_model import DRAFT
from pydantic import ValidationError

from summarise.schema import MAX_ITEMS, RecordDraft


def test_fields_carry_no_titles_but_records_keep_their_names() -> None:
    schema = RecordDraft.model_json_schema()
    assert schema["title"] == "RecordDraft"  # instructor names the tool after it
    for definition in [schema, *schema["$defs"].values()]:
        assert all("title" not in field for field in definition["properties"].values())


@pytest.mark.parametrize("field", sorted(MAX_ITEMS))
def test_a_list_past_its_cap_is_refused(field: str) -> None:
    example = json.loads(json.dumps(DRAFT))
    example[field] = example[field][:1] * (MAX_ITEMS[field] + 1)
    with pytest.raises(ValidationError):
        RecordDraft.model_validate(example)
    example[field] = example[field][: MAX_ITEMS[field]]
    RecordDraft.model_validate(example)
    assert RecordDraft.model_json_schema()["properties"][field]["maxItems"] == MAX_ITEMS[field]
