"""The SQLite database: schema, migrations and writes. The only module that writes SQL.

Tables (see rumourcrawl/data/metadata.yml for what Datasette shows):
- outlets    one row per publisher, with its domain and reliability tier
- articles   one row per article, keyed by canonical URL; re-crawling updates it in place; a copy of
             another article (same or nearly the same text) points at it through `duplicate_of`
- rumours    one row per claim per article (replaced whenever its article is re-extracted)
- stories    one row per person + destination across all articles, rebuilt from the rumours
- people, clubs  everyone and every club that a story names
- crawl_runs one row per crawl, with its counts
- feed_state one row per feed, sitemap or section URL: its validators (ETag, Last-Modified) for conditional GET
- listed_urls article URLs from listings that gave no article of their own (redirected, skipped, gone)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import zlib
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from rumourcrawl.extract.article import content_hash
from rumourcrawl.extract.gazetteer import WORD_RE, canonical_club, load_gazetteer, name_key, strip_accents
from rumourcrawl.extract.models import STAGES, TERMINAL_STAGES, Article
from rumourcrawl.extract.urls import canonical_url

STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES)}

# Bump when a migration is added to MIGRATIONS; PRAGMA user_version records what a file has.
SCHEMA_VERSION = 4

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
# Added by migration 2: stories in the database after the run, and how many the run started.
CRAWL_RUN_STORY_COLUMNS = {"stories": int, "stories_new": int}


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


OUTLET_COLUMNS = {"name": str, "domain": str, "tier": int, "tier_source": str}

STORY_COLUMNS = {
    "id": str,  # a readable slug: "erling-haaland-to-real-madrid"
    "title": str,  # "Erling Haaland → Real Madrid"
    "subject": str,
    "subject_role": str,
    "from_club": str,
    "to_club": str,
    "kind": str,
    "latest_stage": str,
    "furthest_stage": str,
    "first_seen": str,
    "last_seen": str,
    "first_fetched": str,
    "first_outlet": str,
    "first_article": str,
    "articles": int,
    "outlets": int,
    "rumours": int,
    "best_tier": int,
    "fee_min": int,
    "fee_max": int,
    "fee_currency": str,
    "fee_range": str,
}
PERSON_COLUMNS = {"name": str, "role": str, "stories": int, "first_seen": str, "last_seen": str}
CLUB_COLUMNS = {"name": str, "country": str, "stories_in": int, "stories_out": int}


def _migrate_2(db: sqlite_utils.Database) -> None:
    """Outlets, stories, people and clubs; duplicate links, raw HTML and full-text search."""
    db["outlets"].create(OUTLET_COLUMNS, pk="name", if_not_exists=True)
    db["people"].create(PERSON_COLUMNS, pk="name", if_not_exists=True)
    db["clubs"].create(CLUB_COLUMNS, pk="name", if_not_exists=True)
    db["stories"].create(
        STORY_COLUMNS,
        pk="id",
        foreign_keys=[
            ("subject", "people", "name"),
            ("from_club", "clubs", "name"),
            ("to_club", "clubs", "name"),
            ("first_article", "articles", "url"),
        ],
        if_not_exists=True,
    )
    # Articles stored before URLs were canonicalised move to their canonical URL (foreign keys are
    # off during migrations, so their rumours are moved by hand); where both forms are stored, the
    # two rows stay and the content check links later copies to the first.
    stored = {url for (url,) in db.execute("SELECT url FROM articles").fetchall()}
    for url in sorted(stored):
        new_url = canonical_url(url)
        if new_url and new_url != url and new_url not in stored:
            db.execute("UPDATE articles SET url = ? WHERE url = ?", [new_url, url])
            db.execute("UPDATE rumours SET article_url = ? WHERE article_url = ?", [new_url, url])
            stored.add(new_url)
    # Outlets of articles stored before this migration.
    for name, url in db.execute("SELECT outlet, url FROM articles WHERE outlet IS NOT NULL GROUP BY outlet"):
        db["outlets"].insert(_outlet_row(name, url), pk="name", ignore=True)
    db["articles"].add_column("duplicate_of", str)
    db["articles"].add_column("similarity", float)
    db["articles"].add_column("minhash", bytes)
    db["articles"].add_column("html", bytes)
    db["articles"].transform(
        add_foreign_keys=[("duplicate_of", "articles", "url"), ("outlet", "outlets", "name")],
    )
    for column, column_type in CRAWL_RUN_STORY_COLUMNS.items():
        db["crawl_runs"].add_column(column, column_type)
    db["rumours"].add_column("story_id", str)
    db["rumours"].transform(add_foreign_keys=[("story_id", "stories", "id")])
    db["articles"].create_index(["duplicate_of"], if_not_exists=True)
    db["articles"].create_index(["first_fetched"], if_not_exists=True)
    db["rumours"].create_index(["story_id"], if_not_exists=True)
    db["rumours"].create_index(["stage"], if_not_exists=True)
    db["rumours"].create_index(["published"], if_not_exists=True)
    for column in ("to_club", "from_club", "subject", "last_seen", "first_seen", "first_fetched", "outlets"):
        db["stories"].create_index([column], if_not_exists=True)
    db["articles"].enable_fts(["title", "text"], create_triggers=True, tokenize="porter")
    db["rumours"].enable_fts(["evidence"], create_triggers=True, tokenize="porter")


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


def _migrate_4(db: sqlite_utils.Database) -> None:
    """Stories carry the highest confidence among their rows (the rumour model's probability)."""
    if "confidence" not in db["stories"].columns_dict:
        db["stories"].add_column("confidence", float)
    db["stories"].create_index(["confidence"], if_not_exists=True)
    db["rumours"].create_index(["confidence"], if_not_exists=True)


MIGRATIONS = {1: _migrate_1, 2: _migrate_2, 3: _migrate_3, 4: _migrate_4}


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """A write transaction that takes the write lock first (BEGIN IMMEDIATE).

    sqlite-utils' `atomic()` opens a deferred BEGIN: a transaction that reads before it writes
    fails at once with "database is locked" when another connection wrote meanwhile, whatever
    busy_timeout says. Taking the lock up front waits out busy_timeout instead. Inside, nested
    `atomic()` blocks (sqlite-utils' own) become savepoints.
    """
    if db.conn.in_transaction:
        with db.atomic():
            yield db
        return
    db.conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if db.conn.in_transaction:
            db.conn.execute("ROLLBACK")
        raise
    else:
        try:
            db.conn.execute("COMMIT")
        except BaseException:
            if db.conn.in_transaction:
                db.conn.execute("ROLLBACK")
            raise


def _db_path(db: sqlite_utils.Database) -> str:
    """The database's file, for messages."""
    for _seq, name, file in db.conn.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return file or ":memory:"
    return ":memory:"


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer rumourcrawl: refused, and left exactly as it was."""


def check_schema_version(db: sqlite_utils.Database) -> int:
    """The file's schema version (PRAGMA user_version); SchemaTooNewError when newer than this code knows.

    Reads only: call it before anything that could write (WAL mode, migrations).
    """
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise SchemaTooNewError(
            f"{_db_path(db)} was written by a newer rumourcrawl (schema version {current}; this"
            f" rumourcrawl knows up to {SCHEMA_VERSION}): upgrade rumourcrawl to use it; the file was not changed"
        )
    return current


def open_db(path: str | Path) -> sqlite_utils.Database:
    """Open (creating if needed) a rumourcrawl database, migrated to the current schema.

    A database written by a newer rumourcrawl raises SchemaTooNewError before anything is written.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite_utils.Database(path)
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        check_schema_version(db)
    except BaseException:
        db.close()
        raise
    # WAL lets Datasette read while a crawl writes; busy_timeout rides out the brief write locks.
    db.enable_wal()
    migrate(db)
    db.execute("PRAGMA foreign_keys = ON")
    return db


def migrate(db: sqlite_utils.Database) -> None:
    current = check_schema_version(db)
    for version in range(current + 1, SCHEMA_VERSION + 1):
        with write_transaction(db):
            MIGRATIONS[version](db)
            db.execute(f"PRAGMA user_version = {version}")


def _domain(url: str | None) -> str | None:
    return urlsplit(canonical_url(url) or "").hostname


def _outlet_row(name: str, url: str | None) -> dict:
    from rumourcrawl.sites import site_for_url  # sites import the extraction code, not the store

    source = load_gazetteer().source(name)
    site = site_for_url(url) if url and not source else None
    tier, tier_source = (source.tier, "sources gazetteer") if source else (None, None)
    if site is not None and site.tier is not None:
        tier, tier_source = site.tier, f"site config {site.name}"
    return {"name": name, "domain": _domain(url), "tier": tier, "tier_source": tier_source}


# ---- duplicates ---------------------------------------------------------------------------

# Two texts whose word 5-gram sets overlap this much are one story re-published (a syndicated copy
# with a new headline, a credit line or a trimmed paragraph), not two reports.
NEAR_DUPLICATE_JACCARD = 0.7
SHINGLE_WORDS = 5
# How far apart (in days) a copy may be published from its original.
DUPLICATE_WINDOW_DAYS = 7


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = WORD_RE.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# MinHash: 64 salted hashes of the shingles; the share of equal minima estimates the Jaccard
# similarity, so candidates are compared through 256-byte signatures instead of their texts.
MINHASH_PERMUTATIONS = 64
_MERSENNE_PRIME = (1 << 61) - 1
_PERMUTATIONS = [
    (
        int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=7).digest(), "little") | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=7).digest(), "little"),
    )
    for i in range(MINHASH_PERMUTATIONS)
]
# A candidate whose estimate is this far below the threshold may still pass the exact check.
MINHASH_MARGIN = 0.2


