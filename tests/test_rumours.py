"""The rumour engine (candidates → features → model → rows) on the seed article and on real labelled text."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from rumourcrawl.evaluate import _predict, candidate_recall, evaluate_texts, score_file
from rumourcrawl.extract.article import extract_article, split_plain_text
from rumourcrawl.extract.rumours import extract_rumours
from rumourcrawl.extract.rumours.candidates import read_text
from rumourcrawl.extract.rumours.labelled import load_labelled, read_article
from rumourcrawl.extract.rumours.model import default_model

DEV_DIR = Path(__file__).parent / "eval" / "dev"
TRAIN_DIR = Path(__file__).parent / "eval" / "train"
SEED = DEV_DIR / "football365-klopp-real-madrid.html"


@pytest.fixture(scope="module")
def seed_rows():
    text, title, published, outlet = read_article(SEED)
    return extract_rumours(text, title=title, published=published, outlet=outlet)


def _find(rows, surname, to_club, stage=None):
    return [
        r
        for r in rows
        if r.subject.endswith(surname)
        and r.to_club == to_club
        and (stage is None or r.stage == stage)
        and not r.historical
    ]


def test_seed_klopp_appointment_agreed_from_reports_in_spain(seed_rows):
    rows = _find(seed_rows, "Klopp", "Real Madrid", "agreed")
    assert len(rows) == 1
    row = rows[0]
    assert row.subject == "Jurgen Klopp"
    assert row.subject_role == "manager"
    assert row.kind == "appointment"
    assert row.source == "reports in Spain"


def test_seed_romano_denial_is_its_own_row(seed_rows):
    rows = _find(seed_rows, "Klopp", "Real Madrid", "denied")
    assert len(rows) == 1
    assert rows[0].source == "Fabrizio Romano"
    assert rows[0].source_tier == 1


def test_seed_haaland_man_city_to_real_madrid(seed_rows):
    rows = _find(seed_rows, "Haaland", "Real Madrid")
    assert len(rows) == 1
    assert rows[0].subject == "Erling Haaland"
    assert rows[0].from_club == "Manchester City"
    assert rows[0].kind == "transfer"


def test_seed_four_exits_without_destination(seed_rows):
    exits = {r.subject: r for r in seed_rows if r.kind == "exit" and not r.historical}
    for name in ("Ferland Mendy", "Fran Garcia", "Dani Ceballos", "David Alaba"):
        assert name in exits
        assert exits[name].from_club == "Real Madrid"
        assert exits[name].to_club is None


# ---- the learned engine on real labelled text ------------------------------------------------

EVAL_DIRS = [DEV_DIR, DEV_DIR.parent / "train"]


@pytest.fixture(scope="module")
def labelled():
    return load_labelled(*EVAL_DIRS)


def test_a_claim_made_only_in_the_first_line_is_a_row():
    # mp002, a real post: the claim is its first line, the rest is detail.
    text = (DEV_DIR.parent / "train" / "mp002.txt").read_text(encoding="utf-8")
    title, body = split_plain_text(text)
    rows = extract_rumours(body, title=title)
    truffert = [r for r in rows if r.subject == "Adrien Truffert" and r.to_club == "Bournemouth"]
    assert len(truffert) == 1
    assert truffert[0].stage == "agreed"
    assert "Bournemouth have agreed deal to sign Adrien Truffert" in truffert[0].evidence
    # With no body at all, the headline alone still gives the row.
    assert any(r.subject == "Adrien Truffert" for r in extract_rumours("", title=title))


def test_every_row_carries_a_confidence_and_low_ones_are_dropped(labelled):
    model = default_model()
    floor = float(model.calibrated(np.asarray([model.threshold]))[0])
    for text in [t for t in labelled if t.locked][:20]:
        for row in _predict(text):
            assert row.confidence is not None
            assert floor <= row.confidence <= 1.0


def test_confidence_is_the_share_of_rows_right_on_text_never_tuned_on(labelled):
    # The keep probability is calibrated out of fold at training (train.calibrate). On the locked split
    # the mean confidence of the rows and the share of them that are right agree within two standard errors
    # of that share (about 0.07 on its ~160 rows: it cannot measure closer), and the rows shown at 0.7 and up
    # are right at least 70% of the time (before calibration they were right less than half the time).
    marked = []
    for text in [t for t in labelled if t.locked]:
        predicted = _predict(text)
        score = score_file(text.name, predicted, text.gold)
        wrong = {id(r) for r in score.spurious}
        marked += [(r.confidence, id(r) not in wrong) for r in predicted]
    assert len(marked) > 100
    mean_confidence = sum(c for c, _ in marked) / len(marked)
    share_right = sum(right for _, right in marked) / len(marked)
    assert abs(mean_confidence - share_right) <= 2 * math.sqrt(share_right * (1 - share_right) / len(marked))
    sure = [right for c, right in marked if c >= 0.7]
    assert len(sure) > 30 and sum(sure) / len(sure) >= 0.7


def test_calibration_is_monotone_and_within_0_1():
    keep, right = default_model().calibration
    assert len(keep) >= 10 and (np.diff(keep) > 0).all()
    assert (np.diff(right) >= 0).all() and 0.0 <= right[0] and right[-1] <= 1.0
    assert right[-1] < 0.99  # the raw model says 0.99 and more of rows that are right less often


def test_candidate_recall_is_well_above_0_9_in_every_register(labelled):
    for register in ("articles", "posts", "bbc"):
        found, total = candidate_recall([t for t in labelled if t.register == register])
        assert total > 50
        assert found / total >= 0.9, register


def test_locked_split_stays_above_its_floor(labelled):
    # The locked split is never trained or tuned on; the README gives its figures (F1 about 0.6).
    # This floor only catches a broken model or candidate step, it is not a target.
    locked = [t for t in labelled if t.locked]
    assert len(locked) >= 60
    result = evaluate_texts(locked)
    assert result.f1 >= 0.5
    assert result.stage_accuracy >= 0.55


def test_headline_restating_the_body_is_one_row():
    rows = extract_rumours(
        "Arsenal are in talks with Juventus over a move for striker Dusan Vlahovic, according to Sky Sports.",
        title="Arsenal in talks for Vlahovic",
    )
    assert len([r for r in rows if r.subject.endswith("Vlahovic") and r.to_club == "Arsenal"]) == 1


def test_folded_scoring_equals_the_trained_model_on_expanded_features():
    """Extraction folds each feature's short-text copy into one weight table and weighs a sentence's
    words once (model.RumourModel.score); training saw every copy spelled out. Same scores, on a real
    article and a real post."""
    import numpy as np

    from rumourcrawl.extract.rumours.features import candidate_features, sentence_facts, with_short_copies

    model = default_model()
    data = model.data
    trained = {name: i for i, name in enumerate(data["features"])}
    keep = np.asarray(data["keep"]["coef"])
    stage = np.asarray(data["stage"]["coef"])
    texts = [read_article(TRAIN_DIR / name) for name in ("news001.txt", "mp003.txt")]
    checked = 0
    for text, title, *_ in texts:
        reading = read_text(text, title=title)
        facts = sentence_facts(reading)
        features = [candidate_features(reading, c, facts) for c in reading.candidates]
        scores = model.score(features)
        for i, f in enumerate(features):
            expanded = with_short_copies(f)
            assert any(name.startswith("S|") for name in expanded) == f.short == bool(f.flat().get("short_text"))
            used = [(trained[n], v) for n, v in expanded.items() if n in trained]
            keep_logit = data["keep"]["intercept"] + sum(keep[c] * v for c, v in used)
            stage_logits = np.asarray(data["stage"]["intercept"]) + sum(stage[:, c] * v for c, v in used)
            assert scores.keep[i] == pytest.approx(1 / (1 + np.exp(-keep_logit)), abs=1e-9)
            expected_stage = np.exp(stage_logits - stage_logits.max())
            assert scores.stage[i] == pytest.approx(expected_stage / expected_stage.sum(), abs=1e-9)
            checked += 1
    assert checked > 20


def _reading_of(text_file: str | Path):
    """The candidate step's reading of a labelled text: a file name in tests/eval/train, or a path."""
    text, title, *_ = read_article(text_file if isinstance(text_file, Path) else TRAIN_DIR / text_file)
    return read_text(text, title=title)


