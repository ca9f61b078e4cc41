"""Scale out on scrapy-redis: several crawler processes share one crawl, one writer fills SQLite.

Turned on by the Scrapy setting `REDIS_URL` (`rumourcrawl crawl --redis URL`, or
`scrapy crawl SITE -s REDIS_URL=…`): the add-on below then swaps, in the settings only,

- the scheduler for scrapy-redis' (the request queue and the URL fingerprint set live in Redis),
  subclassed so that a request taken by a process stays leased to it until its page is handled:
  the requests of a process killed mid-crawl go back to the queue (`scheduler.py`);
- the last item pipeline (`StorePipeline`, which writes SQLite) for `RedisPushPipeline`, which
  pushes each cleaned article with its rumours to a Redis stream; `rumourcrawl drain` (`writer.py`)
  reads the stream with a consumer group and runs the same DedupePipeline and StorePipeline code
  on it, acknowledging entries only once their transaction is committed.

The clean and rumour pipelines run unchanged in the crawlers. Nothing here imports redis or
scrapy-redis until REDIS_URL is set, so they stay an optional extra (`rumourcrawl[distributed]`).
"""

from __future__ import annotations

LOCAL_STORE = "rumourcrawl.pipelines.StorePipeline"
LOCAL_DEDUPE = "rumourcrawl.pipelines.DedupePipeline"
REDIS_PUSH = "rumourcrawl.distributed.pipeline.RedisPushPipeline"
SCHEDULER = "rumourcrawl.distributed.scheduler.LeasingScheduler"
DUPEFILTER = "scrapy_redis.dupefilter.RFPDupeFilter"
DEFAULT_PREFIX = "rumourcrawl"


class Keys:
    """Every Redis key rumourcrawl uses, under one prefix (setting RUMOURCRAWL_REDIS_PREFIX).

    Per crawl job (a spider, or an ad-hoc feed crawl): the request queue, the fingerprint set, each
    process's leased requests, the feeds' state. Shared by all jobs: the item stream, the state the
    writer publishes for incremental crawls, the crawlers' heartbeats.
    """

    def __init__(self, prefix: str = DEFAULT_PREFIX, job: str = ""):
        self.prefix = prefix
        self.job = job
        base = f"{prefix}:{job}"
        self.requests = f"{base}:requests"
        self.dupefilter = f"{base}:dupefilter"
        self.leases = f"{base}:leases"  # a counter: each leased request gets a number
        self.inflight_prefix = f"{base}:inflight:"
        self.feeds_fetched = f"{base}:feeds_fetched"
        self.feeds_incomplete = f"{base}:feeds_incomplete"
        self.start_urls = f"{base}:start_urls"
        self.items = f"{prefix}:items"
        self.stored = f"{prefix}:state:stored"
        self.validators = f"{prefix}:state:validators"
        self.listed = f"{prefix}:state:listed"
        self.heartbeat_prefix = f"{prefix}:worker:"
        self.writer_lock = f"{prefix}:writer"

    def inflight(self, worker: str) -> str:
        return self.inflight_prefix + worker

    def heartbeat(self, worker: str) -> str:
        return self.heartbeat_prefix + worker


def _set_if_not_overridden(settings, name: str, value) -> None:
    """Set a setting over the project's default, but never over what the user gave (-s, spider)."""
    if (settings.getpriority(name) or 0) <= 20:  # unset, default, command, addon or project
        settings.set(name, value, priority="project")


class DistributedAddon:
    """A Scrapy add-on (settings.py lists it in ADDONS): with REDIS_URL set, crawl through Redis.

    Add-ons run after every other source of settings, including `-s` on the command line, so
    `scrapy crawl SITE -s REDIS_URL=…` is enough.
    """

    def update_settings(self, settings) -> None:
        if not settings.get("REDIS_URL"):
            return
        try:
            import redis  # noqa: F401
            import scrapy_redis  # noqa: F401
        except ImportError as exc:
            raise RuntimeError(
                "REDIS_URL is set but the distributed extra is not installed: pip install 'rumourcrawl[distributed]'"
            ) from exc
        _set_if_not_overridden(settings, "SCHEDULER", SCHEDULER)
        _set_if_not_overridden(settings, "DUPEFILTER_CLASS", DUPEFILTER)
        # Keep the queue and fingerprints when a process stops: the others (or the next run) go on.
        _set_if_not_overridden(settings, "SCHEDULER_PERSIST", True)
        # Redis holds the queue: no JOBDIR folder on each machine.
        _set_if_not_overridden(settings, "RUMOURCRAWL_RESUME", False)
        pipelines = dict(settings.getdict("ITEM_PIPELINES"))
        if LOCAL_STORE in pipelines:
            # Crawlers clean and extract; the one writer dedupes and stores (it sees every process's pages).
            pipelines[REDIS_PUSH] = pipelines.pop(LOCAL_STORE)
            pipelines.pop(LOCAL_DEDUPE, None)
            settings.set("ITEM_PIPELINES", pipelines, priority=max(settings.getpriority("ITEM_PIPELINES") or 0, 20))


def enabled(settings) -> bool:
    return bool(settings.get("REDIS_URL"))
