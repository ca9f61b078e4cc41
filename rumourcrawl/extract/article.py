"""HTML page → Article: trafilatura for the main text, page metadata for everything it gets wrong.

Pure function of its input (no Scrapy, no database, no network), so the CLI, the spiders and
re-extraction of stored pages all share it.
"""

from __future__ import annotations

import copy
import hashlib
import html as html_lib
import json
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import htmldate
import trafilatura
from lxml import html as lxml_html
from trafilatura.utils import load_html
from w3lib.encoding import html_to_unicode

from .gossip import rumours_of
from .models import Article
from .promo import remove_promo_lines, remove_promos_from_tree


class ExtractionError(ValueError):
    """The page cannot give an article; `reason` is a short machine-readable tag for stats."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class CleaningRules:
    """Per-site cleaning rules (from the site's configuration); the generic rules always apply."""

    drop_selectors: tuple[str, ...] = ()
    promo_labels: tuple[str, ...] = ()
    outlet: str | None = None
    min_text_chars: int = 200


GENERIC_RULES = CleaningRules()

# trafilatura's settings, chosen by measurement on the fixture and shared pages (time per page, the
# golden text kept, promo lines left): `python -m benchmarks.trafilatura_settings`, whose table is in
# benchmarks/README.md.
TRAFILATURA_OPTIONS = {
    # No fallback extractors (readability, jusText): on every measured page the text came out the
    # same without them, in about 0.88x the time.
    "fast": True,
    "with_metadata": True,
    "include_comments": False,
    "include_tables": False,
    # No deduplicate=True: trafilatura then remembers paragraphs across calls, so a page seen
    # twice in one process (a refetch, reextract, a syndicated copy) would come back empty.
    "deduplicate": False,
}

_BYLINE_PREFIX = re.compile(r"^\s*(?:by|words by|written by|von|por|di|par)\s+", re.I)
# "Sarah Okafor, Chief Football Writer" → "Sarah Okafor"
_BYLINE_ROLE = re.compile(
    r"\s*[,|–—-]\s*[^,]*\b(?:writer|correspondent|editor|reporter|columnist|journalist|staff writer)\b.*$", re.I
)
# Photo credits that author finders pick up ("Фото из Инстаграма …", "Photo: Getty Images").
_NOT_AN_AUTHOR = re.compile(r"^(?:photo|foto|фото|image|picture|getty|credit|copyright|©)", re.I)
_VISIBLE_DATE = re.compile(
    r"(?:published|posted|updated|last updated)?\s*(?:on\s*)?:?\s*"
    r"((?:mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?"
    r"(\d{1,2}(?:st|nd|rd|th)?\s+[A-Z][a-z]{2,8}\.?,?\s+\d{4}(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]m)?)?"
    r"|[A-Z][a-z]{2,8}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}(?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]m)?)?)",
    re.I,
)


def decode_html(body: bytes | str, content_type: str | None = None) -> str:
    """Bytes → text by HTTP header, BOM, <meta charset> and finally a guess (w3lib's order)."""
    if isinstance(body, str):
        return body
    _encoding, text = html_to_unicode(content_type, body)
    return text


def _space(text: str | None) -> str:
    return " ".join((text or "").split())


def _json_ld_objects(tree) -> list[dict]:
    objects: list[dict] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        try:
            data = json.loads(script.text_content() or "null")
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the meta tags usually say the same
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, dict):
                objects.append(item)
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack.extend(graph)
            elif isinstance(item, list):
                stack.extend(item)
    return objects


def _news_object(objects: list[dict]) -> dict:
    """The JSON-LD object describing the article itself."""
    for obj in objects:
        kind = obj.get("@type")
        kinds = kind if isinstance(kind, list) else [kind]
        if any(isinstance(k, str) and ("Article" in k or k in ("BlogPosting", "Report")) for k in kinds):
            return obj
    return {}


