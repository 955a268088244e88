"""Dedupe: exact and near-duplicate documents, and the syndication clusters they form.

Exact copies share ``Document.fingerprint`` (see ``fingerprint.py``); the store
keeps one document per fingerprint. Near copies (other chrome, light edits,
trimmed paragraphs, a new headline) are found with MinHash LSH: each text
becomes a set of shingles, a MinHash signature summarises it (computed here
with NumPy, value for value as datasketch's "affine32" scheme), and
signatures that agree on every row of one band share a bucket. Only documents
sharing a bucket are compared, so matching a new document costs a few index
look-ups however large the corpus. The bucket keys are plain integers, so the
same LSH runs in memory (``cluster_signatures``) or as indexed database rows.

A translated copy (a machine translation of a Korean article, a Traditional Chinese article converted to
Simplified) shares few shingles with its original; ``anchors`` recognises it by the numbers, dates and names
that survive translation, in order, and adds anchor buckets to the LSH index so such pairs meet.
``is_copy`` decides on two texts either way.

A syndication cluster groups the pages carrying one article and names its
canonical page: the page of the outlet other copies credit, else the earliest
dated, then one naming its outlet, then the most complete text.
"""

from __future__ import annotations

import hashlib
import logging
import re
import struct
import sys
import tomllib
import unicodedata
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from . import anchors
from .records import Capture, ClusterMember, Document, MinhashIndex, SyndicationCluster

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

logger = logging.getLogger(__name__)

