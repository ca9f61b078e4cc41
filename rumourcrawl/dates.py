"""Publication dates the extractor cannot settle alone: relative ("2 hours ago"), future, missing.

A relative date only means something at the moment of fetching, so it is resolved here, against
the fetch time, rather than in the pure extraction functions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from lxml import html as lxml_html

# Dates further ahead than this are wrong (a template bug or a bad timezone), not tomorrow's news.
FUTURE_SLACK = timedelta(days=1)

_UNITS = {"minute": 60, "min": 60, "hour": 3600, "hr": 3600, "day": 86400, "week": 604800}
_RELATIVE = re.compile(
    r"\b(?P<count>\d{1,3}|an?|one)\s+(?P<unit>minute|min|hour|hr|day|week)s?\s+ago\b|\b(?P<word>yesterday|today)\b",
    re.I,
)
_DATE_ISH = (
    '//*[contains(@class, "date") or contains(@class, "time") or contains(@class, "byline")'
    ' or contains(@class, "meta") or contains(@class, "published") or self::time]'
)


def relative_date(body: bytes | str, fetched: datetime) -> tuple[str, str] | None:
    """("2 hours ago", ISO moment) from the page's date-ish elements, or None."""
    try:
        tree = lxml_html.fromstring(body)
    except (ValueError, lxml_html.etree.ParserError):
        return None
    for element in tree.xpath(_DATE_ISH):
        text = " ".join(element.text_content().split())
        if len(text) > 80 or not (match := _RELATIVE.search(text)):
            continue
        if match["word"]:
            days = 1 if match["word"].lower() == "yesterday" else 0
            return match[0], (fetched - timedelta(days=days)).date().isoformat()
        count = 1 if match["count"].lower() in ("a", "an", "one") else int(match["count"])
        moment = fetched - timedelta(seconds=count * _UNITS[match["unit"].lower()])
        # Minutes and hours give a time; days and weeks only a date.
        if match["unit"].lower() in ("day", "week"):
            return match[0], moment.date().isoformat()
        return match[0], moment.replace(microsecond=0).isoformat()
    return None


def is_future(value: str | None, now: datetime | None = None) -> bool:
    if not value:
        return False
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment > (now or datetime.now(UTC)) + FUTURE_SLACK