def _clubs_of_sentence(name: str, words: str) -> list[str]:
    reading = _reading_of(name)
    info = next(i for i in reading.analyser.infos if words in i.sentence.text)
    return [c.canonical for c in info.clubs]


def test_city_alone_is_the_city_the_text_named():
    # A real news article: "Gundogan's departure follows City agreeing a deal ... to sign ... Mateo Kovacic".
    assert _clubs_of_sentence("news041.txt", "follows City agreeing") == ["Manchester City", "Chelsea"]
    # ... while "Mexico City" and "United States" stay places.
    rows = extract_rumours("Manchester City want Kovacic. He was seen in Mexico City and the United States.")
    assert not any(r.to_club == "Manchester City" and "Mexico" in r.evidence for r in rows)
    from rumourcrawl.extract.rumours.rules import GENERIC_SHORT_CLUB_RE, PREVIOUS_NAME_WORD_RE

    text = "He was seen in Mexico City and the United States."
    kept = [m for m in GENERIC_SHORT_CLUB_RE.finditer(text) if not PREVIOUS_NAME_WORD_RE.search(text, 0, m.start(1))]
    assert kept == []


def test_a_title_case_headline_does_not_make_a_club_a_surname():
    # "Chelsea's Chukwuemeka Joins Dortmund in £24m Deal" once made "Dortmund" a person's surname for the
    # whole (real) article, so "agreed to join Dortmund" lost its club.
    assert "Borussia Dortmund" in _clubs_of_sentence("news078.txt", "has also agreed to join Dortmund")


def test_a_coach_named_as_new_head_coach_is_a_manager_and_his_move_an_appointment():
    # Real posts: the role noun comes after the name ("signs in as new Inter manager"), and a manager's
    # move is an appointment even where the kind model leans to "transfer".
    for name, subject, club in (
        ("mp041.txt", "Chivu", "Inter Milan"),
        ("mp166.txt", "Inzaghi", "Al-Hilal"),
    ):
        text, title, *_ = read_article(TRAIN_DIR / name)
        reading = read_text(text, title=title)
        person = next(p for p in reading.analyser.registry.people if p.name.endswith(subject))
        assert person.role == "manager"
        row = next(r for r in extract_rumours(text, title=title) if r.subject.endswith(subject) and r.to_club == club)
        assert (row.subject_role, row.kind) == ("manager", "appointment")


def test_a_persons_role_and_the_rules_claims_limit_the_kinds_of_their_move():
    from types import SimpleNamespace

    from rumourcrawl.extract.rumours.rows import _kind

    def pair(role, *claimed_kinds):
        claims = [SimpleNamespace(kind=kind, historical=False) for kind in claimed_kinds]
        return SimpleNamespace(person=SimpleNamespace(role=role), rule_claims=claims)

    kinds = ["appointment", "exit", "loan", "stay", "transfer"]
    leaning_to_transfer = np.array([0.36, 0.0, 0.02, 0.05, 0.57])
    assert _kind(pair("manager"), leaning_to_transfer, kinds) == "appointment"
    assert _kind(pair("player"), leaning_to_transfer, kinds) == "transfer"
    assert _kind(pair("player"), np.array([0.6, 0.0, 0.3, 0.0, 0.1]), kinds) == "loan"
    assert _kind(pair("unknown"), np.array([0.6, 0.0, 0.3, 0.0, 0.1]), kinds) == "appointment"
    # The rules read a loan for the pair: the likeliest of the kinds they read, if the role allows it.
    assert _kind(pair("player", "loan"), leaning_to_transfer, kinds) == "loan"
    assert _kind(pair("manager", "loan"), leaning_to_transfer, kinds) == "appointment"


