"""Score the rumour extractor against gold files (shared eval GUIDE.md, "Scoring").

A directory holds NAME.json gold files beside NAME.txt (first line the headline) or NAME.html.
A predicted row matches a gold row when the subject's surname matches (accent- and case-insensitive)
and to_club matches after canonicalisation (None matches None); pairs are one-to-one. Gold rows
marked historical count neither for nor against, and so do predicted rows the extractor itself
flags historical (they are background, not claims); run_eval prints how many predictions were left
out that way, and the strict figures with them counted as predictions.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rumourcrawl.extract.gazetteer import load_gazetteer, name_key
from rumourcrawl.extract.models import Rumour
from rumourcrawl.extract.rumours import extract_rumours


@dataclass
class FileScore:
    name: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    stage_correct: int = 0
    misses: list[dict] = field(default_factory=list)
    spurious: list[Rumour] = field(default_factory=list)
    wrong_stage: list[tuple[Rumour, dict]] = field(default_factory=list)
    excluded_historical: int = 0  # predictions left out of scoring because the extractor flagged them historical


@dataclass
class EvalResult:
    files: list[FileScore]
    strict: EvalResult | None = None  # the same articles scored with historical-flagged predictions counted

    @property
    def excluded_historical(self) -> int:
        return sum(f.excluded_historical for f in self.files)

    @property
    def true_positives(self) -> int:
        return sum(f.true_positives for f in self.files)

    @property
    def false_positives(self) -> int:
        return sum(f.false_positives for f in self.files)

    @property
    def false_negatives(self) -> int:
        return sum(f.false_negatives for f in self.files)

    @property
    def precision(self) -> float:
        denominator = self.true_positives + self.false_positives
        return self.true_positives / denominator if denominator else 0.0

    @property
    def recall(self) -> float:
        denominator = self.true_positives + self.false_negatives
        return self.true_positives / denominator if denominator else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def stage_accuracy(self) -> float:
        return sum(f.stage_correct for f in self.files) / self.true_positives if self.true_positives else 0.0


def surname(name: str | None) -> str:
    key = name_key(name or "")
    return key[-1] if key else ""


def canonical_club_key(name: str | None) -> str | None:
    if not name:
        return None
    canonical = load_gazetteer().canonical_club(name)
    return " ".join(name_key(canonical or name))


def _row_key(subject: str | None, to_club: str | None) -> tuple[str, str | None]:
    return surname(subject), canonical_club_key(to_club)


def score_file(name: str, predicted: list[Rumour], gold: list[dict], strict: bool = False) -> FileScore:
    """Score one article. With strict=True, predictions the extractor flags historical are scored like any
    other (a flagged row that matches no gold row is a false positive); by default they are left out."""
    score = FileScore(name)
    live_gold = [g for g in gold if not g.get("historical")]
    historical_keys = {_row_key(g.get("subject"), g.get("to_club")) for g in gold if g.get("historical")}
    scored = list(predicted) if strict else [p for p in predicted if not p.historical]
    score.excluded_historical = len(predicted) - len(scored)
    unmatched_gold = list(range(len(live_gold)))
    pairs: list[tuple[Rumour, dict]] = []
    unmatched_pred: list[Rumour] = []
    # Two passes so that, among equal keys, a prediction pairs with the gold row of its own stage.
    leftovers = []
    for pred in scored:
        key = _row_key(pred.subject, pred.to_club)
        hit = next(
            (
                i
                for i in unmatched_gold
                if _row_key(live_gold[i].get("subject"), live_gold[i].get("to_club")) == key
                and live_gold[i].get("stage") == pred.stage
            ),
            None,
        )
        if hit is None:
            leftovers.append(pred)
            continue
        unmatched_gold.remove(hit)
        pairs.append((pred, live_gold[hit]))
    for pred in leftovers:
        key = _row_key(pred.subject, pred.to_club)
        hit = next(
            (i for i in unmatched_gold if _row_key(live_gold[i].get("subject"), live_gold[i].get("to_club")) == key),
            None,
        )
        if hit is None:
            if key not in historical_keys:
                unmatched_pred.append(pred)
            continue
        unmatched_gold.remove(hit)
        pairs.append((pred, live_gold[hit]))
    score.true_positives = len(pairs)
    score.false_positives = len(unmatched_pred)
    score.false_negatives = len(unmatched_gold)
    score.stage_correct = sum(1 for pred, g in pairs if pred.stage == g.get("stage"))
    score.misses = [live_gold[i] for i in unmatched_gold]
    score.spurious = unmatched_pred
    score.wrong_stage = [(pred, g) for pred, g in pairs if pred.stage != g.get("stage")]
    return score


def _read_article(path: Path) -> tuple[str, str | None, str | None, str | None]:
    """(text, title, published, outlet) for a .txt or .html dev file."""
    raw = path.read_bytes().decode("utf-8", errors="replace")
    if path.suffix == ".txt":
        title, _, body = raw.partition("\n")
        return body, title.strip() or None, None, None
    try:
        from rumourcrawl.extract.article import extract_article
    except ImportError:  # TODO: drop once rumourcrawl.extract.article lands everywhere
        extract_article = None
    if extract_article is not None:
        article = extract_article(raw, url=None)
        return article.text or "", article.title, article.published, article.outlet
    import trafilatura

    return trafilatura.extract(raw) or "", None, None, None


def evaluate_directory(directory: Path) -> EvalResult:
    files = []
    strict_files = []
    for gold_path in sorted(directory.glob("*.json")):
        article_path = next(
            (p for p in (gold_path.with_suffix(".txt"), gold_path.with_suffix(".html")) if p.exists()), None
        )
        if article_path is None:
            continue
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        text, title, published, outlet = _read_article(article_path)
        predicted = extract_rumours(text, title=title, published=published, outlet=outlet)
        files.append(score_file(gold_path.stem, predicted, gold.get("rumours", [])))
        strict_files.append(score_file(gold_path.stem, predicted, gold.get("rumours", []), strict=True))
    return EvalResult(files, strict=EvalResult(strict_files))


def _describe(row: Rumour | dict) -> str:
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    return (
        f"{get('subject')} | {get('from_club')} -> {get('to_club')} | {get('kind')} | {get('stage')} | "
        f"src={get('source')}"
    )


def run_eval(directory: str | Path, verbose: bool = False, out: TextIO = sys.stdout) -> int:
    """Print precision/recall/F1 and stage accuracy for a gold directory; returns an exit code."""
    path = Path(directory)
    if not path.is_dir():
        print(f"error: {path} is not a directory", file=out)
        return 2
    if not any(path.glob("*.json")):
        print(f"error: {path} holds no gold .json files", file=out)
        return 2
    result = evaluate_directory(path)
    if not result.files:
        print(f"error: no gold file in {path} has a matching .txt or .html article", file=out)
        return 2
    if verbose:
        for f in result.files:
            print(
                f"{f.name}: tp={f.true_positives} fp={f.false_positives} fn={f.false_negatives} "
                f"stage_ok={f.stage_correct}/{f.true_positives}"
                + (f" excluded_historical={f.excluded_historical}" if f.excluded_historical else ""),
                file=out,
            )
            for gold in f.misses:
                print(f"  MISS  {_describe(gold)}", file=out)
            for pred in f.spurious:
                print(f"  FP    {_describe(pred)}", file=out)
            for pred, gold in f.wrong_stage:
                print(f"  STAGE predicted {pred.stage}, gold {gold.get('stage')}: {_describe(gold)}", file=out)
    print(
        f"files={len(result.files)} tp={result.true_positives} fp={result.false_positives} fn={result.false_negatives}",
        file=out,
    )
    print(
        f"precision={result.precision:.3f} recall={result.recall:.3f} f1={result.f1:.3f} "
        f"stage_accuracy={result.stage_accuracy:.3f}",
        file=out,
    )
    print(f"excluded from scoring: {result.excluded_historical} predictions flagged historical=True", file=out)
    strict = result.strict
    if strict is not None:
        print(
            f"strict (flagged rows counted): tp={strict.true_positives} fp={strict.false_positives} "
            f"fn={strict.false_negatives} precision={strict.precision:.3f} recall={strict.recall:.3f} "
            f"f1={strict.f1:.3f} stage_accuracy={strict.stage_accuracy:.3f}",
            file=out,
        )
    return 0