def minhash(shingle_set: set[str]) -> bytes:
    hashes = [int.from_bytes(hashlib.blake2b(s.encode(), digest_size=8).digest(), "little") for s in shingle_set]
    if not hashes:
        return array("Q", [0] * MINHASH_PERMUTATIONS).tobytes()
    signature = [min((a * h + b) % _MERSENNE_PRIME for h in hashes) for a, b in _PERMUTATIONS]
    return array("Q", signature).tobytes()


def minhash_similarity(one: bytes, other: bytes) -> float:
    first, second = array("Q"), array("Q")
    first.frombytes(one)
    second.frombytes(other)
    return sum(x == y for x, y in zip(first, second, strict=True)) / MINHASH_PERMUTATIONS


def find_original(
    db: sqlite_utils.Database, article: Article, text_hash: str, first_fetched: str, signature: bytes | None = None
) -> tuple[str, float] | None:
    """The stored article (not itself a copy) that `article` copies, with the similarity; else None.

    Only articles stored before this one (by `first_fetched`) count as originals, so re-saving an
    article never turns it into a copy of a later one. Exact copies match on the content hash;
    near copies on shingle overlap (estimated from MinHash signatures, then checked exactly),
    among the 5000 latest articles of a similar length published within a week.
    """
    exact = db.execute(
        "SELECT url FROM articles WHERE content_hash = ? AND url != ? AND duplicate_of IS NULL"
        " AND first_fetched <= ? ORDER BY first_fetched, url LIMIT 1",
        [text_hash, article.url, first_fetched],
    ).fetchone()
    if exact:
        return exact[0], 1.0
    length = len(article.text)
    params: list = [article.url, first_fetched, int(length * 0.6), int(length / 0.6) + 1]
    window = ""
    if article.published:
        window = (
            " AND (published IS NULL OR abs(julianday(substr(published, 1, 10)) - julianday(substr(?, 1, 10))) <= ?)"
        )
        params += [article.published, DUPLICATE_WINDOW_DAYS]
    candidates = db.execute(
        "SELECT url, minhash, first_fetched FROM articles WHERE url != ? AND duplicate_of IS NULL"
        f" AND first_fetched <= ? AND length(text) BETWEEN ? AND ?{window}"
        " ORDER BY first_fetched DESC LIMIT 5000",
        params,
    ).fetchall()
    if not candidates:
        return None
    mine = shingles(article.text)
    signature = signature or minhash(mine)
    best: tuple[str, float, str] | None = None
    for url, other_signature, fetched in candidates:
        if other_signature and minhash_similarity(signature, other_signature) < NEAR_DUPLICATE_JACCARD - MINHASH_MARGIN:
            continue
        (text,) = db.execute("SELECT text FROM articles WHERE url = ?", [url]).fetchone()
        score = round(jaccard(mine, shingles(text)), 3)
        # The most similar wins; between equals, the one stored first.
        if score >= NEAR_DUPLICATE_JACCARD and (
            best is None or score > best[1] or (score == best[1] and fetched < best[2])
        ):
            best = (url, score, fetched)
    return (best[0], best[1]) if best else None


