"""`rumourcrawl drain`: the one process that writes SQLite in a distributed crawl.

It reads the item stream as a Redis consumer group: an entry read but not acknowledged stays in
the group's pending list, so a writer killed at any moment reads it again on restart. Entries are
stored in batches, one SQLite transaction per batch, and acknowledged (and deleted) only after the
commit. A batch stored but not yet acknowledged when the writer died is stored again: articles are
keyed by canonical URL and their rumours replaced, so it gives the same rows.

Pages go through the same DedupePipeline and StorePipeline code as in a local crawl. After each
commit the writer publishes what the crawlers need to stay incremental (stored article URLs,
feed validators, listed URLs' outcomes) to Redis hashes, which crawlers read at start.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import time

import redis
from scrapy.exceptions import DropItem

from rumourcrawl import store
from rumourcrawl.distributed import Keys
from rumourcrawl.distributed.pipeline import page_from_message
from rumourcrawl.distributed.worker import connect, prefix
from rumourcrawl.pipelines import DedupePipeline, StorePipeline

logger = logging.getLogger(__name__)

GROUP = "writers"


class _Stats:
    """The part of Scrapy's stats collector the pipelines use."""

    def __init__(self):
        self.values: dict = {}

    def inc_value(self, key, count=1, start=0, spider=None):
        self.values[key] = self.values.get(key, start) + count

    def set_value(self, key, value, spider=None):
        self.values[key] = value

    def get_value(self, key, default=None, spider=None):
        return self.values.get(key, default)

    def get_stats(self, spider=None):
        return self.values


class _JobSpider:
    """Stands in for the crawl's spider: the pipelines tell it how listed URLs ended."""

    def __init__(self, writer: Writer, job: str, name: str):
        self.writer = writer
        self.keys = Keys(writer.keys.prefix, job)
        self.name = name

    def note_outcome(self, url, outcome, reason=None):
        self.writer.outcomes[url] = (outcome, reason)

    def mark_feeds_incomplete(self, feeds):
        feeds = list(feeds)
        if feeds:  # the crawl may still be running: its last process reads this set
            self.writer.server.sadd(self.keys.feeds_incomplete, *feeds)


class _Crawler:
    def __init__(self, settings, spider, stats):
        self.settings = settings
        self.spider = spider
        self.stats = stats


