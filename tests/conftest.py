"""Shared fixtures: loopback servers over saved pages, and the real CLI run in a subprocess.

Crawls run in a subprocess because Twisted's reactor cannot be restarted within one process,
and because that is how cron and users run them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from rumourcrawl.snapshot_server import SnapshotServer

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"
DEMO_SITE = REPO / "rumourcrawl" / "data" / "demo_site"
SEED_HTML = FIXTURES / "seed" / "football365-klopp-real-madrid.html"


@pytest.fixture(scope="module")
def demo_server():
    with SnapshotServer(DEMO_SITE) as server:
        yield server


@pytest.fixture(scope="module")
def fixture_server():
    """tests/fixtures on loopback: real saved pages, feeds (RSS, Atom, malformed), a sitemap index."""
    with SnapshotServer(FIXTURES) as server:
        yield server


def run_cli(
    *args: str, cwd: Path | None = None, timeout: float = 300, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run `rumourcrawl ARGS…` as a user would, returning the finished process (`env`: extra variables)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "rumourcrawl", *args],
        cwd=cwd or REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_cli(*args: str) -> subprocess.Popen:
    """Start `rumourcrawl ARGS…` in the background (to kill it, or to overlap it with another run)."""
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen(
        [sys.executable, "-m", "rumourcrawl", *args],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run_scrapy(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `scrapy ARGS…` in the project folder (where scrapy.cfg is)."""
    return subprocess.run(
        [sys.executable, "-m", "scrapy", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def last_run_stats(db_path: Path) -> dict:
    import sqlite_utils

    row = next(sqlite_utils.Database(db_path).query("SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1"))
    row["stats"] = json.loads(row["stats"])
    return row
