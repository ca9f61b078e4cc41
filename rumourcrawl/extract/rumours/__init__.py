"""Article text → transfer-rumour rows (one per claim, as in the shared eval GUIDE.md).

The steps, one file each:

1. `candidates.py`: the rules and gazetteers (`rules.py`) read the whole text, headline first, and
   propose every (person, destination) pair that could be a claim, generously;
2. `features.py`: what the rules know about each pair (cues and their stage, roles, quotes, hedges,
   background markers, positions, the rule engine's own verdict), as named features;
3. `model.py`: logistic regressions trained on labelled real texts (`train.py`) keep or drop each
   candidate and give its stage and kind; the keep probability, calibrated out of fold at training
   into the share of such rows that are right, is the row's `confidence`;
4. `rows.py`: kept candidates → Rumour rows, with source, fee and evidence from the rules.
"""

from __future__ import annotations

from ..gazetteer import load_gazetteer, strip_accents
from ..models import Rumour
from .candidates import Reading, read_text
from .features import candidate_features, sentence_facts
from .model import RumourModel, default_model
from .rows import decide_rows


def rows_from_reading(reading: Reading, model: RumourModel, outlet: str | None = None) -> list[Rumour]:
    if not reading.candidates:
        return []
    facts = sentence_facts(reading)
    features = [candidate_features(reading, c, facts) for c in reading.candidates]
    scores = model.score(features, min_keep=model.threshold)
    source = load_gazetteer().source(outlet) if outlet else None
    return decide_rows(reading, scores, model.stages, model.kinds, model.threshold, source.tier if source else None)


def extract_rumours(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
    model: RumourModel | None = None,
) -> list[Rumour]:
    """Every transfer claim in one article (the headline, when given, is read as its first line)."""
    if not (text and text.strip()) and not (title and title.strip()):
        return []
    reading = read_text(text or "", title=title, published=published, outlet=outlet)
    return rows_from_reading(reading, model or default_model(), outlet)


__all__ = ["RumourModel", "extract_rumours", "rows_from_reading", "strip_accents"]
