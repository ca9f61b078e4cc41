"""Article writes: save an article with its rumours in one transaction, forget or move one, and
read back the HTML kept for `rumourcrawl reextract`."""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field, fields

import sqlite_utils

from rumourcrawl.extract.article import content_hash
from rumourcrawl.extract.gazetteer import canonical_club, name_key
from rumourcrawl.extract.models import STAGES, TERMINAL_STAGES, Article
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.store.duplicates import (
    find_original,
    index_article,
    jaccard,
    minhash,
    move_in_index,
    shingles,
    unindex_article,
)
from rumourcrawl.store.schema import RUMOUR_COLUMNS, domain, outlet_row, utc_now, write_transaction

STAGE_RANK = {stage: rank for rank, stage in enumerate(STAGES)}


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
        for name in ("from_club", "fee", "fee_amount", "fee_currency", "source", "source_tier"):
            if kept.get(name) is None and row.get(name) is not None:
                kept[name] = row[name]
    return list(merged.values())


def _rumour_rows(article: Article) -> list[dict]:
    rows = []
    for rumour in article.rumours:
        # A shallow copy (Rumour.to_dict's asdict deep-copies, a cost in bulk writes); `extra` is
        # serialised below, never changed.
        row = {f.name: getattr(rumour, f.name) for f in fields(rumour)}
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
    # Subjects of the rumour rows written, replaced or moved: the stories refresh_stories(subjects=...) redoes.
    subjects: set[str] = field(default_factory=set)


def _other_page(stored_fetched: str | None, fetched: str | None) -> bool:
    return bool(stored_fetched and fetched) and canonical_url(stored_fetched) != canonical_url(fetched)


# Plain SQL for the two writes of every save: sqlite-utils' upsert/insert_all read the schema
# (table list, columns) on each call, which cost more than the writes themselves. Columns come from
# the rows, whose keys are the schema's own (ARTICLE_COLUMNS, RUMOUR_COLUMNS, schema.py).
def _upsert(db: sqlite_utils.Database, table: str, row: dict, pk: str) -> None:
    """Insert the row, or update the given columns of the stored one (the others stay, as in sqlite-utils' upsert)."""
    columns = list(row)
    updates = ", ".join(f"[{c}] = excluded.[{c}]" for c in columns if c != pk)
    db.execute(
        f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})"
        f" ON CONFLICT([{pk}]) DO UPDATE SET {updates}",
        [row[c] for c in columns],
    )


def _insert(db: sqlite_utils.Database, table: str, rows: list[dict]) -> None:
    columns = sorted({c for row in rows for c in row})
    db.conn.executemany(
        f"INSERT INTO [{table}] ({', '.join(f'[{c}]' for c in columns)}) VALUES ({', '.join('?' * len(columns))})",
        [[row.get(c) for c in columns] for row in rows],
    )


def _subjects_of(db: sqlite_utils.Database, url: str) -> set[str]:
    return {s for (s,) in db.execute("SELECT subject FROM rumours WHERE article_url = ?", [url]).fetchall()}


def _move_article(db: sqlite_utils.Database, old: str, new: str) -> None:
    """Re-key a stored article (and what points at it) from `old` to a free URL `new`."""
    move_in_index(db, old, new)
    db.execute("PRAGMA defer_foreign_keys = ON")  # checked at commit, when every reference has moved
    db.execute("UPDATE articles SET url = ? WHERE url = ?", [new, old])
    db.execute("UPDATE rumours SET article_url = ? WHERE article_url = ?", [new, old])
    db.execute("UPDATE articles SET duplicate_of = ? WHERE duplicate_of = ?", [new, old])
    db.execute("UPDATE stories SET first_article = ? WHERE first_article = ?", [new, old])


_EXISTING = "SELECT first_fetched, last_fetched, fetched_url, content_hash, text, minhash FROM articles WHERE url = ?"


