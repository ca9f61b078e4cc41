"""The labelled real texts (tests/eval/): loading, registers and the locked split.

Every NAME.txt (first line the headline, or a post's first line) or NAME.html has a gold NAME.json
(GUIDE.md). Training, evaluation and the benchmark read each one as `rumourcrawl extract` would.
The locked split is every fifth file of each source by sorted name: no rule, feature or setting is
tuned on it, and the shipped model is never trained on it, so its figure is the honest one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from ..article import extract_article, split_plain_text
from .candidates import Reading, read_text

# Registers the figures are reported by: what kind of text, not which file.
REGISTERS = {"news": "articles", "mp": "posts", "bbc-sport": "bbc", "football365": "articles"}
LOCKED_EVERY = 5


@dataclass
class LabelledText:
    name: str
    source: str  # the file-name prefix: news, mp, bbc-sport, ...
    path: Path
    gold: list[dict]
    locked: bool = False

    @property
    def register(self) -> str:
        return REGISTERS.get(self.source, "articles")


def source_of(name: str) -> str:
    match = re.match(r"[a-z]+(?:-[a-z]+)*?(?=-?\d|$)", name)
    return match.group(0) if match else name


def load_labelled(*directories: Path | str) -> list[LabelledText]:
    """Every labelled text in the directories, the locked ones marked (every fifth per source)."""
    texts: list[LabelledText] = []
    for directory in directories:
        for gold_path in sorted(Path(directory).glob("*.json")):
            article = next(
                (p for p in (gold_path.with_suffix(".txt"), gold_path.with_suffix(".html")) if p.exists()), None
            )
            if article is None:
                continue
            gold = json.loads(gold_path.read_text(encoding="utf-8"))
            texts.append(LabelledText(gold_path.stem, source_of(gold_path.stem), article, gold.get("rumours", [])))
    by_source: dict[str, list[LabelledText]] = {}
    for text in texts:
        by_source.setdefault(text.source, []).append(text)
    for group in by_source.values():
        for index, text in enumerate(sorted(group, key=lambda t: t.name)):
            text.locked = index % LOCKED_EVERY == LOCKED_EVERY - 1
    return texts


def read_article(path: Path) -> tuple[str, str | None, str | None, str | None]:
    """(text, title, published, outlet) of a .txt or .html labelled file, as `rumourcrawl extract` reads it."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".txt":
        title, body = split_plain_text(raw)
        return body, title, None, None
    article = extract_article(raw, url=None, with_rumours=False)
    return article.text or "", article.title, article.published, article.outlet


def read_labelled(text: LabelledText) -> Reading:
    """The candidate step's reading of a labelled text."""
    body, title, published, outlet = read_article(text.path)
    return read_text(body, title=title, published=published, outlet=outlet)