def _names(value, depth: int = 0) -> list[str]:
    if depth > 5:  # author/publisher objects nest a level or two; deeper is junk
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return _names(value.get("name"), depth + 1)
    if isinstance(value, list):
        return [name for item in value for name in _names(item, depth + 1)]
    return []


def _meta(tree, *keys: str) -> str | None:
    for key in keys:
        for attr in ("property", "name", "itemprop", "http-equiv"):
            found = tree.xpath(f'//meta[@{attr}="{key}"]/@content')
            for value in found:
                if value and value.strip():
                    return value.strip()
    return None


def clean_author(raw: str | None) -> str | None:
    if not raw:
        return None
    author = _space(raw)
    author = _BYLINE_PREFIX.sub("", author)
    author = _BYLINE_ROLE.sub("", author)
    author = author.strip(" ,|-–—")
    if _NOT_AN_AUTHOR.match(author):
        return None
    return author or None


_IN_MEDIA_CREDIT = (
    "ancestor-or-self::figure or ancestor-or-self::figcaption or ancestor-or-self::*[contains(@class, 'photo')"
    " or contains(@class, 'image') or contains(@class, 'caption') or contains(@class, 'credit')]"
)


def _find_author(tree, news: dict) -> str | None:
    names = [n for n in _names(news.get("author")) if n.strip()]
    if names:
        return clean_author("; ".join(dict.fromkeys(_space(n) for n in names)))
    meta = _meta(tree, "author", "article:author", "dc.creator", "parsely-author", "sailthru.author")
    if meta and not meta.startswith("http"):
        return clean_author(meta)
    for xpath in (
        '//*[@rel="author"]',
        '//*[@itemprop="author"]',
        '//*[contains(concat(" ", normalize-space(@class), " "), " author ")]',
        '//*[contains(@class, "byline")]',
    ):
        for element in tree.xpath(xpath):
            if element.xpath(_IN_MEDIA_CREDIT):
                continue  # a photo credit, not the writer
            text = _space(element.text_content())
            if 2 <= len(text) <= 80:
                return clean_author(text)
    return None


