"""Properties of the rumour extractor: it never crashes, whatever the text, and its fast paths (gates that skip
a slow regex, a backwards scan) agree with the slow searches they stand for."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from rumourcrawl.extract.models import ALL_STAGES, KINDS
from rumourcrawl.extract.rumour_text import _last_word
from rumourcrawl.extract.rumours import extract_rumours
from rumourcrawl.extract.rumours.candidates import read_text
from rumourcrawl.extract.rumours.features import GATED_SENTENCE_CHECKS, word_keys
from rumourcrawl.extract.rumours.rules import cue_word_keys

EVAL_DIR = Path(__file__).parent / "eval"


def _check(rows):
    for row in rows:
        assert row.stage in ALL_STAGES
        assert row.kind in KINDS
        assert row.subject


@settings(max_examples=150, deadline=None)
@given(st.text())
def test_random_unicode_never_crashes(text):
    _check(extract_rumours(text, title=text[:20] or None))


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "Arsenal",
                "Man City",
                "linked",
                "with",
                "John",
                "Smith",
                "'s",
                "agent",
                ",",
                ".",
                '"',
                "“",
                "not",
                "bid",
                "£8m",
                "boss",
                "\n",
                "loan",
                "from",
                "to",
                "here we go!",
                "he",
                "said",
                ":",
                "the Gunners",
                "denied",
                "Real",
                "Madrid",
            ]
        ),
        max_size=60,
    )
)
def test_football_word_salad_never_crashes(words):
    _check(extract_rumours(" ".join(words)))


def test_odd_inputs():
    assert extract_rumours("") == []
    assert extract_rumours("   \n\r\n ") == []
    assert extract_rumours("Arsenal") == []
    _check(extract_rumours("MAN CITY STRIKER ERLING HAALAND IS CLOSING IN ON A MOVE TO REAL MADRID."))
    _check(extract_rumours("Der FC Bayern München hat Interesse an Harry Kane, berichtet die Bild."))
    _check(extract_rumours("皇家马德里 希望 签下 哈兰德 🚨🚨 ✅"))
    big = "Arsenal striker John Smith is linked with a move to Chelsea, according to reports. " * 2500
    assert len(big) > 200_000
    _check(extract_rumours(big))


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab_1 .!?…\n'é’\"-Z", max_size=14), st.integers(0, 14), st.integers(0, 14))
def test_the_last_word_before_a_full_stop_is_what_the_regex_found(text, start, length):
    # The sentence splitter reads the word before a full stop ("Mr." is no sentence end) backwards; it must
    # find what the quadratic search it replaced found.
    start = min(start, len(text))
    end = min(len(text), start + length)
    found = re.search(r"(\w+)[.!?…]*\W*$", text[start:end])
    assert _last_word(text, start, end) == (found.group(1) if found else "")


def test_word_keys_are_the_words_each_branch_opens_with():
    assert word_keys([r"\bbids? for\b"]) == {"bid", "bids"}
    assert word_keys([r"\boff-?load\w*", r"\bappoint\w*"]) == {"off", "offl", "appo"}
    assert word_keys([r"\b(?:to|will|would) stay\b", r"\brul(?:e|ing) out\b"]) == {"to", "will", "woul", "rule", "ruli"}
    assert word_keys([r"\bwon't sell\b"]) == {"won"}  # "won't" is the words "won" and "t"
    # A branch that opens with no literal word, or not at a word boundary, leaves the regex ungated.
    assert word_keys([r"\bloan\b", r"\b[a-z]+ out\b"]) is None
    assert word_keys([r"\bloan\b", r"n't\b"]) is None
    assert word_keys([r"\bno\w*"]) is None  # "no", "not", "nothing": no one key


SENTENCE_WORDS = st.sampled_from(
    "no not nothing never don't won't bid bids off-load offload off loan loaned rule ruled ruling out stay to "
    "will would could rumoured rumored may deny denied dismissed leave exit sell selling for sale new contract "
    "appointed manager dug-out dugout head coach take over extension extend his her the a Chelsea , . ’".split()
)


@settings(max_examples=300, deadline=None)
@given(st.lists(SENTENCE_WORDS, max_size=12))
def test_a_sentence_check_skipped_by_its_word_keys_would_not_have_matched(words):
    _assert_gates_hold(" ".join(words).casefold())


def test_the_sentence_check_gates_hold_on_every_labelled_sentence():
    checked = 0
    for text_dir in (EVAL_DIR / "dev", EVAL_DIR / "train"):
        for path in sorted(text_dir.glob("*.txt")):
            for info in read_text(path.read_text(encoding="utf-8")).analyser.infos:
                checked += _assert_gates_hold(info.sentence.text.casefold())
    assert checked > 1000  # sentences some check matched


def _assert_gates_hold(lowered: str) -> int:
    keys = cue_word_keys(lowered)
    matched = 0
    for name, pattern, needed_keys, gate in GATED_SENTENCE_CHECKS:
        if pattern.search(lowered):
            matched = 1
            assert needed_keys is None or not needed_keys.isdisjoint(keys), (name, lowered)
            assert gate is None or gate.search(lowered), (name, lowered)
    return matched
