"""scrapy-redis' scheduler, with leases: a request a process takes is not lost if the process dies.

scrapy-redis pops a request from the shared queue and forgets it: if the process is killed before
the page is handled, the request is gone, and its fingerprint keeps every other process from
fetching it. Here the pop and a lease are one atomic step (a Lua script): the request is copied
into this process's `inflight` hash, and removed from it once the Scrapy scraper has finished
with its response or failure (items pushed, follow-up requests queued) or once a retry or
redirect of it is back in the queue. Another process requeues the leases of a process whose
heartbeat has stopped. Queue, fingerprints and serialisation are scrapy-redis' own.
"""

from __future__ import annotations

import logging

from scrapy import Request, signals
from scrapy.exceptions import DontCloseSpider
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler

from rumourcrawl.distributed.worker import Worker

logger = logging.getLogger(__name__)

LEASE = "rumourcrawl_lease"
# Pops the best request and leases it in one step: "score|request" under a new lease number.
POP_LEASED = """
local popped = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #popped == 0 then return false end
redis.call('ZREMRANGEBYRANK', KEYS[1], 0, 0)
local lease = redis.call('INCR', KEYS[3])
redis.call('HSET', KEYS[2], lease, popped[2] .. '|' .. popped[1])
return {tostring(lease), popped[1]}
"""
# How often an idle process looks for work from the others (Scrapy's own idle tick is 5 s).
IDLE_POLL = 0.5


class LeasingQueue(PriorityQueue):
    """scrapy-redis' priority queue; `pop_leased` takes a request on lease."""

    def pop_leased(self, script, inflight: str, counter: str):
        popped = script(keys=[self.key, inflight, counter])
        if not popped:
            return None
        lease, data = popped
        request = self._decode_request(data)
        request.meta[LEASE] = lease.decode() if isinstance(lease, bytes) else str(lease)
        return request

    def _encode_request(self, request):
        request.meta.pop(LEASE, None)  # a lease belongs to one process's hold on one copy
        return super()._encode_request(request)


class LeasingScheduler(Scheduler):
    """Settings as scrapy-redis' Scheduler; keys come from RUMOURCRAWL_REDIS_PREFIX and the spider's job."""

    @classmethod
    def from_crawler(cls, crawler):
        # The queue is always a LeasingQueue (scrapy-redis' priority queue): SCHEDULER_QUEUE_CLASS is not read.
        instance = cls.from_settings(crawler.settings)
        instance.stats = crawler.stats
        instance.crawler = crawler
        return instance

    def open(self, spider):
        self.worker = Worker.for_spider(spider)
        keys = self.worker.keys
        # scrapy-redis formats these with the spider's name; ours are already per job.
        self.queue_key = keys.requests
        self.dupefilter_key = keys.dupefilter
        self.df = None
        self.spider = spider
        self.queue = LeasingQueue(server=self.server, spider=spider, key=keys.requests, serializer=self.serializer)
        from scrapy_redis.dupefilter import RFPDupeFilter

        self.df = RFPDupeFilter(self.server, key=keys.dupefilter, debug=spider.settings.getbool("DUPEFILTER_DEBUG"))
        if self.flush_on_start:
            self.flush()
        self._pop = self.server.register_script(POP_LEASED)
        self._inflight = keys.inflight(self.worker.id)
        reclaimed = self.worker.reclaim_dead()
        if len(self.queue):
            logger.info("Joining crawl %s: %d requests queued (%d reclaimed)", keys.job, len(self.queue), reclaimed)
        self.worker.start()
        crawler = self.crawler
        crawler.signals.connect(self._hook_scraper, signal=signals.spider_opened)
        crawler.signals.connect(self._on_idle, signal=signals.spider_idle)

    def close(self, reason):
        # The worker leaves the crawl on spider_closed (after the spider's own closing); nothing
        # is flushed here: the queue and fingerprints belong to every process of the crawl.
        if not self.persist:
            logger.warning("SCHEDULER_PERSIST=False is ignored in a distributed crawl")

    # ---- leases ------------------------------------------------------------------------------

    def next_request(self):
        request = self.queue.pop_leased(self._pop, self._inflight, self.worker.keys.leases)
        if request is not None and self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def enqueue_request(self, request):
        # A retry or a redirect of a leased request: once it is queued, the lease is done with.
        lease = request.meta.pop(LEASE, None)
        try:
            if not request.dont_filter and self.df.request_seen(request):
                self.df.log(request, self.spider)
                return False
            self.queue.push(request)
            if self.stats:
                self.stats.inc_value("scheduler/enqueued/redis")
            return True
        finally:
            if lease:
                self.server.hdel(self._inflight, lease)

    def release(self, request) -> None:
        lease = request.meta.get(LEASE)
        if lease:
            self.server.hdel(self._inflight, lease)

    def _hook_scraper(self, spider):
        """Release a lease when Scrapy's scraper is done with the request's response or failure:
        its callback's items have been through the item pipelines (pushed to Redis) and its new
        requests are queued. Scrapy has no signal for that moment, so the scraper's slot is wrapped."""
        slot = getattr(getattr(self.crawler.engine, "scraper", None), "slot", None)
        if slot is None or not hasattr(slot, "finish_response"):
            raise RuntimeError("this Scrapy version's scraper has no slot.finish_response to hook leases on")
        finish = slot.finish_response

        def finish_response(result, request):
            finish(result, request)
            self.release(request)

        slot.finish_response = finish_response

    def pull_start_urls(self) -> int:
        """Take URLs pushed to the job's `start_urls` list (`LPUSH rumourcrawl:SITE:start_urls URL`):
        feeds or sitemaps for rumourcrawl's spiders, plain requests for others."""
        urls = self.server.rpop(self.worker.keys.start_urls, 100) or []
        for raw in urls:
            url = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
            make = getattr(self.spider, "_feed_request", None)
            request = make(url) if make else Request(url)
            self.crawler.engine.crawl(request)
        return len(urls)

    def _on_idle(self, spider):
        """Stay open while other processes may still add requests; requeue the dead ones' leases."""
        worker = self.worker
        self.pull_start_urls()
        worker.reclaim_dead()
        # Nothing is in progress here, so a lease still held is work done but never released.
        leftover = self.server.hlen(self._inflight)
        if leftover:
            logger.warning("Releasing %d lease(s) of requests already handled", leftover)
            self.server.delete(self._inflight)
        if len(self.queue) or worker.others_busy():
            self._poll_soon()
            raise DontCloseSpider

    def _poll_soon(self):
        from twisted.internet import reactor

        def poll():
            slot = getattr(self.crawler.engine, "_slot", None)  # Scrapy's own idle tick is 5 s
            if slot is not None and not self.worker.closed:
                slot.nextcall.schedule()

        reactor.callLater(IDLE_POLL, poll)
