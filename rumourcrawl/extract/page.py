"""One fetched page → everything the crawl derives from it before deduplication and storage.

`extract_page` is the CPU-heavy part of a crawl (trafilatura, the promo pass, metadata, dates, the
rumour rules, the text's MinHash signature) as one pure function of picklable inputs, so the crawl
can run it in a pool of worker processes (rumourcrawl/workers.py) or in its own process, with the
same result. It never raises: a page that gives no article comes back with `skip` set, a rumour
rule that trips comes back as an error note, and every stats counter and log line it would have
written comes back as data for the crawl process to replay (a worker has no Scrapy stats, and its
log is not the crawl's).

No Scrapy, no database, no network, like the rest of rumourcrawl/extract/.
"""

from __future__ import annotations

import logging
import os
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from rumourcrawl import dates
from rumourcrawl.extract.article import ExtractionError, extract_article, normalise_date
from rumourcrawl.extract.gossip import rumour_rules_apply, rumours_of
from rumourcrawl.extract.models import Article
from rumourcrawl.extract.urls import canonical_url

logger = logging.getLogger(__name__)

# Tests only (RUMOURCRAWL_TEST_FAULTS=1 in the environment): a page holding one of these comments
# makes its extraction raise, or the worker process running it exit at once, so that the crawl's
# handling of both can be tested on the real engine. No real page was found to do either on
# demand; without the variable the markers mean nothing.
FAULT_RAISE = b"<!-- rumourcrawl-test-fault: raise -->"
FAULT_EXIT = b"<!-- rumourcrawl-test-fault: exit -->"


def settle_date(
    article,
    body: bytes | str,
    fetched: datetime,
    listed: str | None = None,
    *,
    url: str = "",
    count: Callable[[str], object] = lambda name: None,
) -> None:
    """Settle an article's publication date against the moment its page was fetched.

    A date more than a day after the fetch is refused; then the listing's date (`listed`, from the
    feed or sitemap, or the one stored before) fills a gap; then a relative date on the page ("2 hours
    ago", taken from `fetched`). `count` is told each case ("future", "from_listing", "relative",
    "missing"). Used by the crawl (extract_page) and by `rumourcrawl reextract`, so both agree.
    """
    if dates.is_future(article.published, fetched):
        count("future")
        logger.warning("Date in the future on %s (%s): not used as its publication date", url, article.published)
        article.published = None
    if not article.published and listed:
        # The page shows no date, but its feed or sitemap entry did.
        hinted = normalise_date(str(listed))
        article.published = None if dates.is_future(hinted, fetched) else hinted
        if article.published:
            count("from_listing")
    if not article.published and (relative := dates.relative_date(body, fetched)):
        article.published = relative[1]
        count("relative")
        logger.info("Relative date %r on %s taken as %s", relative[0], url, relative[1])
    if not article.published:
        count("missing")
        logger.warning("No publication date on %s: stored without one", url)


@dataclass
class RumourOutcome:
    """What the rumour pass did with one article; the crawl counts it (see RumourPipeline)."""

    language_skipped: str | None = None  # the page's language, when the rules are not for it
    error: str | None = None  # the traceback, when a rule tripped (the article is kept, without rumours)


def page_rumours(article: Article) -> RumourOutcome:
    """Fill `article.rumours` (none for a language the rules are not written for, or when they fail)."""
    if not rumour_rules_apply(article.language):
        article.rumours = []
        return RumourOutcome(language_skipped=article.language)
    try:
        article.rumours = rumours_of(article)
    except Exception:  # the article is worth keeping even if the rumour rules trip on it
        article.rumours = []
        return RumourOutcome(error=traceback.format_exc())
    return RumourOutcome()


@dataclass
class PageResult:
    """What `extract_page` made of one page. `skip` is (reason, message) when it gave no article."""

    article: Article | None = None
    signature: bytes | None = None
    skip: tuple[str, str] | None = None
    rumours: RumourOutcome | None = None
    counts: list[str] = field(default_factory=list)  # stats counters to increment, under rumourcrawl/
    logs: list[tuple[str, int, str]] = field(default_factory=list)  # (logger, level, message) to replay
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds by stage: cleaning, rumours, dedupe


