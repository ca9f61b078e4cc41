"""Step 3: the trained model that keeps, stages and scores candidates.

Three logistic regressions fitted by `train.py` with scikit-learn on the labelled real texts: keep
(is this candidate a claim of the text?), stage and kind (for the kept ones), and a calibration table
that turns the keep probability into a row's confidence (the share of such rows that were right out of
fold). They are stored as plain JSON (`rumourcrawl/data/models/rumour_model.json`), so extraction needs
neither scikit-learn nor pickles, loads the file once and scores all candidates of a text in one pass.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...paths import package_data
from .features import SHORT_PREFIX

MODEL_PATH = package_data("models", "rumour_model.json")
# Rows under this confidence are kept but hidden by default: by Datasette's canned queries, `rumourcrawl
# latest`, `rumourcrawl extract` and `rumourcrawl eval` (setting: RUMOURCRAWL_MIN_CONFIDENCE, or the
# Datasette plugin setting min_confidence). Chosen by 5-fold cross-validation on the unlocked texts: the
# best F1 of 0.3-0.5 (a cut for F1 sits near half the F1 reached, not at 0.5).
DEFAULT_MIN_CONFIDENCE = 0.35
MIN_CONFIDENCE_ENV = "RUMOURCRAWL_MIN_CONFIDENCE"


def min_confidence_setting(config: dict | None = None) -> float:
    """The confidence below which the default views hide rows: a setting given, environment, default."""
    raw = (config or {}).get("min_confidence", os.environ.get(MIN_CONFIDENCE_ENV, DEFAULT_MIN_CONFIDENCE))
    try:
        value = float(raw)
    except (TypeError, ValueError):
        return DEFAULT_MIN_CONFIDENCE
    return min(max(value, 0.0), 1.0)


def is_shown(confidence: float | None, floor: float) -> bool:
    """Whether the default views show a row of this confidence (a row without one, from before confidence
    existed, is always shown)."""
    return confidence is None or confidence >= floor


@dataclass
class Scores:
    keep: np.ndarray  # (n,) probability that each candidate is a claim of the text
    stage: np.ndarray  # (n, len(stages)) probability of each stage
    kind: np.ndarray  # (n, len(kinds))
    confidence: np.ndarray | None = None  # (n,) calibrated: the share of such rows that are right; else keep


class RumourModel:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.stages: list[str] = data["stage"]["classes"]
        self.kinds: list[str] = data["kind"]["classes"]
        self.threshold: float = data.get("threshold", 0.5)
        # keep probability -> share of rows right, measured out of fold at training (train.calibrate)
        calibration = data.get("calibration") or {"keep": [0.0, 1.0], "right": [0.0, 1.0]}
        self.calibration = (np.asarray(calibration["keep"], dtype=float), np.asarray(calibration["right"], dtype=float))
        # One row per feature: [keep weight, stage weights..., kind weights...]
        weights = np.hstack(
            [
                np.asarray(data["keep"]["coef"], dtype=float).reshape(-1, 1),
                np.asarray(data["stage"]["coef"], dtype=float).T,
                np.asarray(data["kind"]["coef"], dtype=float).T,
            ]
        )
        self.intercepts = np.concatenate(
            [[data["keep"]["intercept"]], data["stage"]["intercept"], data["kind"]["intercept"]]
        ).astype(float)
        # A short text's feature X was trained as X and its copy "S|X" (features.with_short_copies): fold
        # both weights into one row of a second table, so extraction looks each name up once.
        trained = {name: i for i, name in enumerate(data["features"])}
        names = list(dict.fromkeys(n.removeprefix(SHORT_PREFIX) for n in data["features"]))
        self.index: dict[str, int] = {name: i for i, name in enumerate(names)}
        zero = np.zeros(weights.shape[1])
        long_rows = [weights[trained[n]] if n in trained else zero for n in names]
        short_rows = [
            row + (weights[trained[SHORT_PREFIX + n]] if SHORT_PREFIX + n in trained else zero)
            for n, row in zip(names, long_rows, strict=True)
        ]
        self.weights = np.vstack(long_rows + short_rows) if names else np.zeros((0, len(self.intercepts)))
        self.class_weights = np.ascontiguousarray(self.weights[:, 1:])  # the stage and kind columns
        # The keep column again as two plain dicts: the keep pass over every candidate is pure Python,
        # cheaper than numpy for the dozen candidates of a typical text.
        keep_column = self.weights[:, 0].tolist() if names else []
        self.keep_tables: tuple[dict[str, float], dict[str, float]] = (
            {n: keep_column[i] for n, i in self.index.items() if keep_column[i]},
            {n: keep_column[len(names) + i] for n, i in self.index.items() if keep_column[len(names) + i]},
        )

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> RumourModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"rumour model {path} is missing: run `rumourcrawl train`") from exc
        return cls(data)

    def score(self, features: list[dict[str, float]], min_keep: float = 0.0) -> Scores:
        """Scores of each candidate's features (plain dicts, or `features.Features` with shared blocks).

        Stage and kind are computed only for candidates whose keep probability reaches `min_keep` (the
        others' rows are NaN): most candidates are dropped, and the keep score alone is a cheap pass."""
        long_keep, short_keep = self.keep_tables
        keep_intercept = self.intercepts[0]
        block_keep: dict[tuple[int, bool], float] = {}
        logits = []
        for named in features:
            short = _is_short(named)
            table = short_keep if short else long_keep
            z = keep_intercept
            for name, value in named.items():
                weight = table.get(name)
                if weight is not None:
                    z += weight * value
            for block in getattr(named, "shared", ()):
                # the person's features (short copies folded in) or the sentence's words (the same in both tables)
                key = (id(block), short)
                weight = block_keep.get(key)
                if weight is None:
                    weight = sum(table[name] * value for name, value in block.items() if name in table)
                    block_keep[key] = weight
                z += weight
            logits.append(z)
        keep = 1.0 / (1.0 + np.exp(-np.asarray(logits, dtype=float)))
        n_stages, n_kinds = len(self.stages), len(self.kinds)
        stage = np.full((len(features), n_stages), np.nan)
        kind = np.full((len(features), n_kinds), np.nan)
        chosen = [i for i in range(len(features)) if keep[i] >= min_keep]
        if chosen:
            totals = self._class_logits([features[i] for i in chosen])
            stage[chosen] = _softmax(totals[:, :n_stages])
            kind[chosen] = _softmax(totals[:, n_stages:])
        return Scores(keep, stage, kind, self.calibrated(keep))

    def calibrated(self, keep: np.ndarray) -> np.ndarray:
        """The confidence of rows kept with these probabilities: piecewise linear between measured points."""
        return np.interp(keep, *self.calibration)

    def _class_logits(self, features: list[dict[str, float]]) -> np.ndarray:
        """Stage and kind logits of a few candidates, one row each: per candidate, its weighted features'
        rows of the class table summed by one dot product."""
        get = self.index.get
        n_names = len(self.index)
        totals = np.empty((len(features), self.class_weights.shape[1]))
        for i, named in enumerate(features):
            offset = n_names if _is_short(named) else 0  # the short-text table (see __init__)
            columns: list[int] = []
            values: list[float] = []
            for block in (named, *getattr(named, "shared", ())):
                for name, value in block.items():
                    column = get(name)
                    if column is not None:
                        columns.append(column + offset)
                        values.append(value)
            totals[i] = self.intercepts[1:]
            if columns:
                totals[i] += np.dot(values, self.class_weights[columns])
        return totals


def _is_short(named: dict[str, float]) -> bool:
    """Whether a candidate's text is short: `Features` says so, a plain dict has the feature itself."""
    short = getattr(named, "short", None)
    return bool(named.get("short_text")) if short is None else short


def _softmax(logits: np.ndarray) -> np.ndarray:
    if logits.shape[1] == 0:
        return logits
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@lru_cache(maxsize=1)
def default_model() -> RumourModel:
    return RumourModel.load()
