"""Near-duplicate articles: word shingles, MinHash signatures, and their LSH index in SQLite.

A copy of a stored article (a syndicated text with a new headline, a credit line or a trimmed
paragraph) is found through an index, not a scan: each article's 64-value MinHash signature is cut
into LSH_BANDS bands of LSH_ROWS values, each band hashed to one integer key, and the keys kept in
`minhash_bands` (key → the article's id in `minhash_docs`). Two texts with word 5-gram Jaccard
similarity s share at least one band with probability 1 - (1 - s^3)^21: 0.9999 at s = 0.7, 0.4 at
0.3, 0.02 at 0.1. The candidates sharing a band are then checked as before (signature estimate, then
exact shingle overlap), so a lookup costs about the same with 200 stored articles or 200,000, and an
original is found however old it is. The tables are created by migration 5 (store/schema.py); this
module only writes their rows, and `rebuild_index` rebuilds them from the articles' signatures.
"""

from __future__ import annotations

import hashlib
from array import array

import numpy as np
import sqlite_utils

from rumourcrawl.extract.gazetteer import WORD_RE
from rumourcrawl.extract.models import Article

# Two texts whose word 5-gram sets overlap this much are one story re-published (a syndicated copy
# with a new headline, a credit line or a trimmed paragraph), not two reports.
NEAR_DUPLICATE_JACCARD = 0.7
SHINGLE_WORDS = 5


def shingles(text: str, size: int = SHINGLE_WORDS) -> set[str]:
    words = WORD_RE.findall(text.casefold())
    if len(words) <= size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


# MinHash: 64 salted hashes of the shingles; the share of equal minima estimates the Jaccard
# similarity, so candidates are compared through 256-byte signatures instead of their texts.
MINHASH_PERMUTATIONS = 64
_MERSENNE_PRIME = (1 << 61) - 1
_PERMUTATIONS = [
    (
        int.from_bytes(hashlib.blake2b(f"a{i}".encode(), digest_size=7).digest(), "little") | 1,
        int.from_bytes(hashlib.blake2b(f"b{i}".encode(), digest_size=7).digest(), "little"),
    )
    for i in range(MINHASH_PERMUTATIONS)
]
# A candidate whose estimate is this far below the threshold may still pass the exact check.
MINHASH_MARGIN = 0.2


_A = np.array([a for a, _b in _PERMUTATIONS], dtype=np.uint64)[:, None]
_A_HIGH, _A_LOW = _A >> np.uint64(32), _A & np.uint64(0xFFFFFFFF)
_B = np.array([b for _a, b in _PERMUTATIONS], dtype=np.uint64)[:, None]
_P = np.uint64(_MERSENNE_PRIME)


def _mod_p(values: np.ndarray) -> np.ndarray:
    """values mod 2^61 - 1, for any uint64 values (2^61 ≡ 1: fold the high bits onto the low ones)."""
    values = (values & _P) + (values >> np.uint64(61))
    values = (values & _P) + (values >> np.uint64(61))
    return np.where(values >= _P, values - _P, values)


def minhash(shingle_set: set[str]) -> bytes:
    """The 64 minima of (a·h + b) mod (2^61 - 1) over the shingles' 64-bit hashes h, as 512 bytes.

    Exact integer arithmetic in numpy (every product split so that no step passes 2^64): the same
    bytes as the pure-Python formula min((a * h + b) % P for h in hashes), about 50 times faster
    on an article's few hundred shingles (tests/test_dedupe.py checks the two agree).
    """
    if not shingle_set:
        return bytes(8 * MINHASH_PERMUTATIONS)
    digests = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingle_set)
    x = _mod_p(np.frombuffer(digests, dtype="<u8").astype(np.uint64))[None, :]  # (a·h) mod P = (a·(h mod P)) mod P
    x_high, x_low = x >> np.uint64(32), x & np.uint64(0xFFFFFFFF)  # x_high < 2^29, a_high < 2^24
    # a·x = a_high·x_high·2^64 + (a_high·x_low + a_low·x_high)·2^32 + a_low·x_low, and 2^64 ≡ 8 (mod P).
    middle = _A_HIGH * x_low + _A_LOW * x_high  # < 2^62
    middle = (middle >> np.uint64(29)) + ((middle & np.uint64((1 << 29) - 1)) << np.uint64(32))
    low = _A_LOW * x_low  # < 2^64
    low = (low & _P) + (low >> np.uint64(61))
    total = (_A_HIGH * x_high) * np.uint64(8) + middle + low + _B  # < 2^63
    return _mod_p(total).min(axis=1).astype(np.uint64).tobytes()


def minhash_similarity(one: bytes, other: bytes) -> float:
    first, second = array("Q"), array("Q")
    first.frombytes(one)
    second.frombytes(other)
    return sum(x == y for x, y in zip(first, second, strict=True)) / MINHASH_PERMUTATIONS


# LSH: 21 bands of 3 signature values (the 64th value is not banded).
LSH_BANDS = 21
LSH_ROWS = 3
_EMPTY_SIGNATURE = bytes(8 * MINHASH_PERMUTATIONS)


def band_keys(signature: bytes | None) -> list[int]:
    """The signature's LSH band keys (signed 64-bit, as SQLite stores integers); none for no words."""
    if not signature or signature == _EMPTY_SIGNATURE:
        return []
    width = 8 * LSH_ROWS
    return [
        int.from_bytes(
            hashlib.blake2b(
                signature[band * width : (band + 1) * width], digest_size=8, salt=band.to_bytes(16, "little")
            ).digest(),
            "little",
            signed=True,
        )
        for band in range(LSH_BANDS)
    ]


