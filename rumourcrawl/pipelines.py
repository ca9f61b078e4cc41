"""Four small pipelines: clean → rumours → dedupe → store. Each counts what it does in the stats."""

from __future__ import annotations

import functools
import logging
import os
import time
from datetime import UTC, datetime
from pathlib import Path

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import task

from rumourcrawl import store, workers
from rumourcrawl.extract.article import content_hash, decode_html
from rumourcrawl.extract.page import (
    PageResult,
    extract_page,
    extract_page_in_worker,
    page_rumours,
    settle_date,
    warm_up,
)
from rumourcrawl.extract.urls import canonical_url
from rumourcrawl.health import run_health
from rumourcrawl.items import CrawledPage

__all__ = ["CleanPipeline", "DedupePipeline", "RumourPipeline", "StorePipeline", "settle_date"]

logger = logging.getLogger(__name__)


class _StatsPipeline:
    def __init__(self, crawler):
        self.crawler = crawler
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def skip(self, page: CrawledPage, reason: str, message: str):
        """Count and log a page that yields no row, then drop it."""
        self.stats.inc_value("rumourcrawl/skipped")
        self.stats.inc_value(f"rumourcrawl/skipped/{reason}")
        logger.warning("Skipped %s: %s", page.url, message)
        _note_outcome(self.crawler, page, "skipped", reason)
        raise DropItem(f"{reason}: {message}", log_level="DEBUG")


def _note_outcome(crawler, page: CrawledPage, outcome: str, reason: str | None = None) -> None:
    """Tell the spider how a listed URL ended, so later runs need not fetch it again."""
    note = getattr(crawler.spider, "note_outcome", None)
    listed = page.hints.get("listed_url")
    if note and listed:
        note(listed, outcome, reason)


def _mark_listing_incomplete(crawler, page: CrawledPage) -> None:
    """Tell the spider the page's feed was not fully stored, so its validators are not saved and the
    next run reads the feed in full (and fetches the page again), as after a failed fetch."""
    mark = getattr(crawler.spider, "mark_feeds_incomplete", None)
    feeds = page.hints.get("feeds") or tuple(filter(None, [page.hints.get("found_in")]))
    if mark and feeds:
        mark(feeds)


def extract_workers(settings) -> int:
    """RUMOURCRAWL_EXTRACT_WORKERS: worker processes for extraction; unset = one per core, 0 = none."""
    value = settings.get("RUMOURCRAWL_EXTRACT_WORKERS")
    if value is None or str(value).strip() == "":
        return workers.default_workers()
    return max(0, int(value))


# CPU seconds by stage, summed into the stats as rumourcrawl/cpu/STAGE: cleaning, rumours and dedupe
# (the MinHash) are timed where they run, in the workers too; dedupe and database (the SQLite writes,
# stories) in this process; fetch_parse is the rest of this process's CPU time from the spider's
# opening to its close (Scrapy's engine, HTTP, feeds, the spider's callbacks, handing pages to the
# workers). rumourcrawl/cpu/workers is the part of the stages spent in worker processes. The
# figures are per crawl process: with several spiders in one (`crawl --all`), fetch_parse is shared.
CPU_STAGES = ("fetch_parse", "cleaning", "rumours", "dedupe", "database")


def add_cpu(stats, seconds: dict[str, float], *, in_process: bool) -> None:
    for stage, value in seconds.items():
        stats.inc_value(f"rumourcrawl/cpu/{stage}", value, start=0.0)
        if not in_process:
            stats.inc_value("rumourcrawl/cpu/workers", value, start=0.0)


def cpu_stage(stage: str):
    """Time a pipeline method's CPU in this process as `stage` (see CPU_STAGES)."""

    def wrap(method):
        @functools.wraps(method)
        def timed(self, *args, **kwargs):
            clock = time.process_time()
            try:
                return method(self, *args, **kwargs)
            finally:
                add_cpu(self.stats, {stage: time.process_time() - clock}, in_process=True)

        return timed

    return wrap


