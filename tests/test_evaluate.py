from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

from rumourcrawl.evaluate import EvalResult, FileScore, run_eval, run_honest_report, score_file
from rumourcrawl.extract.models import Rumour
from rumourcrawl.extract.rumours.labelled import load_labelled


def _gold(subject, to_club, stage="interest", historical=False):
    return {"subject": subject, "to_club": to_club, "stage": stage, "historical": historical}


def test_matching_is_by_surname_and_canonical_club_one_to_one():
    predicted = [Rumour("Haaland", to_club="Man City", stage="bid"), Rumour("Haaland", to_club="Man City")]
    gold = [_gold("Erling Håaland", "Manchester City", "bid")]
    score = score_file("x", predicted, gold)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 1, 0)
    assert score.stage_correct == 1


def test_null_destination_matches_null_and_historical_gold_is_neutral():
    predicted = [Rumour("Mendy", to_club=None, kind="exit"), Rumour("Alonso", to_club="Liverpool")]
    gold = [_gold("Ferland Mendy", None, "agreed"), _gold("Xabi Alonso", "Liverpool", historical=True)]
    score = score_file("x", predicted, gold)
    assert (score.true_positives, score.false_positives, score.false_negatives) == (1, 0, 0)
    assert score.stage_correct == 0


def test_kind_accuracy_is_over_matched_rows():
    predicted = [
        Rumour("Chivu", to_club="Inter Milan", kind="appointment", stage="done"),
        Rumour("Sarri", to_club="Lazio", kind="transfer", stage="agreed"),
        Rumour("Nobody", to_club="Lazio", kind="transfer"),  # unmatched: not in the kind figure
    ]
    gold = [
        dict(_gold("Cristian Chivu", "Inter Milan", "done"), kind="appointment"),
        dict(_gold("Maurizio Sarri", "Lazio", "agreed"), kind="appointment"),
    ]
    score = score_file("x", predicted, gold)
    assert (score.true_positives, score.kind_correct) == (2, 1)
    from rumourcrawl.evaluate import EvalResult

    assert EvalResult([score]).kind_accuracy == 0.5


