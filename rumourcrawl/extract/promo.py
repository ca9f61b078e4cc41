"""Remove inline promos ("READ: …", "► WATCH: …", "Read More" link boxes, …) from article pages.

trafilatura keeps these because they sit inside the article body as ordinary paragraphs. The rules
work on any outlet:

- a short block whose text is an upper-case label and a colon followed mostly by link text, with
  or without a leading glyph ("► WATCH: …", "» RELATED: …");
- a bare promo heading ("Read More", "▶ READ MORE", "» RELATED") over a box of links;
- a paragraph that is nothing but a (bold) link to another page of the same site, headline-long;
- embedded social posts, image captions and credits, related-links boxes, newsletter sign-ups and
  betting call-outs, by their usual markup;
- in the extracted text: live-blog timestamps, caption and credit lines, newsletter, betting and
  "more stories"/"get in touch" call-outs.

A paragraph that merely starts with a word and a colon ("Arteta: we must be ready") has no link and
stays, and so does a sentence that holds a link among other words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from lxml import html as lxml_html

# Labels outlets put in front of links to their other pages. Any other all-caps label also counts
# in HTML when the rest of the block is a link; in plain text only these are trusted.
PROMO_LABELS = (
    "READ",
    "READ MORE",
    "READ NEXT",
    "ALSO READ",
    "MUST READ",
    "MORE",
    "MORE FROM",
    "MORE NEWS",
    "WATCH",
    "WATCH MORE",
    "VIDEO",
    "LISTEN",
    "PODCAST",
    "RELATED",
    "RELATED ARTICLES",
    "RELATED STORIES",
    "RELATED CONTENT",
    "SEE ALSO",
    "RECOMMENDED",
    "TOP STORY",
    "TRENDING",
    "LATEST",
    "MAILBOX",
    "QUIZ",
    "PICTURES",
    "IN PICTURES",
    "GALLERY",
    "SIGN UP",
    "SUBSCRIBE",
    "FOLLOW",
    "CLICK HERE",
)

# Upper-case labels that introduce news itself, however much of it is a link.
NEWS_LABELS = frozenset(
    (
        "BREAKING",
        "BREAKING NEWS",
        "UPDATE",
        "UPDATED",
        "EXCL",
        "OFFICIAL",
        "CONFIRMED",
        "DONE DEAL",
        "LIVE",
        "JUST IN",
        "TRANSFER NEWS",
        "REPORT",
        "REPORTS",
        "FULL TIME",
        "FT",
        "HALF TIME",
        "HT",
        "TEAM NEWS",
    )
)


def _klass(*names: str) -> str:
    """XPath: the element's class attribute holds one of these class names (whole tokens)."""
    return " or ".join(f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')" for name in names)


# Block-level elements that can hold one promo line.
_BLOCK_TAGS = ("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "aside", "section", "span", "strong")
_MAX_PROMO_CHARS = 300
# Glyphs outlets put before a promo label: "► WATCH:", "▶ READ MORE", "» RELATED", "→ MORE".
_GLYPHS = "►▶▸▹▻➤➜➔→⇒»›•●■▪|>~*+-–—:"
_LABEL_COLON = re.compile(r"^\s*(?P<label>[^\W\d_][\w'’&. -]{0,30}?)\s*[:|–—]\s*(?P<rest>\S.*)$", re.S)


def _space(text: str) -> str:
    return " ".join(text.split())


def _deglyph(text: str) -> str:
    """Text without the glyphs and spaces in front of it ("► WATCH: x" → "WATCH: x")."""
    return text.lstrip(_GLYPHS + " \u00a0\t")


def _label_set(extra: Iterable[str] = ()) -> frozenset[str]:
    return frozenset(label.upper() for label in (*PROMO_LABELS, *extra))


def _is_upper_label(label: str) -> bool:
    letters = [ch for ch in label if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _link_text_length(element) -> int:
    return sum(len(_space(a.text_content())) for a in element.iter("a"))


def _is_inline_promo(element, labels: frozenset[str]) -> bool:
    """A short block "LABEL: link text" (READ: …, MAILBOX: …, ► WATCH: …)."""
    text = _deglyph(_space(element.text_content()))
    if not text or len(text) > _MAX_PROMO_CHARS:
        return False
    match = _LABEL_COLON.match(text)
    if not match:
        return False
    label, rest = match["label"].strip(), match["rest"]
    known = label.upper() in labels
    if not known:
        # An unknown upper-case label counts only in a paragraph-like block, not over news of its
        # own ("BREAKING: …", "UPDATE: …") and only before a headline-length link ("PSG: Dembele" is a list).
        if not _is_upper_label(label) or label.upper() in NEWS_LABELS or element.tag in ("li", "span", "strong"):
            return False
        if len(rest.split()) < 5:
            return False
    links = _link_text_length(element)
    # The rest of the line must be (mostly) a link: that is what makes it a promo, not a quote.
    return links >= 0.5 * len(rest) or (known and _is_upper_label(label) and links > 0)


def _is_promo_heading(element, labels: frozenset[str]) -> bool:
    """A bare label such as "Read More", "RELATED:" or "▶ READ MORE" standing over a box of links."""
    text = _deglyph(_space(element.text_content())).rstrip(":").strip()
    return bool(text) and text.upper() in labels


def _link_dominated(element) -> bool:
    text_length = len(_space(element.text_content()))
    return text_length > 0 and _link_text_length(element) >= 0.6 * text_length


# Markup that holds no article text on any outlet: embedded social posts, captions and credits,
# related-links boxes, newsletter sign-ups and betting call-outs, live-blog timestamps.
_EMBED_QUOTES = ("twitter-tweet", "twitter-video", "instagram-media", "tiktok-embed", "reddit-embed")
_DROP_CLASSES = (
    *("fb-post", "fb-video", "social-embed", "embed-twitter", "embed-instagram", "twitter-embed"),
    *("caption", "image-caption", "img-caption", "photo-caption", "image-credit", "photo-credit"),
    *("related-articles", "related-links", "related-content", "read-more", "more-on-this", "readmore"),
    *("newsletter", "newsletter-signup", "newsletter-promo", "nl-signup"),
    *("betting", "bet-promo", "odds-widget", "betting-promo", "gambling-disclaimer"),
    *("live-timestamp", "liveblog-timestamp", "live-blog-timestamp", "block-time"),
)
# The same as an XPath (blockquote embeds, figcaptions, any element of those classes).
GENERIC_DROP_XPATH = " | ".join(
    (f"//blockquote[{_klass(*_EMBED_QUOTES)}]", "//figcaption", f"//*[{_klass(*_DROP_CLASSES)}]")
)
_XML_SPACE = re.compile(r"[ \t\r\n]+")  # what XPath's normalize-space() splits on


def generic_drops(tree) -> list:
    """The elements GENERIC_DROP_XPATH selects, in document order, found in one pass: the XPath's
    whole-document scans with string functions cost more than the rest of the promo pass."""
    found = []
    for element in tree.xpath("//*[@class] | //figcaption"):
        if element.tag == "figcaption":
            found.append(element)
            continue
        names = set(_XML_SPACE.split(element.get("class")))
        if not names.isdisjoint(_DROP_CLASSES) or (element.tag == "blockquote" and not names.isdisjoint(_EMBED_QUOTES)):
            found.append(element)
    return found


def _same_site(href: str, base_host: str | None) -> bool:
    parts = urlsplit(href.strip())
    if parts.scheme not in ("", "http", "https"):
        return False
    if not parts.netloc:
        return bool(parts.path.strip("/"))  # a relative link to another page of this site
    host = (parts.hostname or "").removeprefix("www.")
    return bool(base_host) and (host == base_host or host.endswith("." + base_host) or base_host.endswith("." + host))


def _is_link_only_paragraph(element, base_host: str | None) -> bool:
    """A paragraph that is nothing but a (bold) link to another page of the same site: a headline promo."""
    if element.tag != "p":
        return False
    links = element.findall(".//a")
    if len(links) != 1 or not _same_site(links[0].get("href") or "", base_host):
        return False
    text = _deglyph(_space(element.text_content()))
    link_text = _space(links[0].text_content())
    if not text or len(text) > _MAX_PROMO_CHARS or len(link_text.split()) < 4:
        return False
    # Nothing outside the link but glyphs and punctuation.
    return len(re.sub(r"[\W_]+", "", text)) == len(re.sub(r"[\W_]+", "", link_text))


def remove_promos_from_tree(
    tree,
    *,
    extra_labels: Iterable[str] = (),
    drop_selectors: Iterable[str] = (),
    base_url: str | None = None,
) -> int:
    """Delete promo blocks from an lxml HTML tree in place; return how many were removed.

    `base_url` (the page's URL) tells links to the same site from links elsewhere.
    """
    labels = _label_set(extra_labels)
    base_host = (urlsplit(base_url).hostname or "").removeprefix("www.") if base_url else None
    doomed = generic_drops(tree)
    for selector in drop_selectors:
        doomed.extend(tree.cssselect(selector))
    # Blocks inside what is dropped already need no look (one pass over those subtrees, rather than
    # each block's ancestors: the same test, a fraction of the cost on deep pages).
    inside_doomed = {inner for element in doomed for inner in element.iter(*_BLOCK_TAGS)}
    for element in tree.iter(*_BLOCK_TAGS):
        if element in inside_doomed:
            continue
        if _is_link_only_paragraph(element, base_host):
            doomed.append(element)
        elif _is_inline_promo(element, labels):
            # Remove the outermost block that holds nothing but this promo line.
            while (
                (parent := element.getparent()) is not None
                and parent.tag in _BLOCK_TAGS
                and _space(parent.text_content()) == _space(element.text_content())
            ):
                element = parent
            doomed.append(element)
        elif _is_promo_heading(element, labels) and not element.findall(".//a"):
            parent = element.getparent()
            if parent is not None and parent.tag not in ("body", "article", "main") and _link_dominated(parent):
                doomed.append(parent)
            else:
                doomed.append(element)
    removed = 0
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
            removed += 1
    return removed


def remove_promos_from_html(html: str, **rules) -> str:
    tree = lxml_html.fromstring(html)
    remove_promos_from_tree(tree, **rules)
    return lxml_html.tostring(tree, encoding="unicode")


# Whole lines of extracted text that are never article text. Each is matched against a short line only.
_CALLOUT_LINES = [
    # live-blog timestamps: "14:05", "2.30pm BST", "Updated 14:05 GMT", "12 minutes ago", "Posted at 9:41"
    r"(?:(?:updated|posted(?: at)?|published)\s*:?\s*)?\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?"
    r"\s*(?:BST|GMT|UTC|CET|CEST|ET|EST|EDT)?",
    r"(?:updated\s+)?\d{1,2}\s+(?:seconds?|secs?|minutes?|mins?|hours?|hrs?)\s+ago",
    # captions and credits: "Image source, Getty Images", "Image caption, …", "(Image: Getty)", "Photo: PA"
    r"(?:image|photo|picture|video)\s+(?:source|caption|credit)s?\s*[,:].*",
    r"\(?(?:image|photo|picture|pic|credit)s?\s*:\s*[^.]{0,60}\)?",
    r".{0,200}\((?:image|photo|picture|pic)s?\s*:\s*[^)]{0,60}\)",
    # social embeds as text: "— Fabrizio Romano (@FabrizioRomano) May 5, 2024", "pic.twitter.com/abc"
    r"(?:[—–-]\s*)?[^()]{1,60}\(@\w{1,30}\)\s+\w+\s+\d{1,2},\s+\d{4}",
    r".*\bpic\.twitter\.com/\w+.*",
    r"(?:view|see) (?:this|the full) post on (?:instagram|x|twitter|facebook|tiktok)",
    # newsletter and other sign-up call-outs
    r".{0,160}\b(?:sign up|sign-up|signup|subscribe)\b.{0,80}\b(?:newsletters?|e-?mails?|alerts|whatsapp)\b.{0,120}",
    r".{0,160}\bnewsletters?\b.{0,40}\b(?:sign up|subscribe|inbox)\b.{0,120}",
    r"(?:follow|join) us on (?:x|twitter|facebook|instagram|whatsapp|tiktok|youtube|threads)\b.{0,120}",
    # betting call-outs and their small print
    r".{0,200}(?:\b(?:begambleaware|gambleaware|gamble responsibly|new customers only)\b|\bt&c'?s apply).{0,200}",
    r".{0,120}\b(?:free bets?|bet builder|betting offers?|sign-up offers?)\b.{0,120}",
    # "more stories" and "get in touch" call-outs
    r"for more (?:stories|news|articles) like this.{0,120}",
    r"(?:get in touch|got a story|do you have a story)\b.{0,160}",
    r"scroll down (?:for|to)\b.{0,120}",
    r"click here\b.{0,120}",
    r"(?:this is a live blog|follow (?:all )?the latest updates|follow live updates)\b.{0,120}",
]
_CALLOUT = re.compile("|".join(f"(?:{pattern})" for pattern in _CALLOUT_LINES), re.I)
_MAX_CALLOUT_CHARS = 320


def is_callout_line(line: str) -> bool:
    """A short line of extracted text that is a timestamp, caption, embed, sign-up or betting call-out."""
    stripped = _deglyph(line.strip())
    return bool(stripped) and len(stripped) <= _MAX_CALLOUT_CHARS and bool(_CALLOUT.fullmatch(stripped))


def remove_promo_lines(text: str, *, extra_labels: Iterable[str] = ()) -> str:
    """Plain-text rules: drop short lines that are a known upper-case promo label and a colon, and call-outs.

    Without markup there is no link to check, so only known labels count, and only in upper case,
    so "Watch: Arteta explains…" written as a sentence or "Arteta: we must…" survive.
    """
    labels = _label_set(extra_labels)
    kept = []
    for line in text.split("\n"):
        if is_callout_line(line):
            continue
        stripped = _deglyph(line.strip())
        bare = stripped.rstrip(":").strip()
        if bare and bare.upper() in labels and len(bare) <= 30:
            continue  # a lone promo heading ("Read More")
        match = _LABEL_COLON.match(stripped)
        if (
            match
            and len(stripped) <= _MAX_PROMO_CHARS
            and match["label"].strip().upper() in labels
            and _is_upper_label(match["label"])
        ):
            continue
        kept.append(line)
    return "\n".join(kept)
