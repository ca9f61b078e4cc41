"""The crawler's last item pipeline in a distributed crawl: the page, cleaned, goes to the writer.

It takes StorePipeline's place (see DistributedAddon); CleanPipeline and RumourPipeline before it
are the same as in a local crawl. A page becomes one stream entry: the article with its rumours as
JSON, and the raw HTML only when RUMOURCRAWL_STORE_HTML is on. `page_from_message` turns it back
into the CrawledPage the local pipelines know.
"""

from __future__ import annotations

from dataclasses import fields

from rumourcrawl import store
from rumourcrawl.distributed.worker import Worker
from rumourcrawl.extract.models import Article, Rumour
from rumourcrawl.items import CrawledPage


def _known(cls, data: dict) -> dict:
    """Only the fields this version knows: a newer crawler may send more."""
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in data.items() if k in names}


def page_to_message(page: CrawledPage, keep_html: bool) -> tuple[dict, bytes | None]:
    data = {
        "url": page.url,
        "content_type": page.content_type,
        "status": page.status,
        "site": page.site,
        "hints": page.hints,
        "article": page.article.to_dict(),
        # The MinHash is the dearest part of dedupe: computed here, in parallel, not in the one writer.
        "signature": (page.signature or store.minhash(store.shingles(page.article.text))).hex(),
    }
    return data, (page.body if keep_html else None)


def page_from_message(data: dict, body: bytes | None) -> CrawledPage:
    article_data = dict(data["article"])
    rumours = [Rumour(**_known(Rumour, r)) for r in article_data.pop("rumours", [])]
    article = Article(**_known(Article, article_data), rumours=rumours)
    hints = dict(data.get("hints") or {})
    if isinstance(hints.get("feeds"), list):
        hints["feeds"] = tuple(hints["feeds"])
    return CrawledPage(
        url=data["url"],
        body=body or b"",
        content_type=data.get("content_type") or "",
        status=data.get("status") or 200,
        site=data.get("site"),
        hints=hints,
        article=article,
        signature=bytes.fromhex(data["signature"]) if data.get("signature") else None,
    )


class RedisPushPipeline:
    """Push each cleaned page to the Redis item stream, for `rumourcrawl drain` to store."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.keep_html = crawler.settings.getbool("RUMOURCRAWL_STORE_HTML")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, page: CrawledPage):
        worker = Worker.for_spider(self.crawler.spider)
        data, body = page_to_message(page, self.keep_html)
        # Synchronous on purpose: the request's lease is released only after this returns.
        worker.send("page", data, body)
        self.crawler.stats.inc_value("rumourcrawl/redis/pages_pushed")
        return page
