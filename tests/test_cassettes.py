"""No key, token or account header may land in a recorded cassette, in either direction."""

from __future__ import annotations

from pathlib import Path

import pytest

from summarise.cassettes import find_secrets, scrub_request, scrub_response

CASSETTES = Path(__file__).parents[1] / "cassettes"
RECORDED = sorted(CASSETTES.rglob("*.yaml"))


@pytest.mark.parametrize("path", RECORDED, ids=[str(p.relative_to(CASSETTES)) for p in RECORDED])
def test_cassette_holds_no_secret(path: Path) -> None:
    assert find_secrets(path.read_text(encoding="utf-8")) == []


def test_cassettes_exist() -> None:
    assert RECORDED, "no cassettes recorded: run `pytest --record-mode=rewrite`"


@pytest.mark.parametrize(
    "text",
    [
        "Authorization: Bearer sk-proj-abcdefghijklmnop1234",
        "    authorization:\n    - Bearer abcdefgh12345678",
        "    openai-organization:\n    - org-123",
        "    set-cookie:\n    - __cf_bm=abc",
        "api_key = 'sk-abcdefghijklmnopqrstuvwx'",
    ],
    ids=["bearer-header", "yaml-auth-header", "organisation", "cookie", "bare-key"],
)
def test_find_secrets_catches(text: str) -> None:
    assert find_secrets(text)


def test_find_secrets_passes_ordinary_text() -> None:
    assert find_secrets("content-type:\n- application/json\nThe skeptic said yes.") == []


class _Request:
    def __init__(self, headers: dict[str, str]) -> None:
        self.headers = headers


def test_scrub_request_drops_auth_headers_and_keeps_the_rest() -> None:
    request = _Request({"Authorization": "Bearer sk-x", "Api-Key": "k", "Content-Type": "json"})
    assert scrub_request(request).headers == {"Content-Type": "json"}


def test_scrub_response_drops_account_headers_and_cookies() -> None:
    response = {
        "headers": {
            "openai-organization": ["org-1"],
            "OpenAI-Project": ["proj-1"],
            "Set-Cookie": ["a=b"],
            "content-type": ["application/json"],
        }
    }
    assert scrub_response(response)["headers"] == {"content-type": ["application/json"]}
