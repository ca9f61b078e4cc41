"""Crawl runs and what keeps crawls incremental: the URLs stored, feeds' validators, listed URLs."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from rumourcrawl.store.schema import (
    CRAWL_RUN_COLUMNS,
    CRAWL_RUN_STORY_COLUMNS,
    open_db,
    utc_now,
    write_transaction,
)


@contextmanager
def _reading(source: str | Path | sqlite_utils.Database) -> Iterator[sqlite_utils.Database | None]:
    """An open database to read: the one given, or the file at a path (None when there is no file yet)."""
    if isinstance(source, sqlite_utils.Database):
        yield source
        return
    if not Path(source).exists():
        yield None
        return
    db = open_db(source)
    try:
        yield db
    finally:
        db.close()


def stored_articles(source: str | Path | sqlite_utils.Database) -> dict[str, str]:
    """URL (canonical or fetched) → when it was last fetched, for incremental crawls."""
    with _reading(source) as db:
        rows = db.execute("SELECT url, fetched_url, last_fetched FROM articles").fetchall() if db else []
    known: dict[str, str] = {}
    for url, fetched_url, last_fetched in rows:
        for key in (url, fetched_url):
            if key:
                known[key] = last_fetched or ""
    return known


def feed_validators(source: str | Path | sqlite_utils.Database) -> dict[str, dict]:
    """Feed URL → {"etag", "last_modified"} saved by the last complete crawl of that feed."""
    with _reading(source) as db:
        if db is None:
            return {}
        return {
            row["url"]: {"etag": row["etag"], "last_modified": row["last_modified"]}
            for row in db.query("SELECT url, etag, last_modified FROM feed_state")
        }


def save_feed_states(db: sqlite_utils.Database, fetched: dict[str, dict], incomplete: Iterable[str] = ()) -> None:
    """Record validators of feeds fully crawled; forget those of feeds whose articles were not all fetched.

    `fetched` maps feed URL → {"etag", "last_modified", "modified": bool}. A feed in `incomplete` must be
    fetched in full next time (a 304 would hide the articles that failed), so its validators go.
    """
    now = utc_now()
    incomplete = set(incomplete)
    with write_transaction(db):
        for url in incomplete:
            db.execute("DELETE FROM feed_state WHERE url = ?", [url])
        for url, state in fetched.items():
            if url in incomplete:
                continue
            existing = db.execute("SELECT changed FROM feed_state WHERE url = ?", [url]).fetchone()
            row = {"url": url, "checked": now, "changed": now if state.get("modified") else (existing or [None])[0]}
            if state.get("modified"):
                row |= {"etag": state.get("etag"), "last_modified": state.get("last_modified")}
            if state.get("modified") or existing:
                db["feed_state"].upsert(row, pk="url")


def listed_urls(source: str | Path | sqlite_utils.Database, recheck_after: timedelta) -> dict[str, tuple[str, str]]:
    """Listed URL → (outcome, checked) for URLs not worth fetching again yet."""
    cutoff = (datetime.now(UTC) - recheck_after).replace(microsecond=0).isoformat()
    if recheck_after <= timedelta(0):
        cutoff = "9999"  # 0 days: always try them again
    with _reading(source) as db:
        if db is None:
            return {}
        rows = db.execute(
            "SELECT url, outcome, checked FROM listed_urls WHERE outcome = 'stored' OR checked >= ?", [cutoff]
        ).fetchall()
    return {url: (outcome, checked) for url, outcome, checked in rows}


def save_listed_urls(db: sqlite_utils.Database, outcomes: dict[str, tuple[str, str]]) -> None:
    """Record listed URL → (outcome, reason) at the end of a run."""
    now = utc_now()
    rows = [{"url": url, "outcome": o, "reason": r, "checked": now} for url, (o, r) in outcomes.items()]
    with write_transaction(db):
        db["listed_urls"].upsert_all(rows, pk="url")


def start_crawl_run(db: sqlite_utils.Database, spider: str, started: str, pid: int) -> int:
    """Insert the run's row at once, so a run killed before its end still leaves a trace."""
    with write_transaction(db):
        # A "running" row whose process is gone was killed (SIGKILL, power cut): say so.
        for run_id, stats in db.execute(
            "SELECT id, stats FROM crawl_runs WHERE spider = ? AND finish_reason = 'running'", [spider]
        ).fetchall():
            other_pid = (json.loads(stats or "{}") or {}).get("pid")
            if other_pid != pid and not _process_alive(other_pid):
                db.execute("UPDATE crawl_runs SET finish_reason = 'killed' WHERE id = ?", [run_id])
        return (
            db["crawl_runs"]
            .insert(
                {"spider": spider, "started": started, "finish_reason": "running", "stats": json.dumps({"pid": pid})},
                pk="id",
            )
            .last_pk
        )


def _process_alive(pid) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def crawl_run_counts(stats: dict, stories: dict[str, int]) -> dict[str, int]:
    """A crawl_runs row's counts, from a run's Scrapy stats and refresh_stories()' answer."""
    return {
        "pages": stats.get("response_received_count", 0),
        "articles_new": stats.get("rumourcrawl/articles_new", 0),
        "articles_updated": stats.get("rumourcrawl/articles_updated", 0),
        "rumours": stats.get("rumourcrawl/rumours_stored", 0),
        "skipped": stats.get("rumourcrawl/skipped", 0),
        "errors": stats.get("rumourcrawl/errors", 0),
        "stories": stories["stories"],
        "stories_new": stories["stories_new"],
    }


def finish_crawl_run(db: sqlite_utils.Database, run_id: int, run: dict) -> None:
    row = {
        key: value
        for key, value in run.items()
        if (key in CRAWL_RUN_COLUMNS or key in CRAWL_RUN_STORY_COLUMNS) and key != "id"
    }
    if isinstance(row.get("stats"), dict):
        row["stats"] = json.dumps(row["stats"], default=str, sort_keys=True)
    with write_transaction(db):
        db["crawl_runs"].update(run_id, row)