# Shingles. Measured on the dev corpus (benchmarks/dedupe_benchmark.py, "tokenisation" table): English copies
# in sets A and B have word-4-shingle Jaccard 0.75-0.80 against at most 0.03 for any two different articles
# (k=3: 0.76 vs 0.07; k=5: 0.73 vs 0.02; character trigrams: 0.85 vs 0.35). Chinese has no spaces and Korean
# words carry particles, so for edited CJK copies (last paragraph cut, three spans changed) word 4-shingles
# fall to 0.00 and single words to 0.43; character trigrams keep them at 0.61+ against 0.04 for different
# same-language articles (bigrams: 0.66 vs 0.09, noisier as topics repeat; 4-grams: 0.58 vs 0.02).
WORD_SHINGLE = 4
CHAR_SHINGLE = 3
# A text is tokenised as characters when at least this share of its letters are in a script written without
# spaces between words (or, like Hangul, with particles glued on); decided from the text, not the detected
# language, so a copy whose language was misdetected still matches its original.
UNSPACED_SHARE = 0.3
UNSPACED = re.compile(
    "[\u0e00-\u0e7f\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
WORD = re.compile(r"\w+")

# MinHash LSH: 120 permutations in 60 bands of 2 rows. A pair becomes a candidate with probability
# 1 - (1 - J^2)^60: 0.9996 at Jaccard 0.35, 0.99995 at 0.4, but 0.45 at 0.1 and 0.05 at 0.03 (the most any
# two different dev articles share). Candidates are then checked exactly against the thresholds below, so the
# loose bands cost only comparisons. (40 bands of 3 rows found a 0.35 pair only 82% of the time.)
NUM_PERM = 120
BAND_ROWS = 2
BANDS = NUM_PERM // BAND_ROWS
SEED = 1
MINHASH_SCHEME = "affine32"  # datasketch >= 2.0; stored signatures are only comparable within one scheme
# Names everything a stored signature or text bucket depends on; buckets of another scheme never match.
# Anchor buckets (``anchors.anchor_buckets``) follow the text's bands in the same index; "a2" names their scheme.
TEXT_SCHEME = f"w{WORD_SHINGLE}c{CHAR_SHINGLE}-p{NUM_PERM}r{BAND_ROWS}s{SEED}-{MINHASH_SCHEME}"
# Stored with each document: a document indexed under another scheme is indexed again when seen again. The text
# bands stay salted with TEXT_SCHEME alone, so documents indexed before anchor buckets existed still match.
SCHEME = f"{TEXT_SCHEME}-a2"

# A copy: Jaccard >= 0.35, or >= 70% of the smaller text's shingles found in the larger (a trimmed copy) when
# the smaller text has at least 40 shingles (a paragraph or two; a one-line teaser is not a copy). On dev, true
# copies reach 0.73+ (English) and 0.61+ (edited CJK copies) while different articles stay below 0.04 Jaccard
# and 0.17 containment (dev-0036, a paywalled teaser, against dev-0027). The bundled sample's copy on a junk
# portal (two paragraphs cut, two edited) has Jaccard 0.50 and containment 0.83 against its original: the
# thresholds sit halfway between such copies and the most two different articles share.
JACCARD_MIN = 0.35
CONTAINMENT_MIN = 0.7
MIN_CONTAINED_SHINGLES = 40

SPACE = re.compile(r"\s+")
# The first documents a process indexes get their MinHash in plain Python (``_plain_index``: the same values),
# so a command that stores a few pages never imports NumPy (about 0.1 s); later ones use NumPy. A plain
# index costs about 0.9 ms more a dev document (2.2 against 1.3 ms), so NumPy pays off after about 100.
PLAIN_INDEX_DOCUMENTS = 100
_plain_left = [PLAIN_INDEX_DOCUMENTS]
MASK32 = (1 << 32) - 1
MASK64 = (1 << 64) - 1
LANE_PAD = bytes(4)  # a 4-byte hash and these make one 64-bit lane


def shingles(text: str) -> frozenset[str]:
    """The text's shingles: word 4-grams, or character trigrams for Korean, Chinese, Japanese and Thai."""
    normalized = unicodedata.normalize("NFKC", text).casefold()
    words = WORD.findall(normalized)
    letters = sum(len(word) for word in words)
    if not letters:
        return frozenset()
    if len(UNSPACED.findall(normalized)) >= UNSPACED_SHARE * letters:
        joined = "".join(words)
        n = CHAR_SHINGLE
        return frozenset(joined[i : i + n] for i in range(max(1, len(joined) - n + 1)))
    k = WORD_SHINGLE
    return frozenset(" ".join(words[i : i + k]) for i in range(max(1, len(words) - k + 1)))


@lru_cache(maxsize=1024)
def stored_shingles(text: str) -> frozenset[str]:
    """``shingles`` of a stored text, remembered: a growing cluster compares its members on every new copy."""
    return shingles(text)


@cache
def _permutations() -> tuple[NDArray[np.uint32], NDArray[np.uint32]]:
    """The ``NUM_PERM`` affine permutations h -> a*h + b (mod 2**32, ``a`` odd) of datasketch's "affine32"
    scheme for ``SEED``: the same draws from NumPy's seeded legacy generator, so signatures stored by earlier
    versions (made with datasketch, whose import costs about 0.6 s with SciPy) stay comparable."""
    import numpy as np

    draws = np.random.RandomState(SEED)
    a = draws.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draws.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(values: NDArray[np.uint32]) -> NDArray[np.uint32]:
    """MurmurHash3's 32-bit finalizer: spreads the input hashes before the affine permutations."""
    import numpy as np

    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


def signature(shingle_set: Iterable[str]) -> NDArray[np.uint32] | None:
    """The MinHash signature (``NUM_PERM`` values) of a shingle set; None for an empty set.

    Each shingle's hash is the first 4 bytes of its SHA-1 (little-endian), mixed by ``_fmix32``; the
    signature is, per permutation, the least permuted hash (datasketch's "affine32" MinHash).
    """
    import numpy as np

    hashes = _hashes(shingle_set)
    if not hashes:
        return None
    mixed = _fmix32(np.array(hashes, dtype=np.uint32)).reshape(-1, 1)
    a, b = _permutations()
    values: NDArray[np.uint32] = (mixed * a + b).min(axis=0).astype(np.uint32)  # uint32 arithmetic wraps: mod 2**32
    return values


def signature_to_bytes(values: NDArray[np.uint32]) -> bytes:
    return values.astype("<u4").tobytes()


def signature_from_bytes(data: bytes) -> NDArray[np.uint32]:
    import numpy as np

    return np.frombuffer(data, dtype="<u4").astype(np.uint32)


def _fmix64(values: NDArray[np.uint64]) -> NDArray[np.uint64]:
    import numpy as np

    # MurmurHash3's finaliser: spreads every input bit over the key. Array arithmetic wraps modulo 2**64.
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def band_keys(signatures: NDArray[np.uint32]) -> NDArray[np.int64]:
    """One bucket key per band for each signature (rows of ``signatures``): shape (n, BANDS), 63-bit integers.

    The band number and ``TEXT_SCHEME`` are mixed in, so one indexed integer column holds every band.
    """
    import numpy as np

    matrix = np.atleast_2d(signatures)
    salt = np.uint64(zlib.crc32(TEXT_SCHEME.encode()))
    keys = np.broadcast_to(np.arange(BANDS, dtype=np.uint64) + salt, (matrix.shape[0], BANDS)).copy()
    for row in range(BAND_ROWS):  # one row of every band at a time: memory stays a few (n, BANDS) arrays
        values = matrix[:, row : BANDS * BAND_ROWS : BAND_ROWS].astype(np.uint64)
        keys = _fmix64(keys * np.uint64(0x100000001B3) ^ values)
    result: NDArray[np.int64] = (keys >> np.uint64(1)).astype(np.int64)
    return result


@dataclass(frozen=True, slots=True)
class Similarity:
    """How much two texts share: Jaccard of their shingle sets, and the share of the smaller one found in the other."""

    jaccard: float
    containment: float
    smaller: int  # shingles in the smaller text

    @property
    def is_copy(self) -> bool:
        contained = self.smaller >= MIN_CONTAINED_SHINGLES and self.containment >= CONTAINMENT_MIN
        return self.jaccard >= JACCARD_MIN or contained


def compare(first: frozenset[str], second: frozenset[str]) -> Similarity:
    """The exact similarity of two shingle sets."""
    if not first or not second:
        return Similarity(0.0, 0.0, 0)
    common = len(first & second)
    smaller = min(len(first), len(second))
    return Similarity(common / (len(first) + len(second) - common), common / smaller, smaller)


def is_copy(first: str, second: str) -> bool:
    """Whether two stored texts carry one article: near copies by their shingles, or a translation by its anchors."""
    if compare(stored_shingles(first), stored_shingles(second)).is_copy:
        return True
    return anchors.translation_copy(first, second)


def index_buckets(text: str, signature_values: NDArray[np.uint32]) -> list[int]:
    """Every bucket key a text is indexed under: its MinHash bands, then its anchor buckets (``anchors``)."""
    return [int(key) for key in band_keys(signature_values)[0]] + anchors.anchor_buckets(text)


def query_buckets(text: str, signature_values: NDArray[np.uint32]) -> list[int]:
    """The bucket keys to look a text's copies up by: its MinHash bands, and the anchor buckets of its
    translations (indexed under their own script)."""
    return [int(key) for key in band_keys(signature_values)[0]] + anchors.anchor_queries(text)


def estimate(jaccard: float, size_a: int, size_b: int) -> Similarity:
    """The similarity implied by an estimated Jaccard and the two set sizes (for signature-only checks)."""
    smaller = min(size_a, size_b)
    if not smaller:
        return Similarity(0.0, 0.0, 0)
    common = jaccard * (size_a + size_b) / (1 + jaccard)
    return Similarity(jaccard, min(1.0, common / smaller), smaller)


def index_entry(text: str) -> MinhashIndex | None:
    """The MinHash signature and LSH buckets that index ``text`` for near-copy lookups; None for no shingles."""
    shingle_set = stored_shingles(text)
    if _plain_left[0] > 0 and "numpy" not in sys.modules:
        _plain_left[0] -= 1
        return _plain_index(text, shingle_set)
    values = signature(shingle_set)
    if values is None:
        return None
    buckets = tuple(index_buckets(text, values))
    queries = tuple(query_buckets(text, values))
    return MinhashIndex(signature_to_bytes(values), buckets, SCHEME, len(shingle_set), queries)


def _hashes(shingle_set: Iterable[str]) -> list[int]:
    return [int.from_bytes(hashlib.sha1(item.encode("utf-8")).digest()[:4], "little") for item in shingle_set]


@cache
def _plain_permutations() -> tuple[tuple[int, ...], tuple[int, ...]]:
    """``_permutations()`` as written out in ``data/minhash.toml``."""
    data = tomllib.loads(resources.files("redefection.data").joinpath("minhash.toml").read_text("utf-8"))
    if data["num_perm"] != NUM_PERM or data["seed"] != SEED:
        raise ValueError("data/minhash.toml does not hold the permutations of NUM_PERM and SEED")
    return tuple(data["a"]), tuple(data["b"])


def _plain_fmix64(value: int) -> int:
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & MASK64
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & MASK64
    return value ^ (value >> 33)


def _plain_signature(shingle_set: Iterable[str]) -> list[int] | None:
    """``signature`` in plain Python, every hash at once: each in a 64-bit lane of one integer.

    The finalizer masks each lane back to 32 bits after every shift and product, and a permuted hash
    ``a*h + b`` of 32-bit numbers stays below 2**64, so no lane ever carries into the next: one
    multiplication of the packed integer permutes every hash (``_least_lane`` then finds the least).
    About 2 ms a dev document, against 5.7 ms hash by hash and 0.5 ms with NumPy, whose import
    costs about 0.1 s.
    """
    packed = b"".join(hashlib.sha1(item.encode("utf-8")).digest()[:4] + LANE_PAD for item in shingle_set)
    count = len(packed) // 8
    if not count:
        return None
    hashes = int.from_bytes(packed, "little")  # lane i: the first 4 bytes of shingle i's SHA-1, little-endian
    ones = int.from_bytes(b"\x01" + bytes(7), "little") * (((1 << (64 * count)) - 1) // ((1 << 64) - 1))
    mask = MASK32 * ones
    hashes ^= (hashes >> 16) & mask
    hashes = (hashes * 0x85EBCA6B) & mask
    hashes ^= (hashes >> 13) & mask
    hashes = (hashes * 0xC2B2AE35) & mask
    hashes ^= (hashes >> 16) & mask
    size = 8 * count
    return [
        _least_lane(((hashes * a + b * ones) & mask).to_bytes(size, "little"))
        for a, b in zip(*_plain_permutations(), strict=True)
    ]


def _least_lane(lanes: bytes) -> int:
    """The least 32-bit value in little-endian 64-bit lanes, without making an integer of each.

    The lanes with the least top byte hold it; ``in`` and ``find`` run in C, and of a few hundred
    uniform hashes only one or two share the least top byte.
    """
    top = lanes[3::8]
    least = next(byte for byte in range(256) if byte in top)
    best = MASK32
    at = top.find(least)
    while at != -1:
        best = min(best, int.from_bytes(lanes[8 * at : 8 * at + 4], "little"))
        at = top.find(least, at + 1)
    return best


def _plain_index(text: str, shingle_set: frozenset[str]) -> MinhashIndex | None:
    """``index_entry`` in plain Python: the same signature, with ``signature`` and ``band_keys`` done on ints."""
    values = _plain_signature(shingle_set)
    if values is None:
        return None
    salt = zlib.crc32(TEXT_SCHEME.encode())
    keys = []
    for band in range(BANDS):
        key = band + salt
        for row in range(BAND_ROWS):
            key = _plain_fmix64(((key * 0x100000001B3) & MASK64) ^ values[band * BAND_ROWS + row])
        keys.append(key >> 1)
    return MinhashIndex(
        struct.pack(f"<{NUM_PERM}I", *values),
        tuple(keys + anchors.anchor_buckets(text)),
        SCHEME,
        len(shingle_set),
        tuple(keys + anchors.anchor_queries(text)),
    )


def cluster_signatures(signatures: NDArray[np.uint32], sizes: Sequence[int]) -> list[list[int]]:
    """Group rows of ``signatures`` that are copies of each other, in memory, without comparing every pair.

    For each band the bucket keys are sorted; rows with equal keys are candidates, checked by their
    estimated Jaccard (the share of equal signature values) and ``sizes`` (shingles per text).
    Returns the groups of two or more row indices, each sorted.
    """
    import numpy as np

    count = signatures.shape[0]
    keys = band_keys(signatures)
    firsts: list[NDArray[np.int64]] = []
    seconds: list[NDArray[np.int64]] = []
    for band in range(BANDS):
        order = np.argsort(keys[:, band], kind="stable")
        ordered = keys[order, band]
        same = np.nonzero(ordered[1:] == ordered[:-1])[0]
        firsts.append(order[same])
        seconds.append(order[same + 1])
    if not firsts or not sum(len(part) for part in firsts):
        return []
    pairs = np.unique(np.stack([np.concatenate(firsts), np.concatenate(seconds)], axis=1), axis=0)
    agreement = (signatures[pairs[:, 0]] == signatures[pairs[:, 1]]).mean(axis=1)
    parent = list(range(count))

    def root(item: int) -> int:
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    for (first, second), jaccard in zip(pairs.tolist(), agreement.tolist(), strict=True):
        if estimate(jaccard, sizes[first], sizes[second]).is_copy:
            parent[root(first)] = root(second)
    groups: dict[int, list[int]] = {}
    for item in range(count):
        groups.setdefault(root(item), []).append(item)
    return [group for group in groups.values() if len(group) > 1]


def page_member(capture: Capture, document: Document, document_id: int) -> ClusterMember:
    """Describe one page as a cluster member whose text is stored as ``document_id``."""
    article = document.article
    return ClusterMember(
        capture_sha256=capture.sha256,
        document_id=document_id,
        sources=(capture.source,),
        title=article.title,
        outlet=article.outlet,
        published=article.published,
        credited_outlet=document.credited_outlet,  # cleaning read the credit line
    )


def _rank_key(
    member: ClusterMember, originals: set[str], lengths: Mapping[int, int]
) -> tuple[bool, bool, date, bool, int]:
    is_original = member.credited_outlet is None and (member.outlet or "").casefold() in originals
    return (
        not is_original,
        member.published is None,
        member.published or date.max,
        member.outlet is None,
        -lengths.get(member.document_id, 0),
    )


def rank_members(members: Sequence[ClusterMember], lengths: Mapping[int, int]) -> list[ClusterMember]:
    """Members best canonical first: the page of a credited outlet, earliest date, a named outlet, longest text.

    Ties keep the given order, so an existing canonical page stays canonical.
    """
    originals = {member.credited_outlet.casefold() for member in members if member.credited_outlet}
    return sorted(members, key=lambda member: _rank_key(member, originals, lengths))


def _normal_title(title: str | None) -> str:
    return SPACE.sub(" ", unicodedata.normalize("NFKC", title or "").casefold()).strip(" .!?\"'")


def describe_differences(
    member: ClusterMember,
    canonical: ClusterMember,
    similarity: Similarity,
    *,
    is_shorter: bool,
    translated: bool = False,
) -> tuple[str, ...]:
    """How a copy differs from the canonical page.

    ``chrome``: the same text on another page; ``edits``: text changed or added; ``trimmed``: a shorter text
    mostly found in the canonical one; ``headline``: another title; ``translation``: the text in another
    language or script (``translated``), found by its anchors (its title differs as a matter of course).
    """
    if translated:
        return ("translation",)
    differences: list[str] = []
    if member.document_id == canonical.document_id:
        differences.append("chrome")
    else:
        if similarity.containment < 1.0 or not is_shorter:
            differences.append("edits")
        if is_shorter and similarity.containment >= CONTAINMENT_MIN:
            differences.append("trimmed")
    if member.title and canonical.title and _normal_title(member.title) != _normal_title(canonical.title):
        differences.append("headline")
    return tuple(differences)


def build_cluster(
    members: Sequence[ClusterMember], texts: Mapping[int, str], cluster_id: int | None = None
) -> SyndicationCluster:
    """Choose the canonical page of ``members`` and describe every copy against it.

    ``texts`` holds the text of every member's stored document, by document id.
    """
    if not members:
        raise ValueError("a cluster needs at least one member")
    unique = list({member.capture_sha256: member for member in members}.values())
    ranked = rank_members(unique, {doc_id: len(text) for doc_id, text in texts.items()})
    canonical = ranked[0]
    shingled = {doc_id: stored_shingles(text) for doc_id, text in texts.items()}
    described = [replace(canonical, role="canonical", similarity=1.0, differences=())]
    for member in ranked[1:]:
        similarity = compare(shingled[canonical.document_id], shingled[member.document_id])
        if member.document_id == canonical.document_id:
            similarity = Similarity(1.0, 1.0, similarity.smaller)
        described.append(
            replace(
                member,
                role="copy",
                similarity=round(similarity.jaccard, 4),
                differences=describe_differences(
                    member,
                    canonical,
                    similarity,
                    is_shorter=len(shingled[member.document_id]) < len(shingled[canonical.document_id]),
                    translated=anchors.variant(texts[member.document_id])
                    != anchors.variant(texts[canonical.document_id]),
                ),
            )
        )
    return SyndicationCluster(tuple(described), cluster_id)


__all__ = [
    "BANDS",
    "NUM_PERM",
    "SCHEME",
    "Similarity",
    "band_keys",
    "build_cluster",
    "cluster_signatures",
    "compare",
    "describe_differences",
    "estimate",
    "index_buckets",
    "index_entry",
    "is_copy",
    "page_member",
    "query_buckets",
    "rank_members",
    "shingles",
    "signature",
    "signature_from_bytes",
    "signature_to_bytes",
    "stored_shingles",
]
