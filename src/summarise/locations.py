"""Where summarise keeps files between runs: one cache folder, overridable for tests and CI."""

from __future__ import annotations

import os
from pathlib import Path

CACHE_DIR_ENV = "SUMMARISE_CACHE_DIR"


def cache_dir() -> Path:
    """``$SUMMARISE_CACHE_DIR``, else the platform's user cache folder (platformdirs)."""
    override = os.environ.get(CACHE_DIR_ENV)
    if override:
        return Path(override)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("summarise"))
