"""The SQLite database: schema, migrations and writes. The only module that writes SQL.

Tables (see data/metadata.yml for what Datasette shows):
- articles   one row per article, keyed by canonical URL; re-crawling updates it in place
- rumours    one row per claim per article (replaced whenever its article is re-extracted)
- crawl_runs one row per crawl, with its counts
- feed_state one row per feed, sitemap or section URL: its validators (ETag, Last-Modified) for conditional GET
- listed_urls article URLs from listings that gave no article of their own (redirected, skipped, gone)
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlite_utils

from rumourcrawl.extract.article import content_hash
from rumourcrawl.extract.models import Article

# Bump when a migration is added to MIGRATIONS; PRAGMA user_version records what a file has.
SCHEMA_VERSION = 3

ARTICLE_COLUMNS = {
    "url": str,
    "fetched_url": str,
    "site": str,
    "outlet": str,
    "title": str,
    "author": str,
    "published": str,
    "language": str,
    "description": str,
    "text": str,
    "content_hash": str,
    "rumour_count": int,
    "first_fetched": str,
    "last_fetched": str,
}

RUMOUR_COLUMNS = {
    "id": int,
    "article_url": str,
    "position": int,
    "subject": str,
    "subject_role": str,
    "from_club": str,
    "to_club": str,
    "kind": str,
    "stage": str,
    "fee": str,
    "fee_amount": int,
    "fee_currency": str,
    "source": str,
    "source_tier": int,
    "evidence": str,
    "historical": int,
    "confidence": float,
    "extra": str,
    "published": str,
    "outlet": str,
}

CRAWL_RUN_COLUMNS = {
    "id": int,
    "spider": str,
    "started": str,
    "finished": str,
    "finish_reason": str,
    "pages": int,
    "articles_new": int,
    "articles_updated": int,
    "rumours": int,
    "skipped": int,
    "errors": int,
    "stats": str,
}


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _migrate_1(db: sqlite_utils.Database) -> None:
    db["articles"].create(ARTICLE_COLUMNS, pk="url", not_null={"text"}, if_not_exists=True)
    db["rumours"].create(
        RUMOUR_COLUMNS,
        pk="id",
        foreign_keys=[("article_url", "articles", "url")],
        not_null={"article_url", "subject"},
        if_not_exists=True,
    )
    db["crawl_runs"].create(CRAWL_RUN_COLUMNS, pk="id", if_not_exists=True)
    db["articles"].create_index(["published"], if_not_exists=True)
    db["articles"].create_index(["outlet"], if_not_exists=True)
    db["articles"].create_index(["content_hash"], if_not_exists=True)
    db["rumours"].create_index(["article_url"], if_not_exists=True)
    db["rumours"].create_index(["subject"], if_not_exists=True)
    db["rumours"].create_index(["to_club"], if_not_exists=True)
    db["rumours"].create_index(["from_club"], if_not_exists=True)


def _migrate_2_reserved(db: sqlite_utils.Database) -> None:
    """Reserved for issue #5's migration 2 (Datasette side); replaced by it when the branches merge."""


FEED_STATE_COLUMNS = {
    "url": str,
    "etag": str,
    "last_modified": str,
    "checked": str,  # when the validators were last confirmed (a full fetch or a 304)
    "changed": str,  # when the feed last answered with a full body
}


# Article URLs listed by feeds whose fetch ended for good without being an article's own URL:
# redirects to a stored article, non-articles, 404/410. Not fetched again until RECHECK days pass.
LISTED_URL_COLUMNS = {
    "url": str,
    "outcome": str,  # "stored" (under another URL), "skipped" or "failed"
    "reason": str,
    "checked": str,
}


def _migrate_3(db: sqlite_utils.Database) -> None:
    # Idempotent, so it is safe whatever migration 2 turns out to do.
    db["feed_state"].create(FEED_STATE_COLUMNS, pk="url", if_not_exists=True)
    db["listed_urls"].create(LISTED_URL_COLUMNS, pk="url", if_not_exists=True)


MIGRATIONS = {1: _migrate_1, 2: _migrate_2_reserved, 3: _migrate_3}


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a rumourcrawl database, migrated to the current schema."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    # WAL lets Datasette read while a crawl writes; busy_timeout rides out the brief write locks.
    db.enable_wal()
    db.execute("PRAGMA busy_timeout = 10000")
    db.execute("PRAGMA foreign_keys = ON")
    migrate(db)
    return db


def migrate(db: sqlite_utils.Database) -> None:
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"{db.conn} was written by a newer rumourcrawl (schema {current} > {SCHEMA_VERSION}); upgrade rumourcrawl"
        )
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with db.atomic():
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version}")


def known_urls(path: str | Path) -> set[str]:
    """Every URL under which a stored article was found or is known, for incremental crawls."""
    if not Path(path).exists():
        return set()
    db = open_db(path)
    try:
        rows = db.execute("SELECT url, fetched_url FROM articles").fetchall()
    finally:
        db.close()
    return {url for row in rows for url in row if url}


