"""Rebuild every derived row (article text and metadata, rumours, stories) from stored raw HTML.

Run after the cleaning or rumour rules improve: no page is fetched again. Running it twice gives
the same database as running it once.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path

from rumourcrawl import store
from rumourcrawl.extract import ExtractionError, extract_article
from rumourcrawl.extract.gossip import rumours_of
from rumourcrawl.extract.page import settle_date
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.sites import all_sites, site_for_url

logger = logging.getLogger(__name__)


def _fetch_time(value: str | None) -> datetime:
    """When the page was fetched (the stored last_fetched), the moment its dates are judged against."""
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        moment = None
    if moment is None:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def reextract(db_path: str | Path) -> dict[str, int]:
    """Re-extract every article whose HTML was kept (crawled with RUMOURCRAWL_STORE_HTML=True)."""
    db = store.open_db(db_path)
    figures = {"pages": 0, "reextracted": 0, "failed": 0, "without_html": 0, "rumours": 0, "kept_in_place": 0}
    try:
        figures["without_html"] = db.execute("SELECT count(*) FROM articles WHERE html IS NULL").fetchone()[0]
        sites = all_sites()
        for page in store.stored_pages(db):
            figures["pages"] += 1
            url = page["fetched_url"] or page["url"]
            site = sites.get(page["site"]) if page["site"] else site_for_url(url)
            if page["html"] is None:
                logger.warning("Stored HTML of %s is not readable; keeping the stored row", page["url"])
                figures["failed"] += 1
                continue
            try:
                stored = db["articles"].get(page["url"])
                article = extract_article(
                    page["html"], url, with_rumours=False, **({"rules": site.cleaning} if site else {})
                )
                # The same date rules as the crawl, judged at the time the page was fetched. What the
                # feed told the crawl (a date or title the page lacks) is not in the HTML: the stored
                # date stands in for it.
                settle_date(article, page["html"], _fetch_time(stored["last_fetched"]), stored["published"], url=url)
                article.title = article.title or stored["title"]
                article.rumours = rumours_of(article)
            except ExtractionError as exc:
                # The stored row stays as it was: a rule change must not lose an article.
                logger.warning("Could not re-extract %s (%s); keeping the stored row", page["url"], exc)
                figures["failed"] += 1
                continue
            except Exception:  # a rule that trips on one page must not stop the rebuild
                logger.exception("Re-extraction failed on %s; keeping the stored row", page["url"])
                figures["failed"] += 1
                continue
            new_url = canonical_url(article.url) or article.url
            if new_url != page["url"] and db.execute("SELECT 1 FROM articles WHERE url = ?", [new_url]).fetchone():
                # Its new canonical URL belongs to another stored article: do not overwrite that one.
                logger.warning(
                    "%s now gives the canonical URL %s, already stored: keeping it at %s", url, new_url, page["url"]
                )
                article.url = page["url"]
                figures["kept_in_place"] += 1
            result = store.save_article(db, article, site=page["site"], fetched=False)
            if result.skipped:
                figures["failed"] += 1
                continue
            if result.url != page["url"]:
                store.forget_article(db, page["url"], replaced_by=result.url)
            figures["reextracted"] += 1
            figures["rumours"] += result.rumours_inserted
        figures["stories"] = store.refresh_stories(db)["stories"]
    finally:
        db.close()
    return figures
