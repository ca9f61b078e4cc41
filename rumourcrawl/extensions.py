"""Scrapy extension: one live progress line on a terminal (pages, articles, rumours, errors per site).

Enabled by `rumourcrawl crawl` when stderr is a terminal (setting RUMOURCRAWL_PROGRESS); cron runs
log to a file instead.
"""

from __future__ import annotations

import shutil
import sys
import time

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

_CRAWLERS: list = []  # every crawler in this process: one line covers all sites of `crawl --all`
_LOOP: task.LoopingCall | None = None
_STARTED = time.monotonic()


def progress_line(crawlers) -> str:
    parts = []
    for crawler in crawlers:
        stats = crawler.stats.get_stats()
        articles = stats.get("rumourcrawl/articles_new", 0) + stats.get("rumourcrawl/articles_updated", 0)
        parts.append(
            f"{crawler.spider.name if crawler.spider else '?'}: {stats.get('response_received_count', 0)} pages, "
            f"{articles} articles, {stats.get('rumourcrawl/rumours_stored', 0)} rumours, "
            f"{stats.get('rumourcrawl/errors', 0)} errors"
        )
    return f"[{time.monotonic() - _STARTED:4.0f}s] " + " | ".join(parts)


def _draw() -> None:
    width = shutil.get_terminal_size((100, 20)).columns
    sys.stderr.write("\r\x1b[K" + progress_line(_CRAWLERS)[: width - 1])
    sys.stderr.flush()


class ProgressLine:
    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.getbool("RUMOURCRAWL_PROGRESS"):
            raise NotConfigured
        extension = cls(crawler)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider):
        global _LOOP
        _CRAWLERS.append(self.crawler)
        if _LOOP is None:
            _LOOP = task.LoopingCall(_draw)
            _LOOP.start(1.0)

    def spider_closed(self, spider, reason):
        global _LOOP
        _draw()
        if self.crawler in _CRAWLERS and all(c is self.crawler or not c.crawling for c in _CRAWLERS):
            if _LOOP is not None and _LOOP.running:
                _LOOP.stop()
            _LOOP = None
            sys.stderr.write("\n")
