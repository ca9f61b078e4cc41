"""Article text → transfer-rumour rows. Placeholder: the rumour-engine work replaces this."""

from __future__ import annotations

from .models import Rumour


def extract_rumours(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
) -> list[Rumour]:
    return []
