"""The baseline for bench_crawl.py: read the same feed and fetch the same pages, and do nothing else."""

import feedparser
import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, feed: str, **kwargs):
        super().__init__(**kwargs)
        self.feed = feed

    async def start(self):
        yield scrapy.Request(self.feed, callback=self.parse_feed)

    def parse_feed(self, response):
        for entry in feedparser.parse(response.body).entries:
            yield scrapy.Request(entry.link, callback=self.parse_page)

    def parse_page(self, response):
        self.crawler.stats.inc_value("bare/pages")