def test_names_with_letters_beyond_latin_1_stay_whole():
    # "Miloš Kerkez" was read as two people, "Milo" and "Kerkez"; "Ivan Jurić" as "Ivan Juri".
    from rumourcrawl.extract.rumours.rules import _name_candidates

    text = "Miloš Kerkez, Dušan Vlahović, Łukasz Fabiański and Hakan Çalhanoğlu."
    assert [name for _, _, name in _name_candidates(text, [])] == [
        "Miloš Kerkez",
        "Dušan Vlahović",
        "Łukasz Fabiański",
        "Hakan Çalhanoğlu",
    ]
    # Korean given names keep their hyphenated syllable; English compounds do not join a name.
    text = "Son Heung-min, Hwang Hee-chan and the Chelsea-owned club; Bayern's London-based scouts."
    assert [name for _, _, name in _name_candidates(text, [])][:2] == ["Son Heung-min", "Hwang Hee-chan"]
    assert not any("-" in name for _, _, name in _name_candidates("Chelsea-owned, London-based, Derby-born.", []))
    # A real post: the row names the whole person.
    text, title, *_ = read_article(TRAIN_DIR / "mp161.txt")
    rows = extract_rumours(text, title=title)
    assert any(r.subject == "Ivan Jurić" and r.to_club == "Southampton" for r in rows)
    assert not any(r.subject == "Ivan Juri" for r in rows)


SELLING_CLUB_SCRIPT = """
from pathlib import Path
from rumourcrawl.extract.rumours import extract_rumours
from rumourcrawl.extract.rumours.labelled import read_article
text, title, published, outlet = read_article(Path({path!r}))
print([r.from_club for r in extract_rumours(text, title=title, published=published, outlet=outlet)
       if r.subject == "Ilkay Gundogan" and r.to_club == "Barcelona"])
"""


def test_the_selling_club_does_not_depend_on_the_hash_seed():
    # A real news article naming Man City (the seller) and Dortmund (his club of 2016) once each: the tie
    # was broken by set order, so the row's selling club changed from one process to the next.
    path = str(TRAIN_DIR / "news041.txt")
    seen = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", SELLING_CLUB_SCRIPT.format(path=path)], env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, done.stderr
        seen.add(done.stdout.strip())
    assert seen == {"['Manchester City']"}


def _people_of_text(name: str) -> set[str]:
    reading = _reading_of(name)
    return {m.person.name for info in reading.analyser.infos for m in info.mentions}


def test_a_club_after_a_name_stays_a_club_when_the_text_names_it_as_one():
    # Real articles: "Fans vote Mohamed Salah Liverpool £37m switch" (headline) and "Rate Arsenal's window
    # below" made people "Mohamed Salah Liverpool" and "Rate Arsenal", who then took every later "Liverpool"
    # and "Arsenal" of the text as a mention of themselves.
    salah = _people_of_text("news072.txt")
    assert "Mohamed Salah" in salah and not any("Liverpool" in name for name in salah)
    assert not any("Arsenal" in name for name in _people_of_text("news031.txt"))
    # A surname that is also a club's name stays the surname: "Michael Carrick", not Carrick Rangers.
    assert "Michael Carrick" in _people_of_text("news006.txt")


def test_a_common_word_before_a_name_is_not_part_of_it():
    # Real texts. A function word opening the sentence: "Considering Caicedo is also attracting interest"
    # (news031), "Unless De Bruyne signs a new deal" (news037), "Whether Emmanuel Fejokwu..." (news021).
    assert "Moises Caicedo" in _people_of_text("news031.txt")
    assert not any(name.startswith(("Considering", "Unless", "Whether")) for name in _people_of_text("news037.txt"))
    assert "Whether" not in _people_of_text("news021.txt")
    # A word the text also writes in lower case and never capitalises mid-sentence: "Referee Graham Poll"
    # (bbc-sport-248) is Graham Poll.
    people = _people_of_text("bbc-sport-248.txt")
    assert "Graham Poll" in people and "Referee Graham Poll" not in people


def test_a_nationality_is_no_person():
    # A real post (mp076): "deal in place for Venezuelan midfielder to join Leo Messi's team" made a person
    # "Venezuelan", kept as moving to Inter Miami.
    people = _people_of_text("mp076.txt")
    assert "Venezuelan" not in people and "Telasco Segovia" in people


def test_a_clubs_women_team_is_the_club():
    # A real article (news075): "Chelsea Women broke the $1m transfer fee glass ceiling ... when they bought Naomi
    # Girma" made a person "Chelsea Women"; GUIDE.md maps a women's team to its club.
    assert _clubs_of_sentence("news075.txt", "glass ceiling")[0] == "Chelsea"
    assert not any("Chelsea" in name for name in _people_of_text("news075.txt"))


def test_an_organisation_is_no_person():
    # Real texts: "Marinakis Group have agreed deal for ... Dijar Ferati" (mp115), "Eagle Football Holdings"
    # (news033), "Clearlake Capital" (news057); "Rob Holding" (news050) stays a player.
    assert "Marinakis" not in _people_of_text("mp115.txt")
    assert not {"Eagle", "Holdings"} & _people_of_text("news033.txt")
    assert "Clearlake Capital" not in _people_of_text("news057.txt")
    assert "Rob Holding" in _people_of_text("news050.txt")
    # An owner named by his trade: "American businessman John Textor had “decisive influence”" (news033).
    assert _roles_of_text("news033.txt")["John Textor"] == "other"


