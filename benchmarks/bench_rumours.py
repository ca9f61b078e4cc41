"""Median time per article of extract_rumours (candidates + features + model) over the labelled texts,
beside trafilatura.extract per page. The target (issue 13): a median under 3 ms per article.

Usage: python benchmarks/bench_rumours.py [TEXT_DIR] [PAGES_DIR]   (default: tests/eval/dev and train)
Both are timed in the same run on the same core, so the ratio is comparable across machines.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import trafilatura

from rumourcrawl.extract.gazetteer import load_gazetteer, name_key
from rumourcrawl.extract.rumours import extract_rumours
from rumourcrawl.extract.rumours.labelled import read_article
from rumourcrawl.extract.rumours.model import default_model
from rumourcrawl.extract.rumours.rules import extract_rumours as rule_rumours

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DEV = ROOT / "tests" / "eval" / "dev"
DEFAULT_PAGES = ROOT / "tests" / "fixtures" / "pages"  # real saved pages, see SOURCES.md there
REPEATS = 20


def median_ms(func, inputs, repeats: int = REPEATS) -> float:
    times = []
    for item in inputs:
        best = min(_timed(func, item) for _ in range(repeats))  # best-of-N per input hides scheduler noise
        times.append(best)
    return statistics.median(times) * 1000 if times else float("nan")


def _timed(func, item) -> float:
    # The name cache starts empty each time: a text timed again and again would find all its names cached
    # (so the figure is pessimistic: in a crawl, names recur from one article to the next).
    name_key.cache_clear()
    start = time.perf_counter()
    func(item)
    return time.perf_counter() - start


def main(argv: list[str]) -> int:
    dirs = [Path(argv[1])] if len(argv) > 1 else [DEFAULT_DEV, DEFAULT_DEV.parent / "train"]
    dev = dirs[0]
    pages = Path(argv[2]) if len(argv) > 2 else DEFAULT_PAGES
    load_gazetteer()  # loaded once per process; not part of the per-article cost
    default_model()  # likewise the model file
    articles = [read_article(p) for d in dirs for p in sorted(d.iterdir()) if p.suffix in (".txt", ".html")]
    html_pages = [p.read_text(encoding="utf-8", errors="replace") for p in sorted(dev.glob("*.html"))]
    if pages.is_dir():
        html_pages += [p.read_text(encoding="utf-8", errors="replace") for p in sorted(pages.glob("*.html"))[:8]]

    def run_extractor(article):
        text, title, published, outlet = article
        extract_rumours(text, title=title, published=published, outlet=outlet)

    def run_rules(article):
        text, title, published, outlet = article
        rule_rumours(f"{title}\n\n{text}" if title else text, title=title, published=published, outlet=outlet)

    rumour_ms = median_ms(run_extractor, articles)
    rules_ms = median_ms(run_rules, articles)
    trafilatura_ms = median_ms(trafilatura.extract, html_pages, repeats=3)
    print(f"extract_rumours: median {rumour_ms:.3f} ms per text over {len(articles)} labelled texts")
    print(f"trafilatura.extract: median {trafilatura_ms:.3f} ms per page over {len(html_pages)} pages")
    print(f"rules alone (the candidate source): median {rules_ms:.3f} ms per text")
    print(f"ratio extract_rumours / trafilatura: {rumour_ms / trafilatura_ms:.3f}")
    print(f"ratio extract_rumours / rules alone: {rumour_ms / rules_ms:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
