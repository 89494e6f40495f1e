"""Backend faults against a real HTTP server on 127.0.0.1 that answers from a script.

Nothing is patched inside the client: the openai client's own retries, timeouts and error types
meet real sockets, and each failure must reach the user as one plain ``BackendError`` line that
never carries the API key.
"""

from __future__ import annotations

import json
import socket
import time

import pytest
from fake_model import DRAFT, OK, Answer, Server, completion, error

import summarise.backend
from summarise.backend import SCHEMA_RETRIES, Backend, BackendSettings
from summarise.errors import BackendError

API_KEY = "sk-test-abcdefghijklmnop1234"
MESSAGES = [{"role": "user", "content": "Summarise: the council voted 7 to 2."}]
loopback = pytest.mark.block_network(allowed_hosts=["127.0.0.1"])


def backend(url: str, http_retries: int = 2) -> Backend:
    settings = BackendSettings(
        kind="compatible", model="m", base_url=url, api_key=API_KEY, http_retries=http_retries
    )
    return Backend(settings, url)


def fails(backend: Backend) -> str:
    """Run one extraction that must fail; return its message after the checks every failure owes."""
    with pytest.raises(BackendError) as caught:
        backend.extract(MESSAGES)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert API_KEY not in message and "Traceback" not in message
    return message


@loopback
def test_429_waits_for_retry_after_then_succeeds(server: Server) -> None:
    server.script = [Answer(429, {"error": {"message": "slow down"}}, {"Retry-After": "1"}), OK]
    started = time.monotonic()
    reply = backend(server.url, http_retries=2).extract(MESSAGES)
    assert time.monotonic() - started >= 0.95
    assert reply.draft.headline == DRAFT["headline"]
    assert reply.usage.prompt_tokens == 10
    assert len(server.requests) == 2


@loopback
@pytest.mark.parametrize("status", [500, 502, 503], ids=lambda s: f"http-{s}")
def test_a_server_error_is_retried_then_succeeds(server: Server, status: int) -> None:
    server.script = [error(status), OK]
    reply = backend(server.url, http_retries=2).extract(MESSAGES)
    assert reply.draft.headline == DRAFT["headline"]
    assert len(server.requests) == 2


@loopback
def test_persistent_500_gives_up_after_the_http_retries(server: Server) -> None:
    server.script = [error(500)]
    message = fails(backend(server.url, http_retries=1))
    assert "HTTP 500" in message and server.url in message
    assert len(server.requests) == 1 + 1


TRACE = "boom\nTraceback (most recent call last):\n  x"


@loopback
@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        pytest.param(error(500, TRACE), "HTTP 500: boom", id="multi-line-json-error"),
        pytest.param(Answer(500, TRACE.encode()), "HTTP 500: boom", id="multi-line-text"),
        pytest.param(
            error(401, f"Incorrect API key provided: {API_KEY}.\nSee the docs."),
            "HTTP 401: Incorrect API key provided: [key].",
            id="key-echoed-back",
        ),
    ],
)
def test_a_server_error_message_becomes_one_clean_line(
    server: Server, answer: Answer, shown: str
) -> None:
    server.script = [answer]
    assert fails(backend(server.url, http_retries=0)).endswith(shown)


@loopback
def test_a_slow_server_times_out(server: Server, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(summarise.backend, "REQUEST_TIMEOUT_S", 0.5)
    server.script = [Answer(delay_s=5.0)]
    started = time.monotonic()
    message = fails(backend(server.url, http_retries=0))
    assert "timed out" in message and server.url in message
    assert time.monotonic() - started < 3


@loopback
def test_nothing_listening_cannot_be_reached() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/v1"
    message = fails(backend(url, http_retries=0))
    assert "cannot reach" in message and url in message


@loopback
def test_a_truncated_json_body_is_a_plain_failure(server: Server) -> None:
    server.script = [Answer(200, b'{"id": "x", "choi')]
    message = fails(backend(server.url, http_retries=0))
    assert "sent a response that is not valid JSON" in message and server.url in message
    assert "no valid record" not in message  # the model never answered; the server is at fault


@loopback
def test_an_invalid_record_is_re_asked_then_given_up(server: Server) -> None:
    server.script = [Answer(body=completion({"headline": "Only a headline"}))]
    message = fails(backend(server.url))
    # instructor's max_retries counts re-asks, so one first ask plus SCHEMA_RETRIES re-asks
    assert f"no valid record after {SCHEMA_RETRIES + 1} attempts" in message
    assert "validation error" in message and "RecordDraft" in message
    assert len(server.requests) == SCHEMA_RETRIES + 1
    first, second = (json.dumps(request["messages"]) for request in server.requests[:2])
    assert "Field required" not in first and "Field required" in second


@loopback
def test_an_answer_cut_off_at_the_token_limit_is_one_clear_line(server: Server) -> None:
    cut = completion(DRAFT)
    cut["choices"][0]["finish_reason"] = "length"
    server.script = [Answer(body=cut)]
    message = fails(backend(server.url, http_retries=0))
    assert "cut off at" in message and "tokens" in message
