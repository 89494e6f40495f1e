"""The embedded server's prompt prefix, kept on disk so a new run need not read it again.

Every record request starts with the same ~1,600 tokens (tool schema, instructions, worked
example). Within one run llama.cpp reuses them from its live KV cache, but each ``summarise``
run starts a new server, and reading them costs ~25 s on two cores: over a third of a
one-article run. llama.cpp can copy its context state out and back in (``llama_state_get_data``
/ ``llama_state_set_data``), so the server keeps the state of a prompt on disk (~38 MB per
1,000 tokens) and restores it at the start of its first request; llama-cpp-python's
``generate`` then reuses the longest common prefix with the new prompt as it does within a run.

One file per server role, written at most once per server process: after the first request
that found little of its prompt already read (:data:`SAVE_BELOW_REUSE`), as in a first run or a
run after the prompt changed. A state is only
valid for the same model file, llama.cpp build and context settings; those make the file's
name, so a stale file is never loaded, and writing a new one removes the role's old ones. A
file that fails to load is deleted and the server starts cold. llama-cpp-python's own disk
cache (``LlamaDiskCache``) is not used: it pickles the state with a 310 MB logits array.

This module imports llama_cpp; only :mod:`summarise.model_server` imports it.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import llama as llama_module

from summarise.embedded import PREFIX_STEM_ENV

SAVE_BELOW_REUSE = 0.5
"""Save the state after a request that found less than half of its prompt already read. Record
prompts of two articles share ~55-70% (the fixed prefix), so a run that restored a good state
never saves; the repair prompt is mostly article and would save after every repair, hence the
once-per-process rule."""


def _identity(llama: Any) -> str:
    """What a saved state depends on: the model file, the llama.cpp build, the context shape."""
    model = Path(llama.model_path).resolve()
    stat = model.stat()
    params = llama.context_params
    parts = (
        llama_cpp.__version__, str(model), stat.st_size, stat.st_mtime_ns,
        params.n_ctx, params.n_batch, params.n_ubatch, params.type_k, params.type_v,
        getattr(llama, "_logits_all", None),  # sizes the saved output buffer
    )  # fmt: skip
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:16]


def _file(stem: Path, llama: Any) -> Path:
    return stem.parent / f"{stem.name}-{_identity(llama)}.npz"


def common_prefix(first: Sequence[int], second: Sequence[int]) -> int:
    """How many leading tokens two sequences share."""
    count = 0
    for a, b in zip(first, second, strict=False):
        if a != b:
            break
        count += 1
    return count


def save(llama: Any, stem: Path) -> Path | None:
    """Write ``llama``'s context state and its tokens; replace the role's older files.

    Nothing is written for an empty context or state. The file appears whole or not at all
    (written beside it, then renamed); leftovers of a save that was killed are swept.
    """
    if llama.n_tokens == 0:
        return None
    size = llama_cpp.llama_state_get_size(llama._ctx.ctx)
    buffer = (ctypes.c_uint8 * size)()
    written = int(llama_cpp.llama_state_get_data(llama._ctx.ctx, buffer, size))
    if written <= 0:
        return None
    target = _file(stem, llama)
    target.parent.mkdir(parents=True, exist_ok=True)
    tokens = np.array(llama.input_ids[: llama.n_tokens], dtype=np.intc)
    state = np.frombuffer(buffer, dtype=np.uint8, count=written)
    with tempfile.NamedTemporaryFile(
        dir=target.parent, prefix=f"{stem.name}-", suffix=".tmp", delete=False
    ) as out:
        try:
            np.savez(out, tokens=tokens, state=state)
        except BaseException:
            Path(out.name).unlink(missing_ok=True)
            raise
    os.replace(out.name, target)
    for old in [
        *target.parent.glob(f"{stem.name}-*.npz"),
        *target.parent.glob(f"{stem.name}-*.tmp"),
    ]:
        if old != target and old.name != Path(out.name).name:
            old.unlink(missing_ok=True)
    return target


def restore(llama: Any, stem: Path) -> int:
    """Load the role's saved state into ``llama``; the number of tokens restored (0: none)."""
    path = _file(stem, llama)
    if not path.is_file():
        return 0
    try:
        # opened here, so a damaged zip that np.load rejects cannot leave the file open
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as saved:
            tokens, state = saved["tokens"], saved["state"]
        if len(tokens) == 0 or len(state) == 0 or len(tokens) > llama.n_ctx():
            raise ValueError("empty or oversized state")
        buffer = (ctypes.c_uint8 * len(state)).from_buffer_copy(state.tobytes())
        if llama_cpp.llama_state_set_data(llama._ctx.ctx, buffer, len(state)) != len(state):
            raise ValueError("llama.cpp did not take the whole state")
    except Exception as exc:  # any damage (truncated zip, empty file...): start cold instead
        print(f"summarise: ignoring the saved prefix {path.name}: {exc}", file=sys.stderr)
        path.unlink(missing_ok=True)
        llama._ctx.kv_cache_clear()
        llama.n_tokens = 0
        return 0
    llama.input_ids[: len(tokens)] = tokens
    llama.n_tokens = len(tokens)
    llama._requires_eval = True  # the logits were not restored: decode at least one token
    return len(tokens)


_plain_generate = llama_module.Llama.generate


def _generate_with_store(
    self: Any, tokens: Sequence[int], *args: Any, **kwargs: Any
) -> Iterator[int]:
    """``Llama.generate``, restoring the saved prefix first and saving after a poor reuse.

    The save runs when the generation ends normally or is closed by its consumer (llama-cpp-
    python stops iterating at a stop sequence or the token limit), never after an error, and a
    failed save is reported, not raised: it costs the next run time, nothing else.
    """
    stem = Path(os.environ[PREFIX_STEM_ENV])
    if not getattr(self, "_summarise_restored", False):
        self._summarise_restored = True
        restore(self, stem)
    reused = common_prefix(self.input_ids[: self.n_tokens], tokens)
    worth_saving = not getattr(self, "_summarise_saved", False) and (
        reused < SAVE_BELOW_REUSE * len(tokens)
    )
    try:
        yield from _plain_generate(self, tokens, *args, **kwargs)
    except GeneratorExit:
        if worth_saving:
            _save_quietly(self, stem)
        raise
    if worth_saving:
        _save_quietly(self, stem)


def _save_quietly(llama: Any, stem: Path) -> None:
    llama._summarise_saved = True
    try:
        save(llama, stem)
    except Exception as exc:  # a full disk, a failing state copy: report, keep serving
        print(f"summarise: could not save the prompt state: {exc}", file=sys.stderr)


def install() -> None:
    """Keep every ``Llama``'s prompt state under the stem ``$SUMMARISE_PREFIX_STEM`` names."""
    setattr(llama_module.Llama, "generate", _generate_with_store)  # noqa: B010
