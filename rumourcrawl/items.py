"""What the spider hands to the pipelines."""

from __future__ import annotations

from dataclasses import dataclass, field

from rumourcrawl.extract.models import Article
from rumourcrawl.extract.page import RumourOutcome


@dataclass
class CrawledPage:
    """One fetched article page; the pipelines fill in `article`."""

    url: str
    body: bytes = field(repr=False)
    content_type: str = ""
    status: int = 200
    site: str | None = None  # configured outlet name, None for ad-hoc crawls
    hints: dict = field(default_factory=dict)  # what the feed/sitemap said: published, title, found_in
    article: Article | None = field(default=None, repr=False)
    is_new: bool | None = None  # set by the store: first time this article is stored?
    signature: bytes | None = field(default=None, repr=False)  # the text's MinHash, computed once per page
    # What the rumour pass did (set with the article by CleanPipeline; RumourPipeline counts it).
    rumour_outcome: RumourOutcome | None = field(default=None, repr=False)
