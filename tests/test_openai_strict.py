"""The OpenAI backend asks in strict mode, with tool schemas that strict mode accepts.

OpenAI cannot be reached from here, so no cassette holds one of its answers. What can be checked
offline is what the backend sends. OpenAI refuses a strict tool whose schema lets any object
take keys it does not list, or leaves any property out of ``required`` (an optional field must
be required and nullable instead). A field added later with a default would break every OpenAI
run while the embedded model, which is not strict, kept passing. So every model-facing schema
(the record, the repair, the story's tensions) is checked here as a loopback server receives it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fake_model import DRAFT, Answer, Server, completion
from pydantic import BaseModel

from summarise.backend import Backend, BackendSettings
from summarise.repair import Repairs
from summarise.schema import RecordDraft, _Strict
from summarise.story import TensionsDraft

loopback = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
MESSAGES = [{"role": "user", "content": "Summarise: the council voted 7 to 2."}]
ANSWERS: list[tuple[type[BaseModel], dict[str, Any]]] = [
    (RecordDraft, DRAFT),
    (Repairs, {"fixes": [{"item": "stances[0]", "text": None}]}),
    (TensionsDraft, {"tensions": []}),
]


def _objects(node: Any, path: str = "$") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object schema inside ``node``, with where it is."""
    if isinstance(node, dict):
        if node.get("type") == "object" or "properties" in node:
            yield path, node
        for key, value in node.items():
            yield from _objects(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _objects(value, f"{path}[{index}]")


def strict_mode_problems(schema: dict[str, Any]) -> list[str]:
    """What OpenAI's strict mode would refuse in ``schema``, one line each."""
    problems = []
    for path, node in _objects(schema):
        if node.get("additionalProperties") is not False:
            problems.append(f"{path} does not forbid keys it does not list")
        missing = set(node.get("properties", {})) - set(node.get("required", []))
        if missing:
            problems.append(f"{path} leaves {sorted(missing)} out of required")
    return problems


def _openai_backend(url: str) -> Backend:
    settings = BackendSettings(kind="openai", model="gpt-test", api_key="sk-test-0123456789")
    return Backend(settings, url)


@loopback
@pytest.mark.parametrize(
    ("response_model", "answer"), ANSWERS, ids=[m.__name__ for m, _ in ANSWERS]
)
def test_openai_tool_schemas_are_strict(
    server: Server, response_model: type[BaseModel], answer: dict[str, Any]
) -> None:
    server.script = [Answer(body=completion(answer, response_model.__name__))]
    _openai_backend(server.url).ask(MESSAGES, response_model)
    (tool,) = server.requests[-1]["tools"]
    assert tool["function"]["strict"] is True
    assert strict_mode_problems(tool["function"]["parameters"]) == []


@loopback
def test_a_compatible_server_is_not_asked_for_strict_mode(server: Server) -> None:
    """llama.cpp, Ollama and vLLM differ in what of strict mode they accept; they are not asked."""
    server.script = [Answer(body=completion(DRAFT))]
    settings = BackendSettings(kind="compatible", model="m", base_url=server.url)
    Backend(settings, server.url).extract(MESSAGES)
    (tool,) = server.requests[-1]["tools"]
    assert not tool["function"].get("strict")


class _Loose(_Strict):
    name: str
    nickname: str | None = None  # has a default, so pydantic leaves it out of required


class _Open(BaseModel):
    name: str


@pytest.mark.parametrize(
    ("model", "expected"),
    [
        (_Loose, "$ leaves ['nickname'] out of required"),
        (_Open, "$ does not forbid keys it does not list"),
    ],
    ids=["default", "extra-allowed"],
)
def test_the_check_finds_what_strict_mode_refuses(model: type[BaseModel], expected: str) -> None:
    assert strict_mode_problems(model.model_json_schema()) == [expected]
