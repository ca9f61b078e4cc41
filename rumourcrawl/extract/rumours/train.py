"""Fit the rumour model on the labelled real texts, and measure it honestly.

`rumourcrawl train` (or `python -m rumourcrawl.extract.rumours.train`) reads tests/eval/dev and
tests/eval/train, leaves the locked split out (every fifth file of each source, see labelled.py),
fits three logistic regressions (keep, stage, kind) with scikit-learn, calibrates the keep probability
into a row's confidence out of fold (see `calibrate`) and writes it all to
rumourcrawl/data/models/rumour_model.json. Deterministic: same labels, same file.

scikit-learn is needed only here (`pip install -e '.[train]'`), not to extract.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from ...evaluate import candidate_key, row_key, score_file
from ..models import ALL_STAGES, KINDS
from .candidates import Reading
from .features import candidate_features, sentence_facts, with_short_copies
from .labelled import LabelledText, load_labelled, read_labelled
from .model import MODEL_PATH, RumourModel
from .rows import decide_rows


def labelled_dirs() -> list[Path]:
    """The repository's labelled folders (tests/eval/dev and train), in a checkout; [] elsewhere."""
    from ...paths import checkout_root

    root = checkout_root()
    if root is None:
        return []
    return [d for d in (root / "tests" / "eval" / "dev", root / "tests" / "eval" / "train") if d.is_dir()]


C_KEEP = 0.5  # inverse regularisation strengths, chosen by cross-validation on the unlocked texts
C_STAGE = 1.0
C_KIND = 1.0
MIN_WEIGHT = 0.01
THRESHOLD = 0.35  # keep probability from which rows are kept, when there is no calibration (tiny sets)
# With one, rows are kept (stored) from this confidence up, and shown from the min_confidence setting
# (model.DEFAULT_MIN_CONFIDENCE): fewer than a third of the rows under it are right.
MIN_KEPT_CONFIDENCE = 0.3
CALIBRATION_FOLDS = 5
CALIBRATION_POINTS = 20  # keep probabilities 0.025, 0.075, ..., 0.975 and the confidence at each


@dataclass
class Example:
    """One labelled text read by the candidate step, with each candidate's features and gold label."""

    text: LabelledText
    reading: Reading
    features: list[dict[str, float]]
    keep: list[int | None] = field(default_factory=list)  # 1 claim, 0 not, None only a historical gold row
    stage: list[str | None] = field(default_factory=list)
    kind: list[str | None] = field(default_factory=list)


def build_example(text: LabelledText) -> Example:
    reading = read_labelled(text)
    facts = sentence_facts(reading)
    features = [with_short_copies(candidate_features(reading, c, facts)) for c in reading.candidates]
    live: dict[tuple, dict] = {}
    historical: set[tuple] = set()
    for row in text.gold:
        key = row_key(row.get("subject"), row.get("to_club"))
        if row.get("historical"):
            historical.add(key)
        else:
            live.setdefault(key, row)
    example = Example(text, reading, features)
    for candidate in reading.candidates:
        key = candidate_key(candidate)
        row = live.get(key)
        if row is not None:
            example.keep.append(1)
            example.stage.append(row.get("stage"))
            example.kind.append(row.get("kind"))
        else:
            example.keep.append(None if key in historical else 0)
            example.stage.append(None)
            example.kind.append(None)
    return example


def build_examples(texts: list[LabelledText]) -> list[Example]:
    return [build_example(t) for t in texts]


def fit(
    examples: list[Example],
    c_keep: float = C_KEEP,
    c_stage: float = C_STAGE,
    c_kind: float = C_KIND,
    calibration_folds: int = CALIBRATION_FOLDS,
) -> dict:
    """The model as a JSON-ready dict: the weights, and the calibration of their keep probability."""
    import numpy as np

    model = fit_weights(examples, c_keep, c_stage, c_kind)
    if calibration_folds > 1 and len(examples) >= 2 * calibration_folds:
        calibration = model["calibration"] = calibrate(examples, calibration_folds, c_keep, c_stage, c_kind)
        # the keep probability whose confidence is MIN_KEPT_CONFIDENCE (the curve rises: invert it)
        floor = np.interp(MIN_KEPT_CONFIDENCE, calibration["right"], calibration["keep"])
        model["threshold"] = round(float(floor), 4)
    return model