def normalise_date(raw: str | None) -> str | None:
    """Any date string → ISO 8601 (date and time when given, else the date alone)."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return moment.date().isoformat() if len(raw) <= 10 else moment.isoformat()
    except ValueError:
        if re.match(r"^\d{4}-\d\d-\d\d", raw):
            return None  # ISO in form but impossible ("2026-02-30T25:61"): no guessing
    if re.match(r"^[A-Z][a-z]{2}, \d", raw):  # RFC 822, as feeds write dates
        try:
            return parsedate_to_datetime(raw).isoformat()
        except (TypeError, ValueError):
            pass
    import dateparser  # imported late: it is slow to load and most pages carry ISO dates

    moment = dateparser.parse(raw, settings={"RETURN_AS_TIMEZONE_AWARE": False, "PREFER_DAY_OF_MONTH": "first"})
    if moment is None:
        return None
    has_time = bool(re.search(r"\d{1,2}[:.]\d{2}", raw))
    return moment.isoformat() if has_time else moment.date().isoformat()


def _find_published(tree, news: dict) -> str | None:
    candidates = [
        news.get("datePublished"),
        _meta(
            tree,
            "article:published_time",
            "og:published_time",
            "datePublished",
            "pubdate",
            "publishdate",
            "date",
            "dc.date",
            "DC.date.issued",
            "sailthru.date",
            "parsely-pub-date",
        ),
    ]
    candidates += tree.xpath("//article//time/@datetime") + tree.xpath("//time/@datetime")
    for raw in candidates:
        if isinstance(raw, str) and (value := normalise_date(raw)):
            return value
    # Visible text only ("Published 3 March 2026, 14:05"): look in bylines and date-ish elements first.
    for element in tree.xpath(
        '//*[contains(@class, "date") or contains(@class, "time") or contains(@class, "byline")'
        ' or contains(@class, "meta") or contains(@class, "published")]'
    ):
        text = _space(element.text_content())
        if len(text) <= 160 and (match := _VISIBLE_DATE.search(text)) and (value := normalise_date(match[2])):
            return value
    return None


def _slug_like(path: str) -> bool:
    """Does the last part of a URL path name one article ("haaland-agrees-terms", "…-1019241")?"""
    last = re.sub(r"\.(?:s?html?|php|aspx?)$", "", path.rstrip("/").rsplit("/", 1)[-1], flags=re.I)
    if re.fullmatch(r"(?=[a-z]*\d)(?=\d*[a-z])[a-z0-9]{10,}", last):
        return True  # an article id such as the BBC's "clymn8zyrp9o"
    return len([w for w in re.split(r"[-_]", last) if w]) >= 3 or bool(re.search(r"\d{5,}", path))


def _canonical_url(tree, news: dict, fetched_url: str | None) -> str | None:
    candidates = tree.xpath('//link[@rel="canonical"]/@href') + [_meta(tree, "og:url")]
    main = news.get("mainEntityOfPage")
    candidates.append(main.get("@id") if isinstance(main, dict) else main)
    candidates.append(news.get("url"))
    fetched_path = urlsplit(fetched_url).path if fetched_url else ""
    for raw in candidates:
        if not isinstance(raw, str) or not raw.strip():
            continue
        try:
            url = urljoin(fetched_url or "", raw.strip())
            parts = urlsplit(url)
            parts.port  # noqa: B018 (raises ValueError on a malformed port)
        except ValueError:
            continue  # "http://[oops/x", "site.com:99999": not a URL
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        # Some sites point every page's canonical at their home page or a section front: that is not
        # this article, and trusting it would file different articles under one URL.
        if fetched_path and _slug_like(fetched_path) and not _slug_like(parts.path):
            continue
        if parts.path in ("", "/") and fetched_path not in ("", "/"):
            continue
        return url
    return fetched_url


def _language(tree, text: str) -> str | None:
    raw = tree.xpath("/html/@lang") or tree.xpath("//html/@lang")
    raw = (raw[0] if raw else None) or _meta(tree, "og:locale", "content-language", "language")
    if raw:
        code = re.split(r"[-_]", raw.strip())[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", code):
            return code
    if len(text) >= 40:
        import py3langid  # loads its model on first use only

        return py3langid.classify(text)[0]
    return None


def _outlet(tree, news: dict, rules: CleaningRules, url: str | None) -> str | None:
    if rules.outlet:
        return rules.outlet
    publisher = _names(news.get("publisher"))
    site_name = _meta(tree, "og:site_name", "application-name", "publisher")
    for candidate in (*publisher, site_name):
        if candidate and candidate.strip():
            return _space(candidate)
    if url:
        host = urlsplit(url).hostname or ""
        return host.removeprefix("www.") or None
    return None


def _title(tree, news: dict, extracted_title: str | None) -> str | None:
    headings = tree.xpath("//h1")
    candidates = [
        _space(html_lib.unescape(c))  # some sites escape entities twice in JSON-LD and meta tags
        for c in (
            news.get("headline"),
            _meta(tree, "og:title", "twitter:title"),
            extracted_title,
            headings[0].text_content() if headings else None,
        )
        if isinstance(c, str) and c.strip()
    ]
    if not candidates:
        return None
    best = candidates[0]
    if best.endswith(("...", "…")):  # a headline cut short for the metadata: find the whole one
        stem = best.rstrip(".…").strip()
        best = next((c for c in candidates[1:] if c.startswith(stem) and len(c) > len(stem)), best)
    return best


def _link_ratio(tree) -> float:
    """Share of the page's non-navigation text that sits in links: high on section fronts."""
    body = tree.find(".//body")
    if body is None:
        return 0.0
    body = copy.deepcopy(body)  # the page itself still goes to trafilatura whole
    for element in body.xpath(".//header|.//nav|.//footer|.//aside|.//script|.//style|.//noscript"):
        if element.getparent() is not None:
            element.drop_tree()
    text = len(_space(body.text_content()))
    links = sum(len(_space(a.text_content())) for a in body.iter("a"))
    return links / text if text else 0.0