def test_a_link_gives_no_people():
    # Real posts end with a link: "https://t.co/1ihHPT9Ntm" (mp108) made a person "Ntm", and
    # "https://t.co/jwCqsl85Nh" (mp015) two, "Cqsl" and "Nh", each paired with every club of the post.
    assert "Ntm" not in _people_of_text("mp108.txt") and "Luis Henrique" in _people_of_text("mp108.txt")
    assert not {"Cqsl", "Nh"} & _people_of_text("mp015.txt")


def _roles_of_text(text_file: str | Path) -> dict[str, str]:
    return {p.name: p.role for p in _reading_of(text_file).analyser.registry.people}


def test_a_managers_side_and_press_conference_make_him_a_manager():
    # Real articles with no role noun before the name: "Howe's side", "Slot's men", "in his press conference".
    assert _roles_of_text("news037.txt")["Eddie Howe"] == "manager"
    assert _roles_of_text("news043.txt")["Arne Slot"] == "manager"
    assert _roles_of_text("news020.txt")["Mikel Arteta"] == "manager"
    # The seed: "a title-winning campaign as Arne Slot took over at Liverpool" (a job at a club).
    assert _roles_of_text(SEED)["Arne Slot"] == "manager"
    # The man a coach replaces: "appoint Ivan Jurić as new head coach to replace Russell Martin" (mp161),
    # "insisting on replacing Emma Hayes" after "their manager selection" (news075).
    assert _roles_of_text("mp161.txt")["Russell Martin"] == "manager"
    assert _roles_of_text("news075.txt")["Emma Hayes"] == "manager"
    # A player replaced stays a player: "Emiliano Martinez should replace the struggling Andre Onana" (news026).
    assert _roles_of_text("news026.txt")["Andre Onana"] == "player"
    # "Carlo Ancelotti will be new Brazil head coach" (mp033), "will become Brazil manager" (news073), "make
    # Luis Enrique their next permanent boss" (news006).
    assert _roles_of_text("mp033.txt")["Carlo Ancelotti"] == "manager"
    assert _roles_of_text("news073.txt")["Carlo Ancelotti"] == "manager"
    assert _roles_of_text("news006.txt")["Luis Enrique"] == "manager"
    # "after Graham Potter was sacked in April" (news048); "Walter Smith was named as the new national coach"
    # (bbc-sport-212).
    assert _roles_of_text("news048.txt")["Graham Potter"] == "manager"
    assert _roles_of_text("bbc-sport-212.txt")["Walter Smith"] == "manager"


def test_the_man_a_club_sacked_is_a_manager():
    # The seed article: "the latest club to be linked after they sacked Xabi Alonso".
    assert _roles_of_text(SEED)["Xabi Alonso"] == "manager"


def test_a_common_word_after_a_name_particle_is_the_surname():
    # A real post (mp060): "Sunderland agree deal to sign Enzo Le Fee from AS Roma" gave "Enzo Le".
    assert "Enzo Le Fee" in _people_of_text("mp060.txt")


def _rule_moves(text_file: str) -> set[tuple[str, str | None, str | None]]:
    reading = _reading_of(text_file)
    return {(c.person.name, claim.to_club, claim.from_club) for c in reading.candidates for claim in c.rule_claims}


def test_a_club_selling_its_player_is_where_he_leaves_not_where_he_goes():
    # Real texts. "Leeds wanted to sell Raphinha" (news067) read Leeds as a club that wanted him.
    assert not any(to == "Leeds United" for name, to, _ in _rule_moves("news067.txt") if name == "Raphinha")
    # "With United trying to get rid of Marcus Rashford and Jadon Sancho" (news099): two exits, no claim before.
    moves = _rule_moves("news099.txt")
    assert {("Marcus Rashford", None, "Manchester United"), ("Jadon Sancho", None, "Manchester United")} <= moves
    # "Ruben Loftus-Cheek could be shown the exit door at Chelsea" (news048): an exit from Chelsea.
    assert ("Ruben Loftus-Cheek", None, "Chelsea") in _rule_moves("news048.txt")


def _rule_stages(text_file: str, surname: str) -> set[tuple[str | None, str]]:
    reading = _reading_of(text_file)
    return {(c.to_club, claim.stage) for c in reading.candidates for claim in c.rule_claims if surname in c.person.name}


def test_suitors_contenders_withdrawals_and_arrivals_are_stage_cues():
    # Real texts. "Paris Saint-Germain, Juventus, Bayern Munich, and Borussia Dortmund are all prepared to enter
    # the conversation" (news086) gave no claim; nor "Juventus withdraw from the race" and "Al-Hilal have now
    # emerged as serious contenders for Osimhen's signature" (news083); nor "Other arrivals at Stamford Bridge
    # include on-loan Joao Felix, £88m Mykhailo Mudryk" (news090).
    assert {("Juventus", "interest"), ("Borussia Dortmund", "interest")} <= _rule_stages("news086.txt", "Bakola")
    assert {("Juventus", "collapsed"), ("Al-Hilal", "interest")} <= _rule_stages("news083.txt", "Osimhen")
    assert ("Chelsea", "done") in _rule_stages("news090.txt", "Mudryk")


def test_the_club_a_post_agrees_with_is_the_seller():
    # Real posts: "Julio Enciso to Ipswich Town, here we go! ... Agreement with Brighton on straight loan"
    # (mp091) and "Aston Villa agree deal to sign Donyell Malen from BVB ... Agreement reached with Borussia
    # Dortmund" (mp052) made Brighton and Dortmund destinations: the capital A hid "agreement with".
    assert ("Julio Enciso", "Ipswich Town", "Brighton & Hove Albion") in _rule_moves("mp091.txt")
    assert not any(to == "Borussia Dortmund" for _, to, _ in _rule_moves("mp052.txt"))
    # "Wolves are advancing in talks to sign Emmanuel Agbadou ..., negotiations underway with Reims" (mp058).
    assert not any(to == "Stade de Reims" for _, to, _ in _rule_moves("mp058.txt"))


