"""The database's schema: tables, migrations, opening a file, write transactions. The one owner of DDL.

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
- minhash_docs, minhash_bands  the near-duplicate index (store/duplicates.py): each article's MinHash
             signature cut into LSH bands, so candidates are found by lookup, not by scanning
- story_sources one row per story and named source (rumours.source) among its rumours: the source's best
             tier and rumour count in that story, and the story's stage flags; written by the story refresh
- source_stats one row per named source, summed from story_sources (the canned query source_reliability
             reads it); both are derived, hidden in Datasette, and rebuilt with the stories
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import sqlite_utils

from rumourcrawl.extract.gazetteer import load_gazetteer
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.store import duplicates

# Bump when a migration is added to MIGRATIONS; PRAGMA user_version records what a file has.
SCHEMA_VERSION = 7

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
        db["outlets"].insert(outlet_row(name, url), pk="name", ignore=True)
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


def _migrate_5(db: sqlite_utils.Database) -> None:
    """The near-duplicate index (store/duplicates.py): every stored article's MinHash LSH band keys.

    `minhash_docs` gives each article a small stable id (an INTEGER PRIMARY KEY survives VACUUM,
    unlike an implicit rowid), so a band row is two integers; `minhash_bands` is keyed by
    (band key, article id) without a rowid: one B-tree, looked up by key. Filled from the signatures
    already stored (computed here for articles of version-1 files, which have none).
    """
    db.execute("CREATE TABLE IF NOT EXISTS minhash_docs (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE)")
    db.execute(
        "CREATE TABLE IF NOT EXISTS minhash_bands (key INTEGER NOT NULL, doc INTEGER NOT NULL,"
        " PRIMARY KEY (key, doc)) WITHOUT ROWID"
    )
    duplicates.rebuild_index(db)


def _migrate_6(db: sqlite_utils.Database) -> None:
    """An index for the canned query rumours_per_club_per_week (rumourcrawl/data/metadata.yml): its
    groups come out of the index in order, so Datasette's first 1,000 rows need no full aggregation.
    The expression must stay the query's own, character for character, for SQLite to use it."""
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_rumours_week_club"
        " ON rumours (strftime('%Y-W%W', substr(published, 1, 10)), to_club)"
    )


# A story's stages that source_stats counts (the canned query source_reliability shows them).
AGREED_STAGES = ("agreed", "done")  # furthest_stage
DENIED_STAGES = ("denied", "collapsed")  # latest_stage

# One source's row of source_stats, from its story_sources rows (the covering index answers it).
SOURCE_STATS_SQL = """SELECT source, min(tier) AS tier, count(*) AS stories,
                             sum(agreed_or_done) AS reached_agreed_or_done,
                             sum(denied_or_collapsed) AS denied_or_collapsed, sum(rumours) AS rumours
                      FROM story_sources"""


def _migrate_7(db: sqlite_utils.Database) -> None:
    """story_sources and source_stats (see the module docstring), filled from the stored rumours and stories.

    The canned query source_reliability used to aggregate every rumour with a source joined to its
    story on each request (3.4 s at 1M rumours); it now reads source_stats, which the story refresh
    keeps (store/stories.py), one row per source.
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS story_sources (story_id TEXT NOT NULL REFERENCES stories(id),"
        " source TEXT NOT NULL, tier INTEGER, rumours INTEGER NOT NULL,"
        " agreed_or_done INTEGER NOT NULL, denied_or_collapsed INTEGER NOT NULL,"
        " PRIMARY KEY (story_id, source)) WITHOUT ROWID"
    )
    db.execute(
        "CREATE INDEX IF NOT EXISTS idx_story_sources_source"
        " ON story_sources (source, tier, agreed_or_done, denied_or_collapsed, rumours)"
    )
    db.execute(
        "CREATE TABLE IF NOT EXISTS source_stats (source TEXT PRIMARY KEY, tier INTEGER, stories INTEGER,"
        " reached_agreed_or_done INTEGER, denied_or_collapsed INTEGER, rumours INTEGER)"
    )
    db.execute("CREATE INDEX IF NOT EXISTS idx_source_stats_order ON source_stats (tier, stories DESC, source)")
    db.execute("DELETE FROM story_sources")
    db.execute(
        "INSERT INTO story_sources"
        " SELECT r.story_id, r.source, min(r.source_tier), count(*),"
        f" CASE WHEN s.furthest_stage IN {AGREED_STAGES} THEN 1 ELSE 0 END,"
        f" CASE WHEN s.latest_stage IN {DENIED_STAGES} THEN 1 ELSE 0 END"
        " FROM rumours r JOIN stories s ON s.id = r.story_id WHERE r.source IS NOT NULL"
        " GROUP BY r.story_id, r.source"
    )
    db.execute("DELETE FROM source_stats")
    db.execute(f"INSERT INTO source_stats {SOURCE_STATS_SQL} GROUP BY source")


MIGRATIONS = {
    1: _migrate_1,
    2: _migrate_2,
    3: _migrate_3,
    4: _migrate_4,
    5: _migrate_5,
    6: _migrate_6,
    7: _migrate_7,
}


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


class WriteBatch:
    """Many writes in one transaction, committed every `items` writes or every `seconds`.

    One commit (and one fsync) per batch instead of per article. The writes inside (save_article
    and the others) each run in their own savepoint of the batch's transaction, so an article and
    its rumour rows land together or not at all; a kill loses the uncommitted batch, whole articles
    only, and the crawl that stored them fetches them again next run (nothing marks them stored).
    Holds the write lock while open: keep `seconds` well under busy_timeout (10 s).
    """

    def __init__(self, db: sqlite_utils.Database, items: int = 100, seconds: float = 2.0):
        self.db = db
        self.items = max(1, items)
        self.seconds = seconds
        self.written = 0
        self.opened = 0.0

    @property
    def open(self) -> bool:
        return self.db.conn.in_transaction

    def begin(self) -> None:
        """Before a write: open the batch's transaction if none is open (BEGIN IMMEDIATE)."""
        if not self.db.conn.in_transaction:
            self.db.conn.execute("BEGIN IMMEDIATE")
            self.opened = time.monotonic()
            self.written = 0

    def wrote(self) -> None:
        self.written += 1

    def due(self) -> bool:
        return self.open and (self.written >= self.items or time.monotonic() - self.opened >= self.seconds)

    def commit(self) -> None:
        """Commit what the batch holds (rolled back, and the error raised, if the commit fails)."""
        self.written = 0
        if not self.db.conn.in_transaction:
            return
        try:
            self.db.conn.execute("COMMIT")
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.conn.execute("ROLLBACK")
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


def domain(url: str | None) -> str | None:
    return urlsplit(canonical_url(url) or "").hostname


def outlet_row(name: str, url: str | None) -> dict:
    from rumourcrawl.sites import site_for_url  # sites import the extraction code, not the store

    source = load_gazetteer().source(name)
    site = site_for_url(url) if url and not source else None
    tier, tier_source = (source.tier, "sources gazetteer") if source else (None, None)
    if site is not None and site.tier is not None:
        tier, tier_source = site.tier, f"site config {site.name}"
    return {"name": name, "domain": domain(url), "tier": tier, "tier_source": tier_source}


def counts(path: str | Path) -> dict[str, int]:
    """Rows per table of the database at `path`."""
    db = open_db(path)
    try:
        return {
            table: db[table].count
            for table in ("articles", "rumours", "stories", "people", "clubs", "outlets", "crawl_runs")
        }
    finally:
        db.close()