def calibrate(examples: list[Example], folds: int, c_keep: float, c_stage: float, c_kind: float) -> dict:
    """keep probability -> share of rows that are right, measured where it will be used: every text is
    scored by a model fitted without it, a row for every candidate (no threshold), each row checked against
    the gold rows as `rumourcrawl eval` checks it, and a logistic curve through (probability, right).

    The raw probability is not a row's chance of being right: the model is sure of its training texts
    (tuned-on F1 0.85 against 0.6 out of fold), and a row is right only if its person and club match."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    kept, right = [], []
    for fold in range(folds):
        held = [e for i, e in enumerate(examples) if i % folds == fold]
        rest = [e for i, e in enumerate(examples) if i % folds != fold]
        model = RumourModel(fit_weights(rest, c_keep, c_stage, c_kind))
        for example in held:
            if not example.features:
                continue
            scores = model.score(example.features)
            scores.confidence = None  # the raw keep probability on each row
            rows = decide_rows(example.reading, scores, model.stages, model.kinds, 0.0, None)
            wrong = {id(r) for r in score_file(example.text.name, rows, example.text.gold).spurious}
            for row in rows:
                kept.append(row.confidence)
                right.append(0.0 if id(row) in wrong else 1.0)
    # Platt scaling: a logistic curve through (logit of the keep probability, right). Two parameters, so it
    # does not follow the noise of the few rows at either end, as a step-wise (isotonic) fit did.
    platt = LogisticRegression(C=1e6, max_iter=1000).fit(_logit(kept).reshape(-1, 1), right)
    grid = (np.arange(CALIBRATION_POINTS) + 0.5) / CALIBRATION_POINTS
    values = platt.predict_proba(_logit(grid).reshape(-1, 1))[:, 1]
    return {
        "keep": [round(float(x), 4) for x in grid],
        "right": [round(float(y), 4) for y in values],
        "rows": len(kept),
    }


def _logit(p):
    import numpy as np

    p = np.clip(np.asarray(p, dtype=float), 1e-4, 1 - 1e-4)
    return np.log(p / (1 - p))


def fit_weights(
    examples: list[Example], c_keep: float = C_KEEP, c_stage: float = C_STAGE, c_kind: float = C_KIND
) -> dict:
    """The three regressions as a JSON-ready dict of weights."""
    import numpy as np
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    keep_x, keep_y, pos_x, pos_stage, pos_kind = [], [], [], [], []
    for example in examples:
        for features, keep, stage, kind in zip(
            example.features, example.keep, example.stage, example.kind, strict=True
        ):
            if keep is None:
                continue
            keep_x.append(features)
            keep_y.append(keep)
            if keep and stage in ALL_STAGES and kind in KINDS:
                pos_x.append(features)
                pos_stage.append(stage)
                pos_kind.append(kind)
    vectorizer = DictVectorizer(sort=True)
    vectorizer.fit(keep_x)
    names = list(vectorizer.get_feature_names_out())
    keep_model = LogisticRegression(C=c_keep, max_iter=4000, random_state=0)
    keep_model.fit(vectorizer.transform(keep_x), keep_y)
    stage_classes, stage_coef, stage_intercept = _fit_classes(vectorizer.transform(pos_x), pos_stage, c_stage)
    # Kinds weighted by class: most claims are transfers, and unweighted the rarer loans and stays lost out
    # (kind right on 0.878 -> 0.891 of matched rows, cross-validated on the unlocked texts).
    kind_classes, kind_coef, kind_intercept = _fit_classes(vectorizer.transform(pos_x), pos_kind, c_kind, balanced=True)

    def rounded(values) -> list:
        return [round(float(v), 6) for v in values]

    # Drop features every model all but ignores (|weight| < 0.01): a file a third the size, scores within 1%.
    weights = np.vstack([keep_model.coef_, stage_coef, kind_coef])
    used = [i for i in range(len(names)) if np.abs(weights[:, i]).max() >= MIN_WEIGHT]
    return {
        "about": "rumourcrawl rumour model: logistic regressions over candidate features (rumourcrawl train)",
        "threshold": THRESHOLD,
        "features": [names[i] for i in used],
        "keep": {"coef": rounded(keep_model.coef_[0][used]), "intercept": round(float(keep_model.intercept_[0]), 6)},
        "stage": {
            "classes": stage_classes,
            "coef": [rounded(row[used]) for row in stage_coef],
            "intercept": rounded(stage_intercept),
        },
        "kind": {
            "classes": kind_classes,
            "coef": [rounded(row[used]) for row in kind_coef],
            "intercept": rounded(kind_intercept),
        },
        "trained_on": sorted(e.text.name for e in examples),
    }


def _fit_classes(x, y: list[str], c: float, balanced: bool = False):
    """(classes, one weight row per class, intercepts) of a multinomial logistic regression, also when the
    labels hold only one or two classes (scikit-learn then gives one row, or refuses)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    classes = sorted(set(y))
    if len(classes) < 2:
        return classes or ["speculation"], np.zeros((1, x.shape[1])), np.zeros(1)
    weights = "balanced" if balanced else None
    model = LogisticRegression(C=c, max_iter=4000, random_state=0, class_weight=weights).fit(x, y)
    coef, intercept = model.coef_, model.intercept_
    if len(classes) == 2:  # one row w for the second class: softmax([0, w·x]) is the same sigmoid
        coef = np.vstack([np.zeros_like(coef[0]), coef[0]])
        intercept = np.array([0.0, intercept[0]])
    return [str(k) for k in model.classes_], coef, intercept


def train(directories: list[Path], output: Path = MODEL_PATH, out=sys.stdout) -> dict:
    texts = load_labelled(*directories)
    unlocked = [t for t in texts if not t.locked]
    examples = build_examples(unlocked)
    model = fit(examples)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(model, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    n_candidates = sum(len(e.features) for e in examples)
    print(
        f"trained on {len(unlocked)} texts ({len(texts) - len(unlocked)} locked away), {n_candidates} candidates, "
        f"{len(model['features'])} features -> {output}",
        file=out,
    )
    return model


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="rumourcrawl train", description=__doc__.split("\n\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path, help="labelled folders (default: tests/eval/dev and train)")
    parser.add_argument("--output", type=Path, default=MODEL_PATH)
    args = parser.parse_args(argv)
    dirs = args.dirs or labelled_dirs()
    missing = [d for d in dirs if not d.is_dir()]
    if not dirs or missing:
        print(
            f"error: no labelled folder at {', '.join(map(str, missing)) or 'tests/eval (not a checkout)'}",
            file=sys.stderr,
        )
        return 2
    train(dirs, args.output)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
