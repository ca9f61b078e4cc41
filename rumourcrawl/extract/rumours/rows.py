"""Step 4: kept candidates → Rumour rows (one per person and destination), with the model's confidence.

The model decides which candidates are claims and their stage and kind; the other fields (selling
club, fee, who claims it, the evidence sentence) come from the rule engine's claim when it made one,
else from the sentence where person and club meet.
"""

from __future__ import annotations

import re

from ..fees import find_fees, parse_fee
from ..models import Rumour
from .candidates import NATIONAL_TEAMS, Candidate, Reading
from .features import person_facts, rule_links
from .model import Scores
from .rules import REPLACED_OR_TAKEN_OVER_BEFORE_RE, Claim

NATIONAL_TEAM_NAMES = frozenset(NATIONAL_TEAMS)
SANCTION_AFTER_RE = re.compile(
    r"\s+(?:has |had |have )?(?:sanctioned|approved|authori[sz]ed|signed off on|given the green light)\b"
)


def decide_rows(
    reading: Reading, scores: Scores, stages: list[str], kinds: list[str], threshold: float, outlet_tier: int | None
) -> list[Rumour]:
    best: dict[tuple[str, str | None], tuple[float, int]] = {}
    for i, candidate in enumerate(reading.candidates):
        p = float(scores.keep[i])
        if (
            p < threshold
            or _not_a_mover(reading, candidate)
            or _leaves_that_club(reading, candidate)
            or _player_to_national_side(candidate)
            or _replaced_man_to_a_club(reading, candidate)
        ):
            continue
        key = candidate.key
        if key not in best or p > best[key][0]:
            best[key] = (p, i)
    rows = []
    confidence = scores.keep if scores.confidence is None else scores.confidence
    for _, i in sorted(best.values(), key=lambda pi: _first_sentence(reading.candidates[pi[1]])):
        p = float(confidence[i])
        candidate = reading.candidates[i]
        stage = _stage(reading, candidate, scores.stage[i], stages)
        kind = _kind(candidate, scores.kind[i], kinds)
        rows.append(_row(reading, candidate, stage, kind, round(p, 3), outlet_tier))
        if stage != "denied":
            # GUIDE.md: a later denial in the same article is its own row, its source the denier.
            denial = next((c for c in candidate.rule_claims if c.stage == "denied" and not c.historical), None)
            if denial is not None:
                row = _row(reading, candidate, "denied", kind, round(p, 3), outlet_tier, claim=denial)
                if (row.source, row.evidence) != (rows[-1].source, rows[-1].evidence):
                    rows.append(row)
    return rows


def _stage(reading: Reading, candidate: Candidate, probabilities, stages: list[str]) -> str:
    """The model's likeliest stage among those the rules read for this pair (its live claims), else among
    the stage cues of the sentences where the pair meets, else its likeliest of all. Out of fold the rules'
    stage is right more often than the model's free choice where the rules made a claim ("Juventus are in
    talks with Manchester City about signing Kalvin Phillips" is talks; the model said interest), while the
    model chooses better between several claims' or cues' stages."""
    live = {c.stage for c in candidate.rule_claims if not c.historical}
    cued: set[str] = set()
    if reading.facts is not None:  # set when the candidates' features were computed
        meet = candidate.sentences or candidate.near_sentences
        cued = {name[4:] for index in meet for name in reading.facts[index] if name.startswith("cue:")}
    return _likeliest(probabilities, stages, [live, cued])


# GUIDE.md: a manager's move is an appointment, a player's a transfer or a loan (no gold row mixes them).
KINDS_FOR_ROLE = {"manager": ("appointment", "exit", "stay"), "player": ("transfer", "loan", "exit", "stay")}


def _kind(candidate: Candidate, probabilities, kinds: list[str]) -> str:
    """The likeliest kind a person of this role can have (any kind when the rules do not know the role),
    preferring, as for the stage, the kinds of the rules' live claims for the pair."""
    allowed = set(KINDS_FOR_ROLE.get(candidate.person.role, kinds))
    live = {c.kind for c in candidate.rule_claims if not c.historical}
    return _likeliest(probabilities, kinds, [live & allowed, allowed])


def _likeliest(probabilities, labels: list[str], preferences: list[set[str]]) -> str:
    """The likeliest label of the first preferred set that holds one; else the likeliest label of all."""
    ranked = [labels[j] for j in sorted(range(len(labels)), key=lambda j: -probabilities[j])]
    for preferred in preferences:
        found = next((label for label in ranked if label in preferred), None)
        if found is not None:
            return found
    return ranked[0]


