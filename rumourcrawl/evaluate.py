"""Score the rumour extractor against gold files (shared eval GUIDE.md, "Scoring").

A directory holds NAME.json gold files beside NAME.txt (first line the headline) or NAME.html.
A predicted row matches a gold row when the subject's surname matches (accent- and case-insensitive)
and to_club matches after canonicalisation (None matches None); pairs are one-to-one. Gold rows
marked historical count neither for nor against, and so do predicted rows the extractor itself
flags historical (they are background, not claims); run_eval prints how many predictions were left
out that way, and the strict figures with them counted as predictions.
"""

from __future__ import annotations

import random
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from rumourcrawl.extract.gazetteer import load_gazetteer, name_key
from rumourcrawl.extract.models import Rumour
from rumourcrawl.extract.rumours import RumourModel, extract_rumours
from rumourcrawl.extract.rumours.labelled import LabelledText, load_labelled, read_article, read_labelled
from rumourcrawl.extract.rumours.model import is_shown, min_confidence_setting


@dataclass
class FileScore:
    name: str
    true_positives: int = 0
    false_positives: int = 0
    false_negatives: int = 0
    stage_correct: int = 0
    kind_correct: int = 0
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

    @property
    def kind_accuracy(self) -> float:
        """Share of matched rows whose kind (transfer, loan, appointment, exit, stay) is the gold row's."""
        return sum(f.kind_correct for f in self.files) / self.true_positives if self.true_positives else 0.0

    def f1_interval(self, level: float = 0.9, rounds: int = 2000, seed: int = 0) -> tuple[float, float]:
        """How far F1 could move with other texts of the same kind: the central `level` share of the F1s
        of `rounds` resamples of these texts with replacement (a bootstrap by text, as the texts are the
        unit that was sampled). Seeded, so the same scores give the same interval."""
        if not self.files:
            return 0.0, 0.0
        counts = [(f.true_positives, f.false_positives, f.false_negatives) for f in self.files]
        rng = random.Random(seed)
        f1s = []
        for _ in range(rounds):
            tp = fp = fn = 0
            for i in rng.choices(range(len(counts)), k=len(counts)):
                tp, fp, fn = tp + counts[i][0], fp + counts[i][1], fn + counts[i][2]
            f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
        f1s.sort()
        tail = (1 - level) / 2
        return f1s[int(tail * (rounds - 1))], f1s[int((1 - tail) * (rounds - 1))]


def surname(name: str | None) -> str:
    key = name_key(name or "")
    return key[-1] if key else ""


def canonical_club_key(name: str | None) -> str | None:
    if not name:
        return None
    canonical = load_gazetteer().canonical_club(name)
    return " ".join(name_key(canonical or name))


def row_key(subject: str | None, to_club: str | None) -> tuple[str, str | None]:
    """What a predicted and a gold row are matched on: surname and canonical destination."""
    return surname(subject), canonical_club_key(to_club)


def candidate_key(candidate) -> tuple[str, str | None]:
    """A candidate (rumours.candidates.Candidate) keyed as the rows it could become."""
    from rumourcrawl.extract.rumours.candidates import person_key

    return person_key(candidate.person), canonical_club_key(candidate.to_club)