# ---- articles and rumours -----------------------------------------------------------------


def _merge_repeated_claims(rows: list[dict]) -> list[dict]:
    """One row per claim: the same person, destination and kind, with a positive stage or a
    negative one (a denial stays its own row), keeps the furthest stage with that report's evidence
    and source. A historical claim (background: "joined them in 2004") is never merged with a live
    one, so neither's flag or stage leaks into the other."""
    merged: dict[tuple, dict] = {}
    for row in rows:
        negative = row.get("stage") in TERMINAL_STAGES
        key = (
            name_key(row["subject"]),
            row.get("to_club"),
            row.get("kind"),
            negative and row.get("stage"),
            bool(row.get("historical")),
        )
        kept = merged.get(key)
        if kept is None:
            merged[key] = row
            continue
        if not negative and STAGE_RANK.get(row.get("stage"), -1) > STAGE_RANK.get(kept.get("stage"), -1):
            # The further report wins as a whole: its stage with its own words and source.
            kept["stage"] = row["stage"]
            if row.get("evidence"):
                kept["evidence"] = row["evidence"]
            if row.get("source") is not None:
                kept["source"], kept["source_tier"] = row["source"], row.get("source_tier")
        for field in ("from_club", "fee", "fee_amount", "fee_currency", "source", "source_tier"):
            if kept.get(field) is None and row.get(field) is not None:
                kept[field] = row[field]
    return list(merged.values())


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


