"""The prompt state kept on disk is restored, reused as a prefix, and never loaded when stale.

Runs on the real embedded model (llama.cpp state is model-specific); skipped where
llama-cpp-python or the bundled model is absent (README command 1 installs both).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarise.errors import ModelUnavailable

llama_cpp = pytest.importorskip("llama_cpp")

from summarise import embedded, prefix_store  # noqa: E402

PREFIX = "You extract a structured record from one news article. Rules: copy quotes exactly. " * 4


def _open(n_ctx: int = 512) -> Any:
    try:
        gguf = embedded.model_path(None)
    except ModelUnavailable as exc:
        pytest.skip(f"embedded model not installed: {exc}")
    return llama_cpp.Llama(str(gguf), n_ctx=n_ctx, n_threads=2, verbose=False)


@pytest.fixture
def llm() -> Iterator[Any]:
    model = _open()
    yield model
    model.close()


def _tokens(llm: Any, text: str) -> list[int]:
    return list(llm.tokenize(text.encode("utf-8")))


def _evaluated_batches(llm: Any, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Record how many tokens each ``eval`` call of ``llm`` decodes."""
    sizes: list[int] = []
    plain = llm.eval

    def counting(tokens: Any) -> None:
        sizes.append(len(tokens))
        plain(tokens)

    monkeypatch.setattr(llm, "eval", counting)
    return sizes


def test_a_restored_state_is_reused_as_a_prefix(
    llm: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saved = _tokens(llm, PREFIX)
    llm.eval(saved)
    stem = tmp_path / "record"
    assert prefix_store.save(llm, stem) is not None

    fresh = _open()
    try:
        assert prefix_store.restore(fresh, stem) == len(saved)
        batches = _evaluated_batches(fresh, monkeypatch)
        article = _tokens(fresh, PREFIX + "Article: The council voted 7 to 2.")
        restored_pick = next(fresh.generate(article, temp=0.0))
        shared = prefix_store.common_prefix(saved, article)
        assert shared > len(saved) - 3  # the saved prompt's tokens, up to a retokenised edge
        assert sum(batches) == len(article) - shared  # only the new words were read
        assert restored_pick == next(llm.generate(article, temp=0.0))  # and read onto the state
    finally:
        fresh.close()


def test_a_state_saved_with_other_context_settings_is_not_loaded(llm: Any, tmp_path: Path) -> None:
    llm.eval(_tokens(llm, PREFIX))
    prefix_store.save(llm, tmp_path / "record")
    other = _open(n_ctx=1024)
    try:
        assert prefix_store.restore(other, tmp_path / "record") == 0
    finally:
        other.close()


@pytest.mark.parametrize("damage", ["empty", "not-a-zip", "truncated"])
def test_a_damaged_file_is_deleted_and_the_model_starts_cold(
    llm: Any, tmp_path: Path, damage: str
) -> None:
    llm.eval(_tokens(llm, PREFIX))
    path = prefix_store.save(llm, tmp_path / "record")
    assert path is not None
    whole = path.read_bytes()
    broken = {
        "empty": b"",
        "not-a-zip": b"not a saved state",
        "truncated": whole[: len(whole) // 2],
    }
    path.write_bytes(broken[damage])
    llm.reset()
    assert prefix_store.restore(llm, tmp_path / "record") == 0
    assert not path.exists() and llm.n_tokens == 0
    assert next(llm.generate(_tokens(llm, "Hello"), temp=0.0)) >= 0  # still answers


def test_saving_replaces_the_roles_older_files_only(llm: Any, tmp_path: Path) -> None:
    (tmp_path / "record-0123456789abcdef.npz").write_bytes(b"old build")
    (tmp_path / "repair-0123456789abcdef.npz").write_bytes(b"another role")
    llm.eval(_tokens(llm, PREFIX))
    (tmp_path / "record-leftover.tmp").write_bytes(b"a save that was killed")
    kept = prefix_store.save(llm, tmp_path / "record")
    assert kept is not None
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [kept.name, "repair-0123456789abcdef.npz"]
    )


def test_an_empty_context_is_not_saved(llm: Any, tmp_path: Path) -> None:
    llm.reset()
    assert prefix_store.save(llm, tmp_path / "record") is None
    assert list(tmp_path.iterdir()) == []


def test_generate_saves_after_a_cold_prompt_and_not_after_a_reused_one(
    llm: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(embedded.PREFIX_STEM_ENV, str(tmp_path / "record"))
    monkeypatch.setattr(llama_cpp.llama.Llama, "generate", prefix_store._generate_with_store)
    saves: list[int] = []
    plain_save = prefix_store.save
    monkeypatch.setattr(
        prefix_store, "save", lambda llm, stem: saves.append(llm.n_tokens) or plain_save(llm, stem)
    )
    for article in ("The council voted 7 to 2.", "The mayor resigned on Friday."):
        llm.create_completion(PREFIX + "Article: " + article, max_tokens=2, temperature=0)
    assert len(saves) == 1  # the second prompt found its long prefix already read
    llm.create_completion("Something else entirely.", max_tokens=2, temperature=0)
    assert len(saves) == 1  # a poor reuse later in the same process does not save again
    assert list(tmp_path.glob("record-*.npz"))
