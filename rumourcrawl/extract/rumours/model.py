"""Step 3: the trained model that keeps, stages and scores candidates.

Three logistic regressions fitted by `train.py` with scikit-learn on the labelled real texts: keep
(is this candidate a claim of the text?), stage and kind (for the kept ones). They are stored as
plain JSON weights (`rumourcrawl/data/models/rumour_model.json`), so extraction needs neither
scikit-learn nor pickles, loads the file once and scores all candidates of a text in one numpy pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from ...paths import package_data

MODEL_PATH = package_data("models", "rumour_model.json")


@dataclass
class Scores:
    keep: np.ndarray  # (n,) probability that each candidate is a claim of the text
    stage: np.ndarray  # (n, len(stages)) probability of each stage
    kind: np.ndarray  # (n, len(kinds))


class RumourModel:
    def __init__(self, data: dict) -> None:
        self.data = data
        self.index: dict[str, int] = {name: i for i, name in enumerate(data["features"])}
        self.stages: list[str] = data["stage"]["classes"]
        self.kinds: list[str] = data["kind"]["classes"]
        self.threshold: float = data.get("threshold", 0.5)
        # One row per feature: [keep weight, stage weights..., kind weights...]
        self.weights = np.hstack(
            [
                np.asarray(data["keep"]["coef"], dtype=float).reshape(-1, 1),
                np.asarray(data["stage"]["coef"], dtype=float).T,
                np.asarray(data["kind"]["coef"], dtype=float).T,
            ]
        )
        self.intercepts = np.concatenate(
            [[data["keep"]["intercept"]], data["stage"]["intercept"], data["kind"]["intercept"]]
        ).astype(float)

    @classmethod
    def load(cls, path: Path | str = MODEL_PATH) -> RumourModel:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise FileNotFoundError(f"rumour model {path} is missing: run `rumourcrawl train`") from exc
        return cls(data)

    def score(self, features: list[dict[str, float]]) -> Scores:
        n = len(features)
        totals = np.tile(self.intercepts, (n, 1))
        rows, columns, values = [], [], []
        index = self.index
        for row, named in enumerate(features):
            for name, value in named.items():
                column = index.get(name)
                if column is not None:
                    rows.append(row)
                    columns.append(column)
                    values.append(value)
        if rows:  # every candidate's weighted features summed in one numpy pass
            np.add.at(totals, np.asarray(rows), self.weights[columns] * np.asarray(values)[:, None])
        n_stages = len(self.stages)
        keep = 1.0 / (1.0 + np.exp(-totals[:, 0]))
        return Scores(keep, _softmax(totals[:, 1 : 1 + n_stages]), _softmax(totals[:, 1 + n_stages :]))


def _softmax(logits: np.ndarray) -> np.ndarray:
    if logits.shape[1] == 0:
        return logits
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


@lru_cache(maxsize=1)
def default_model() -> RumourModel:
    return RumourModel.load()
