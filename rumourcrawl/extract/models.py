"""Plain data records passed between extraction, pipelines and storage.

Nothing here imports Scrapy or touches a database: the CLI, the evaluation and the
re-extraction of stored pages all build and read these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

# The guide's stages, in order of how far a deal has gone; denied/collapsed stand apart.
STAGES = ("speculation", "interest", "talks", "bid", "agreed", "done")
TERMINAL_STAGES = ("denied", "collapsed")
ALL_STAGES = STAGES + TERMINAL_STAGES
KINDS = ("transfer", "loan", "appointment", "exit", "stay")


@dataclass
class Rumour:
    """One transfer claim in one article (see shared eval GUIDE.md)."""

    subject: str
    subject_role: str = "player"  # "player" or "manager"
    from_club: str | None = None
    to_club: str | None = None
    kind: str = "transfer"
    stage: str = "speculation"
    fee: str | None = None  # as written: "£8m", "whatever amount is required"
    fee_amount: int | None = None  # normalised: 8000000
    fee_currency: str | None = None  # ISO 4217: "GBP", "EUR"
    source: str | None = None  # who makes the claim; None when the article asserts it
    source_tier: int | None = None  # 1 = most reliable
    evidence: str = ""
    historical: bool = False
    confidence: float | None = None
    extra: dict = field(default_factory=dict)  # loan options, contract length, add-ons…

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Article:
    """The cleaned form of one fetched page."""

    url: str  # canonical URL (rel=canonical / og:url / JSON-LD, else the fetched URL)
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601
    language: str | None = None
    outlet: str | None = None
    fetched_url: str | None = None
    description: str | None = None
    rumours: list[Rumour] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["rumours"] = [r.to_dict() for r in self.rumours]
        return data
