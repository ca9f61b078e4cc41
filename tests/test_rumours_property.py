"""The extractor never crashes, whatever the text."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from rumourcrawl.extract.models import ALL_STAGES, KINDS
from rumourcrawl.extract.rumour_text import _last_word
from rumourcrawl.extract.rumours import extract_rumours


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