def start_cpu_accounts(crawler) -> None:
    crawler.rumourcrawl_cpu_start = time.process_time()


def settle_cpu_accounts(crawler) -> None:
    """Set rumourcrawl/cpu/fetch_parse: this process's CPU since the spider opened, less the timed stages."""
    start = getattr(crawler, "rumourcrawl_cpu_start", None)
    if start is None:
        return
    stats = crawler.stats
    timed_here = sum(stats.get_value(f"rumourcrawl/cpu/{stage}", 0.0) for stage in CPU_STAGES[1:])
    timed_here -= stats.get_value("rumourcrawl/cpu/workers", 0.0)
    stats.set_value("rumourcrawl/cpu/fetch_parse", max(0.0, time.process_time() - start - timed_here))


class CleanPipeline(_StatsPipeline):
    """HTML → Article (title, author, date, language, main text without promos), with its rumours and
    MinHash signature: the CPU-heavy part of the crawl, run in a pool of worker processes.

    RUMOURCRAWL_EXTRACT_WORKERS sets how many (default: one per core; 0 runs it in this process,
    which is easier to debug). With workers, `process_item` awaits the page's result: the engine
    goes on fetching and storing while pages are cleaned, and each page comes back when it is done.
    """

    def open_spider(self):
        self.workers = extract_workers(self.crawler.settings)
        self.pool = workers.acquire(self.workers, initializer=warm_up) if self.workers else None
        self.stats.set_value("rumourcrawl/extract_workers", self.workers)
        self.log_level = logging.getLogger().getEffectiveLevel()
        self.in_hand, self.paused_engine = 0, False
        self.max_in_hand = max(4, 4 * self.workers)
        start_cpu_accounts(self.crawler)

    def close_spider(self):
        if self.pool is not None:
            if self.pool.replaced:
                self.stats.set_value("rumourcrawl/extract_workers/replaced", self.pool.replaced)
            workers.release(self.pool)
            self.pool = None

    async def process_item(self, page: CrawledPage):
        job = {
            "content_type": page.content_type,
            "site": page.site,
            "hints": {k: page.hints.get(k) for k in ("published", "title")},
            "fetched": datetime.now(UTC),
        }
        if self.pool is None:
            return self._apply(extract_page(page.body, page.url, **job), page, in_process=True)
        self._hold(+1)
        try:
            result = await maybe_deferred_to_future(
                self.pool.run(extract_page_in_worker, self.log_level, page.body, page.url, **job)
            )
        except workers.WorkerDied as exc:
            # Not the page's fault, as far as anyone knows: counted, and fetched again next run.
            self.stats.inc_value("rumourcrawl/skipped")
            self.stats.inc_value("rumourcrawl/skipped/worker_died")
            logger.warning("Skipped %s: %s", page.url, exc)
            _mark_listing_incomplete(self.crawler, page)
            raise DropItem(f"worker_died: {exc}", log_level="DEBUG") from exc
        finally:
            self._hold(-1)
        return self._apply(result, page)

    def _hold(self, change: int) -> None:
        """Keep at most a few pages per worker waiting for extraction: past that the engine sends no
        new request until half of them are done. Fetching on loopback outruns extraction; without
        this, fetched pages would pile up in memory (and, in a distributed crawl, in a process's
        hands: a killed crawler's pages are fetched again)."""
        self.in_hand += change
        engine = self.crawler.engine
        if change > 0 and self.in_hand >= self.max_in_hand and not engine.paused:
            engine.pause()
            self.paused_engine = True
        elif change < 0 and self.paused_engine and self.in_hand <= self.max_in_hand // 2:
            engine.unpause()
            self.paused_engine = False
            slot = getattr(engine, "_slot", None)  # the engine looks for requests to send again now,
            if slot is not None:  # not at its next heartbeat (5 s)
                slot.nextcall.schedule()

    def _apply(self, result: PageResult, page: CrawledPage, in_process: bool = False):
        for name, level, message in result.logs:
            logging.getLogger(name).log(level, "%s", message)
        for name in result.counts:
            self.stats.inc_value(f"rumourcrawl/{name}")
        add_cpu(self.stats, result.cpu, in_process=in_process)
        if result.skip:
            self.skip(page, *result.skip)
        page.article = result.article
        page.signature = result.signature
        page.rumour_outcome = result.rumours
        self.stats.inc_value("rumourcrawl/articles_extracted")
        return page


