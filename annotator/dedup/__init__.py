"""Near-duplicate sentences: normalisation, candidate blocking with MinHash LSH, grouping.

Comparing every sentence with every other is quadratic. Instead each sentence of four words
or more gets a MinHash signature over its word set; signatures are cut into bands and two
sentences sharing a band become candidates, which rapidfuzz then verifies against the
similarity threshold. Band keys are stored, so a new import only looks up its own keys.
Shorter sentences join a group only on an exact normalised match.

One module per concern:
- normal.py: normalisation, the hash of a normalised text, words and the word set that is signed;
- facts/: the same-fact guard (compare, same_facts): alike sentences join only when every
  difference between them is harmless; its per-language data (negations.toml, function_words.json);
- explain.py: why two sentences are or are not one unit (`dupes why`, `dupes --json`);
- blocking.py: candidate search: MinHash signatures and band keys (Signer), pairs sharing a key,
  the similarity check;
- grouping.py: group_pending (what an import runs), regroup, lowest_ratio, and how groups and band
  keys are stored.
"""

from __future__ import annotations

from annotator.dedup.blocking import BANDS, ROWS, Signer, bucket_pairs, similar
from annotator.dedup.explain import Explanation, explain
from annotator.dedup.facts import Difference, compare, same_facts
from annotator.dedup.grouping import DEFAULT_THRESHOLD, RegroupReport, group_pending, lowest_ratio, no_collection_pauses, regroup
from annotator.dedup.normal import MIN_WORDS, SHORT, norm_hash, normalise, token_set, words

__all__ = [
    "BANDS", "DEFAULT_THRESHOLD", "MIN_WORDS", "ROWS", "SHORT", "Difference", "Explanation", "RegroupReport",
    "Signer", "bucket_pairs", "compare", "explain", "group_pending", "lowest_ratio", "no_collection_pauses", "norm_hash", "normalise",
    "regroup", "same_facts", "similar", "token_set", "words",
]