def test_personal_terms_sealed_and_a_story_confirmed_are_no_done_deal():
    # Real posts. "Tijjani Reijnders to Manchester City, here we go! ... Personal terms sealed days ago and formal
    # steps to follow" (mp171) and "Juventus agree deal to sign Alberto Costa ... Exclusive story confirmed as
    # Juventus will pay up to €15m" (mp007) read as done; both are agreed (GUIDE: "here we go" is agreed).
    assert ("Manchester City", "done") not in _rule_stages("mp171.txt", "Reijnders")
    assert ("Juventus", "done") not in _rule_stages("mp007.txt", "Costa")


def test_signing_his_contract_at_a_club_is_joining_it():
    # A real post (mp080): "Jeremie Frimpong will sign his contract at Liverpool in the next 24 hours" read
    # Liverpool as the club whose contract he has ("his contract at Leverkusen"), so no claim.
    assert any(name == "Jeremie Frimpong" and to == "Liverpool" for name, to, _ in _rule_moves("mp080.txt"))


def test_a_deal_to_be_sealed_is_not_sealed():
    # Real posts: "deal set to be formally sealed next week" (mp057), "Agreement being formally sealed" (mp025).
    from rumourcrawl.extract.rumours.rules import ArticleAnalyser

    analyser = ArticleAnalyser("", None, None, None)
    for text in (
        "Abgadou agreed to the move, details being fixed with deal set to be formally sealed next week.",
        "Agreement being formally sealed.",
        "Deal sealed with Ajax for €6m package add-ons included.",
    ):
        stages = {stage for stage, *_ in analyser._stage_cues(text)}
        assert ("done" in stages) == text.startswith("Deal sealed"), text


def test_the_club_a_player_leaves_is_no_row_of_his():
    # A real article (news048): "Midfielder Ruben Loftus-Cheek could be shown the exit door at Chelsea" and
    # "Chelsea could part ways with the striker" (Aubameyang) kept Chelsea as their destination (0.8 and more).
    text, title, *_ = read_article(TRAIN_DIR / "news048.txt")
    rows = {(r.subject, r.to_club) for r in extract_rumours(text, title=title)}
    assert ("Ruben Loftus-Cheek", None) in rows and ("Ruben Loftus-Cheek", "Chelsea") not in rows
    assert ("Pierre-Emerick Aubameyang", "Chelsea") not in rows


def test_two_clubs_agreeing_a_deal_name_the_buyer_first():
    # Real texts: "Norwich and Slavia Prague have reached verbal agreement for Matej Jurasek" (mp186) and
    # "Chelsea and Benfica have agreed a £107million deal for midfielder Enzo Fernandez" (news090).
    moves = _rule_moves("mp186.txt")
    assert ("Matej Jurasek", "Norwich City", "Slavia Prague") in moves
    assert not any(to == "Slavia Prague" for _, to, _ in moves)
    assert ("Enzo Fernandez", "Chelsea", "Benfica") in _rule_moves("news090.txt")


def test_the_club_an_approach_is_made_to_is_the_seller():
    # A real post (mp028): "Liverpool have made formal approach to Bayer Leverkusen for Florian Wirtz!"
    moves = _rule_moves("mp028.txt")
    assert ("Florian Wirtz", "Liverpool", "Bayer Leverkusen") in moves
    assert not any(to == "Bayer Leverkusen" for _, to, _ in moves)


def test_who_previously_managed_makes_a_manager_and_a_stadium_is_no_person():
    # A real article (news061): "Mourinho, who previously managed Chelsea, Manchester United and Tottenham",
    # and "...defeat at the famous Estadio da Luz"; news035: "the Vitality Stadium".
    assert _roles_of_text("news061.txt")["Jose Mourinho"] == "manager"
    assert "Estadio da Luz" not in _people_of_text("news061.txt")
    assert "Vitality" not in _people_of_text("news035.txt")


def test_a_coach_quoted_on_a_player_is_a_speaker_not_a_mover():
    # Real posts: "Enzo Maresca: “Christopher Nkunku did not tell me that he wants to leave" (mp061) and
    # "Ange Postecoglou on Marcus Rashford: “There's always noise..." (mp018) quote a coach on a player; in
    # "David Hancko: “I'm not happy with fake news saying that I spoke to Juventus" (mp045) the player speaks.
    assert _roles_of_text("mp061.txt")["Enzo Maresca"] == "other"
    roles = _roles_of_text("mp018.txt")
    assert roles["Ange Postecoglou"] == "other" and roles["Marcus Rashford"] == "player"
    assert _roles_of_text("mp045.txt")["David Hancko"] == "player"


