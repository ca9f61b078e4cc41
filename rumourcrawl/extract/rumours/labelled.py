"""The labelled real texts (tests/eval/): loading, registers and the locked split.

Every NAME.txt (first line the headline, or a post's first line) has a gold NAME.json (GUIDE.md).
The locked split is every fifth file of each source by sorted name: no rule, feature or setting is
tuned on it, and the shipped model is never trained on it, so its figure is the honest one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

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

    def read(self) -> str:
        return self.path.read_bytes().decode("utf-8", errors="replace")


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
