"""Remove inline promo lines ("READ: …", "MAILBOX: …", "Read More" link boxes) from article pages.

trafilatura keeps these because they sit inside the article body as ordinary paragraphs. The rule
works on any outlet: a short block whose text is an upper-case label and a colon followed mostly by
link text, or a bare promo heading ("Read More", "Related") over a box of links. A paragraph that
merely starts with a word and a colon ("Arteta: we must be ready") has no link and stays.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

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

# Block-level elements that can hold one promo line.
_BLOCK_TAGS = ("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "aside", "section", "span", "strong")
_MAX_PROMO_CHARS = 300
_LABEL_COLON = re.compile(r"^\s*(?P<label>[^\W\d_][\w'’&. -]{0,30}?)\s*[:|–—]\s*(?P<rest>\S.*)$", re.S)


def _space(text: str) -> str:
    return " ".join(text.split())


def _label_set(extra: Iterable[str] = ()) -> frozenset[str]:
    return frozenset(label.upper() for label in (*PROMO_LABELS, *extra))


def _is_upper_label(label: str) -> bool:
    letters = [ch for ch in label if ch.isalpha()]
    return len(letters) >= 2 and all(ch.isupper() for ch in letters)


def _link_text_length(element) -> int:
    return sum(len(_space(a.text_content())) for a in element.iter("a"))


def _is_inline_promo(element, labels: frozenset[str]) -> bool:
    """A short block "LABEL: link text" (READ: …, MAILBOX: …, WATCH: …)."""
    text = _space(element.text_content())
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
    """A bare label such as "Read More" or "RELATED:" standing over a box of links."""
    text = _space(element.text_content()).rstrip(":").strip()
    return bool(text) and text.upper() in labels


def _link_dominated(element) -> bool:
    text_length = len(_space(element.text_content()))
    return text_length > 0 and _link_text_length(element) >= 0.6 * text_length


def remove_promos_from_tree(tree, *, extra_labels: Iterable[str] = (), drop_selectors: Iterable[str] = ()) -> int:
    """Delete promo blocks from an lxml HTML tree in place; return how many were removed."""
    labels = _label_set(extra_labels)
    doomed = []
    for selector in drop_selectors:
        doomed.extend(tree.cssselect(selector))
    for element in tree.iter(*_BLOCK_TAGS):
        if any(element is d or d in element.iterancestors() for d in doomed):
            continue
        if _is_inline_promo(element, labels):
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


def remove_promo_lines(text: str, *, extra_labels: Iterable[str] = ()) -> str:
    """Plain-text fallback: drop short lines that are a known upper-case promo label and a colon.

    Without markup there is no link to check, so only known labels count, and only in upper case,
    so "Watch: Arteta explains…" written as a sentence or "Arteta: we must…" survive.
    """
    labels = _label_set(extra_labels)
    kept = []
    for line in text.split("\n"):
        stripped = line.strip()
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
