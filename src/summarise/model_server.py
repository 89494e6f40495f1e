"""llama.cpp's OpenAI-compatible server, with the JSON grammar checked lazily and cut answers told.

llama-cpp-python puts the grammar in the sampler chain before the token choice, so every
generated token runs the grammar over the whole 151,936-token vocabulary: measured, about 30 ms
of a token's 80 ms on two cores. llama.cpp's own ``common_sampler`` avoids this: it picks a
token without the grammar, checks that one token against it, and only when it is refused masks
the whole vocabulary and picks again. For greedy decoding (``summarise`` asks with temperature
0) the two give the same token: if the best token is allowed, it is also the best allowed one.

This module installs that order into llama-cpp-python's ``Llama`` and then runs its server,
so the embedded model gives the same answers over HTTP, only sooner. It also reports a tool call
cut off by ``max_tokens`` as ``finish_reason`` ``"length"``, as OpenAI does, where
llama-cpp-python says ``"tool_calls"``. When
``$SUMMARISE_PREFIX_STEM`` is set it also keeps the prompt state on disk between runs
(:mod:`summarise.prefix_store`). It is the program the
embedded backend starts (``python -m summarise.model_server``); it imports llama_cpp, so it is
never imported by the CLI itself.
"""

from __future__ import annotations

import ctypes
import math
import os
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import llama as llama_module
from llama_cpp import llama_chat_format
from llama_cpp.server.__main__ import main as serve_main

from summarise import prefix_store
from summarise.embedded import PREFIX_STEM_ENV

_CELL = np.dtype([("id", np.intc), ("logit", np.single), ("p", np.single)], align=True)


class LazyGrammarSampler:
    """Pick with ``chain`` alone; fall back to ``grammar`` then ``chain`` only on refusal.

    Stands in for llama-cpp-python's ``LlamaSampler`` where ``Llama`` uses it (``sample``).
    Like llama.cpp's ``llama_sampler_sample``, it accepts the chosen token into every stateful
    sampler (repetition penalties, grammar), so their state matches the eager chain's.
    """

    def __init__(self, chain: Any, grammar: Any, n_vocab: int) -> None:
        self._chain = chain  # a llama_cpp._internals.LlamaSampler, kept alive here
        self._grammar = grammar
        self._cells = np.zeros(n_vocab, dtype=_CELL)
        self._ids = np.arange(n_vocab, dtype=np.intc)
        self._one = np.zeros(1, dtype=_CELL)
        self.refusals = 0

    def _candidates(self, logits: Any) -> Any:
        """Every vocabulary token with its raw logit, as llama.cpp's sampler input."""
        n_vocab = len(self._cells)
        self._cells["id"] = self._ids
        self._cells["logit"] = np.ctypeslib.as_array(logits, shape=(n_vocab,))
        self._cells["p"] = 0.0
        return llama_cpp.llama_token_data_array(
            data=self._cells.ctypes.data_as(llama_cpp.llama_token_data_p),
            size=n_vocab,
            selected=-1,
            sorted=False,
        )

    def _pick(self, candidates: Any, *samplers: Any) -> int:
        for sampler in samplers:
            llama_cpp.llama_sampler_apply(sampler, ctypes.byref(candidates))
        chosen = ctypes.cast(candidates.data, llama_cpp.llama_token_data_p)[candidates.selected]
        return int(chosen.id)

    def _allowed(self, token: int) -> bool:
        """Whether the grammar, in its current state, lets ``token`` come next."""
        self._one["id"], self._one["logit"], self._one["p"] = token, 0.0, 0.0
        single = llama_cpp.llama_token_data_array(
            data=self._one.ctypes.data_as(llama_cpp.llama_token_data_p),
            size=1,
            selected=-1,
            sorted=False,
        )
        llama_cpp.llama_sampler_apply(self._grammar, ctypes.byref(single))
        return not math.isinf(float(self._one["logit"][0]))

    def sample(self, ctx: Any, idx: int = -1) -> int:
        """Choose the next token from the logits at ``idx`` and accept it."""
        logits = llama_cpp.llama_get_logits_ith(ctx.ctx, idx)
        token = self._pick(self._candidates(logits), self._chain.sampler)
        if not self._allowed(token):
            self.refusals += 1
            candidates = self._candidates(logits)
            token = self._pick(candidates, self._grammar, self._chain.sampler)
        llama_cpp.llama_sampler_accept(self._chain.sampler, token)
        llama_cpp.llama_sampler_accept(self._grammar, token)
        return token

    def close(self) -> None:
        """Free the grammar sampler (the chain frees itself)."""
        if self._grammar is not None:
            llama_cpp.llama_sampler_free(self._grammar)
            self._grammar = None

    def __del__(self) -> None:
        self.close()


_eager_init_sampler = llama_module.Llama._init_sampler


def _lazy_init_sampler(self: Any, *args: Any, **kwargs: Any) -> Any:
    """``Llama._init_sampler`` with the grammar taken out of the chain and checked lazily."""
    grammar = kwargs.get("grammar")
    chain = _eager_init_sampler(self, *args, **{**kwargs, "grammar": None})
    if grammar is None:
        return chain
    grammar_sampler = llama_cpp.llama_sampler_init_grammar(
        self._model.vocab, grammar._grammar.encode("utf-8"), grammar._root.encode("utf-8")
    )
    return LazyGrammarSampler(chain, grammar_sampler, self._n_vocab)


_tool_call_response = llama_chat_format._convert_completion_to_chat_function


def _tool_call_response_saying_if_cut(
    tool_name: str, completion_or_chunks: Any, stream: bool
) -> Any:
    """The tool-call response, with ``finish_reason`` ``"length"`` when ``max_tokens`` cut it.

    llama-cpp-python reports every tool call as ``"tool_calls"``, even one cut off mid-JSON.
    OpenAI says ``"length"``, and on that instructor stops at once with a clear error; told
    ``"tool_calls"`` it re-asked twice with the cut-off text appended, which on a long record
    took minutes and then overflowed the context.
    """
    response = _tool_call_response(tool_name, completion_or_chunks, stream)
    if not stream and completion_or_chunks["choices"][0]["finish_reason"] == "length":
        response["choices"][0]["finish_reason"] = "length"
    return response


def install() -> None:
    """Make every ``Llama`` in this process check its grammar lazily and report cut answers."""
    setattr(llama_module.Llama, "_init_sampler", _lazy_init_sampler)  # noqa: B010
    setattr(  # noqa: B010
        llama_chat_format,
        "_convert_completion_to_chat_function",
        _tool_call_response_saying_if_cut,
    )


if __name__ == "__main__":
    install()
    if os.environ.get(PREFIX_STEM_ENV):
        prefix_store.install()
    serve_main()  # type: ignore[no-untyped-call]