def _leaves_that_club(reading: Reading, candidate: Candidate) -> bool:
    """A club the rules read as the one the person leaves ("Leeds wanted to sell Raphinha", "exit door at
    Chelsea") is no destination of his, unless the rules also claimed the pair itself (a stay's own club is
    never among the clubs he leaves: features.rule_links). The model kept such pairs on the words around
    them; out of fold dropping them lifted F1."""
    if candidate.to_club is None or candidate.rule_claims:
        return False
    _destinations, leaves, _claimed = rule_links(reading)
    return (id(candidate.person), candidate.to_club) in leaves


def _player_to_national_side(candidate: Candidate) -> bool:
    """A national side is no player's destination: the gold rows that go to one are coaches' appointments
    ("Ancelotti will be new Brazil head coach"), while "the England international" or an England call-up
    is no transfer. National sides are candidates only so that coaches can go there."""
    return candidate.person.role == "player" and candidate.to_club in NATIONAL_TEAM_NAMES


def _not_a_mover(reading: Reading, candidate: Candidate) -> bool:
    """Officials, pundits and journalists report and sanction moves; the rows are about players and
    coaches (GUIDE.md). The rules' role, an official's noun before any mention ("president Florentino
    Perez") or a sanctioning verb after one ("Florentino Perez sanctioned a marquee signing") say who
    they are; the model scores them low but not always below the floor."""
    person = candidate.person
    if person.role == "other" or "person_official_noun" in person_facts(reading, person):
        return True
    infos = reading.analyser.infos
    return any(
        SANCTION_AFTER_RE.match(infos[index].sentence.text, mention.end)
        for index, mention in reading.mentions_of(person)
    )


def _replaced_man_to_a_club(reading: Reading, candidate: Candidate) -> bool:
    """ "appointed Alain Perrin as their new manager, replacing Velimir Zajec": one the text names only as the
    man replaced moves to no club there (his exit may still be a row, and a rule's own claim stands)."""
    if candidate.to_club is None or candidate.rule_claims:
        return False
    infos = reading.analyser.infos
    mentions = reading.mentions_of(candidate.person)
    return bool(mentions) and all(
        REPLACED_OR_TAKEN_OVER_BEFORE_RE.search(infos[index].sentence.text, max(0, mention.start - 40), mention.start)
        for index, mention in mentions
    )


def _first_sentence(candidate: Candidate) -> int:
    meet = candidate.sentences or candidate.near_sentences
    return meet[0] if meet else 10**6


def _rule_claim(candidate: Candidate, stage: str) -> Claim | None:
    live = [c for c in candidate.rule_claims if not c.historical] or candidate.rule_claims
    if not live:
        return None
    same = [c for c in live if c.stage == stage]
    return (same or [c for c in live if c.stage != "denied"] or live)[0]


def _row(
    reading: Reading,
    candidate: Candidate,
    stage: str,
    kind: str,
    confidence: float,
    outlet_tier: int | None,
    claim: Claim | None = None,
) -> Rumour:
    person = candidate.person
    infos = reading.analyser.infos
    claim = claim or _rule_claim(candidate, stage)
    if claim is not None:
        evidence, source, tier, fee = claim.evidence, claim.source, claim.source_tier, claim.fee
        from_club = claim.from_club
    else:
        index = _first_sentence(candidate)
        info = infos[index] if index < len(infos) else None
        evidence = info.sentence.text if info else ""
        source, tier = (info.source, info.source_tier) if info else (None, None)
        fees = find_fees(evidence) if evidence else []
        fee = fees[0][2] if fees else None
        from_club = person.club
    to_club = candidate.to_club
    if kind == "stay":
        from_club = to_club = to_club or from_club or person.club
    elif from_club == to_club:
        from_club = None
    if kind == "exit" and to_club is not None:
        kind = "appointment" if person.role == "manager" else "transfer"
    fee_amount, fee_currency = parse_fee(fee)
    return Rumour(
        subject=person.name,
        subject_role="manager" if person.role == "manager" or kind == "appointment" else "player",
        from_club=from_club,
        to_club=to_club,
        kind=kind,
        stage=stage,
        fee=fee,
        fee_amount=fee_amount,
        fee_currency=fee_currency,
        source=source,
        source_tier=tier if source else outlet_tier,
        evidence=evidence,
        historical=False,
        confidence=confidence,
        extra=dict(claim.extra) if claim is not None else {},
    )
