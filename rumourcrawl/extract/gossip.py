"""Gossip columns: a round-up page that lists many rumours, each with the outlet it came from.

"Real Madrid want Haaland. (Marca - in Spanish)", "Arsenal are in talks over Thiago - Sun", "…£50m.
Daily Mail": the BBC's daily gossip column and other outlets' round-ups end each item with its
original source. Here such a page is split into items; each item goes through the ordinary rumour
rules on its own (`extract_rumours`), and its rows get the item's source and that source's tier
from the gazetteer of sources (`sources.tsv`), not the round-up outlet's.

`article_rumours` is what the crawl, `rumourcrawl extract` and `rumourcrawl reextract` call: it also
leaves non-English pages alone, since the rumour rules are English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .gazetteer import load_gazetteer
from .models import Article, Rumour
from .rumours import extract_rumours

# Languages the rumour rules are written for. Pages in others are stored, with no rumour rows.
RUMOUR_LANGUAGES = frozenset({"en"})

# "(Marca - in Spanish)", "(Telegraph - subscription required)", "(Sun), external": BBC's form.
_NOTE = r"(?:\s*[-–—,]\s*(?:in [A-Z][a-z]+|subscription(?: required| needed)?|external|paywall|free|video))*"
_PAREN_SOURCE = re.compile(r"\((?P<name>[^()]{2,60}?)" + _NOTE + r"\)(?:\s*,?\s*external)?")
# One or more bracketed sources at the very end of an item.
_TRAILING_PARENS = re.compile(r"(?:\s*\([^()]{2,90}\)(?:\s*,?\s*external)?)+\s*$")
# "… Haaland. - Marca", "… Haaland – Sky Sports", "… Haaland — Sun": a dash and a capitalised name.
_TRAILING_DASH = re.compile(r"(?:(?<=[.!?'\"’”)])\s*|\s+)[-–—]\s+(?P<name>[A-Z@][\w'’&.@ ]{1,40}?)\s*[.]?\s*$")
# "… for £50m. Daily Mail": a known source's name alone after the last sentence.
_TRAILING_BARE = re.compile(r"(?<=[.!?'\"’”])\s+(?P<name>[A-Z][\w'’&. ]{1,40}?)\s*$")
_MIN_ITEMS = 3


def rumour_rules_apply(language: str | None) -> bool:
    """Do the (English) rumour rules apply to a page in this language? Unknown languages get the benefit."""
    return not language or language.lower().split("-")[0] in RUMOUR_LANGUAGES


@dataclass
class GossipItem:
    text: str  # the claim, without its source
    sources: list[str] = field(default_factory=list)  # as written, in order ("Marca", "Sun")

    @property
    def source(self) -> str | None:
        return self.sources[0] if self.sources else None


def _clean_name(name: str) -> str:
    name = re.split(r"\s+[-–—]\s+", name.strip())[0]  # "Telegraph - subscription required"
    return name.strip(" .,;:")


def _looks_like_source(name: str) -> bool:
    """A short proper name ("Sun", "Gazzetta dello Sport", "@FabrizioRomano"), not a clause or a number."""
    words = name.split()
    if not words or len(words) > 5 or not (name[0].isupper() or name[0] in "@"):
        return False
    if re.search(r"\d", name) and not re.fullmatch(r"[A-Z][\w ]*\d+[\w ]*", name):
        return False  # "(25)", "(£50m)" but keep "90min"-like names
    return not re.search(r"\b(?:aged|age|years?|million|per cent|on loan|gossip|rumours?|transfer|news)\b", name, re.I)


def split_item(line: str, known_only: bool = False) -> GossipItem | None:
    """One round-up line → its claim and its source(s), or None when it names no source at the end."""
    text = " ".join(line.split())
    gazetteer = load_gazetteer()
    trailing = _TRAILING_PARENS.search(text)
    if trailing and trailing.start() > 0:
        names = [_clean_name(m["name"]) for m in _PAREN_SOURCE.finditer(trailing.group(0))]
        names = [n for n in names if _looks_like_source(n)]
        if names and (not known_only or any(gazetteer.source(n) for n in names)):
            return GossipItem(text[: trailing.start()].strip(), names)
    dash = _TRAILING_DASH.search(text)
    if dash and _looks_like_source(_clean_name(dash["name"])):
        name = _clean_name(dash["name"])
        if not known_only or gazetteer.source(name):
            return GossipItem(text[: dash.start()].strip(), [name])
    bare = _TRAILING_BARE.search(text)
    if bare and gazetteer.source(_clean_name(bare["name"])):  # a bare name must be a known source
        return GossipItem(text[: bare.start()].strip(), [_clean_name(bare["name"])])
    return None


def split_roundup(text: str, title: str | None = None) -> list[GossipItem] | None:
    """The items of a round-up page, or None when the text does not read as one.

    A round-up has at least three lines that end with a source, and they make up most of its
    substantial lines (or the title says "gossip"): an ordinary article quoting "(Sun)" once is not one.
    """
    heading = " ".join((title or "").split())
    lines = [line.strip() for line in text.split("\n") if len(line.strip()) >= 25 and line.strip() != heading]
    if not lines:
        return None
    items = [item for line in lines if (item := split_item(line)) is not None and len(item.text) >= 20]
    gossip_title = bool(title and re.search(r"\bgossip\b|\bpapers\b|\brumour mill\b|\bround-?up\b", title, re.I))
    if len(items) < _MIN_ITEMS or (len(items) < 0.5 * len(lines) and not gossip_title):
        return None
    return items


def source_tier(name: str | None) -> tuple[str | None, int | None]:
    """A source as written → its gazetteer name and tier ((name, None) when it is not in sources.tsv)."""
    if not name:
        return None, None
    found = load_gazetteer().source(name)
    return (found.name, found.tier) if found else (name, None)


def roundup_rumours(
    items: list[GossipItem], *, published: str | None = None, outlet: str | None = None
) -> list[Rumour]:
    """Each item through the rumour rules on its own; its rows carry the item's source and tier."""
    rows: list[Rumour] = []
    for item in items:
        name, tier = source_tier(item.source)
        for rumour in extract_rumours(item.text, title=None, published=published, outlet=outlet):
            if rumour.source is None or rumour.source == outlet:  # claimed by the item's source, not the column
                rumour.source, rumour.source_tier = name, tier
            if len(item.sources) > 1:
                rumour.extra = {**rumour.extra, "sources": [source_tier(s)[0] for s in item.sources]}
            rumour.extra = {**rumour.extra, "gossip_item": item.text}
            rows.append(rumour)
    return rows


def article_rumours(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    language: str | None = None,
) -> list[Rumour]:
    """An article's rumour rows: none for a page not in English, one set per item for a round-up."""
    if not rumour_rules_apply(language):
        return []
    items = split_roundup(text, title)
    if items:
        return roundup_rumours(items, published=published, outlet=outlet)
    return extract_rumours(text, title=title, published=published, outlet=outlet)


def rumours_of(article: Article) -> list[Rumour]:
    """`article_rumours` on an Article's own text, headline, date, outlet and language."""
    return article_rumours(
        article.text,
        title=article.title,
        published=article.published,
        outlet=article.outlet,
        language=article.language,
    )