def test_a_club_that_signed_or_brought_in_a_player_is_his_buyer():
    # A real deadline-day round-up (news050): "Burnley signed forward Marcus Edwards on loan from Sporting
    # Lisbon", "Sheffield United signed defender Rob Holding on loan from Crystal Palace", "Ipswich have
    # brought in West Brom goalkeeper Alex Palmer". The simple past was no cue, and "Burnley signed forward"
    # read Burnley as the forward's own club.
    moves = _rule_moves("news050.txt")
    assert ("Marcus Edwards", "Burnley", "Sporting CP") in moves
    assert ("Rob Holding", "Sheffield United", "Crystal Palace") in moves
    assert ("Alex Palmer", "Ipswich Town", "West Bromwich Albion") in moves
    # "Newcastle defender Lloyd Kelly moved on loan to Juventus", and a club's clause that goes on "...,
    # signing Paris St Germain midfielder Marco Asensio on loan" (news050) or "..., signing winger Romaine
    # Mundle from Standard Liege" (news077).
    assert ("Lloyd Kelly", "Juventus", "Newcastle United") in moves
    assert ("Marco Asensio", "Aston Villa", "Paris Saint-Germain") in moves
    assert any(name == "Romaine Mundle" and to == "Sunderland" for name, to, _ in _rule_moves("news077.txt"))
    # "Wolves left it late to announce the arrival of defender Nasser Djiga from Red Star Belgrade": "left it
    # late" read Wolves as a club left, and "Wolves announced the arrival of defender X" as X's own club.
    assert ("Nasser Djiga", "Wolverhampton Wanderers", "Red Star Belgrade") in moves
    assert any(name == "Carlos Alcaraz" and to == "Everton" for name, to, _ in moves)
    # news090: "Malo Gusto has rejoined Lyon on loan" ("rejoined" did not point at its club).
    assert any(name == "Malo Gusto" and to == "Lyon" for name, to, _ in _rule_moves("news090.txt"))


def test_the_stage_is_the_models_likeliest_among_the_stages_the_rules_and_cues_read():
    # A real article (news046): "Juventus are in talks with Manchester City about signing Kalvin Phillips".
    # Out of fold the model called such rows interest. Where the rules read a stage for the pair, the row
    # takes the model's likeliest of those; else the likeliest of the stage cues where the pair meets; else
    # the model's own choice.
    from rumourcrawl.extract.rumours.features import sentence_facts
    from rumourcrawl.extract.rumours.rows import _stage

    reading = _reading_of("news046.txt")
    stages = default_model().stages
    leaning_to_interest = [0.9 if stage == "interest" else 0.02 if stage == "done" else 0.01 for stage in stages]
    phillips = {c.to_club: c for c in reading.candidates if c.person.name == "Kalvin Phillips"}
    assert _stage(reading, phillips["Juventus"], leaning_to_interest, stages) == "talks"
    assert _stage(reading, phillips["Manchester City"], leaning_to_interest, stages) == "interest"  # no facts yet
    sentence_facts(reading)
    # No rule claim: "Man City" meets him in sentences cued talks and done; the model leans to done of those.
    assert _stage(reading, phillips["Manchester City"], leaning_to_interest, stages) == "done"
    assert _stage(reading, phillips["Red Star Belgrade"], leaning_to_interest, stages) == "interest"  # no cue


def test_clubs_listed_after_including_or_such_as_are_buyers():
    # Real texts: "clubs keen on signing him on a permanent deal, including Ajax and Feyenoord" (mp073),
    # "Several clubs were interested in signing the defender including Bayern, Schalke" (mp197) and "linked with
    # Premier League rivals such as Arsenal and Chelsea" (news077) named no buyer: the list was too far from its cue.
    moves = _rule_moves("mp073.txt")
    assert {
        ("Hindolo Mustapha", "Ajax", "Crystal Palace"),
        ("Hindolo Mustapha", "Feyenoord Rotterdam", "Crystal Palace"),
    } <= moves
    assert {("Justin von der Hitz", "Bayern Munich", None), ("Justin von der Hitz", "Schalke 04", None)} <= _rule_moves(
        "mp197.txt"
    )
    assert {("Ivan Toney", "Arsenal", "Brentford"), ("Ivan Toney", "Chelsea", "Brentford")} <= _rule_moves(
        "news077.txt"
    )


def test_on_his_trail_contemplating_a_move_and_working_on_a_contract_are_cues():
    # Real texts: "Manchester City, Manchester United, Chelsea, Real Madrid and Barcelona are all reportedly on his
    # trail" (news007), "PSG are also contemplating a move" (news037), "Aston Villa are working on a new contract
    # for Rogers" (news051) and "Chelsea are trying to convince N'Golo Kante and Kai Havertz to sign a new deal"
    # (news048) had no cue, so the rules read no claim.
    assert {("Manchester City", "interest"), ("Barcelona", "interest")} <= _rule_stages("news007.txt", "Rice")
    assert ("Paris Saint-Germain", "interest") in _rule_stages("news037.txt", "Guimaraes")
    assert ("Aston Villa", "talks") in _rule_stages("news051.txt", "Rogers")
    assert ("Chelsea", "talks") in _rule_stages("news048.txt", "Havertz")


def test_a_noun_anaphor_is_the_last_player_named_not_the_first():
    # Real text (news025): "Nkunku's imminent sale could help Chelsea trump ... Tottenham Hotspur to the signing
    # of RB Leipzig midfielder Xavi Simons. The 22-year-old is in London ... Chelsea and Spurs are both known to
    # hold an interest in the Dutch international." The international is Simons; Nkunku was read.
    assert {("Chelsea", "interest"), ("Tottenham Hotspur", "interest")} <= _rule_stages("news025.txt", "Simons")
    assert ("Tottenham Hotspur", "interest") not in _rule_stages("news025.txt", "Nkunku")


def test_a_described_club_still_belongs_to_the_list_before_it():
    # Real text (news021): "The suitors include Dutch giants Ajax, PSV Eindhoven, and FC Utrecht, alongside Italian
    # powerhouses Inter Milan and AC Milan." and "Interest also extends to Club Brugge, FC Copenhagen, and current
    # German champions Bayer Leverkusen." The Milan clubs and Leverkusen fell out of the lists.
    stages = _rule_stages("news021.txt", "Fejokwu")
    assert {("Ajax", "interest"), ("Inter Milan", "interest"), ("AC Milan", "interest")} <= stages
    assert ("Bayer Leverkusen", "interest") in stages


