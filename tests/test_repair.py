"""Targeted repair: only failed spans are re-asked, fixes are re-checked, nothing is dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_model import DRAFT, Answer, Server, completion, error, running_server

from summarise.backend import SCHEMA_RETRIES, Backend, BackendSettings
from summarise.errors import AnswerError, BackendError
from summarise.figure_evidence import place_all
from summarise.grounding import ground
from summarise.pipeline import summarise_text
from summarise.repair import (
    EXCERPT_SENTENCES,
    FRAME_TOKENS,
    TOKENS_PER_FIX,
    Repairs,
    SpanFix,
    Target,
    apply,
    excerpt,
    targets,
)
from summarise.schema import FilledDraft, Record, RecordDraft

ARTICLE = (
    'The council voted 7 to 2 for a library. "It is for every child," said Mayor Ana Ruiz. '
    "The council voted after a long debate."
)
INVENTED = "Books will be free for all"
"""Stance evidence with no article words near it: code cannot place it, so the model is re-asked."""
loopback = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _answer(*evidence: str) -> dict[str, Any]:
    """The model's answer: the fake model's draft with these stance evidences."""
    data: dict[str, Any] = json.loads(json.dumps(DRAFT))
    stance = data["stances"][0]
    data["stances"] = [{**stance, "evidence": text} for text in evidence]
    return data


def _draft(*evidence: str) -> FilledDraft:
    draft = RecordDraft.model_validate(_answer(*evidence))
    return FilledDraft(**{**dict(draft), "figures": place_all(draft.figures, ARTICLE)})


def test_targets_name_only_failed_stance_evidence() -> None:
    grounded = ground(_draft("voted", INVENTED), ARTICLE)
    assert [t.item for t in targets(grounded)] == ["stances[1]"]
    assert targets(ground(_draft("voted"), ARTICLE)) == []


def test_apply_puts_fixes_in_place_and_ignores_withdrawals_and_strangers() -> None:
    draft = _draft(INVENTED, "approved")
    failed = targets(ground(draft, ARTICLE))
    fixes = Repairs(
        fixes=[
            SpanFix(item="stances[0]", text="The council voted"),
            SpanFix(item="stances[1]", text=None),
            SpanFix(item="stances[7]", text="nonsense"),
        ]
    )
    repaired = apply(draft, fixes, failed)
    assert repaired.stances[0].evidence == "The council voted"
    assert repaired.stances[1].evidence == "approved"  # withdrawn: kept, still flagged
    assert len(repaired.stances) == len(draft.stances)


def _invent_then_fix(server: Server, fixed: str) -> Record:
    """The model invents stance evidence, then answers the repair request with ``fixed``."""
    draft = _answer(INVENTED)
    fix = {"fixes": [{"item": "stances[0]", "text": fixed}]}
    server.script = [Answer(body=completion(draft)), Answer(body=completion(fix, "Repairs"))]
    backend = Backend(BackendSettings(kind="compatible", model="m", http_retries=0), server.url)
    return summarise_text(ARTICLE, backend, reasks=1)


@loopback
def test_pipeline_repairs_invented_evidence_with_one_small_request(server: Server) -> None:
    record = _invent_then_fix(server, "The council voted 7 to 2 for a library.")
    stance = record.stances[0]
    assert stance.evidence == "The council voted 7 to 2 for a library." and stance.check.verified
    assert stance.check.repaired_from == INVENTED
    assert record.provenance.attempts == 2
    assert record.provenance.usage.prompt_tokens == 20
    repair_request = server.requests[1]["messages"][1]["content"]
    assert "stances[0] (evidence; shows the stance of council" in repair_request
    assert f"given as: {INVENTED}" in repair_request


@loopback
def test_a_fix_that_still_fails_stays_flagged(server: Server) -> None:
    record = _invent_then_fix(server, "Free books for all, said the mayor")
    assert not record.stances[0].check.verified
    assert record.ungrounded and "Free books" in record.ungrounded[0]


@loopback
def test_repairs_go_to_their_own_server_so_record_prefixes_stay_cached(server: Server) -> None:
    draft = _answer(INVENTED)
    fix = {"fixes": [{"item": "stances[0]", "text": "The council voted"}]}
    server.script = [Answer(body=completion(draft))]
    with running_server() as repair_server:
        repair_server.script = [Answer(body=completion(fix, "Repairs"))]
        settings = BackendSettings(kind="compatible", model="m", http_retries=0)
        backend = Backend(settings, server.url, repair_url=repair_server.url)
        record = summarise_text(ARTICLE, backend, reasks=1)
    assert record.stances[0].check.verified
    assert [r["tools"][0]["function"]["name"] for r in server.requests] == ["RecordDraft"]
    assert [r["tools"][0]["function"]["name"] for r in repair_server.requests] == ["Repairs"]


def _invent_then_answer_repair(server: Server, repair_answer: Answer) -> Record:
    """The model invents stance evidence; the repair request gets ``repair_answer``."""
    server.script = [Answer(body=completion(_answer(INVENTED))), repair_answer]
    backend = Backend(BackendSettings(kind="compatible", model="m", http_retries=0), server.url)
    return summarise_text(ARTICLE, backend, reasks=1)


def _flagged_as_first_written(record: Record) -> bool:
    stance = record.stances[0]
    return stance.evidence == INVENTED and not stance.check.verified


@loopback
def test_a_repair_cut_off_at_its_small_budget_keeps_the_record_flagged(server: Server) -> None:
    cut = completion({"fixes": [{"item": "stances[0]", "text": "The council voted"}]}, "Repairs")
    cut["choices"][0]["finish_reason"] = "length"
    record = _invent_then_answer_repair(server, Answer(body=cut))
    assert _flagged_as_first_written(record)
    assert record.provenance.attempts == 2
    assert server.requests[1]["max_tokens"] == FRAME_TOKENS + TOKENS_PER_FIX  # one failed item
    assert server.requests[0]["max_tokens"] > server.requests[1]["max_tokens"]


@loopback
def test_a_repair_that_stays_invalid_keeps_the_record_flagged(server: Server) -> None:
    record = _invent_then_answer_repair(server, Answer(body=completion({"fixes": []}, "Repairs")))
    assert _flagged_as_first_written(record)
    assert len(server.requests) == 1 + SCHEMA_RETRIES + 1  # the record, then every re-ask


@loopback
def test_a_backend_failing_during_a_repair_still_fails_the_article(server: Server) -> None:
    with pytest.raises(BackendError) as raised:
        _invent_then_answer_repair(server, error(500))
    assert not isinstance(raised.value, AnswerError)


LONG_ARTICLE = (
    "The council met on Monday. Roads were discussed first. The budget came next. "
    "Councillor Tom Bell said the library would cost too much. Parking fees stay the same. "
    "Mayor Ana Ruiz said every child needs a library. The meeting ended at nine."
)


def test_a_repair_shows_the_sentences_nearest_to_what_was_written_not_the_article() -> None:
    failed = [Target("stances[0]", "Bell says the library costs too much", "shows Bell's stance")]
    lines = excerpt(LONG_ARTICLE, failed).splitlines()
    assert len(lines) == EXCERPT_SENTENCES
    assert "Councillor Tom Bell said the library would cost too much." in lines
    assert "Mayor Ana Ruiz said every child needs a library." not in lines
    assert all(line in LONG_ARTICLE for line in lines)


def test_excerpts_of_several_items_are_merged_in_article_order() -> None:
    failed = [
        Target("stances[0]", "Ruiz: every child needs a library", "shows Ruiz's stance"),
        Target("stances[1]", "Bell said the library costs too much", "shows Bell's stance"),
    ]
    lines = excerpt(LONG_ARTICLE, failed).splitlines()
    assert len(lines) == len(set(lines)) <= 2 * EXCERPT_SENTENCES
    assert lines == sorted(lines, key=LONG_ARTICLE.index)
    bell = lines.index("Councillor Tom Bell said the library would cost too much.")
    assert bell < lines.index("Mayor Ana Ruiz said every child needs a library.")