def _rumour_rows(article: Article) -> list[dict]:
    rows = []
    for rumour in article.rumours:
        row = rumour.to_dict()
        extra = row.pop("extra", None) or {}
        row.update(
            article_url=article.url,
            historical=int(bool(row.get("historical"))),
            extra=json.dumps(extra, ensure_ascii=False) if extra else None,
            published=article.published,
            outlet=article.outlet,
            from_club=canonical_club(row.get("from_club")) or row.get("from_club"),
            to_club=canonical_club(row.get("to_club")) or row.get("to_club"),
        )
        rows.append({key: value for key, value in row.items() if key in RUMOUR_COLUMNS})
    rows = _merge_repeated_claims(rows)
    for position, row in enumerate(rows):
        row["position"] = position
    return rows


def compress_html(html: bytes | str | None) -> bytes | None:
    if html is None:
        return None
    return zlib.compress(html.encode("utf-8") if isinstance(html, str) else html, 6)


def decompress_html(blob: bytes | None) -> bytes | None:
    return zlib.decompress(blob) if blob else None


# A page stored under a canonical URL that another page also claims (a wrong or shared
# rel=canonical) is a different article when their texts overlap less than this.
CANONICAL_CONFLICT_JACCARD = 0.5


@dataclass
class SaveResult:
    """What `save_article` did."""

    url: str  # the key the article is stored under (or would have been, when skipped)
    is_new: bool  # not stored before under that key
    is_copy: bool = False  # a copy of an article stored before (`duplicate_of` set, no rumours)
    rumours_inserted: int = 0  # rumour rows written (after merging repeated claims)
    skipped: str | None = None  # "canonical_copy": another page's text under the original's URL; nothing written
    canonical_conflict: bool = False  # its canonical URL held a different article: keyed by its fetched URL


