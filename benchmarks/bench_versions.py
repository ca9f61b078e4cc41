"""Two checkouts of rumourcrawl timed on the same labelled texts, text by text, interleaved.

Usage: python benchmarks/bench_versions.py OLD_CHECKOUT NEW_CHECKOUT [ROUNDS]
(e.g. `git worktree add /tmp/old HEAD~5` and `python benchmarks/bench_versions.py /tmp/old .`)

A shared machine's speed drifts by 10% or more between runs, more than most changes to the rumour
engine are worth, so timing one checkout after the other says little. Here one worker process per
checkout (same Python, each importing its own tree) times each text in turn, the two workers one after
the other and in alternating order, so drift hits both alike. Prints each side's median ms per text
and the median of the per-text ratios NEW/OLD (under 1: the new checkout is faster). Each checkout
times its own tests/eval texts, so both need the same labelled texts.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
from pathlib import Path

WORKER = r"""
import sys, time
sys.path.insert(0, sys.argv[1])
from rumourcrawl.extract import gazetteer
from rumourcrawl.extract.rumours import extract_rumours
from rumourcrawl.extract.rumours.labelled import load_labelled, read_article

root = sys.argv[1]
texts = [read_article(t.path) for t in load_labelled(root + "/tests/eval/dev", root + "/tests/eval/train")]
clear = getattr(gazetteer.name_key, "cache_clear", lambda: None)


def run(article):
    text, title, published, outlet = article
    extract_rumours(text, title=title, published=published, outlet=outlet)


for article in texts:
    run(article)  # warm: the gazetteer, the model, the regexes
print(len(texts), flush=True)
for line in sys.stdin:
    article = texts[int(line)]
    best = float("inf")
    for _ in range(5):
        clear()  # as bench_rumours: a text timed again is not counted as already seen
        start = time.perf_counter()
        run(article)
        best = min(best, time.perf_counter() - start)
    print(best, flush=True)
"""


def start_worker(checkout: Path) -> tuple[subprocess.Popen, int]:
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(checkout)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={"PYTHONHASHSEED": "0", "PATH": "/usr/bin:/bin"},
    )
    return worker, int(worker.stdout.readline())


def time_text(worker: subprocess.Popen, index: int) -> float:
    worker.stdin.write(f"{index}\n")
    worker.stdin.flush()
    return float(worker.stdout.readline())


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    old_dir, new_dir = Path(argv[1]).resolve(), Path(argv[2]).resolve()
    rounds = int(argv[3]) if len(argv) > 3 else 2
    (old, n_old), (new, n_new) = start_worker(old_dir), start_worker(new_dir)
    if n_old != n_new:
        print(f"the checkouts hold different labelled texts ({n_old} and {n_new})", file=sys.stderr)
        return 2
    old_ms = [float("inf")] * n_old
    new_ms = [float("inf")] * n_old
    for round_ in range(rounds):
        for index in range(n_old):
            pair = ((old, old_ms), (new, new_ms))
            for worker, times in pair if (index + round_) % 2 == 0 else pair[::-1]:
                times[index] = min(times[index], time_text(worker, index) * 1000)
    for worker in (old, new):
        worker.stdin.close()
        worker.wait()
    ratio = statistics.median(b / a for a, b in zip(old_ms, new_ms, strict=True))
    print(f"old {old_dir}: median {statistics.median(old_ms):.3f} ms per text over {n_old} texts")
    print(f"new {new_dir}: median {statistics.median(new_ms):.3f} ms per text")
    print(f"median per-text ratio new/old: {ratio:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