def _insert_bands(db: sqlite_utils.Database, doc: int, keys: list[int]) -> None:
    if keys:
        db.conn.executemany("INSERT OR IGNORE INTO minhash_bands (key, doc) VALUES (?, ?)", [(k, doc) for k in keys])


def _delete_bands(db: sqlite_utils.Database, doc: int, keys: list[int]) -> None:
    if keys:
        db.conn.executemany("DELETE FROM minhash_bands WHERE key = ? AND doc = ?", [(k, doc) for k in keys])


def index_article(db: sqlite_utils.Database, url: str, signature: bytes | None, old_signature: bytes | None) -> None:
    """Put a stored article's bands in the index, replacing those of its previous signature."""
    row = db.execute("SELECT id FROM minhash_docs WHERE url = ?", [url]).fetchone()
    if row is None:
        doc = db.execute("INSERT INTO minhash_docs (url) VALUES (?)", [url]).lastrowid
    else:
        doc = row[0]
        if old_signature == signature:
            return
        _delete_bands(db, doc, band_keys(old_signature))
    _insert_bands(db, doc, band_keys(signature))


def unindex_article(db: sqlite_utils.Database, url: str) -> None:
    """Take an article out of the index (before its row is deleted)."""
    row = db.execute("SELECT id FROM minhash_docs WHERE url = ?", [url]).fetchone()
    if row is None:
        return
    (signature,) = db.execute("SELECT minhash FROM articles WHERE url = ?", [url]).fetchone() or (None,)
    _delete_bands(db, row[0], band_keys(signature))
    db.execute("DELETE FROM minhash_docs WHERE id = ?", [row[0]])


def move_in_index(db: sqlite_utils.Database, old: str, new: str) -> None:
    db.execute("UPDATE minhash_docs SET url = ? WHERE url = ?", [new, old])


def rebuild_index(db: sqlite_utils.Database, chunk: int = 2000) -> int:
    """Rebuild the index from the stored signatures (computing those an old file lacks); returns
    the number of articles indexed. Run inside the caller's transaction (migration 5 does)."""
    missing = db.execute("SELECT url, text FROM articles WHERE minhash IS NULL").fetchall()
    for url, text in missing:
        db.execute("UPDATE articles SET minhash = ? WHERE url = ?", [minhash(shingles(text or "")), url])
    db.execute("DELETE FROM minhash_bands")
    db.execute("DELETE FROM minhash_docs")
    db.execute("INSERT INTO minhash_docs (url) SELECT url FROM articles ORDER BY first_fetched, url")
    cursor = db.execute("SELECT d.id, a.minhash FROM minhash_docs d JOIN articles a ON a.url = d.url ORDER BY d.id")
    indexed = 0
    while rows := cursor.fetchmany(chunk):
        db.conn.executemany(
            "INSERT OR IGNORE INTO minhash_bands (key, doc) VALUES (?, ?)",
            [(key, doc) for doc, signature in rows for key in band_keys(signature)],
        )
        indexed += len(rows)
    return indexed


def find_original(
    db: sqlite_utils.Database, article: Article, text_hash: str, first_fetched: str, signature: bytes | None = None
) -> tuple[str, float] | None:
    """The stored article (not itself a copy) that `article` copies, with the similarity; else None.

    Only articles stored before this one (by `first_fetched`) count as originals, so re-saving an
    article never turns it into a copy of a later one. Exact copies match on the content hash;
    near copies on shingle overlap: the articles sharing an LSH band with its signature, of a
    similar length, estimated from their signatures, then checked exactly. However old.
    """
    exact = db.execute(
        "SELECT url FROM articles WHERE content_hash = ? AND url != ? AND duplicate_of IS NULL"
        " AND first_fetched <= ? ORDER BY first_fetched, url LIMIT 1",
        [text_hash, article.url, first_fetched],
    ).fetchone()
    if exact:
        return exact[0], 1.0
    mine: set[str] | None = None
    signature = signature or minhash(mine := shingles(article.text))
    keys = band_keys(signature)
    if not keys:
        return None
    length = len(article.text)
    candidates = db.execute(
        # CROSS JOIN fixes the order: the band lookup first, so nothing is scanned (without it the
        # planner may walk every original article through the duplicate_of index).
        "SELECT a.url, a.minhash, a.first_fetched"
        f" FROM (SELECT DISTINCT doc FROM minhash_bands WHERE key IN ({', '.join('?' * len(keys))})) AS hit"
        " CROSS JOIN minhash_docs d ON d.id = hit.doc CROSS JOIN articles a ON a.url = d.url"
        " WHERE a.url != ? AND a.duplicate_of IS NULL AND a.first_fetched <= ? AND length(a.text) BETWEEN ? AND ?",
        [*keys, article.url, first_fetched, int(length * 0.6), int(length / 0.6) + 1],
    ).fetchall()
    best: tuple[str, float, str] | None = None
    for url, other_signature, fetched in candidates:
        if other_signature and minhash_similarity(signature, other_signature) < NEAR_DUPLICATE_JACCARD - MINHASH_MARGIN:
            continue
        (text,) = db.execute("SELECT text FROM articles WHERE url = ?", [url]).fetchone()
        mine = mine if mine is not None else shingles(article.text)
        score = round(jaccard(mine, shingles(text)), 3)
        # The most similar wins; between equals, the one stored first.
        if score >= NEAR_DUPLICATE_JACCARD and (
            best is None or score > best[1] or (score == best[1] and fetched < best[2])
        ):
            best = (url, score, fetched)
    return (best[0], best[1]) if best else None
