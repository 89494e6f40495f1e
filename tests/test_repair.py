"""Targeted repair: only failed spans are re-asked, fixes are re-checked, nothing is dropped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fake_model import DRAFT, Answer, Server, completion, running_server

from summarise.backend import Backend, BackendSettings
from summarise.grounding import ground
from summarise.pipeline import summarise_text
from summarise.repair import Repairs, SpanFix, apply, targets
from summarise.schema import Record, RecordDraft

ARTICLE = (
    'The council voted 7 to 2 for a library. "It is for every child," said Mayor Ana Ruiz. '
    "The council voted after a long debate."
)
INVENTED = "Books will be free for all"
"""A quote with no article words near it: code cannot place it, so the model is re-asked."""
loopback = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def _draft(quote: str, evidence: str = "voted") -> RecordDraft:
    data: dict[str, Any] = json.loads(json.dumps(DRAFT))
    data["quotes"][0]["text"] = quote
    data["stances"][0]["evidence"] = evidence
    return RecordDraft.model_validate(data)


def test_targets_name_only_failed_quotes_and_stances() -> None:
    grounded = ground(_draft(INVENTED, evidence="voted"), ARTICLE)
    assert [t.item for t in targets(grounded)] == ["quotes[0]"]
    assert targets(ground(_draft("It is for every child"), ARTICLE)) == []


def test_apply_puts_fixes_in_place_and_ignores_withdrawals_and_strangers() -> None:
    draft = _draft(INVENTED, evidence="approved")
    failed = targets(ground(draft, ARTICLE))
    fixes = Repairs(
        fixes=[
            SpanFix(item="quotes[0]", text="It is for every child"),
            SpanFix(item="stances[0]", text=None),
            SpanFix(item="quotes[7]", text="nonsense"),
        ]
    )
    repaired = apply(draft, fixes, failed)
    assert repaired.quotes[0].text == "It is for every child"
    assert repaired.stances[0].evidence == "approved"  # withdrawn: kept, still flagged
    assert len(repaired.quotes) == len(draft.quotes)


def _misquote_then_fix(server: Server, fixed: str) -> Record:
    """The model invents a quote, then answers the repair request with ``fixed``."""
    draft = _draft(INVENTED).model_dump()
    fix = {"fixes": [{"item": "quotes[0]", "text": fixed}]}
    server.script = [Answer(body=completion(draft)), Answer(body=completion(fix, "Repairs"))]
    backend = Backend(BackendSettings(kind="compatible", model="m", http_retries=0), server.url)
    return summarise_text(ARTICLE, backend, reasks=1)


@loopback
def test_pipeline_repairs_a_misquote_with_one_small_request(server: Server) -> None:
    record = _misquote_then_fix(server, "It is for every child")
    assert record.quotes[0].text == "It is for every child" and record.quotes[0].check.verified
    assert record.provenance.attempts == 2
    assert record.provenance.usage.prompt_tokens == 20
    repair_request = server.requests[1]["messages"][1]["content"]
    assert f"quotes[0] (quote; said by Ana Ruiz), given as: {INVENTED}" in repair_request
    assert "stances[0]" not in repair_request  # its evidence was verified: not re-asked


@loopback
def test_a_fix_that_still_fails_stays_flagged(server: Server) -> None:
    record = _misquote_then_fix(server, "Free books for all, said the mayor")
    assert not record.quotes[0].check.verified
    assert record.ungrounded and "Free books" in record.ungrounded[0]


@loopback
def test_repairs_go_to_their_own_server_so_record_prefixes_stay_cached(server: Server) -> None:
    draft = _draft(INVENTED).model_dump()
    fix = {"fixes": [{"item": "quotes[0]", "text": "It is for every child"}]}
    server.script = [Answer(body=completion(draft))]
    with running_server() as repair_server:
        repair_server.script = [Answer(body=completion(fix, "Repairs"))]
        settings = BackendSettings(kind="compatible", model="m", http_retries=0)
        backend = Backend(settings, server.url, repair_url=repair_server.url)
        record = summarise_text(ARTICLE, backend, reasks=1)
    assert record.quotes[0].check.verified
    assert [r["tools"][0]["function"]["name"] for r in server.requests] == ["RecordDraft"]
    assert [r["tools"][0]["function"]["name"] for r in repair_server.requests] == ["Repairs"]