class Writer:
    def __init__(self, settings, consumer: str = "writer", batch: int = 100):
        self.settings = settings
        self.server = connect(settings)
        self.server.ping()
        self.keys = Keys(prefix(settings))
        self.consumer = consumer
        self.batch = batch
        self.db_path = settings.get("RUMOURCRAWL_DB")
        self.db = store.open_db(self.db_path)
        self.jobs: dict[str, tuple[_JobSpider, DedupePipeline, StorePipeline]] = {}
        self.run_stats: dict[str, _Stats] = {}  # per crawler process, until its run is closed
        self.outcomes: dict[str, tuple[str, str | None]] = {}
        self.touched_subjects: set[str] = set()  # stories to refresh at the next run's end
        self.stopping = False
        self.totals = {"pages": 0, "stored": 0, "runs": 0}
        try:
            self.server.xgroup_create(self.keys.items, GROUP, id="0", mkstream=True)
        except redis.ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise

    # ---- incremental state for the crawlers ---------------------------------------------------

    def publish_all(self) -> None:
        """Copy the database's incremental state into Redis (at start: the database is the truth)."""
        stored = store.stored_articles(self.db)
        validators = store.feed_validators(self.db)
        listed = {
            url: json.dumps([outcome, checked])
            for url, outcome, checked in self.db.execute("SELECT url, outcome, checked FROM listed_urls").fetchall()
        }
        pipe = self.server.pipeline()
        pipe.delete(self.keys.stored, self.keys.validators, self.keys.listed)
        for key, mapping in (
            (self.keys.stored, stored),
            (self.keys.validators, {u: json.dumps(v) for u, v in validators.items()}),
            (self.keys.listed, listed),
        ):
            items = list(mapping.items())
            for start in range(0, len(items), 1000):
                pipe.hset(key, mapping=dict(items[start : start + 1000]))
        pipe.execute()

    # ---- the loop -----------------------------------------------------------------------------

    def crawlers_alive(self) -> bool:
        return any(True for _ in self.server.scan_iter(match=self.keys.heartbeat_prefix + "*", count=1000))

    def run(self, until_idle: float | None = None) -> dict:
        """Drain until stopped (SIGTERM, Ctrl-C), or with `until_idle`, until no crawler is running
        and nothing arrived for that many seconds."""
        self.publish_all()
        pending = True  # first what this consumer read before a crash, then new entries
        idle_since = time.monotonic()
        while not self.stopping:
            response = self.server.xreadgroup(
                GROUP,
                self.consumer,
                {self.keys.items: "0" if pending else ">"},
                count=self.batch,
                block=None if pending else 500,
            )
            entries = response[0][1] if response else []
            if pending:
                gone = [i for i, f in entries if not f]  # deleted after their batch, before the acknowledgement
                if gone:
                    self.server.xack(self.keys.items, GROUP, *gone)
                entries = [(i, f) for i, f in entries if f]
                if not entries and not gone:
                    pending = False
                    continue
            if entries:
                self.store_batch(entries)
                idle_since = time.monotonic()
            elif until_idle is not None and time.monotonic() - idle_since >= until_idle and not self.crawlers_alive():
                break
        self.close()
        return self.totals

    def store_batch(self, entries) -> None:
        stored_urls: dict[str, str] = {}
        feeds_saved: list[str] = []
        self.outcomes = {}
        with store.write_transaction(self.db):
            for _entry_id, fields in entries:
                kind = fields[b"type"].decode()
                job = fields[b"job"].decode()
                worker = fields[b"worker"].decode()
                spider = fields[b"spider"].decode()
                data = json.loads(fields[b"data"])
                if kind == "page":
                    self.totals["pages"] += 1
                    page = page_from_message(data, fields.get(b"body"))
                    if self._store_page(job, worker, spider, page, keep_html=b"body" in fields):
                        self.totals["stored"] += 1
                        for url in (page.article.url, page.article.fetched_url):
                            if url:
                                stored_urls[url] = store.utc_now()
                elif kind == "outcomes":
                    for url, (outcome, reason) in data["outcomes"].items():
                        self.outcomes[url] = (outcome, reason)
                elif kind == "feeds":
                    store.save_feed_states(self.db, data["fetched"], data["incomplete"])
                    feeds_saved += [*data["fetched"], *data["incomplete"]]
                    self.jobs.pop(job, None)  # the crawl is over: its per-run dedupe starts afresh
                elif kind == "run" and data.get("event") == "close":
                    self._finish_run(worker, data)
            if self.outcomes:
                store.save_listed_urls(self.db, self.outcomes)
        # Committed: now the crawlers may rely on it, and the entries may go.
        pipe = self.server.pipeline()
        if stored_urls:
            pipe.hset(self.keys.stored, mapping=stored_urls)
        now = store.utc_now()
        if self.outcomes:
            pipe.hset(self.keys.listed, mapping={u: json.dumps([o, now]) for u, (o, _r) in self.outcomes.items()})
        if feeds_saved:
            saved = store.feed_validators(self.db)
            for url in feeds_saved:
                if url in saved:
                    pipe.hset(self.keys.validators, url, json.dumps(saved[url]))
                else:
                    pipe.hdel(self.keys.validators, url)
        ids = [entry_id for entry_id, _ in entries]
        pipe.xack(self.keys.items, GROUP, *ids)
        pipe.xdel(self.keys.items, *ids)
        pipe.execute()

    def _store_page(self, job: str, worker: str, spider_name: str, page, keep_html: bool) -> bool:
        if job not in self.jobs:
            spider = _JobSpider(self, job, spider_name)
            crawler = _Crawler(self.settings, spider, _Stats())
            dedupe, keep = DedupePipeline(crawler), StorePipeline(crawler)
            dedupe.open_spider()
            keep.db = self.db
            keep.touched_subjects = self.touched_subjects
            self.jobs[job] = (spider, dedupe, keep)
        _spider, dedupe, keep = self.jobs[job]
        # Counted for the crawler process that fetched the page, in its crawl_runs row.
        stats = self.run_stats.setdefault(worker, _Stats())
        dedupe.stats = keep.stats = dedupe.crawler.stats = stats
        keep.keep_html = keep_html
        try:
            keep.process_item(dedupe.process_item(page))
        except DropItem:
            return False
        return True

    def _finish_run(self, worker: str, data: dict) -> None:
        """One crawl_runs row per crawler process: its own stats and what was stored of its pages."""
        stats = dict(data.get("stats") or {})
        stats |= self.run_stats.pop(worker, _Stats()).values
        stats["rumourcrawl/redis/worker"] = worker
        stories = self._refresh_stories()
        run_id = store.start_crawl_run(self.db, data["spider"], data["started"], os.getpid())
        store.finish_crawl_run(
            self.db,
            run_id,
            {
                "spider": data["spider"],
                "started": data["started"],
                "finished": data.get("finished"),
                "finish_reason": data.get("finish_reason"),
                **store.crawl_run_counts(stats, stories),
                "stats": {k: v for k, v in stats.items() if k != "response_received_count"}
                | {"response_received_count": stats.get("response_received_count", 0)},
            },
        )
        self.totals["runs"] += 1

    def _refresh_stories(self) -> dict[str, int]:
        """The stories of the people written about since the last refresh (all, with RUMOURCRAWL_REBUILD_STORIES)."""
        rebuild = self.settings.getbool("RUMOURCRAWL_REBUILD_STORIES")
        counts = store.refresh_stories(self.db, None if rebuild else set(self.touched_subjects))
        self.touched_subjects.clear()
        return counts

    def close(self) -> None:
        self._refresh_stories()
        self.db.close()


def drain(settings, until_idle: float | None = None, batch: int = 100, consumer: str = "writer") -> dict:
    writer = Writer(settings, consumer=consumer, batch=batch)

    def stop(signum, frame):
        writer.stopping = True  # the batch in hand is committed and acknowledged first

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        return writer.run(until_idle=until_idle)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
