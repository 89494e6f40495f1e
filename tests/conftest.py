"""Fixtures shared by the unit tests: the scripted loopback model server."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fake_model import Server, running_server


@pytest.fixture
def server() -> Iterator[Server]:
    """A fake OpenAI-compatible server on 127.0.0.1, stopped and joined after the test."""
    with running_server() as scripted:
        yield scripted