def _other_page(stored_fetched: str | None, fetched: str | None) -> bool:
    return bool(stored_fetched and fetched) and canonical_url(stored_fetched) != canonical_url(fetched)


def _move_article(db: sqlite_utils.Database, old: str, new: str) -> None:
    """Re-key a stored article (and what points at it) from `old` to a free URL `new`."""
    db.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit, when every reference has moved
    db.execute("UPDATE articles SET url = ? WHERE url = ?", [new, old])
    db.execute("UPDATE rumours SET article_url = ? WHERE article_url = ?", [new, old])
    db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [new, old])
    db.execute("UPDATE stories SET first_article = ? WHERE first_article = ?", [new, old])


_EXISTING = "SELECT first_fetched, last_fetched, fetched_url, content_hash, text FROM articles WHERE url = ?"


def save_article(
    db: sqlite_utils.Database,
    article: Article,
    *,
    site: str | None = None,
    html: bytes | str | None = None,
    fetched: bool = True,
    signature: bytes | None = None,
) -> SaveResult:
    """Insert or update one article and replace its rumours, in one write transaction.

    The URL is canonicalised first. A copy of an article stored before (same or nearly the same
    text under another URL) is kept with `duplicate_of` pointing at the original and no rumours of
    its own, so it never counts as a second source. `html`, when given, is kept compressed for
    `rumourcrawl reextract`; when not given, HTML stored earlier is kept. `fetched=False` (a
    re-extraction of stored HTML) leaves the fetch times as they were.

    When the canonical URL is already stored from another fetched page, the canonical link is not
    trusted blindly: a clearly different text is a different article, stored under its own fetched
    URL (`canonical_conflict`); the same text from another host is a copy claiming the original's URL,
    and nothing is written (`skipped="canonical_copy"`); from the same host it is the publisher's own
    edition (AMP, mobile) and updates the row. A page that lives at the canonical URL itself moves a
    different article that claimed the URL to that article's own fetched URL.

    A crash mid-way leaves the previous version of the article and its rumours intact.
    """
    article.url = canonical_url(article.url) or article.url
    now = utc_now()
    text_hash = content_hash(article.text)
    mine = shingles(article.text)
    signature = signature or minhash(mine)  # given when the caller computed it already (the dedupe pipeline)
    conflict = False
    with write_transaction(db):
        existing = db.execute(_EXISTING, [article.url]).fetchone()
        if existing and _other_page(existing[2], article.fetched_url):
            same_text = existing[3] == text_hash or jaccard(mine, shingles(existing[4])) >= CANONICAL_CONFLICT_JACCARD
            own_url = canonical_url(article.fetched_url) or article.fetched_url
            other_url = canonical_url(existing[2]) or existing[2]
            if same_text and _domain(article.fetched_url) not in (_domain(existing[2]), _domain(article.url)):
                return SaveResult(url=article.url, is_new=False, skipped="canonical_copy")
            # The same text from the same host is the publisher's own edition (AMP, mobile, another
            # path): an ordinary update. A different text is a different article.
            conflict = not same_text
            if conflict and own_url == article.url:
                # This page really lives here: the other article claimed its URL. Move that one to
                # its own fetched URL when that is free; else this page wins the row.
                if other_url != article.url and not db.execute(_EXISTING, [other_url]).fetchone():
                    _move_article(db, article.url, other_url)
            elif conflict:
                article.url = own_url
            existing = db.execute(_EXISTING, [article.url]).fetchone()
        first_fetched = existing[0] if existing else now
        original = find_original(db, article, text_hash, first_fetched, signature)
        rumour_rows = [] if original else _rumour_rows(article)
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
            "content_hash": text_hash,
            "rumour_count": len(rumour_rows),  # the rows stored, after repeated claims are merged
            "first_fetched": first_fetched,
            "last_fetched": existing[1] if existing and not fetched else now,
            "duplicate_of": original[0] if original else None,
            "similarity": original[1] if original else None,
            "minhash": signature,
        }
        if html is not None:
            row["html"] = compress_html(html)
        if article.outlet:
            db["outlets"].insert(_outlet_row(article.outlet, article.url), pk="name", ignore=True)
        db["articles"].upsert(row, pk="url")
        # Rows keep their ids when re-extraction gives the same claims, so links to them last.
        old_ids = [
            i
            for (i,) in db.execute(
                "SELECT id FROM rumours WHERE article_url = ? ORDER BY position, id", [article.url]
            ).fetchall()
        ]
        db.execute("DELETE FROM rumours WHERE article_url = ?", [article.url])
        for rumour_row, rumour_id in zip(rumour_rows, old_ids, strict=False):
            rumour_row["id"] = rumour_id
        if rumour_rows:
            db["rumours"].insert_all(rumour_rows, pk="id")
    return SaveResult(
        url=article.url,
        is_new=existing is None,
        is_copy=original is not None,
        rumours_inserted=len(rumour_rows),
        canonical_conflict=conflict,
    )


