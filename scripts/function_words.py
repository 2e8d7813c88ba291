"""Build annotator/dedup/facts/function_words.json: the function words of each language, from Universal
Dependencies treebanks.

usage: python scripts/function_words.py FILE.conllu... > annotator/dedup/facts/function_words.json

A word form (case-folded, apostrophes dropped as the same-fact guard's tokens drop them) is a function
word of a language when its treebank tags at least 80% of its occurrences, and at least twice, as a
closed class: ADP, CCONJ, SCONJ, PART, PRON, DET that is an article (PronType=Art), or AUX of one of
the language's two most frequent auxiliary lemmas (be and have: "has said" / "said", "ha dichiarato" /
"dichiarato"); a contraction ("zum", "du", "della") counts when all of its parts are. Other auxiliaries
are not: "will", "could", "may" change what a sentence states (the Chinese aspect particles 了 过 着
and the Japanese polite endings まし ます です でし and the copula だ are, as a copy adds or drops them freely). Articles are also listed apart: they are
the only function words that may replace one another ("a" / "the"). Forms the treebank marks
Polarity=Neg ("not", "inte", "tidak", "ei") are listed as negations, never as function words. Each
auxiliary's tense, mood, person and number (its features, where 80% of its occurrences agree: "is"
Pres 3 Sing, "was" Past 3 Sing, "würde" Past Sub 3 Sing) are listed under "tenses": two forms of
one auxiliary with the same features are one ("бе" / "беше"); "is" / "was" (tense) and "was" /
"were" ("the hostage was" / "the hostages were": how many) are another fact. The
language is the part of the file name before "_" (de_pud-ud-test.conllu).

Sources: the treebanks named in the README's Duplicates section (Universal Dependencies 2.x,
de Marneffe et al. 2021, "Universal Dependencies", Computational Linguistics 47(2)).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

CLOSED = {"ADP", "CCONJ", "SCONJ", "PART", "PRON"}
PARTICLES = {"zh": {"了", "过", "過", "着", "著"}, "ja": {"まし", "ます", "です", "でし", "だ"}}
SHARE, MIN_COUNT = 0.8, 2


def fold(form: str) -> str:
    return form.casefold().replace("'", "").replace("\u2019", "")


def _tense(feats: str) -> str:
    """An auxiliary's tense, mood, person and number as its features give them ("Past 3 Sing",
    "Pres Sub 3 Plur"; "" without a tense)."""
    found = dict(f.split("=", 1) for f in feats.split("|") if "=" in f)
    mood = found.get("Mood", "Ind")
    if not found.get("Tense"):
        return ""
    return " ".join(v for v in (found["Tense"], "" if mood == "Ind" else mood, found.get("Person", ""),
                                found.get("Number", "")) if v)


def read(path: Path, total: Counter, closed: Counter, articles: Counter, negative: Counter, code: str,
         auxiliaries: Counter, tenses: Counter) -> None:
    parts_left, surface, all_closed, all_articles = 0, "", True, True
    for line in path.open(encoding="utf-8"):
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 6 or "." in cols[0]:
            continue
        if "-" in cols[0]:  # a contraction: its parts follow
            lo, hi = cols[0].split("-")
            parts_left, surface, all_closed, all_articles = int(hi) - int(lo) + 1, fold(cols[1]), True, True
            continue
        upos, feats = cols[3], cols[5]
        article = upos == "DET" and "PronType=Art" in feats
        is_closed = upos in CLOSED or article or (upos == "AUX" and fold(cols[1]) in PARTICLES.get(code, ()))
        if upos == "AUX" and not parts_left:
            auxiliaries[(fold(cols[1]), cols[2].casefold())] += 1
            tenses[(fold(cols[1]), _tense(feats))] += 1
        if "Polarity=Neg" in feats and upos in ("PART", "AUX", "ADV", "DET", "PRON", "INTJ"):
            negative[fold(cols[1])] += 1
        if parts_left:
            all_closed &= is_closed
            all_articles &= article
            parts_left -= 1
            if not parts_left and surface:
                total[surface] += 1
                closed[surface] += all_closed
            continue
        form = fold(cols[1])
        if not form or any(c.isdigit() for c in form):
            continue
        total[form] += 1
        closed[form] += is_closed
        articles[form] += article


def main() -> None:
    by_language: dict[str, tuple[Counter, Counter, Counter]] = {}
    for name in sys.argv[1:]:
        path = Path(name)
        code = path.name.split("_", 1)[0]
        counters = by_language.setdefault(code, (Counter(), Counter(), Counter(), Counter(), Counter(), Counter()))
        read(path, *counters[:4], code, counters[4], counters[5])
    out = {}
    for code, (total, closed, articles, negative, auxiliaries, tenses) in sorted(by_language.items()):
        lemmas = Counter()
        for (form, lemma), n in auxiliaries.items():
            lemmas[lemma] += n
        commonest = {lemma for lemma, _ in lemmas.most_common(2)}
        for (form, lemma), n in auxiliaries.items():
            if lemma in commonest and form not in PARTICLES.get(code, ()):
                closed[form] += n
        negations = sorted(w for w, n in negative.items() if n >= MIN_COUNT)
        words = sorted(w for w, n in total.items() if closed[w] >= MIN_COUNT and closed[w] >= SHARE * n
                       and w not in negative)
        arts = sorted(w for w, n in total.items() if articles[w] >= MIN_COUNT and articles[w] >= SHARE * n)
        # an auxiliary form's tense and mood, where the treebank gives one at least 80% of the time
        by_form: dict[str, Counter] = {}
        for (form, tense), n in tenses.items():
            by_form.setdefault(form, Counter())[tense] += n
        aux_tenses = {form: tense for form, seen in sorted(by_form.items()) if form in words
                      for tense, n in [seen.most_common(1)[0]] if tense and n >= SHARE * sum(seen.values())}
        out[code] = {"function_words": words, "articles": arts, "negations": negations, "tenses": aux_tenses}
    json.dump(out, sys.stdout, ensure_ascii=False, indent=0, sort_keys=True)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