def extract_page(
    body: bytes,
    url: str,
    *,
    content_type: str = "",
    site: str | None = None,
    hints: dict | None = None,
    fetched: datetime,
    signature: bool = True,
) -> PageResult:
    """Clean one fetched page into an Article with its rumours and (with `signature`) its MinHash.

    `hints` are what the listing said of the page (published, title); `fetched` is when it was
    fetched, the moment its dates are judged against.
    """
    hints = hints or {}
    result = PageResult()
    clock = time.process_time()
    faults = os.environ.get("RUMOURCRAWL_TEST_FAULTS") == "1"
    if faults and FAULT_EXIT in body:
        os._exit(70)  # as a segfault or the OOM killer would end it: no cleanup, no answer
    try:
        if faults and FAULT_RAISE in body:
            raise RuntimeError("test fault")
        from rumourcrawl.sites import all_sites

        rules = all_sites()[site].cleaning if site in all_sites() else None
        article = extract_article(
            body, url, content_type=content_type, with_rumours=False, **({"rules": rules} if rules else {})
        )
        settle_date(
            article,
            body,
            fetched,
            hints.get("published"),
            url=url,
            count=lambda name: result.counts.append(f"dates/{name}"),
        )
        if not article.title and hints.get("title"):
            article.title = hints["title"]
        # One article, one URL: fold www/AMP/mobile variants and tracking parameters.
        article.url = canonical_url(article.url or url)
    except ExtractionError as exc:
        result.skip = (exc.reason, str(exc))
        return result
    except Exception as exc:  # a page that trips the extractor is skipped like any other, not fatal
        logger.error("Extraction failed on %s:\n%s", url, traceback.format_exc())
        result.skip = ("extraction_error", f"extraction failed: {type(exc).__name__}: {exc}")
        return result
    finally:
        result.cpu["cleaning"] = time.process_time() - clock
    clock = time.process_time()
    result.rumours = page_rumours(article)
    result.cpu["rumours"] = time.process_time() - clock
    if signature:
        clock = time.process_time()
        # The dearest part of deduplication, done here, beside the extraction, once per page.
        from rumourcrawl import store

        result.signature = store.minhash(store.shingles(article.text))
        result.cpu["dedupe"] = time.process_time() - clock
    result.article = article
    return result


_WARM_UP_PAGE = (
    b'<html lang="en"><head><meta property="og:type" content="article">'
    b'<meta property="article:published_time" content="2026-01-02T10:00:00+00:00"></head><body><article>'
    b"<h1>Arsenal in talks to sign Haaland</h1><p>Arsenal are in talks to sign Erling Haaland from Manchester"
    b" City for a fee of about &#163;100m, according to reports. The striker has scored many goals this season and"
    b" the club hope to complete the deal before the window closes, with Chelsea also keen.</p></article></body></html>"
)


def warm_up() -> None:
    """Load what extraction loads on first use (site rules, gazetteer, rumour model, language model)."""
    from datetime import UTC

    logging.disable(logging.CRITICAL)  # a worker's start says nothing to the crawl's log
    try:
        extract_page(_WARM_UP_PAGE, "https://example.com/news/arsenal-talks-haaland", fetched=datetime.now(UTC))
    finally:
        logging.disable(logging.NOTSET)


class _Capture(logging.Handler):
    def __init__(self, records: list, level: int):
        super().__init__(level)
        self.records = records

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.records.append((record.name, record.levelno, record.getMessage()))
        except Exception:  # a bad format string must not fail the page
            self.records.append((record.name, record.levelno, str(record.msg)))


def extract_page_in_worker(log_level: int, *args, **kwargs) -> PageResult:
    """`extract_page` in a worker process: its log lines come back with the result, for the crawl's log."""
    records: list = []
    root = logging.getLogger()
    handler = _Capture(records, log_level)
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(log_level)
    try:
        result = extract_page(*args, **kwargs)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    result.logs = records + result.logs
    return result