def stored_articles(path: str | Path) -> dict[str, str]:
    """URL (canonical or fetched) → when it was last fetched, for incremental crawls."""
    if not Path(path).exists():
        return {}
    db = open_db(path)
    try:
        rows = db.execute("SELECT url, fetched_url, last_fetched FROM articles").fetchall()
    finally:
        db.close()
    known: dict[str, str] = {}
    for url, fetched_url, last_fetched in rows:
        for key in (url, fetched_url):
            if key:
                known[key] = last_fetched or ""
    return known


def feed_validators(path: str | Path) -> dict[str, dict]:
    """Feed URL → {"etag", "last_modified"} saved by the last complete crawl of that feed."""
    if not Path(path).exists():
        return {}
    db = open_db(path)
    try:
        return {
            row["url"]: {"etag": row["etag"], "last_modified": row["last_modified"]}
            for row in db.query("SELECT url, etag, last_modified FROM feed_state")
        }
    finally:
        db.close()


def save_feed_states(db: sqlite_utils.Database, fetched: dict[str, dict], incomplete: Iterable[str] = ()) -> None:
    """Record validators of feeds fully crawled; forget those of feeds whose articles were not all fetched.

    `fetched` maps feed URL → {"etag", "last_modified", "modified": bool}. A feed in `incomplete` must be
    fetched in full next time (a 304 would hide the articles that failed), so its validators go.
    """
    now = utc_now()
    incomplete = set(incomplete)
    with db.atomic():
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


def listed_urls(path: str | Path, recheck_after: timedelta) -> dict[str, tuple[str, str]]:
    """Listed URL → (outcome, checked) for URLs not worth fetching again yet."""
    if not Path(path).exists():
        return {}
    cutoff = (datetime.now(UTC) - recheck_after).replace(microsecond=0).isoformat()
    if recheck_after <= timedelta(0):
        cutoff = "9999"  # 0 days: always try them again
    db = open_db(path)
    try:
        rows = db.execute(
            "SELECT url, outcome, checked FROM listed_urls WHERE outcome = 'stored' OR checked >= ?", [cutoff]
        ).fetchall()
    finally:
        db.close()
    return {url: (outcome, checked) for url, outcome, checked in rows}


def save_listed_urls(db: sqlite_utils.Database, outcomes: dict[str, tuple[str, str]]) -> None:
    """Record listed URL → (outcome, reason) at the end of a run."""
    now = utc_now()
    rows = [{"url": url, "outcome": o, "reason": r, "checked": now} for url, (o, r) in outcomes.items()]
    with db.atomic():
        db["listed_urls"].upsert_all(rows, pk="url")


def start_crawl_run(db: sqlite_utils.Database, spider: str, started: str, pid: int) -> int:
    """Insert the run's row at once, so a run killed before its end still leaves a trace."""
    with db.atomic():
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


def finish_crawl_run(db: sqlite_utils.Database, run_id: int, run: dict) -> None:
    row = {key: value for key, value in run.items() if key in CRAWL_RUN_COLUMNS and key != "id"}
    if isinstance(row.get("stats"), dict):
        row["stats"] = json.dumps(row["stats"], default=str, sort_keys=True)
    with db.atomic():
        db["crawl_runs"].update(run_id, row)


def _rumour_rows(article: Article) -> Iterable[dict]:
    for position, rumour in enumerate(article.rumours):
        row = rumour.to_dict()
        extra = row.pop("extra", None) or {}
        row.update(
            article_url=article.url,
            position=position,
            historical=int(bool(row.get("historical"))),
            extra=json.dumps(extra, ensure_ascii=False) if extra else None,
            published=article.published,
            outlet=article.outlet,
        )
        yield {key: value for key, value in row.items() if key in RUMOUR_COLUMNS}


def save_article(db: sqlite_utils.Database, article: Article, *, site: str | None = None) -> bool:
    """Insert or update one article and replace its rumours, in one transaction.

    Returns True when the article was not stored before. A crash mid-way leaves the previous
    version of the article and its rumours intact.
    """
    now = utc_now()
    existing = db.execute("SELECT first_fetched FROM articles WHERE url = ?", [article.url]).fetchone()
    row = {
        "url": article.url,
        "fetched_url": article.fetched_url,
        "site": site,
        "outlet": article.outlet,
        "title": article.title,
        "author": article.author,
        "published": article.published,
        "language": article.language,
        "description": article.description,
        "text": article.text,
        "content_hash": content_hash(article.text),
        "rumour_count": len(article.rumours),
        "first_fetched": existing[0] if existing else now,
        "last_fetched": now,
    }
    with db.atomic():
        db["articles"].upsert(row, pk="url")
        db.execute("DELETE FROM rumours WHERE article_url = ?", [article.url])
        rumour_rows = list(_rumour_rows(article))
        if rumour_rows:
            db["rumours"].insert_all(rumour_rows, pk="id")
    return existing is None


def record_crawl_run(db: sqlite_utils.Database, run: dict) -> int:
    row = {key: value for key, value in run.items() if key in CRAWL_RUN_COLUMNS}
    if isinstance(row.get("stats"), dict):
        row["stats"] = json.dumps(row["stats"], default=str, sort_keys=True)
    with db.atomic():
        return db["crawl_runs"].insert(row, pk="id").last_pk


def counts(path: str | Path) -> dict[str, int]:
    db = open_db(path)
    try:
        return {table: db[table].count for table in ("articles", "rumours", "crawl_runs")}
    finally:
        db.close()