class RumourPipeline(_StatsPipeline):
    """Article text → rumour rows. A failure here keeps the article, with no rumours."""

    def process_item(self, page: CrawledPage):
        outcome = page.rumour_outcome
        if outcome is None:  # the page did not come through CleanPipeline's extract_page
            clock = time.process_time()
            outcome = page_rumours(page.article)
            add_cpu(self.stats, {"rumours": time.process_time() - clock}, in_process=True)
        article = page.article
        if outcome.language_skipped is not None:
            # Stored with its language; the rumour rules are English and would misread it.
            self.stats.inc_value(f"rumourcrawl/rumours_skipped/language_{article.language}")
            logger.info("No rumour rules for %s pages: %s stored without rumours", article.language, page.url)
            return page
        if outcome.error:
            logger.error(
                "Rumour extraction failed on %s; storing the article without rumours\n%s", page.url, outcome.error
            )
            self.stats.inc_value("rumourcrawl/errors")
            self.stats.inc_value("rumourcrawl/errors/rumour_extraction")
        self.stats.inc_value("rumourcrawl/rumours_found", len(article.rumours))
        return page


class DedupePipeline(_StatsPipeline):
    """One article per canonical URL per run, even when several feed URLs lead to it.

    A second page with the same canonical URL but different text is another article under a wrong
    or shared rel=canonical: it goes on, keyed by its own fetched URL (as store.save_article does).
    """

    def open_spider(self):
        # canonical URL → (content hash, MinHash signature): small, however long the run
        self.seen: dict[str, tuple[str, bytes]] = {}

    @cpu_stage("dedupe")
    def process_item(self, page: CrawledPage):
        article = page.article
        url = article.url
        text_hash = content_hash(article.text)
        # Computed once: the store reuses it (in a distributed crawl the crawler computed it already).
        if page.signature is None:
            page.signature = store.minhash(store.shingles(article.text))
        signature = page.signature
        if url in self.seen:
            seen_hash, seen_signature = self.seen[url]
            own_url = canonical_url(article.fetched_url or page.url) or page.url
            different = (
                seen_hash != text_hash
                and store.minhash_similarity(signature, seen_signature) < store.CANONICAL_CONFLICT_JACCARD
            )
            if not different or (own_url != url and own_url in self.seen):
                self.stats.inc_value("rumourcrawl/duplicates/url")
                _note_outcome(self.crawler, page, "stored", "duplicate")
                raise DropItem(f"duplicate of {url} already stored in this run", log_level="DEBUG")
            # This page lives at the canonical URL itself: the store moves the other one away (and counts it).
            if own_url != url:
                self.stats.inc_value("rumourcrawl/canonical_conflicts")
                logger.warning(
                    "%s gives the canonical URL %s of a different article in this run: stored under %s",
                    page.url,
                    url,
                    own_url,
                )
                article.url = url = own_url
        self.seen[url] = (text_hash, signature)
        return page


