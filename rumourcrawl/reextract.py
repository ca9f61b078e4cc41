"""Rebuild every derived row (article text and metadata, rumours, stories) from stored raw HTML.

Run after the cleaning or rumour rules improve: no page is fetched again. Running it twice gives
the same database as running it once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rumourcrawl import store
from rumourcrawl.extract import ExtractionError, extract_article
from rumourcrawl.sites import all_sites, site_for_url

logger = logging.getLogger(__name__)


def reextract(db_path: str | Path) -> dict[str, int]:
    """Re-extract every article whose HTML was kept (crawled with RUMOURCRAWL_STORE_HTML=True)."""
    db = store.open_db(db_path)
    figures = {"pages": 0, "reextracted": 0, "failed": 0, "without_html": 0, "rumours": 0}
    try:
        figures["without_html"] = db.execute("SELECT count(*) FROM articles WHERE html IS NULL").fetchone()[0]
        sites = all_sites()
        for page in list(store.stored_pages(db)):
            figures["pages"] += 1
            url = page["fetched_url"] or page["url"]
            site = sites.get(page["site"]) if page["site"] else site_for_url(url)
            if page["html"] is None:
                logger.warning("Stored HTML of %s is not readable; keeping the stored row", page["url"])
                figures["failed"] += 1
                continue
            try:
                article = extract_article(page["html"], url, **({"rules": site.cleaning} if site else {}))
            except ExtractionError as exc:
                # The stored row stays as it was: a rule change must not lose an article.
                logger.warning("Could not re-extract %s (%s); keeping the stored row", page["url"], exc)
                figures["failed"] += 1
                continue
            stored = db["articles"].get(page["url"])
            # What the feed told the crawl (a date or title the page lacks) is not in the HTML: keep it.
            article.published = article.published or stored["published"]
            article.title = article.title or stored["title"]
            store.save_article(db, article, site=page["site"], fetched=False)
            if article.url != page["url"]:
                store.forget_article(db, page["url"], replaced_by=article.url)
            figures["reextracted"] += 1
            figures["rumours"] += len(article.rumours)
        figures["stories"] = store.refresh_stories(db)["stories"]
    finally:
        db.close()
    return figures
