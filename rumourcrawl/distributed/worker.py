"""One crawler process's side of a distributed crawl: its Redis connection, heartbeat and messages.

A crawler never writes SQLite. What the local crawl writes at its end (listed URLs' outcomes, feed
validators, the crawl_runs row) goes to the item stream as messages for the writer, and what the
local crawl reads at its start (stored articles, feed validators, listed URLs) comes from hashes
the writer keeps up to date in Redis.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
from datetime import UTC, datetime, timedelta

from scrapy import signals

from rumourcrawl import store
from rumourcrawl.distributed import DEFAULT_PREFIX, Keys

logger = logging.getLogger(__name__)

# Requests leased to a process whose heartbeat is older than this go back to the queue.
DEFAULT_WORKER_TTL = 30.0
# Moves a dead or stopping process's leased requests back into the queue, in one step.
REQUEUE = """
local all = redis.call('HGETALL', KEYS[1])
for i = 2, #all, 2 do
  local entry = all[i]
  local sep = string.find(entry, '|', 1, true)
  redis.call('ZADD', KEYS[2], tonumber(string.sub(entry, 1, sep - 1)), string.sub(entry, sep + 1))
end
redis.call('DEL', KEYS[1])
return #all / 2
"""
# Takes the feeds' state of a finished crawl, once (two processes finishing at once both try).
TAKE_FEEDS = """
local fetched = redis.call('HGETALL', KEYS[1])
local incomplete = redis.call('SMEMBERS', KEYS[2])
redis.call('DEL', KEYS[1], KEYS[2])
return {fetched, incomplete}
"""


def connect(settings):
    """A Redis client from Scrapy settings (REDIS_URL, REDIS_PARAMS), as scrapy-redis makes them."""
    from scrapy_redis.connection import get_redis_from_settings

    return get_redis_from_settings(settings)


def prefix(settings) -> str:
    return settings.get("RUMOURCRAWL_REDIS_PREFIX") or DEFAULT_PREFIX


def _text(value) -> str:
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


class SharedState(dict):
    """A dict the spider reads as in a local crawl, looked up in one of the writer's Redis hashes.

    Nothing is loaded up front (a backfill's million stored URLs stay in Redis); each URL the
    spider asks about is looked up once, so what the writer stored after this crawler started
    (fetched by another crawl, say) is not fetched again either.
    """

    def __init__(self, server, key: str, decode=_text):
        super().__init__()
        self.server = server
        self.key = key
        self.decode = decode
        self.missing: set[str] = set()

    def __contains__(self, url) -> bool:
        if dict.__contains__(self, url):
            return True
        if url in self.missing:
            return False
        raw = self.server.hget(self.key, url)
        value = self.decode(raw) if raw is not None else None
        if value is None:
            if len(self.missing) < 100_000:  # a URL asked about twice in one callback, mostly
                self.missing.add(url)
            return False
        self[url] = value
        return True

    def get(self, url, default=None):
        return self[url] if url in self else default


def load_state(server, keys: Keys, recheck: timedelta):
    """What the writer has stored, as the spider reads it from SQLite in a local crawl:
    (stored article URL → last fetched, feed URL → validators, listed URL → (outcome, checked))."""
    cutoff = "9999" if recheck <= timedelta(0) else (datetime.now(UTC) - recheck).replace(microsecond=0).isoformat()

    def listed(raw):
        outcome, checked = json.loads(raw)
        return (outcome, checked) if outcome == "stored" or checked >= cutoff else None

    validators = {_text(k): json.loads(v) for k, v in server.hgetall(keys.validators).items()}
    return SharedState(server, keys.stored), validators, SharedState(server, keys.listed, listed)


class Worker:
    """This process's membership of a distributed crawl job (one per spider)."""

    def __init__(self, crawler, spider):
        self.crawler = crawler
        self.spider = spider
        settings = crawler.settings
        self.server = connect(settings)
        self.keys = Keys(prefix(settings), getattr(spider, "job_key", spider.name))
        self.id = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
        self.ttl = settings.getfloat("RUMOURCRAWL_REDIS_WORKER_TTL", DEFAULT_WORKER_TTL)
        self.started = store.utc_now()
        self._requeue = self.server.register_script(REQUEUE)
        self._take_feeds = self.server.register_script(TAKE_FEEDS)
        self._heartbeat = None
        self.closed = False
        crawler.signals.connect(self._spider_closed, signal=signals.spider_closed)

    @classmethod
    def for_spider(cls, spider) -> Worker:
        """The spider's worker, made once (the spider's hooks and the scheduler share it)."""
        worker = getattr(spider, "distributed", None)
        if worker is None:
            worker = spider.distributed = cls(spider.crawler, spider)
        return worker

    # ---- membership --------------------------------------------------------------------------

    def start(self) -> None:
        from twisted.internet import task

        self.beat()
        self._heartbeat = task.LoopingCall(self.beat)
        self._heartbeat.start(max(self.ttl / 5, 0.2), now=False)
        self.send("run", {"event": "open", "spider": self.spider.name, "started": self.started, "pid": os.getpid()})
        logger.info("Distributed crawl %s: worker %s on %s", self.keys.job, self.id, self.keys.prefix)

    def beat(self) -> None:
        try:
            self.server.set(self.keys.heartbeat(self.id), self.keys.job, px=int(self.ttl * 1000))
        except Exception as exc:  # a Redis hiccup must not stop the heartbeat for good
            logger.error("Could not renew this crawler's heartbeat in Redis: %s", exc)

    def alive(self, worker: str) -> bool:
        return bool(self.server.exists(self.keys.heartbeat(worker)))

    def inflight_workers(self) -> list[str]:
        """Processes of this job holding leased requests (their keys exist only while non-empty)."""
        found = self.server.scan_iter(match=self.keys.inflight_prefix + "*", count=1000)
        return [_text(key)[len(self.keys.inflight_prefix) :] for key in found]

    def requeue(self, worker: str) -> int:
        """Put a process's leased requests back into the queue; how many there were."""
        return int(self._requeue(keys=[self.keys.inflight(worker), self.keys.requests]))

    def reclaim_dead(self) -> int:
        """Requeue the leased requests of processes whose heartbeat stopped (killed, machine gone)."""
        moved = 0
        for worker in self.inflight_workers():
            if worker != self.id and not self.alive(worker):
                count = self.requeue(worker)
                if count:
                    logger.warning("Worker %s stopped with %d request(s) in hand: back in the queue", worker, count)
                    self.crawler.stats.inc_value("rumourcrawl/redis/reclaimed", count)
                moved += count
        return moved

    def others_busy(self) -> bool:
        """Another live process of this job still holds requests (its pages may list more)."""
        return any(worker != self.id and self.alive(worker) for worker in self.inflight_workers())

    # ---- messages to the writer ---------------------------------------------------------------

    def send(self, kind: str, data: dict, body: bytes | None = None) -> None:
        fields = {
            "type": kind,
            "job": self.keys.job,
            "worker": self.id,
            "spider": self.spider.name,
            "data": json.dumps(data, default=str),
        }
        if body is not None:
            fields["body"] = body
        self.server.xadd(self.keys.items, fields)

    def mark_feeds_incomplete(self, feeds) -> None:
        """Shared at once: a feed whose articles failed in any process must not get validators."""
        feeds = list(feeds)
        if feeds:
            self.server.sadd(self.keys.feeds_incomplete, *feeds)

    def spider_finished(self, reason: str, fetched: dict, incomplete, outcomes: dict) -> None:
        """Called by the spider's `closed()`: this process's share of what the next runs need."""
        if outcomes:
            self.send("outcomes", {"outcomes": outcomes})
        if reason == "finished":
            if fetched:
                self.server.hset(self.keys.feeds_fetched, mapping={u: json.dumps(s) for u, s in fetched.items()})
            self.mark_feeds_incomplete(incomplete)
        else:  # validators only from complete runs, as in a local crawl
            self.mark_feeds_incomplete([*fetched, *incomplete])

    def _spider_closed(self, spider, reason):
        """After the spider's own `closed()`: the run's stats to the writer, then leave the crawl."""
        if self.closed:
            return
        self.closed = True
        if self._heartbeat is not None and self._heartbeat.running:
            self._heartbeat.stop()
        stats = self.crawler.stats.get_stats()
        self.send(
            "run",
            {
                "event": "close",
                "spider": self.spider.name,
                "started": self.started,
                "finished": store.utc_now(),
                "finish_reason": reason,
                "pid": os.getpid(),
                "stats": {
                    k: v for k, v in stats.items() if k.startswith(("rumourcrawl/", "downloader/response_status"))
                }
                | {"response_received_count": stats.get("response_received_count", 0)},
            },
        )
        # Anything still leased (a stop mid-crawl) goes back for the others or the next run.
        self.requeue(self.id)
        self.server.delete(self.keys.heartbeat(self.id))
        self.finish_if_last(reason)

    def finish_if_last(self, reason: str) -> None:
        """The last process of a crawl that emptied its queue ends the crawl: the fingerprint set
        is cleared (the next run fetches the feeds again) and the feeds' state goes to the writer."""
        self.reclaim_dead()
        if self.server.zcard(self.keys.requests) or self.inflight_workers():
            return  # requests are left: the others, or the next run, carry on with them
        for key in self.server.scan_iter(match=self.keys.heartbeat_prefix + "*", count=1000):
            if _text(self.server.get(key) or b"") == self.keys.job:
                return  # another process of this crawl is still running
        fetched, incomplete = self._take_feeds(keys=[self.keys.feeds_fetched, self.keys.feeds_incomplete])
        self.server.delete(self.keys.dupefilter, self.keys.leases)
        fetched = {_text(fetched[i]): json.loads(fetched[i + 1]) for i in range(0, len(fetched), 2)}
        incomplete = sorted(_text(url) for url in incomplete)
        if fetched or incomplete:
            self.send("feeds", {"fetched": fetched, "incomplete": incomplete})
        logger.info("Distributed crawl %s finished (%s): its fingerprints are cleared", self.keys.job, reason)