def forget_article(db: sqlite_utils.Database, url: str, *, replaced_by: str | None = None) -> None:
    """Delete an article and its rumours; with `replaced_by`, move its HTML, first fetch time and
    copies to the article that replaces it (re-extraction found a different canonical URL)."""
    with write_transaction(db):
        if replaced_by:
            db.execute(
                "UPDATE articles SET html = coalesce(html, (SELECT html FROM articles WHERE url = :old)),"
                " first_fetched = min(first_fetched, (SELECT first_fetched FROM articles WHERE url = :old))"
                " WHERE url = :new",
                {"old": url, "new": replaced_by},
            )
        db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [replaced_by, url])
        db.execute("UPDATE stories SET first_article = NULL WHERE first_article = ?", [url])
        db.execute("DELETE FROM rumours WHERE article_url = ?", [url])
        db.execute("DELETE FROM articles WHERE url = ?", [url])


def stored_pages(db: sqlite_utils.Database) -> Iterable[dict]:
    """Every article whose raw HTML is kept: url, fetched_url, site, html (decompressed; None when
    the stored bytes do not decompress)."""
    for url, fetched_url, site, blob in db.execute(
        "SELECT url, fetched_url, site, html FROM articles WHERE html IS NOT NULL ORDER BY first_fetched, url"
    ).fetchall():
        try:
            html = decompress_html(blob)
        except (zlib.error, TypeError):
            html = None
        yield {"url": url, "fetched_url": fetched_url, "site": site, "html": html}


# ---- stories ------------------------------------------------------------------------------


def _story_person_keys(subjects: Iterable[str]) -> dict[tuple[str, ...], tuple[str, ...]]:
    """Map each subject's name key to the key of the person it names.

    A one-word name ("Haaland") merges into the one full name ending in it ("Erling Haaland");
    when two full names end in it (Bruno Fernandes, Enzo Fernandes) it stays on its own.
    """
    keys = {name_key(s) for s in subjects if s}
    full_by_last: dict[str, set[tuple[str, ...]]] = {}
    for key in keys:
        if len(key) > 1:
            full_by_last.setdefault(key[-1], set()).add(key)
    mapping = {}
    for key in keys:
        candidates = full_by_last.get(key[0], set()) if len(key) == 1 else set()
        mapping[key] = next(iter(candidates)) if len(candidates) == 1 else key
    return mapping


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", strip_accents(text).casefold()).strip("-")


def _most_common(values: Iterable) -> object:
    counted = Counter(v for v in values if v is not None)
    return counted.most_common(1)[0][0] if counted else None