def test_a_transfer_list_under_its_heading_gives_done_moves_in_the_headings_direction():
    # Real text (news043): "Liverpool's arrivals" then "- Florian Wirtz: Bayer Leverkusen - £116 million.", and
    # "Liverpool's departures" then "- Trent Alexander-Arnold: Real Madrid - £8.4 million." The lines had no cue.
    moves = _rule_moves("news043.txt")
    assert ("Florian Wirtz", "Liverpool", "Bayer Leverkusen") in moves
    assert ("Freddie Woodman", "Liverpool", "Preston North End") in moves
    assert ("Trent Alexander-Arnold", "Real Madrid", "Liverpool") in moves
    assert ("Owen Beck", "Derby County", "Liverpool") in moves
    assert {stage for _, stage in _rule_stages("news043.txt", "Wirtz")} == {"done"}


def test_a_denial_that_is_negated_is_no_denial():
    # Real texts: "Manchester United and Newcastle United can't be ruled out either" (news007) and "Newcastle and West
    # Ham are not the only interested parties" (news012) were read as denials of the clubs' interest.
    stages = _rule_stages("news007.txt", "Rice")
    assert ("Newcastle United", "speculation") in stages
    assert not {("Manchester United", "denied"), ("Newcastle United", "denied")} & stages
    assert ("West Ham United", "denied") not in _rule_stages("news012.txt", "Ramsey")


def _pair_features(text_file: str, surname: str, club: str) -> dict[str, float]:
    from rumourcrawl.extract.rumours.features import candidate_features, sentence_facts

    reading = _reading_of(text_file)
    candidate = next(c for c in reading.candidates if surname in c.person.name and c.to_club == club)
    return candidate_features(reading, candidate, sentence_facts(reading)).flat()


def test_a_renewal_does_not_mark_its_own_club_as_the_one_the_player_leaves():
    # Real posts: a stay's from_club is its destination too (GUIDE), so it is no selling club. As one, it
    # taught the model that renewals (Meret at Napoli, mp010; Neuer at Bayern, mp111) go nowhere.
    assert "rule_from_club" not in _pair_features("mp010.txt", "Meret", "Napoli")
    assert "rule_from_club" not in _pair_features("mp111.txt", "Neuer", "Bayern Munich")
    # A club the rules read as the one the player leaves still is one: United trying to get rid of Rashford.
    assert _pair_features("news099.txt", "Rashford", "Manchester United")["rule_from_club"] == 1.0


TEXTS_DIR = Path(__file__).parent / "fixtures" / "texts"
DEMO_NEWS = Path(__file__).resolve().parents[1] / "rumourcrawl" / "data" / "demo_site" / "news"


def test_a_stay_read_before_the_players_club_is_known_is_at_the_club_he_leaves_not_the_one_he_joins():
    # Real BBC text (see fixtures/texts/README.md): Birmingham's director says "But he's not for sale", a
    # sentence naming no club. The rules used to guess the article's main club, Blackburn, the bidder.
    text, title, *_ = read_article(TEXTS_DIR / "bbc-news-sport-273.txt")
    rows = extract_rumours(text, title=title)
    stays = {(r.from_club, r.to_club) for r in rows if r.subject == "Robbie Savage" and r.kind == "stay"}
    assert stays == {("Birmingham City", "Birmingham City")}
    assert ("Birmingham City", "Blackburn Rovers") in {
        (r.from_club, r.to_club) for r in rows if r.subject == "Robbie Savage" and r.kind == "transfer"
    }
    # The demo's page (invented): a headline "Haaland 'in talks' over Real Madrid move but Man City insist
    # striker is 'not for sale'" made every talks row of his a stay at Real Madrid.
    article = extract_article(
        (DEMO_NEWS / "haaland-real-madrid-talks-man-city-not-for-sale.html").read_text(encoding="utf-8"),
        url="https://www.football365.com/news/haaland-real-madrid-talks-man-city-not-for-sale",
    )
    rows = article.rumours
    assert {(r.kind, r.to_club) for r in rows if r.to_club == "Real Madrid"} >= {("transfer", "Real Madrid")}
    assert not any(r.kind == "stay" and r.to_club == "Real Madrid" for r in rows)


def test_a_name_given_only_as_a_source_is_no_mover():
    # Real articles: "according to Il Mattino" (news092), "via Getty Images" (news026), "according to
    # Tuttosport" (news083), "Transfermarkt" (news035). Outlets report moves (GUIDE: never subjects).
    assert _roles_of_text("news092.txt")["Il Mattino"] == "other"
    assert _roles_of_text("news026.txt")["Getty Images"] == "other"
    for name, outlet in (("news083.txt", "Tuttosport"), ("news035.txt", "Transfermarkt")):
        assert outlet not in {c.person.name for c in _reading_of(name).candidates}


def test_a_player_who_will_not_be_leaving_stays_at_his_club():
    # A real article (news077): "Thomas Frank says that Ivan Toney will not be leaving the Bees" is a stay that a
    # party confirms (GUIDE: stays are "not for sale", "wants to stay"), not a denied move to Brentford.
    text, title, *_ = read_article(TRAIN_DIR / "news077.txt")
    rows = {
        (r.from_club, r.to_club, r.kind, r.stage)
        for r in extract_rumours(text, title=title)
        if r.subject == "Ivan Toney"
    }
    assert ("Brentford", "Brentford", "stay", "denied") in rows
    assert not any(to == "Brentford" and kind != "stay" for _from, to, kind, _stage in rows)


def test_talks_to_extend_a_named_players_contract_are_a_stay():
    # A real post (mp128): "AS Roma are advancing in talks to extend Mile Svilar’s contract" (the name stands
    # between "extend" and "contract"; GUIDE: extensions are stays) was a transfer to Roma.
    text, title, *_ = read_article(TRAIN_DIR / "mp128.txt")
    rows = [r for r in extract_rumours(text, title=title) if r.subject == "Mile Svilar"]
    assert [(r.from_club, r.to_club, r.kind, r.stage) for r in rows] == [("Roma", "Roma", "stay", "talks")]