def _looks_like_article(tree, news: dict, published: str | None) -> bool:
    """Section fronts, tables and other pages carry none of the marks of an article."""
    page_type = (_meta(tree, "og:type") or "").lower()
    if news or page_type == "article":
        return True
    # A date in the markup (not one found by searching the whole text, which tables and fronts have too).
    dated = bool(published or htmldate.find_date(tree, extensive_search=False))
    if page_type:  # "website" and the like: many blogs say so of their posts, but fronts are mostly links
        return dated and _link_ratio(tree) < 0.5
    return dated or bool(tree.xpath("//article"))


def content_hash(text: str) -> str:
    """Hash of the text with case, punctuation and spacing folded, so trivial re-formatting matches."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = re.sub(r"[\W_]+", " ", folded).strip()
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def extract_article(
    html: str | bytes,
    url: str | None = None,
    *,
    rules: CleaningRules = GENERIC_RULES,
    content_type: str | None = None,
    with_rumours: bool = True,
) -> Article:
    """Clean one HTML page into an Article (with its rumours unless `with_rumours` is False).

    Raises ExtractionError (with a `reason`) for pages that are not articles: empty, not HTML,
    or with no main text.
    """
    text_html = decode_html(html, content_type)
    if not text_html.strip():
        raise ExtractionError("empty", "empty page")
    if "\x00" in text_html[:2048]:
        raise ExtractionError("not_html", "binary content, not HTML")
    # trafilatura's own loader: its parser settings keep link tails that lxml's defaults drop.
    tree = load_html(text_html)
    if tree is None:
        raise ExtractionError("unparseable", "HTML could not be parsed")

    news = _news_object(_json_ld_objects(tree))
    canonical = _canonical_url(tree, news, url)
    author = _find_author(tree, news)
    published = _find_published(tree, news)
    if not _looks_like_article(tree, news, published):
        raise ExtractionError("not_article", "not an article page (no article markup and no date)")
    remove_promos_from_tree(
        tree, extra_labels=rules.promo_labels, drop_selectors=rules.drop_selectors, base_url=canonical or url
    )

    extracted = trafilatura.bare_extraction(tree, url=canonical, **TRAFILATURA_OPTIONS)
    document = extracted.as_dict() if hasattr(extracted, "as_dict") else (extracted or {})
    text = remove_promo_lines(document.get("text") or "", extra_labels=rules.promo_labels).strip()
    published = published or normalise_date(document.get("date"))
    if len(text) < rules.min_text_chars:
        raise ExtractionError("no_text", f"no article text found ({len(text)} characters)")

    article = Article(
        url=canonical or "",
        fetched_url=url,
        text=text,
        title=_title(tree, news, document.get("title")),
        author=author or clean_author(document.get("author")),
        published=published,
        language=_language(tree, text),
        outlet=_outlet(tree, news, rules, canonical),
        description=_meta(tree, "description", "og:description") or document.get("description"),
    )
    if with_rumours:
        article.rumours = rumours_of(article)
    return article


def split_plain_text(text: str) -> tuple[str | None, str]:
    """(headline, body) of a plain text whose first line is the headline (or a post's first line)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip().split("\n")
    title = _space(lines[0]) if lines else None
    body = remove_promo_lines("\n".join(lines[1:])).strip()
    return title or None, re.sub(r"\n{3,}", "\n\n", body)


def article_from_text(
    text: str, *, url: str | None = None, outlet: str | None = None, published: str | None = None
) -> Article:
    """A plain-text article (first line the headline) → Article, promo lines removed."""
    title, body = split_plain_text(text)
    article = Article(url=url or "", text=body, title=title, outlet=outlet, published=normalise_date(published))
    if body or title:
        article.language = _language(lxml_html.fromstring("<html><body></body></html>"), f"{title or ''}\n{body}")
    article.rumours = rumours_of(article)
    return article