class _SharedWriter:
    """One connection and one write batch per database file in this process.

    Every spider's StorePipeline in one process (`rumourcrawl crawl --all`) writes through it: two
    connections used from the one reactor thread would wait on each other's write lock, one holding
    its batch open while the other's BEGIN blocks the thread that would commit it.
    """

    _open: dict[str, _SharedWriter] = {}

    def __init__(self, path: str, items: int, seconds: float):
        self.path = path
        self.db = store.open_db(path)
        self.batch = store.WriteBatch(self.db, items=items, seconds=seconds) if items > 1 else None
        # In the open batch, not yet committed: each page, and how its listed URL ended if not as itself
        # ("redirected", "duplicate"), told to the spider only once the batch is committed.
        self.pending: list[tuple[StorePipeline, CrawledPage, str | None]] = []
        self.users = 0
        self.flusher = None
        if self.batch is not None:
            self.flusher = task.LoopingCall(self.commit_if_due)
            self.flusher.start(max(seconds, 0.05), now=False)

    @classmethod
    def acquire(cls, path: str, items: int, seconds: float) -> _SharedWriter:
        key = str(Path(path).resolve())
        writer = cls._open.get(key)
        if writer is None:
            writer = cls._open[key] = cls(path, items, seconds)
        writer.users += 1
        return writer

    def commit_if_due(self) -> None:
        if self.batch is not None and self.batch.due():
            self.commit()

    def commit(self) -> None:
        """Commit the open batch; if the commit fails, its pages count as failed and are fetched again."""
        pending, self.pending = self.pending, []
        try:
            if self.batch is not None:
                self.batch.commit()
        except Exception as exc:
            self.lost(pending, exc)
            return
        for pipeline, page, outcome in pending:
            if outcome is not None:
                _note_outcome(pipeline.crawler, page, "stored", outcome)

    def lost(self, pending: list[tuple[StorePipeline, CrawledPage, str | None]], exc: Exception) -> None:
        """A batch that did not commit: its pages count as failed, and no outcome of theirs is remembered
        (a listed URL noted "stored" would never be fetched again)."""
        logger.error("Could not store a batch of %d article(s): %s", len(pending), exc)
        for pipeline, page, _outcome in pending:
            pipeline.count_failed(page)

    def release(self) -> None:
        self.users -= 1
        if self.users > 0:
            return
        if self.flusher is not None and self.flusher.running:
            self.flusher.stop()
        self.commit()
        self.db.close()
        self._open.pop(str(Path(self.path).resolve()), None)