def test_a_surname_with_its_particle_is_the_person_named_in_full_before():
    # Real articles: "Ten Hag" after "new manager Erik ten Hag" (news023) and "De Bruyne" after "Kevin De Bruyne"
    # (news037) had been second people with no role; "Kolo Muani" after "Randal Kolo Muani" (news003) too.
    for name, full, short in (
        ("news023.txt", "Erik ten Hag", "Ten Hag"),
        ("news037.txt", "Kevin De Bruyne", "De Bruyne"),
        ("news003.txt", "Randal Kolo Muani", "Kolo Muani"),
    ):
        roles = _roles_of_text(name)
        assert full in roles and short not in roles
    assert _roles_of_text("news023.txt")["Erik ten Hag"] == "manager"


def test_a_teammate_is_a_player():
    # Real articles: "teammate Jacob Greaves" (news030), "teammate Karim Adeyemi" (news053) are gold movers;
    # "teammate" had been among the role words of officials and pundits, who never move.
    assert _roles_of_text("news030.txt")["Jacob Greaves"] == "player"
    assert _roles_of_text("news053.txt")["Karim Adeyemi"] == "player"


def test_a_claim_reported_or_revealed_by_someone_has_them_as_its_source():
    # Real articles: "As reported by Fabrizio Romano, Aston Villa are working on a new contract for Rogers"
    # (news051) and "As revealed by Mirror Football, ..." (news092) had the Spanish paper AS as their source,
    # read from the sentence's first word.
    for name, subject, source in (
        ("news051.txt", "Morgan Rogers", "Fabrizio Romano"),
        ("news092.txt", "Harry Maguire", "Mirror Football"),
    ):
        text, title, *_ = read_article(TRAIN_DIR / name)
        sources = {r.source for r in extract_rumours(text, title=title) if r.subject == subject}
        assert source in sources and "AS" not in sources


def test_a_national_side_is_a_coachs_destination_never_a_players():
    # Real texts where a national side is a candidate for a player: "reports in Germany claim" (news050),
    # "the Sweden international" (news092), a post's "USA" (mp023). Even with every candidate kept, none
    # of them gives a row, while a coach's national job does (mp033: Ancelotti to Brazil).
    from rumourcrawl.extract.rumours.model import Scores
    from rumourcrawl.extract.rumours.rows import NATIONAL_TEAM_NAMES, decide_rows

    model = default_model()
    national_rows = {}
    for name in ("news050.txt", "news092.txt", "mp023.txt", "mp033.txt"):
        text, title, *_ = read_article(TRAIN_DIR / name)
        reading = read_text(text, title=title)
        n = len(reading.candidates)
        kept = Scores(np.ones(n), np.ones((n, len(model.stages))), np.ones((n, len(model.kinds))))
        rows = decide_rows(reading, kept, model.stages, model.kinds, 0.5, None)
        national_rows[name] = {(r.subject, r.to_club) for r in rows if r.to_club in NATIONAL_TEAM_NAMES}
        players = {c.person.name for c in reading.candidates if c.person.role == "player"}
        assert (
            name == "mp033.txt"
            or {c.person.name for c in reading.candidates if c.to_club in NATIONAL_TEAM_NAMES} & players
        )
        assert not {subject for subject, _ in national_rows[name]} & players
    assert ("Carlo Ancelotti", "Brazil") in national_rows["mp033.txt"]


def test_a_pair_in_sentences_with_no_word_of_a_move_is_marked_so():
    # news005 (real): "Benjamin White has already been having to play out of position at right-back" names
    # Arsenal with no cue and no rule claim; "Ben Johnson is of interest to the Gunners" has both.
    from rumourcrawl.extract.rumours.features import candidate_features, sentence_facts

    text, title, *_ = read_article(TRAIN_DIR / "news005.txt")
    reading = read_text(text, title=title)
    facts = sentence_facts(reading)
    marked = {
        (c.person.name, c.to_club): "no_cue" in candidate_features(reading, c, facts)
        for c in reading.candidates
        if c.to_club
    }
    assert marked[("Benjamin White", "Arsenal")] is True
    assert marked[("Ben Johnson", "Arsenal")] is False
    assert marked[("Jurrien Timber", "Ajax")] is False  # "major progress on a deal": a cue, no rule claim


def test_a_deal_off_in_a_post_is_collapsed():
    # mp090 (real post): "... one of the main targets, after Badé deal off" (gold: collapsed; it was talks).
    text, title, *_ = read_article(TRAIN_DIR / "mp090.txt")
    bade = [r for r in extract_rumours(text, title=title) if r.subject == "Badé"]
    assert [(r.to_club, r.stage) for r in bade] == [("Aston Villa", "collapsed")]


def test_the_man_replaced_moves_to_no_club_of_the_text():
    # news037: "the sporting director who replaces Dan Ashworth, who is expected to join Manchester United":
    # out of fold the model had sent Ashworth to Newcastle, Arsenal and City. The rules' own claim stands.
    from rumourcrawl.extract.rumours.rows import _replaced_man_to_a_club

    reading = _reading_of("news037.txt")
    ashworth = {c.to_club: c for c in reading.candidates if c.person.name == "Dan Ashworth"}
    assert _replaced_man_to_a_club(reading, ashworth["Newcastle United"])
    assert _replaced_man_to_a_club(reading, ashworth["Arsenal"])
    assert not _replaced_man_to_a_club(reading, ashworth["Manchester United"])  # a rule claim
    assert not _replaced_man_to_a_club(reading, ashworth[None])  # an exit may still be a row
    # One named otherwise too is not only the man replaced.
    isak = next(c for c in reading.candidates if c.person.name == "Alexander Isak" and c.to_club)
    assert not _replaced_man_to_a_club(reading, isak)
