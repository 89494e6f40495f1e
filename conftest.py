"""Fixtures shared by ``tests/`` and ``evals/``: recorded model traffic and the backend behind it.

Replay is the default: cassettes answer every request and the network is blocked. Recording is
one flag, ``--record-mode=rewrite``: the configured backend is opened once per session (the
embedded model on 127.0.0.1 unless OPENAI_BASE_URL or OPENAI_API_KEY say otherwise), every
cassette is rewritten from real traffic, and the backend used is written to
``cassettes/backend.json`` so replay asks for the same model name (bodies must match exactly).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from summarise.backend import Backend, BackendSettings, connect
from summarise.cassettes import scrub_request, scrub_response

ROOT = Path(__file__).parent
CASSETTES = ROOT / "cassettes"
BACKEND_FILE = CASSETTES / "backend.json"
# Never contacted: in replay the cassette answers and the network is blocked.
REPLAY_BASE_URL = "http://127.0.0.1:9/v1"


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """Match on what decides the answer, so a changed prompt cannot replay an old one."""
    return {
        "match_on": ["method", "path", "body"],
        "before_record_request": scrub_request,
        "before_record_response": scrub_response,
        "decode_compressed_response": True,
        "allow_playback_repeats": False,
    }


@pytest.fixture(scope="module")
def vcr_cassette_dir(request: pytest.FixtureRequest) -> str:
    """``cassettes/<tests|evals>/<test module>/``, outside the test folders."""
    return str(CASSETTES / request.path.parent.name / request.path.stem)


CALL_FAILED = pytest.StashKey[bool]()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> object:
    """Remember whether a test's body failed, so teardown checks do not pile on."""
    report = yield
    if call.when == "call":
        item.stash[CALL_FAILED] = call.excinfo is not None
    return report


@pytest.fixture(autouse=True)
def _cassette_fully_played(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a replayed test that did not use every recorded exchange (a silent behaviour change)."""
    if request.node.get_closest_marker("vcr") is None:
        yield
        return
    cassette = request.getfixturevalue("vcr")
    yield
    if request.node.stash.get(CALL_FAILED, False):
        return
    if cassette.record_mode == "none" and not cassette.all_played:
        unplayed = len(cassette.data) - cassette.play_count
        pytest.fail(f"{unplayed} recorded exchange(s) of {cassette._path} were never requested")


def is_recording(config: pytest.Config) -> bool:
    """Whether this run records cassettes: ``--record-mode`` given and not ``none``."""
    return (config.getoption("--record-mode") or "none") != "none"


@pytest.fixture(scope="session")
def recording(pytestconfig: pytest.Config) -> bool:
    """True when this run records cassettes (and so talks to a real model)."""
    return is_recording(pytestconfig)


@pytest.fixture(scope="session")
def _live_backend(request: pytest.FixtureRequest) -> Iterator[Backend | None]:
    """The real backend, opened once per recording session; ``None`` in replay."""
    if not is_recording(request.config):
        yield None
        return
    # Recordings start the embedded model cold, not from a prompt state an earlier run left on
    # disk: llama.cpp's answers depend slightly on what its KV cache held, and a recording
    # should depend only on the requests it records.
    settings = dataclasses.replace(BackendSettings.from_environment(), keep_prefix=False)
    with connect(settings, progress=lambda message: print(f"\n[record] {message}")) as backend:
        BACKEND_FILE.parent.mkdir(parents=True, exist_ok=True)
        recorded = {"kind": settings.kind, "model": backend.model}
        BACKEND_FILE.write_text(json.dumps(recorded, indent=2) + "\n", encoding="utf-8")
        yield backend


@pytest.fixture
def model_backend(_live_backend: Backend | None) -> Backend:
    """The backend a test talks to: live when recording, else one the cassettes answer for."""
    if _live_backend is not None:
        return _live_backend
    recorded = json.loads(BACKEND_FILE.read_text(encoding="utf-8"))
    settings = BackendSettings(kind=recorded["kind"], model=recorded["model"])
    return Backend(settings, REPLAY_BASE_URL)