class StorePipeline(_StatsPipeline):
    """Write each article and its rumours into SQLite: batched, one transaction per
    RUMOURCRAWL_STORE_BATCH_ITEMS articles or RUMOURCRAWL_STORE_BATCH_SECONDS, each article its own
    savepoint in it (it lands whole with its rumours or not at all; see store.WriteBatch)."""

    # None: each article commits at once (the distributed writer sets `db` and batches itself).
    writer: _SharedWriter | None = None
    batch: store.WriteBatch | None = None

    def __init__(self, crawler):
        super().__init__(crawler)
        # Subjects of the rumours this run wrote or replaced: only their stories are refreshed at the end.
        self.touched_subjects: set[str] = set()

    def open_spider(self):
        settings = self.crawler.settings
        self.db_path = settings.get("RUMOURCRAWL_DB")
        self.writer = _SharedWriter.acquire(
            self.db_path,
            settings.getint("RUMOURCRAWL_STORE_BATCH_ITEMS"),
            settings.getfloat("RUMOURCRAWL_STORE_BATCH_SECONDS"),
        )
        self.db, self.batch = self.writer.db, self.writer.batch
        self.keep_html = settings.getbool("RUMOURCRAWL_STORE_HTML")
        self.started = store.utc_now()
        self.run_id = store.start_crawl_run(self.db, self.crawler.spider.name, self.started, os.getpid())
        logger.info("Storing articles in %s", self.db_path)

    def count_failed(self, page: CrawledPage) -> None:
        self.stats.inc_value("rumourcrawl/errors")
        self.stats.inc_value("rumourcrawl/errors/store_failed")
        _mark_listing_incomplete(self.crawler, page)

    @cpu_stage("database")
    def close_spider(self):
        if self.writer is not None:
            self.writer.commit()

    @cpu_stage("database")
    def process_item(self, page: CrawledPage):
        # The HTML is kept as the text the crawl decoded (its charset corrected, see the spider),
        # in UTF-8 behind a BOM, which decoders honour before any <meta charset>: reextract reads
        # what the crawl read.
        html = "\ufeff".encode() + decode_html(page.body, page.content_type).encode() if self.keep_html else None
        try:
            if self.batch is not None:
                self.batch.begin()
            result = store.save_article(self.db, page.article, site=page.site, html=html, signature=page.signature)
        except Exception as exc:  # a locked or full disk: counted, and the page is fetched again next run
            logger.error("Could not store %s: %s", page.url, exc)
            self.count_failed(page)
            if self.writer is not None and self.writer.pending and not self.db.conn.in_transaction:
                # The error took the whole batch with it.
                pending, self.writer.pending = self.writer.pending, []
                self.writer.lost(pending, exc)
            raise DropItem(f"store failed: {exc}", log_level="DEBUG") from exc
        self.touched_subjects |= result.subjects
        # How the listed URL ended, if not as this article's own: known under another URL.
        outcome = (
            "duplicate"
            if result.skipped
            else "redirected"
            if page.hints.get("listed_url") not in (page.article.url, page.article.fetched_url)
            else None
        )
        if self.batch is not None:
            self.writer.pending.append((self, page, outcome))  # noted once committed (_SharedWriter.commit)
            self.batch.wrote()
            if self.batch.due():
                self.writer.commit()
        elif outcome is not None:
            _note_outcome(self.crawler, page, "stored", outcome)
        if result.skipped:  # another page's copy of a stored article, claiming its URL
            self.stats.inc_value("rumourcrawl/duplicates/canonical")
            logger.warning(
                "%s claims the canonical URL %s of an article stored from another page with the same text: not stored",
                page.url,
                result.url,
            )
            raise DropItem(f"copy of {result.url}", log_level="DEBUG")
        if result.canonical_conflict:
            self.stats.inc_value("rumourcrawl/canonical_conflicts")
            logger.warning(
                "%s gives the canonical URL of a different stored article: stored under %s", page.url, result.url
            )
        page.is_new = result.is_new
        # A copy of an article stored before keeps no rumours of its own (see store.save_article).
        if result.is_copy:
            self.stats.inc_value("rumourcrawl/duplicates/content")
        self.stats.inc_value("rumourcrawl/articles_new" if page.is_new else "rumourcrawl/articles_updated")
        self.stats.inc_value("rumourcrawl/rumours_stored", result.rumours_inserted)
        return page

    @classmethod
    def from_crawler(cls, crawler):
        pipeline = cls(crawler)
        # The run's row is finished on spider_closed, the first moment the finish reason is known.
        crawler.signals.connect(pipeline.finish_run, signal=signals.spider_closed)
        return pipeline

    def finish_run(self, spider, reason):
        # Stories span articles, so they are refreshed once the run's articles are all stored: those
        # of the people the run wrote about, or all of them with RUMOURCRAWL_REBUILD_STORIES.
        self.close_spider()  # committed already when the engine closed the pipelines; a no-op then
        clock = time.process_time()
        rebuild = self.crawler.settings.getbool("RUMOURCRAWL_REBUILD_STORIES")
        story_counts = store.refresh_stories(self.db, None if rebuild else self.touched_subjects)
        add_cpu(self.stats, {"database": time.process_time() - clock}, in_process=True)
        settle_cpu_accounts(self.crawler)
        self.stats.set_value("rumourcrawl/stories", story_counts["stories"])
        self.stats.set_value("rumourcrawl/stories_new", story_counts["stories_new"])
        health, warning = run_health(self.crawler.spider.name, self.stats.get_stats())
        self.stats.set_value("rumourcrawl/health", health)
        if warning:
            self.stats.set_value("rumourcrawl/warning", warning)
            logger.warning(warning)
        stats = self.stats.get_stats()
        store.finish_crawl_run(
            self.db,
            self.run_id,
            {
                "spider": self.crawler.spider.name,
                "started": self.started,
                "finished": store.utc_now(),
                "finish_reason": reason,
                **store.crawl_run_counts(stats, story_counts),
                "stats": {
                    k: v for k, v in stats.items() if k.startswith(("rumourcrawl/", "downloader/response_status"))
                },
            },
        )
        self.writer.release()
