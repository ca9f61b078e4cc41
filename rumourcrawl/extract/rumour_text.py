"""Text plumbing for the rumour extractor: paragraphs, sentences, direct quotes and who says them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "st", "jr", "sr", "no", "vs", "v", "co", "inc", "ltd", "prof", "gen", "mt"}
SENTENCE_END_RE = re.compile(r"[.!?…]+[\"”’')]*(?=\s+[\"“‘'(]?[A-Z0-9À-Þ@#])|[.!?]+[\"”’')]*(?=\s*$)")
SPEECH_VERBS = (
    r"said|says|told|tells|added|adds|insisted|insists|admitted|admits|explained|explains|stressed|stresses|"
    r"continued|claimed|claims|revealed|reveals|declared|confirmed|confirms|warned|warns|stated|states|"
    r"remarked|noted|commented|replied|conceded|concedes|argued|joked|posted|wrote|tweeted|announced"
)
SPEECH_VERB_RE = re.compile(rf"\b(?:{SPEECH_VERBS})\b")
QUOTE_CHAR_RE = re.compile('["“”]')
# Leading junk in scraped or pasted text: bylines, datelines, "READ:" promos are left to the caller.
MAX_SENTENCE_CHARS = 2000


@dataclass
class Sentence:
    text: str
    paragraph: int
    index: int
    quote_mask: bytes = b""  # 1 where the character is inside a direct quote
    quoted: bool = False  # most of the sentence is a direct quote
    speaker_hint: str = ""  # text near the quote that names its speaker ("Rinaldi told BBC Sport:")
    speaker_after: bool = False  # the hint follows the quote ('..." said Candela')
    continues_quote: bool = False  # a quote carried on from the previous sentence or paragraph
    extras: dict = field(default_factory=dict)

    def in_quote(self, pos: int) -> bool:
        return 0 <= pos < len(self.quote_mask) and self.quote_mask[pos] == 1


def normalise_text(text: str) -> str:
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = text.replace("''", '"').replace("``", '"')
    return text


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n") if p.strip()]


def _quote_mask(paragraph: str, continuing: bool) -> tuple[bytearray, bool]:
    """Mark characters inside double quotes; returns the mask and whether a quote is left open.

    Walks the quote characters only (found by one regex scan) and fills the spans between them."""
    n = len(paragraph)
    mask = bytearray(n)
    inside = False
    opened_at = 0
    for match in QUOTE_CHAR_RE.finditer(paragraph):
        i = match.start()
        ch = paragraph[i]
        if ch == "“":
            if not inside:
                inside, opened_at = True, i
            continue
        if ch == "”":
            if inside:
                mask[opened_at : i + 1] = b"\x01" * (i + 1 - opened_at)
            else:
                mask[i] = 1
            inside = False
            continue
        # Straight quotes: opening when a word follows, closing when one precedes. An opening
        # quote while already inside is the "new paragraph of the same quote" convention.
        prev_ch = paragraph[i - 1] if i > 0 else " "
        next_ch = paragraph[i + 1] if i + 1 < n else " "
        opens = prev_ch.isspace() or prev_ch in "([—–-" or i == 0
        if i == 0 and continuing:
            opens = True
        if inside and not opens:
            mask[opened_at : i + 1] = b"\x01" * (i + 1 - opened_at)
            inside = False
            continue
        if not inside and not opens and not next_ch.isspace():
            opens = True
        if opens and not inside:
            inside, opened_at = True, i
    if inside:
        mask[opened_at:n] = b"\x01" * (n - opened_at)
    return mask, inside


def _last_word(text: str, start: int, end: int) -> str:
    r"""The last run of word characters in text[start:end] ("Mr" in "said Mr."): what a search for
    `(\w+)\W*$` finds, read backwards from the end instead of tried at every position."""
    while end > start and not (text[end - 1].isalnum() or text[end - 1] == "_"):
        end -= 1
    first = end
    while first > start and (text[first - 1].isalnum() or text[first - 1] == "_"):
        first -= 1
    return text[first:end]


def split_sentences(paragraph: str) -> list[tuple[int, int]]:
    spans = []
    start = 0
    for match in SENTENCE_END_RE.finditer(paragraph):
        end = match.end()
        # Only the last few characters matter.
        word = _last_word(paragraph, max(start, match.start() - 40), match.start() + 1)
        if word and (word.casefold() in ABBREVIATIONS or (len(word) == 1 and word.isupper())):
            continue
        spans.append((start, end))
        start = end
        while start < len(paragraph) and paragraph[start].isspace():
            start += 1
    if start < len(paragraph):
        spans.append((start, len(paragraph)))
    # Very long "sentences" (lists, tables, run-on scrape) are cut so rules stay local and fast.
    out = []
    for s, e in spans:
        while e - s > MAX_SENTENCE_CHARS:
            cut = paragraph.rfind(" ", s, s + MAX_SENTENCE_CHARS)
            cut = cut if cut > s else s + MAX_SENTENCE_CHARS
            out.append((s, cut))
            s = cut
        if paragraph[s:e].strip():
            out.append((s, e))
    return out


def segment(text: str) -> list[Sentence]:
    """Sentences with their direct-quote state and the words around each quote."""
    sentences: list[Sentence] = []
    quote_open = False
    for p_index, paragraph in enumerate(split_paragraphs(normalise_text(text))):
        continuing = quote_open and paragraph[:1] in '"“'
        mask, quote_open = _quote_mask(paragraph, continuing)
        for s, e in split_sentences(paragraph):
            while s < e and paragraph[s].isspace():
                s += 1
            sentence_mask = bytes(mask[s:e])
            text_part = paragraph[s:e]
            quoted_chars = sum(sentence_mask)
            sentence = Sentence(text_part, p_index, len(sentences), sentence_mask)
            sentence.quoted = quoted_chars > 0.5 * max(1, len(text_part.strip()))
            sentence.continues_quote = bool(sentence_mask[:1] == b"\x01") and (
                s > 0 and mask[s - 1] == 1 or (s == 0 and continuing)
            )
            if quoted_chars:
                _speaker_hint(sentence)
            sentences.append(sentence)
    return sentences


def _speaker_hint(sentence: Sentence) -> None:
    """Keep the unquoted words before/after the quote that carry a speech verb."""
    text, mask = sentence.text, sentence.quote_mask
    first_quoted = mask.find(b"\x01")
    last_quoted = mask.rfind(b"\x01")
    before = text[:first_quoted] if first_quoted > 0 else ""
    after = text[last_quoted + 1 :] if last_quoted >= 0 else ""
    if before and (SPEECH_VERB_RE.search(before) or before.rstrip().endswith(":")):
        sentence.speaker_hint = before
    elif after and SPEECH_VERB_RE.search(after[:80]):
        sentence.speaker_hint = after[:120]
        sentence.speaker_after = True
