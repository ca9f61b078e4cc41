"""Is a site still crawlable? One warning line per run for a site that blocks us or lists nothing.

A site that answers an honest crawler with 401/403/429/451, or whose feeds, sitemaps and section
pages stop naming articles (a feed moved, URLs changed so the patterns no longer match), would
otherwise just store nothing. The warning goes into the run's `crawl_runs.stats`
("rumourcrawl/health", "rumourcrawl/warning"), the log, and one line on stderr from
`rumourcrawl crawl`. rumourcrawl does not impersonate a browser to get past a block.
"""

from __future__ import annotations

BLOCKING_STATUSES = (401, 403, 429, 451)


def run_health(spider: str, stats: dict) -> tuple[str, str | None]:
    """("ok", None), or ("blocked" | "no_articles", a one-line warning) for a finished run's stats."""
    stored = stats.get("rumourcrawl/articles_new", 0) + stats.get("rumourcrawl/articles_updated", 0)
    blocked = {code: stats.get(f"rumourcrawl/errors/http_{code}", 0) for code in BLOCKING_STATUSES}
    blocked = {code: count for code, count in blocked.items() if count}
    if blocked:
        answers = ", ".join(f"HTTP {code} × {count}" for code, count in blocked.items())
        return "blocked", (
            f"{spider} refused this crawler ({answers}; {stored} articles stored): the site may block "
            "crawlers or rate-limit us; rumourcrawl does not pretend to be a browser"
        )
    empty = stats.get("rumourcrawl/listings_empty", 0)
    if empty:
        urls = stats.get("rumourcrawl/listings_empty_urls") or []
        shown = ", ".join(urls[:3]) + (", …" if len(urls) > 3 else "")
        return "no_articles", (
            f"{spider}: {empty} feed(s)/sitemap(s)/section(s) listed no article ({shown}; {stored} articles "
            "stored): the feed may have stopped or the site changed its URLs"
        )
    return "ok", None
