"""Scrubbing of recorded HTTP traffic, so no key or account identifier lands in a cassette.

Applied by the test suite to every request and response before it is written (vcrpy's
``before_record_request`` / ``before_record_response`` hooks). Both directions matter: requests
carry the key, and OpenAI's responses name the organisation and project and may set cookies.
:func:`find_secrets` is the scan the suite runs over every cassette on disk.
"""

from __future__ import annotations

import re
from typing import Any

SECRET_HEADERS = frozenset(
    {
        "authorization",
        "api-key",
        "x-api-key",
        "cookie",
        "set-cookie",
        "openai-organization",
        "openai-project",
        "x-stainless-api-key",
    }
)
SECRET_PATTERNS = (
    re.compile(r"sk-[A-Za-z0-9_-]{16,}"),
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._-]{8,}"),
    re.compile(
        r"(?i)^\s*-?\s*(authorization|set-cookie|openai-organization|openai-project|x-api-key|api-key|cookie)\s*:",
        re.M,
    ),
)


def scrub_request(request: Any) -> Any:
    """Drop secret headers from a vcrpy request before it is recorded."""
    for name in list(request.headers):
        if name.lower() in SECRET_HEADERS:
            del request.headers[name]
    return request


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop secret headers from a vcrpy response (a plain dict) before it is recorded."""
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response


def find_secrets(text: str) -> list[str]:
    """Return what looks like a key, token or account header in ``text`` (empty when clean)."""
    return [match.group(0) for pattern in SECRET_PATTERNS for match in pattern.finditer(text)]