def score_file(name: str, predicted: list[Rumour], gold: list[dict], strict: bool = False) -> FileScore:
    """Score one article. With strict=True, predictions the extractor flags historical are scored like any
    other (a flagged row that matches no gold row is a false positive); by default they are left out."""
    score = FileScore(name)
    live_gold = [g for g in gold if not g.get("historical")]
    historical_keys = {row_key(g.get("subject"), g.get("to_club")) for g in gold if g.get("historical")}
    scored = list(predicted) if strict else [p for p in predicted if not p.historical]
    score.excluded_historical = len(predicted) - len(scored)
    unmatched_gold = list(range(len(live_gold)))
    pairs: list[tuple[Rumour, dict]] = []
    unmatched_pred: list[Rumour] = []
    # Two passes so that, among equal keys, a prediction pairs with the gold row of its own stage.
    leftovers = []
    for pred in scored:
        key = row_key(pred.subject, pred.to_club)
        hit = next(
            (
                i
                for i in unmatched_gold
                if row_key(live_gold[i].get("subject"), live_gold[i].get("to_club")) == key
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
        key = row_key(pred.subject, pred.to_club)
        hit = next(
            (i for i in unmatched_gold if row_key(live_gold[i].get("subject"), live_gold[i].get("to_club")) == key),
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
    score.kind_correct = sum(1 for pred, g in pairs if pred.kind == g.get("kind"))
    score.misses = [live_gold[i] for i in unmatched_gold]
    score.spurious = unmatched_pred
    score.wrong_stage = [(pred, g) for pred, g in pairs if pred.stage != g.get("stage")]
    return score


def _predict(text: LabelledText, model: RumourModel | None = None, every_row: bool = False) -> list[Rumour]:
    """The rows a user sees by default (confidence at least the min_confidence setting), or every row kept."""
    body, title, published, outlet = read_article(text.path)
    rows = extract_rumours(body, title=title, published=published, outlet=outlet, model=model)
    return rows if every_row else _shown(rows)


def _shown(rows: list[Rumour]) -> list[Rumour]:
    """The rows the default views show: confidence at least the min_confidence setting."""
    floor = min_confidence_setting()
    return [r for r in rows if is_shown(r.confidence, floor)]


def evaluate_texts(texts: list[LabelledText], model: RumourModel | None = None) -> EvalResult:
    files, strict_files = [], []
    for text in texts:
        predicted = _predict(text, model)
        files.append(score_file(text.name, predicted, text.gold))
        strict_files.append(score_file(text.name, predicted, text.gold, strict=True))
    return EvalResult(files, strict=EvalResult(strict_files))


def evaluate_directory(directory: Path) -> EvalResult:
    return evaluate_texts(load_labelled(directory))


def candidate_recall(texts: list[LabelledText]) -> tuple[int, int]:
    """(gold rows some candidate could become, live gold rows): the ceiling of the model."""
    found = total = 0
    for text in texts:
        keys = {candidate_key(c) for c in read_labelled(text).candidates}
        for row in text.gold:
            if row.get("historical"):
                continue
            total += 1
            found += row_key(row.get("subject"), row.get("to_club")) in keys
    return found, total


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
        f"files={len(result.files)} tp={result.true_positives} fp={result.false_positives} fn={result.false_negatives} "
        f"(rows with confidence at least {min_confidence_setting():.2f})",
        file=out,
    )
    if result.true_positives + result.false_negatives == 0:
        # Texts with no claim (tests/eval/matches): every row shown is a false one, and that count is the figure.
        rate = result.false_positives / len(result.files)
        print(f"no live gold rows: {result.false_positives} false rows shown, {rate:.2f} per text", file=out)
    else:
        print(
            f"precision={result.precision:.3f} recall={result.recall:.3f} f1={result.f1:.3f} "
            f"stage_accuracy={result.stage_accuracy:.3f} kind_accuracy={result.kind_accuracy:.3f}",
            file=out,
        )
    print(f"excluded from scoring: {result.excluded_historical} predictions flagged historical=True", file=out)
    found, total = candidate_recall(load_labelled(path))
    print(f"candidate recall: {found}/{total} = {found / total if total else 0:.3f}", file=out)
    strict = result.strict
    if strict is not None:
        print(
            f"strict (flagged rows counted): tp={strict.true_positives} fp={strict.false_positives} "
            f"fn={strict.false_negatives} precision={strict.precision:.3f} recall={strict.recall:.3f} "
            f"f1={strict.f1:.3f} stage_accuracy={strict.stage_accuracy:.3f}",
            file=out,
        )
    return 0


# ---- the honest report: cross-validation, the locked split and the tuned-on figure -------------

REGISTER_ORDER = ("articles", "posts", "bbc")


@dataclass
class Report:
    """Scores per register for each way of measuring."""

    cross_validated: dict[str, EvalResult] = field(default_factory=dict)
    locked: dict[str, EvalResult] = field(default_factory=dict)
    tuned_on: dict[str, EvalResult] = field(default_factory=dict)
    candidates: dict[str, tuple[int, int]] = field(default_factory=dict)
    # (low, high, rows right, rows, their mean confidence) per confidence bin
    calibration: list[tuple[float, float, int, int, float]] = field(default_factory=list)
    folds: int = 0
    repeats: int = 0
    # F1 of all cross-validated texts under each fold assignment alone (how much the assignment moves it)
    f1_per_assignment: list[float] = field(default_factory=list)


def _by_register(scores: list[tuple[LabelledText, FileScore]]) -> dict[str, EvalResult]:
    grouped: dict[str, list[FileScore]] = {}
    for text, score in scores:
        grouped.setdefault(text.register, []).append(score)
    result = {reg: EvalResult(grouped[reg]) for reg in REGISTER_ORDER if reg in grouped}
    result["all"] = EvalResult([score for _, score in scores])
    return result


def _calibration(rows: list[tuple[Rumour, bool]]) -> list[tuple[float, float, int, int, float]]:
    bins = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.9), (0.9, 1.01)]
    out = []
    for low, high in bins:
        inside = [(r.confidence, right) for r, right in rows if r.confidence is not None and low <= r.confidence < high]
        mean = sum(c for c, _ in inside) / len(inside) if inside else 0.0
        out.append((low, min(high, 1.0), sum(right for _, right in inside), len(inside), mean))
    return out


