"""Tests for summarise.backend: picking the backend from flags and environment, and its errors."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from summarise import embedded
from summarise.backend import DEFAULT_OPENAI_MODEL, Backend, BackendSettings, connect
from summarise.errors import BackendError

KEY = "sk-test-1234567890abcdef"
LOCAL = "http://localhost:8000/v1"
REMOTE = "https://llm.example.org/v1"


def test_no_environment_means_embedded() -> None:
    settings = BackendSettings.from_environment(environ={})
    assert settings.kind == "embedded"
    assert settings.model == embedded.MODEL_NAME
    assert settings.base_url is None
    assert settings.api_key is None
    assert settings.context_tokens == embedded.CONTEXT_TOKENS


def test_embedded_keeps_the_model_path_flag() -> None:
    settings = BackendSettings.from_environment(model_path="/m.gguf", environ={})
    assert (settings.kind, settings.model_path) == ("embedded", "/m.gguf")


@pytest.mark.parametrize(
    ("environ", "flags", "expected"),
    [
        ({"OPENAI_API_KEY": KEY}, {}, ("openai", DEFAULT_OPENAI_MODEL, None, KEY)),
        ({"OPENAI_API_KEY": KEY, "SUMMARISE_MODEL": "gpt-x"}, {}, ("openai", "gpt-x", None, KEY)),
        ({"OPENAI_API_KEY": KEY}, {"model": "gpt-y"}, ("openai", "gpt-y", None, KEY)),
        ({"OPENAI_BASE_URL": LOCAL}, {}, ("compatible", None, LOCAL, None)),
        ({}, {"base_url": LOCAL}, ("compatible", None, LOCAL, None)),
        ({"OPENAI_BASE_URL": REMOTE}, {"base_url": LOCAL}, ("compatible", None, LOCAL, None)),
        (
            {"OPENAI_BASE_URL": LOCAL, "OPENAI_API_KEY": KEY},
            {"model": "llama"},
            ("compatible", "llama", LOCAL, KEY),
        ),
        (
            {"OPENAI_API_KEY": "", "OPENAI_BASE_URL": ""},
            {},
            ("embedded", embedded.MODEL_NAME, None, None),
        ),
    ],
    ids=[
        "key-default-model",
        "key-model-from-env",
        "key-model-flag",
        "base-url-env",
        "base-url-flag",
        "flag-beats-env",
        "base-url-beats-key",
        "empty-values-ignored",
    ],
)
def test_from_environment(
    environ: dict[str, str], flags: dict[str, str], expected: tuple[str | None, ...]
) -> None:
    settings = BackendSettings.from_environment(environ=environ, **flags)
    assert (settings.kind, settings.model, settings.base_url, settings.api_key) == expected


@pytest.mark.parametrize(
    "environ",
    [{"OPENAI_API_KEY": KEY}, {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": LOCAL}],
    ids=["openai", "compatible"],
)
def test_key_never_in_repr(environ: dict[str, str]) -> None:
    settings = BackendSettings.from_environment(environ=environ)
    assert settings.api_key == KEY
    assert KEY not in repr(settings)
    assert KEY not in str(settings)
    assert "sk-" not in repr(settings)


UNREACHABLE = "http://127.0.0.1:1/v1"  # nothing listens on port 1


@cache
def unreachable_error() -> tuple[BackendError, float]:
    """Ask a server that is not there, once per session: the client's retries take ~3.5 s."""
    settings = BackendSettings(
        kind="compatible", model="m", base_url=UNREACHABLE, api_key=KEY, http_retries=0
    )
    backend = Backend(settings, UNREACHABLE)
    started = time.perf_counter()
    try:
        backend.extract([{"role": "user", "content": "hello"}])
    except BackendError as error:
        return error, time.perf_counter() - started
    raise AssertionError("extract() against a closed port did not raise BackendError")


def causes(error: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_unreachable_server_error_is_one_line_without_the_key() -> None:
    error, elapsed = unreachable_error()
    message = str(error)
    assert message
    assert "sk-" not in message
    assert KEY[3:] not in message
    assert "\n" not in message
    assert elapsed < 30  # the client's own retries, never the 600 s request timeout
    # a refused connection, not the test's network blocker (which would fail the same way)
    assert any(isinstance(cause, ConnectionRefusedError) for cause in causes(error))


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_unreachable_server_says_cannot_reach() -> None:
    error, _ = unreachable_error()
    assert str(error) == f"cannot reach the model server at {UNREACHABLE}"


@pytest.mark.parametrize(
    ("environ", "flag", "expected"),
    [
        ({"OPENAI_BASE_URL": "http://h/v1"}, None, 32768),
        ({"OPENAI_BASE_URL": "http://h/v1", "SUMMARISE_CONTEXT_TOKENS": "4096"}, None, 4096),
        ({"OPENAI_BASE_URL": "http://h/v1", "SUMMARISE_CONTEXT_TOKENS": "4096"}, 2048, 2048),
    ],
    ids=["default-guess", "from-env", "flag-beats-env"],
)
def test_context_size_of_a_compatible_server(
    environ: dict[str, str], flag: int | None, expected: int
) -> None:
    settings = BackendSettings.from_environment(context_tokens=flag, environ=environ)
    assert settings.context_tokens == expected


@pytest.mark.parametrize(
    ("environ", "stems"),
    [({}, ["record", "repair"]), ({"SUMMARISE_KEEP_PREFIX": "0"}, None)],
    ids=["kept-by-default", "turned-off"],
)
def test_embedded_servers_keep_their_prompt_state_under_the_cache_folder(
    environ: dict[str, str],
    stems: list[str] | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    seen: dict[str, Any] = {}

    @contextmanager
    def fake_serve(gguf: Path, count: int, **options: Any) -> Iterator[embedded.Servers]:
        seen.update(options)
        yield embedded.Servers(urls=["http://127.0.0.1:1/v1", "http://127.0.0.1:2/v1"])

    monkeypatch.setenv("SUMMARISE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(embedded, "serve_several", fake_serve)
    monkeypatch.setattr(embedded, "model_path", lambda explicit, progress: tmp_path / "m.gguf")
    settings = BackendSettings.from_environment(environ=environ)
    assert settings.keep_prefix is (stems is not None)
    with connect(settings):
        pass
    stores = seen["prefix_stores"]
    expected = None if stems is None else [tmp_path / "prefixes" / stem for stem in stems]
    assert stores == expected


@pytest.mark.block_network(allowed_hosts=["127.0.0.1"])
def test_a_lost_connection_names_why_the_embedded_server_stopped() -> None:
    settings = BackendSettings(kind="embedded", model="m", http_retries=0)
    backend = Backend(settings, UNREACHABLE, why_stopped=lambda: "it was killed by SIGILL")
    with pytest.raises(BackendError) as raised:
        backend.extract([{"role": "user", "content": "hello"}])
    assert str(raised.value) == (
        f"the embedded model server at {UNREACHABLE} stopped: it was killed by SIGILL"
    )