def next_stage(current: str | None, reported: str) -> str:
    """A story's stage after a new report: never backwards, except to denied/collapsed reported
    later; "done" is never overturned; after a denial or collapse, a new report reopens it."""
    if current is None or current in TERMINAL_STAGES:
        return reported
    if current == "done":
        return current
    if reported in TERMINAL_STAGES:
        return reported
    return reported if STAGE_RANK.get(reported, -1) > STAGE_RANK.get(current, -1) else current


def _format_fee(amount: int, currency: str | None) -> str:
    symbol = {"GBP": "£", "EUR": "€", "USD": "$"}.get(currency or "", "")
    figure = f"{amount / 1_000_000:g}m" if amount >= 1_000_000 else f"{amount:,}"
    return f"{symbol}{figure}" if symbol else f"{figure} {currency or ''}".strip()


def _story(story_id: str, rows: list[dict]) -> dict:
    rows.sort(key=lambda r: (r["when"] or "", r["article_url"], r["position"]))
    latest = None
    for row in rows:
        latest = next_stage(latest, row["stage"] or "speculation")
    positive = [r["stage"] for r in rows if r["stage"] in STAGE_RANK]
    furthest = max(positive, key=STAGE_RANK.__getitem__) if positive else latest
    currency = _most_common(r["fee_currency"] for r in rows if r["fee_amount"])
    fees = [r["fee_amount"] for r in rows if r["fee_amount"] and r["fee_currency"] == currency]
    subject = max(
        Counter(r["subject"] for r in rows).items(), key=lambda item: (len(name_key(item[0])), item[1], item[0])
    )[0]
    to_club = rows[0]["to_club"]
    tiers = [r["source_tier"] for r in rows if r["source_tier"] is not None]
    return {
        "id": story_id,
        "title": (
            f"{subject} (exit)"
            if not to_club
            else f"{subject} stays at {to_club}"
            if all(r["from_club"] in (to_club, None) for r in rows) and _most_common(r["kind"] for r in rows) == "stay"
            else f"{subject} → {to_club}"
        ),
        "subject": subject,
        "subject_role": _most_common(r["subject_role"] for r in rows),
        "from_club": _most_common(r["from_club"] for r in rows if r["from_club"] != to_club)
        or (to_club if any(r["from_club"] == to_club for r in rows) else None),
        "to_club": to_club,
        "kind": _most_common(r["kind"] for r in rows),
        "latest_stage": latest,
        "furthest_stage": furthest,
        "first_seen": rows[0]["when"],
        "last_seen": max(r["when"] or "" for r in rows) or None,
        "first_fetched": min(r["first_fetched"] for r in rows),
        "first_outlet": rows[0]["outlet_name"],
        "first_article": rows[0]["article_url"],
        "articles": len({r["article_url"] for r in rows}),
        "outlets": len({r["outlet_name"] for r in rows}),
        "rumours": len(rows),
        "best_tier": min(tiers) if tiers else None,
        "confidence": max((r["confidence"] for r in rows if r["confidence"] is not None), default=None),
        "fee_min": min(fees) if fees else None,
        "fee_max": max(fees) if fees else None,
        "fee_currency": currency if fees else None,
        "fee_range": (
            None
            if not fees
            else _format_fee(min(fees), currency)
            if min(fees) == max(fees)
            else f"{_format_fee(min(fees), currency)}–{_format_fee(max(fees), currency)}"
        ),
    }