def _rows_marked(predicted: list[Rumour], score: FileScore) -> list[tuple[Rumour, bool]]:
    wrong = {id(r) for r in score.spurious}
    return [(r, id(r) not in wrong) for r in predicted if not r.historical]


# One assignment of texts to folds moves cross-validated F1 by about ±0.01, more than most rule changes:
# the report pools several, so the printed figure is not one lucky or unlucky draw.
CV_REPEATS = 3


def fold_assignments(count: int, folds: int, repeats: int) -> list[list[int]]:
    """The fold of each of `count` texts, once per repeat: the first in load order (text i in fold i mod
    folds), the others in an order shuffled with a fixed seed, so the report is the same every run."""
    assignments = []
    for repeat in range(repeats):
        order = list(range(count))
        if repeat:
            random.Random(repeat).shuffle(order)
        fold_of = [0] * count
        for position, index in enumerate(order):
            fold_of[index] = position % folds
        assignments.append(fold_of)
    return assignments


def _pooled(scores: list[FileScore]) -> FileScore:
    """One text's scores under several fold assignments as one score with the counts summed: pooled
    precision and recall are the means over assignments, and the bootstrap still resamples whole texts."""
    pooled = FileScore(scores[0].name)
    for score in scores:
        pooled.true_positives += score.true_positives
        pooled.false_positives += score.false_positives
        pooled.false_negatives += score.false_negatives
        pooled.stage_correct += score.stage_correct
        pooled.kind_correct += score.kind_correct
        pooled.misses += score.misses
        pooled.spurious += score.spurious
        pooled.wrong_stage += score.wrong_stage
    return pooled


def honest_report(directories: list[Path], folds: int = 5, with_cv: bool = True, repeats: int = CV_REPEATS) -> Report:
    """Cross-validated figures on the unlocked texts (each text scored by a model that never saw it, pooled
    over `repeats` assignments of texts to folds), the shipped model on the locked split, and the shipped
    model on the texts it was trained on."""
    texts = load_labelled(*directories)
    unlocked = [t for t in texts if not t.locked]
    locked = [t for t in texts if t.locked]
    report = Report(folds=folds if with_cv else 0, repeats=max(1, repeats) if with_cv else 0)
    for register in REGISTER_ORDER:
        group = [t for t in texts if t.register == register]
        if group:
            report.candidates[register] = candidate_recall(group)
    if with_cv:
        from rumourcrawl.extract.rumours.train import build_examples, fit

        examples = build_examples(unlocked)
        per_text: list[list[FileScore]] = [[] for _ in unlocked]
        marked: list[tuple[Rumour, bool]] = []
        for fold_of in fold_assignments(len(unlocked), folds, report.repeats):
            assignment: list[FileScore] = []
            for fold in range(folds):
                model = RumourModel(fit([e for i, e in enumerate(examples) if fold_of[i] != fold]))
                for i, text in enumerate(unlocked):
                    if fold_of[i] != fold:
                        continue
                    every = _predict(text, model, every_row=True)
                    score = score_file(text.name, _shown(every), text.gold)
                    per_text[i].append(score)
                    assignment.append(score)
                    marked.extend(_rows_marked(every, score_file(text.name, every, text.gold)))
            report.f1_per_assignment.append(EvalResult(assignment).f1)
        report.cross_validated = _by_register([(t, _pooled(s)) for t, s in zip(unlocked, per_text, strict=True)])
        report.calibration = _calibration(marked)
    report.locked = _by_register([(t, score_file(t.name, _predict(t), t.gold)) for t in locked])
    report.tuned_on = _by_register([(t, score_file(t.name, _predict(t), t.gold)) for t in unlocked])
    return report


