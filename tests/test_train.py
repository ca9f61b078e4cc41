"""Training the rumour model: one command, deterministic, and the shipped model is what it writes."""

from __future__ import annotations

import shutil
from pathlib import Path

from conftest import run_cli
from rumourcrawl.extract.rumours import RumourModel, extract_rumours
from rumourcrawl.extract.rumours.model import MODEL_PATH
from rumourcrawl.extract.rumours.train import labelled_dirs, train

TRAIN = Path(__file__).parent / "eval" / "train"


def _small_set(folder: Path) -> Path:
    for name in [f"mp{i:03d}" for i in range(30)] + [f"news{i:03d}" for i in range(8)]:
        for suffix in (".txt", ".json"):
            shutil.copy(TRAIN / (name + suffix), folder / (name + suffix))
    return folder


def test_train_command_is_deterministic_and_its_model_extracts(tmp_path):
    (tmp_path / "labelled").mkdir()
    data = _small_set(tmp_path / "labelled")
    first, second = tmp_path / "first.json", tmp_path / "second.json"
    for output in (first, second):
        result = run_cli("train", str(data), "--output", str(output))
        assert result.returncode == 0, result.stderr
        assert "locked away" in result.stdout
    assert first.read_bytes() == second.read_bytes()
    model = RumourModel.load(first)
    rows = extract_rumours(
        "Bournemouth have agreed a deal to sign Adrien Truffert from Rennes, here we go!", model=model
    )
    assert all(0 <= r.confidence <= 1 for r in rows)


def test_train_refuses_a_missing_folder(tmp_path):
    result = run_cli("train", str(tmp_path / "nowhere"), "--output", str(tmp_path / "m.json"))
    assert result.returncode == 2
    assert "no labelled folder" in result.stderr
    assert not (tmp_path / "m.json").exists()


def test_shipped_model_is_what_training_on_the_repository_writes(tmp_path):
    # `rumourcrawl train` from a checkout rebuilds the shipped file byte for byte: no hidden state.
    output = tmp_path / "model.json"
    train(labelled_dirs(), output)
    assert output.read_bytes() == MODEL_PATH.read_bytes()
