"""The lazily checked grammar gives the eager chain's tokens, on the real embedded model.

Greedy decoding with the grammar checked only on refusal must pick exactly what the grammar in
the chain picks; otherwise the speed-up would change records. Needs llama-cpp-python and the
bundled model (README command 1 installs both); skipped where they are absent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from summarise.errors import ModelUnavailable

llama_cpp = pytest.importorskip("llama_cpp")

from summarise import embedded, model_server  # noqa: E402

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string"}, "founded": {"type": "integer"}},
    "required": ["city", "founded"],
}
# A question the model would rather answer in prose, so the grammar must refuse its first pick.
PROMPT = "Question: which city is the capital of France, and when was it founded?\nAnswer:"


@pytest.fixture(scope="module")
def llm() -> Iterator[Any]:
    try:
        gguf = embedded.model_path(None)
    except ModelUnavailable as exc:
        pytest.skip(f"embedded model not installed: {exc}")
    model = llama_cpp.Llama(str(gguf), n_ctx=512, n_threads=2, verbose=False)
    yield model
    model.close()


def _complete(llm: Any, lazy: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[str, Any]:
    init = model_server._lazy_init_sampler if lazy else model_server._eager_init_sampler
    monkeypatch.setattr(llama_cpp.llama.Llama, "_init_sampler", init)
    llm.reset()  # the same cold start for both, so KV state cannot differ
    grammar = llama_cpp.LlamaGrammar.from_json_schema(json.dumps(SCHEMA), verbose=False)
    reply = llm.create_completion(PROMPT, grammar=grammar, temperature=0, max_tokens=40)
    return reply["choices"][0]["text"], llm._sampler


def test_lazy_grammar_picks_the_eager_tokens(llm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    eager, _ = _complete(llm, lazy=False, monkeypatch=monkeypatch)
    lazy, sampler = _complete(llm, lazy=True, monkeypatch=monkeypatch)
    assert lazy == eager
    assert set(json.loads(lazy)) == {"city", "founded"}
    assert isinstance(sampler, model_server.LazyGrammarSampler)
    assert sampler.refusals > 0  # the fallback path ran, not only the fast one


def test_without_a_grammar_the_chain_is_llamas_own(llm: Any) -> None:
    sampler = model_server._lazy_init_sampler(llm, temp=0.0)
    assert not isinstance(sampler, model_server.LazyGrammarSampler)


def _completion(finish_reason: str) -> dict[str, Any]:
    return {
        "id": "cmpl-1",
        "created": 0,
        "model": "m",
        "choices": [
            {"text": '{"headline": "cut', "logprobs": None, "finish_reason": finish_reason}
        ],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }


@pytest.mark.parametrize(("finish", "reported"), [("length", "length"), ("stop", "tool_calls")])
def test_a_tool_call_cut_by_max_tokens_says_length(finish: str, reported: str) -> None:
    response = model_server._tool_call_response_saying_if_cut("Record", _completion(finish), False)
    assert response["choices"][0]["finish_reason"] == reported
    assert response["choices"][0]["message"]["tool_calls"][0]["function"]["name"] == "Record"


def test_install_replaces_what_llama_cpp_python_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    from llama_cpp import llama, llama_chat_format

    # restored after the test, whatever install() sets
    for owner, name in [
        (llama_chat_format, "_convert_completion_to_chat_function"),
        (llama.Llama, "_init_sampler"),
    ]:
        monkeypatch.setattr(owner, name, getattr(owner, name))
    model_server.install()
    assert (
        llama_chat_format._convert_completion_to_chat_function
        is model_server._tool_call_response_saying_if_cut
    )