def print_report(report: Report, out: TextIO = sys.stdout) -> None:
    def line(label: str, result: EvalResult, pooled: int) -> None:
        gold = (result.true_positives + result.false_negatives) // pooled  # each text was scored `pooled` times
        low, high = result.f1_interval()
        print(
            f"  {label:<9} {len(result.files):>5} {gold:>5}  {result.precision:.3f}  {result.recall:.3f}  "
            f"{result.f1:.3f}  {result.stage_accuracy:.3f}  {result.kind_accuracy:.3f}  {low:.2f}-{high:.2f}",
            file=out,
        )

    print(
        f"rows scored as shown by default: confidence at least {min_confidence_setting():.2f} "
        "(the min_confidence setting)",
        file=out,
    )
    sections = []
    if report.cross_validated:
        sections.append(
            (
                report.repeats,
                f"cross-validated ({report.folds}-fold by text, {_assignments(report.repeats)}, unlocked texts; "
                "no text scored by a model that saw it, but the rules were written against these texts: the locked "
                "split is the fair estimate)",
                report.cross_validated,
            )
        )
    sections.append((1, "locked split (every 5th file per source; never trained or tuned on)", report.locked))
    sections.append((1, "tuned-on (the shipped model on its own training texts: not evidence)", report.tuned_on))
    for pooled, title, results in sections:
        print(title, file=out)
        print("  register  texts  gold  prec   recall f1     stage  kind   f1 90% interval", file=out)
        for register, result in results.items():
            line(register, result, pooled)
    print(
        "(f1 90% interval: the middle 90% of F1 over resamples of the texts with replacement; on different texts "
        "of the same kind F1 can move that much)",
        file=out,
    )
    if len(report.f1_per_assignment) > 1:
        each = " ".join(f"{f1:.3f}" for f1 in report.f1_per_assignment)
        print(f"(cross-validated f1 of all texts under each fold assignment alone: {each})", file=out)
    print("candidate recall (gold rows some candidate could become; the model's ceiling)", file=out)
    for register, (found, total) in report.candidates.items():
        print(f"  {register:<9} {found}/{total} = {found / total if total else 0:.3f}", file=out)
    if report.calibration:
        print(
            f"confidence vs correctness (every cross-validated row kept, {_assignments(report.repeats)}; "
            "calibrated: the two should agree)",
            file=out,
        )
        for low, high, right, rows, mean in report.calibration:
            share = f"{right / rows:.3f}" if rows else "-"
            print(f"  {low:.1f}-{high:.1f}: {right}/{rows} right = {share}, mean confidence {mean:.3f}", file=out)


def _assignments(repeats: int) -> str:
    return "one fold assignment" if repeats == 1 else f"{repeats} fold assignments pooled"


def run_honest_report(
    directories: list[Path], folds: int = 5, out: TextIO = sys.stdout, repeats: int = CV_REPEATS
) -> int:
    missing = [d for d in directories if not d.is_dir()]
    if missing:
        print(f"error: no labelled folder at {', '.join(map(str, missing))}", file=out)
        return 2
    try:
        import sklearn  # noqa: F401

        with_cv = folds > 1
    except ImportError:
        print(
            "note: cross-validation retrains the model and needs scikit-learn: pip install 'rumourcrawl[train]'",
            file=out,
        )
        with_cv = False
    print_report(honest_report(directories, folds=folds, with_cv=with_cv, repeats=repeats), out)
    return 0