def save_article(
    db: sqlite_utils.Database,
    article: Article,
    *,
    site: str | None = None,
    html: bytes | str | None = None,
    fetched: bool = True,
    signature: bytes | None = None,
    fetched_at: str | None = None,
) -> SaveResult:
    """Insert or update one article and replace its rumours, in one write transaction.

    The URL is canonicalised first. A copy of an article stored before (same or nearly the same
    text under another URL) is kept with `duplicate_of` pointing at the original and no rumours of
    its own, so it never counts as a second source. `html`, when given, is kept compressed for
    `rumourcrawl reextract`; when not given, HTML stored earlier is kept. `fetched=False` (a
    re-extraction of stored HTML) leaves the fetch times as they were; `fetched_at` (ISO 8601, UTC)
    is when the page was fetched, if not now (imports, benchmarks/synthetic_db.py).

    When the canonical URL is already stored from another fetched page, the canonical link is not
    trusted blindly: a clearly different text is a different article, stored under its own fetched
    URL (`canonical_conflict`); the same text from another host is a copy claiming the original's URL,
    and nothing is written (`skipped="canonical_copy"`); from the same host it is the publisher's own
    edition (AMP, mobile) and updates the row. A page that lives at the canonical URL itself moves a
    different article that claimed the URL to that article's own fetched URL.

    Inside a transaction the caller holds (a batch of articles), the article's writes are one
    savepoint: they land together or not at all. A crash mid-way leaves the previous version of the
    article and its rumours intact.
    """
    article.url = canonical_url(article.url) or article.url
    now = fetched_at or utc_now()
    text_hash = content_hash(article.text)
    signature = signature or minhash(shingles(article.text))  # given when the caller has it (the dedupe pipeline)
    conflict = False
    subjects: set[str] = set()
    with write_transaction(db):
        existing = db.execute(_EXISTING, [article.url]).fetchone()
        if existing and _other_page(existing[2], article.fetched_url):
            same_text = (
                existing[3] == text_hash
                or jaccard(shingles(article.text), shingles(existing[4])) >= CANONICAL_CONFLICT_JACCARD
            )
            own_url = canonical_url(article.fetched_url) or article.fetched_url
            other_url = canonical_url(existing[2]) or existing[2]
            if same_text and domain(article.fetched_url) not in (domain(existing[2]), domain(article.url)):
                return SaveResult(url=article.url, is_new=False, skipped="canonical_copy")
            # The same text from the same host is the publisher's own edition (AMP, mobile, another
            # path): an ordinary update. A different text is a different article.
            conflict = not same_text
            if conflict and own_url == article.url:
                # This page really lives here: the other article claimed its URL. Move that one to
                # its own fetched URL when that is free; else this page wins the row.
                if other_url != article.url and not db.execute(_EXISTING, [other_url]).fetchone():
                    subjects |= _subjects_of(db, article.url)  # its stories' first article moves
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
            if not db.execute("SELECT 1 FROM outlets WHERE name = ?", [article.outlet]).fetchone():
                db["outlets"].insert(outlet_row(article.outlet, article.url), pk="name", ignore=True)
        _upsert(db, "articles", row, "url")
        index_article(db, article.url, signature, existing[5] if existing else None)
        # Rows keep their ids when re-extraction gives the same claims, so links to them last.
        old = db.execute(
            "SELECT id, subject FROM rumours WHERE article_url = ? ORDER BY position, id", [article.url]
        ).fetchall()
        old_ids = [i for i, _subject in old]
        subjects |= {subject for _i, subject in old} | {r["subject"] for r in rumour_rows}
        db.execute("DELETE FROM rumours WHERE article_url = ?", [article.url])
        for rumour_row, rumour_id in zip(rumour_rows, old_ids, strict=False):
            rumour_row["id"] = rumour_id
        if rumour_rows:
            _insert(db, "rumours", rumour_rows)
    return SaveResult(
        url=article.url,
        is_new=existing is None,
        is_copy=original is not None,
        rumours_inserted=len(rumour_rows),
        canonical_conflict=conflict,
        subjects=subjects,
    )


def forget_article(db: sqlite_utils.Database, url: str, *, replaced_by: str | None = None) -> set[str]:
    """Delete an article and its rumours; with `replaced_by`, move its HTML, first fetch time and
    copies to the article that replaces it (re-extraction found a different canonical URL).
    Returns the subjects of the rumours deleted (the stories to refresh)."""
    with write_transaction(db):
        subjects = _subjects_of(db, url)
        unindex_article(db, url)
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
    return subjects


def stored_pages(db: sqlite_utils.Database) -> Iterable[dict]:
    """Every article whose raw HTML is kept: url, fetched_url, site, html (decompressed; None when
    the stored bytes do not decompress).

    One page in memory at a time: the URLs are listed first (the caller may rewrite rows as it goes, which
    a live cursor would not survive), then each page is read when its turn comes. A page whose row is gone
    or lost its HTML by then is passed over."""
    urls = [url for (url,) in db.execute("SELECT url FROM articles WHERE html IS NOT NULL ORDER BY first_fetched, url")]
    for url in urls:
        row = db.execute(
            "SELECT fetched_url, site, html FROM articles WHERE url = ? AND html IS NOT NULL", [url]
        ).fetchone()
        if row is None:
            continue
        fetched_url, site, blob = row
        try:
            html = decompress_html(blob)
        except (zlib.error, TypeError):
            html = None
        yield {"url": url, "fetched_url": fetched_url, "site": site, "html": html}