def test_run_eval_prints_totals_and_per_file_lines(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\r\nArsenal have signed Roma striker Tom Kettle.\r\n", encoding="utf-8")
    (tmp_path / "a.json").write_text(
        json.dumps({"rumours": [_gold("Tom Kettle", "Arsenal", "done")]}), encoding="utf-8"
    )
    out = io.StringIO()
    assert run_eval(tmp_path, verbose=True, out=out) == 0
    text = out.getvalue()
    assert "a: tp=1 fp=0 fn=0" in text
    assert "f1=1.000" in text


def test_run_eval_bad_directory(tmp_path):
    out = io.StringIO()
    assert run_eval(tmp_path / "missing", out=out) == 2
    assert "not a directory" in out.getvalue()
    out = io.StringIO()
    assert run_eval(tmp_path, out=out) == 2
    assert "no gold" in out.getvalue()


def test_historical_predictions_are_excluded_but_counted_and_scored_strictly(tmp_path):
    predicted = [Rumour("Alonso", to_club="Liverpool", historical=True), Rumour("Kane", to_club="Bayern Munich")]
    gold = [_gold("Harry Kane", "Bayern Munich")]
    lenient = score_file("x", predicted, gold)
    assert (lenient.true_positives, lenient.false_positives, lenient.excluded_historical) == (1, 0, 1)
    strict = score_file("x", predicted, gold, strict=True)
    assert (strict.true_positives, strict.false_positives, strict.excluded_historical) == (1, 1, 0)


def test_run_eval_reports_excluded_and_strict_figures(tmp_path):
    (tmp_path / "a.txt").write_text("Headline\r\nArsenal have signed Roma striker Tom Kettle.\r\n", encoding="utf-8")
    (tmp_path / "a.json").write_text(
        json.dumps({"rumours": [_gold("Tom Kettle", "Arsenal", "done")]}), encoding="utf-8"
    )
    out = io.StringIO()
    run_eval(tmp_path, out=out)
    text = out.getvalue()
    assert "excluded from scoring: 0 predictions flagged historical=True" in text
    assert "strict (flagged rows counted):" in text


def test_honest_report_has_cross_validated_locked_and_tuned_on_figures(tmp_path):
    # Ten real posts: two folds, two of them locked (every fifth by sorted name).
    source = Path(__file__).parent / "eval" / "train"
    for name in [f"mp{i:03d}" for i in range(10)]:
        for suffix in (".txt", ".json"):
            shutil.copy(source / (name + suffix), tmp_path / (name + suffix))
    out = io.StringIO()
    assert run_honest_report([tmp_path], folds=2, out=out) == 0
    text = out.getvalue()
    sections = [line for line in text.splitlines() if not line.startswith(" ")]
    assert sections[0] == "rows scored as shown by default: confidence at least 0.35 (the min_confidence setting)"
    assert sections[1].startswith("cross-validated (2-fold")
    assert sections[2].startswith("locked split")
    assert sections[3].startswith("tuned-on")
    assert "  posts         8" in text  # 8 unlocked posts cross-validated
    assert "  posts         2" in text  # 2 locked
    assert "candidate recall" in text and "confidence vs correctness" in text
    assert "  register  texts  gold  prec   recall f1     stage  kind   f1 90% interval" in text
    # Three fold assignments pooled: each shown alone, and the gold column counts each gold row once.
    assert "3 fold assignments pooled" in sections[1]
    each = next(line for line in text.splitlines() if "under each fold assignment alone" in line)
    assert len(each.rstrip(")").split(": ")[1].split()) == 3
    unlocked_gold = sum(1 for t in load_labelled(tmp_path) if not t.locked for g in t.gold if not g.get("historical"))
    cross_validated = text.split("\nlocked split")[0]
    posts = next(line for line in cross_validated.splitlines() if line.startswith("  posts"))
    assert int(posts.split()[2]) == unlocked_gold
    # Each figure's line ends in its bootstrap interval, which holds the F1 itself.
    locked = next(line for line in text.split("\nlocked split")[1].splitlines() if line.startswith("  posts"))
    f1, interval = float(locked.split()[5]), locked.split()[-1]
    low, high = (float(x) for x in interval.split("-"))
    assert low <= f1 <= high


def test_locked_split_is_every_fifth_file_of_each_source(tmp_path):
    for name in ["news001", "news002", "news003", "news004", "news005", "mp001", "mp002", "mp003", "mp004", "mp005"]:
        (tmp_path / f"{name}.txt").write_text("Headline\nBody.\n", encoding="utf-8")
        (tmp_path / f"{name}.json").write_text('{"rumours": []}', encoding="utf-8")
    locked = sorted(t.name for t in load_labelled(tmp_path) if t.locked)
    assert locked == ["mp005", "news005"]


def test_the_f1_interval_widens_with_fewer_texts_and_is_repeatable():
    uneven = [
        FileScore(f"t{i}", true_positives=i % 3, false_positives=(i + 1) % 2, false_negatives=i % 2) for i in range(40)
    ]
    many, few = EvalResult(uneven), EvalResult(uneven[:8])
    low, high = many.f1_interval()
    assert low < many.f1 < high
    assert many.f1_interval() == (low, high)  # seeded
    few_low, few_high = few.f1_interval()
    assert few_high - few_low > high - low
    assert EvalResult([FileScore("a", 2, 0, 0)] * 5).f1_interval() == (1.0, 1.0)  # no spread in the texts, none in F1


def test_match_reports_with_no_claim_yield_few_false_rows():
    # Real BBC match reports (tests/eval/matches): every row is a false one. A floor that catches a model
    # or candidate step gone wrong on the commonest football text there is, not a target.
    out = io.StringIO()
    assert run_eval(Path(__file__).parent / "eval" / "matches", out=out) == 0
    line = next(line for line in out.getvalue().splitlines() if line.startswith("no live gold rows"))
    assert float(line.split()[-3]) <= 1.0  # false rows per report (0.72 when this was written)
    assert "files=25 tp=0" in out.getvalue()