def refresh_stories(db: sqlite_utils.Database) -> dict[str, int]:
    """Rebuild stories, people and clubs from the rumours of original (non-copy) articles.

    Idempotent: the same rumours give the same rows and ids, and only rows that changed are
    written, so readers see a consistent picture and a re-run changes nothing.
    """
    rumours = [
        dict(zip(cols, values, strict=True))
        for cols, values in _query(
            db,
            """SELECT r.id, r.subject, r.subject_role, r.from_club, r.to_club, r.kind, r.stage, r.fee_amount,
                      r.fee_currency, r.source_tier, r.position, r.article_url, r.confidence,
                      coalesce(r.published, a.published, a.first_fetched) AS "when", a.first_fetched,
                      coalesce(a.outlet, o.domain, a.url) AS outlet_name
               FROM rumours r JOIN articles a ON a.url = r.article_url
               LEFT JOIN outlets o ON o.name = a.outlet
               WHERE a.duplicate_of IS NULL AND NOT coalesce(r.historical, 0) AND r.subject != ''""",
        )
    ]
    person_of = _story_person_keys(r["subject"] for r in rumours)
    grouped: dict[str, list[dict]] = {}
    for row in rumours:
        person = person_of[name_key(row["subject"])]
        story_id = _slug(" ".join(person) + (f" to {row['to_club']}" if row["to_club"] else " exit"))
        grouped.setdefault(story_id, []).append(row)
    stories = {story_id: _story(story_id, rows) for story_id, rows in grouped.items()}
    story_of_rumour = {row["id"]: story_id for story_id, rows in grouped.items() for row in rows}

    people: dict[str, dict] = {}
    for story in stories.values():
        person = people.setdefault(
            story["subject"],
            {
                "name": story["subject"],
                "role": story["subject_role"],
                "stories": 0,
                "first_seen": None,
                "last_seen": None,
            },
        )
        person["stories"] += 1
        person["first_seen"] = min(filter(None, [person["first_seen"], story["first_seen"]]), default=None)
        person["last_seen"] = max(filter(None, [person["last_seen"], story["last_seen"]]), default=None)
    gazetteer = load_gazetteer()
    clubs: dict[str, dict] = {}
    for story in stories.values():
        for column, counter in (("to_club", "stories_in"), ("from_club", "stories_out")):
            name = story[column]
            if not name:
                continue
            club = clubs.setdefault(
                name,
                {"name": name, "country": gazetteer.club_country.get(name) or None, "stories_in": 0, "stories_out": 0},
            )
            if not (counter == "stories_out" and story["from_club"] == story["to_club"]):
                club[counter] += 1

    with write_transaction(db):
        stored_ids = {story_id for (story_id,) in db.execute("SELECT id FROM stories").fetchall()}
        _sync(db, "people", people, "name")
        _sync(db, "clubs", clubs, "name")
        _sync(db, "stories", stories, "id")
        current = dict(db.execute("SELECT id, story_id FROM rumours").fetchall())
        for rumour_id, old in current.items():
            new = story_of_rumour.get(rumour_id)
            if new != old:
                db.execute("UPDATE rumours SET story_id = ? WHERE id = ?", [new, rumour_id])
        gone = [sid for (sid,) in db.execute("SELECT id FROM stories").fetchall() if sid not in stories]
        for story_id in gone:
            db.execute("DELETE FROM stories WHERE id = ?", [story_id])
        _delete_missing(db, "people", "name", people)
        _delete_missing(db, "clubs", "name", clubs)
    return {
        "stories": len(stories),
        "stories_new": len(set(stories) - set(stored_ids)),
        "people": len(people),
        "clubs": len(clubs),
    }


def _query(db: sqlite_utils.Database, sql: str, params=()) -> Iterable[tuple[list[str], tuple]]:
    cursor = db.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    for values in cursor.fetchall():
        yield columns, values


def _sync(db: sqlite_utils.Database, table: str, rows: dict[str, dict], pk: str) -> None:
    """Write only the rows that differ from what is stored."""
    stored = {row[pk]: row for row in db[table].rows}
    changed = [row for key, row in rows.items() if stored.get(key) != row]
    if changed:
        db[table].upsert_all(changed, pk=pk)


def _delete_missing(db: sqlite_utils.Database, table: str, pk: str, keep: dict) -> None:
    for (key,) in db.execute(f"SELECT {pk} FROM {table}").fetchall():
        if key not in keep:
            db.execute(f"DELETE FROM {table} WHERE {pk} = ?", [key])


def counts(path: str | Path) -> dict[str, int]:
    db = open_db(path)
    try:
        return {
            table: db[table].count
            for table in ("articles", "rumours", "stories", "people", "clubs", "outlets", "crawl_runs")
        }
    finally:
        db.close()
