"""Transfer fees as written ("£8m", "€30 million", "£150,000") → amount and ISO currency."""

from __future__ import annotations

import re

CURRENCY_SYMBOLS = {"£": "GBP", "€": "EUR", "$": "USD", "us$": "USD"}
CURRENCY_WORDS = {
    "pounds": "GBP",
    "pound": "GBP",
    "sterling": "GBP",
    "gbp": "GBP",
    "euros": "EUR",
    "euro": "EUR",
    "eur": "EUR",
    "dollars": "USD",
    "dollar": "USD",
    "usd": "USD",
}
MULTIPLIERS = {
    "m": 1_000_000,
    "mn": 1_000_000,
    "mil": 1_000_000,
    "million": 1_000_000,
    "millions": 1_000_000,
    "bn": 1_000_000_000,
    "b": 1_000_000_000,
    "billion": 1_000_000_000,
    "k": 1_000,
    "thousand": 1_000,
}

_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_MULT = r"(?:million|millions|billion|thousand|mil|mn|bn|m|k|b)\b"
# "£8m", "€30 million", "US$10m", "£150,000"
SYMBOL_FEE_RE = re.compile(rf"(?P<symbol>US\$|[£€$])\s?(?P<number>{_NUMBER})\s?(?P<mult>{_MULT})?", re.IGNORECASE)
# "30 million euros", "8m pounds", "25m EUR"
WORD_FEE_RE = re.compile(
    rf"\b(?P<number>{_NUMBER})\s?(?P<mult>{_MULT})?\s?(?P<word>pounds|pound|sterling|euros|euro|dollars|"
    rf"dollar|EUR|GBP|USD)\b",
    re.IGNORECASE,
)


def _to_amount(number: str, mult: str | None) -> int | None:
    try:
        value = float(number.replace(",", ""))
    except ValueError:
        return None
    if mult:
        value *= MULTIPLIERS.get(mult.lower(), 1)
    return int(round(value))


def parse_fee(text: str | None) -> tuple[int | None, str | None]:
    """The first money amount in text as (amount, currency); (None, None) when there is none.

    "£8m" → (8000000, "GBP"); "€30 million" → (30000000, "EUR"); "whatever amount" → (None, None).
    """
    if not text:
        return None, None
    match = SYMBOL_FEE_RE.search(text)
    if match:
        currency = CURRENCY_SYMBOLS.get(match["symbol"].lower())
        return _to_amount(match["number"], match["mult"]), currency
    match = WORD_FEE_RE.search(text)
    if match:
        return _to_amount(match["number"], match["mult"]), CURRENCY_WORDS.get(match["word"].lower())
    return None, None


def find_fees(text: str) -> list[tuple[int, int, str]]:
    """(start, end, surface) for every money amount written in text."""
    spans = [(m.start(), m.end(), m.group(0).strip()) for m in SYMBOL_FEE_RE.finditer(text)]
    taken = [(s, e) for s, e, _ in spans]
    for m in WORD_FEE_RE.finditer(text):
        if not any(s <= m.start() < e for s, e in taken):
            spans.append((m.start(), m.end(), m.group(0).strip()))
    return sorted(spans)
