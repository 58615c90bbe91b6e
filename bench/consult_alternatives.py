"""Measure the alternatives the issue names against what the bot uses, before choosing.

    .venv/bin/pip install scikit-learn==1.9.1      # only for this script; the bot does not need it
    .venv/bin/python -m bench.consult_alternatives

Topic (top-1/top-3) on the real tune/report splits and nlu/tests/heldout.jsonl:
  the embedded classifier (naive Bayes + averaged perceptron) against scikit-learn logistic
  regression on TF-IDF character n-grams + jieba words, trained on the same data.
Retrieval (recall@1/@3/@5 of an answering entry) on the covered real questions and the
knowledge base's held-out paraphrases: the bot's BM25 against TF-IDF cosine, a logistic
regression over entries, and synonym expansion from cnsyn's dictionary (cnsyn itself does not
import on Linux: it opens its index with a Windows path; its sim_words.txt is read directly when
the package is installed).
"""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

from bot.knowledge.entries import load_entries
from bot.knowledge.retrieval import Retriever, document_features
from bot.nlu.embedded import EmbeddedClassifier, kb_examples, load_nlu_examples
from bot.nlu.labels import interpret
from bot.nlu.tokens import char_ngrams, tokens

ROOT = Path(__file__).resolve().parent.parent


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def features_13(text: str) -> list[str]:
    return ["c" + gram for gram in char_ngrams(text, 1, 3)] + ["w" + word for word in tokens(text)]


def main() -> None:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    entries = load_entries(ROOT / "knowledge" / "entries")
    nlu_data = load_nlu_examples(ROOT / "nlu" / "data")
    examples = nlu_data + kb_examples(entries)
    real = [row for name in ("lawbench_3_8", "stard") for row in read_jsonl(ROOT / "tests" / "data" / "realdev" / f"{name}.jsonl")]
    own_topics = [row for row in read_jsonl(ROOT / "nlu" / "tests" / "heldout.jsonl") if row["intent"].startswith("consult_")]
    topic_sets = {"real tune": [r for r in real if r["split"] == "tune"], "real report": [r for r in real if r["split"] == "report"],
                  "own": own_topics}

    def topic_line(name: str, rank: Callable[[str], list[tuple[str, float]]]) -> None:
        figures = []
        for label, rows in topic_sets.items():
            ranked = [[topic for topic, _ in interpret(rank(row["text"])).topics] for row in rows]
            top1 = sum(r[:1] == [row["topic"]] for r, row in zip(ranked, rows)) / len(rows)
            top3 = sum(row["topic"] in r[:3] for r, row in zip(ranked, rows)) / len(rows)
            figures.append(f"{label} {top1:.3f}/{top3:.3f}")
        print(f"topic  {name:34s} " + "  ".join(figures), flush=True)

    topic_line("embedded (the bot's)", EmbeddedClassifier.train(examples).rank)
    texts, intents = [t for t, _ in examples], [i for _, i in examples]
    for label, analyzer in (("char 1-2 + words", document_features), ("char 1-3 + words", features_13)):
        vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
        matrix = vectorizer.fit_transform(texts)
        for c in (3, 30):
            model = LogisticRegression(C=c, max_iter=500, class_weight="balanced").fit(matrix, intents)
            classes = list(model.classes_)
            topic_line(f"sklearn LR {label} C={c}", lambda text, m=model, v=vectorizer, cl=classes:
                       list(zip(cl, m.predict_proba(v.transform([text]))[0])))

    classifier = EmbeddedClassifier.train(examples)
    retriever = Retriever(entries)
    ids = [entry.id for entry in entries]
    covered = {"real tune": [r for r in real if r.get("entries") and r["split"] == "tune"],
               "real report": [r for r in real if r.get("entries") and r["split"] == "report"],
               "own paraphrases": [{"text": r["text"], "entries": [r["entry_id"]]}
                                   for path in sorted((ROOT / "tests" / "data" / "kb_heldout").glob("*.jsonl"))
                                   for r in read_jsonl(path)]}

    def retrieval_line(name: str, rank: Callable[[str], list[str]]) -> None:
        figures = []
        for label, rows in covered.items():
            found = [rank(row["text"])[:5] for row in rows]
            recall = [sum(bool(set(f[:k]) & set(row["entries"])) for f, row in zip(found, rows)) / len(rows) for k in (1, 3, 5)]
            figures.append(f"{label} {recall[0]:.2f}/{recall[1]:.2f}/{recall[2]:.2f}")
        print(f"entry  {name:34s} " + "  ".join(figures), flush=True)

    def topics(text: str) -> dict[str, float]:
        return dict(interpret(classifier.rank(text)).topics)

    retrieval_line("BM25 + topic prior (the bot's)", lambda t: [e.id for e, _ in retriever.raw_ranking(t, topics(t), 5)])
    retrieval_line("BM25, no prior", lambda t: [e.id for e, _ in retriever.raw_ranking(t, None, 5)])
    documents = [" ".join([e.question["zh"], *e.phrasings]) for e in entries]
    vectorizer = TfidfVectorizer(analyzer=document_features, sublinear_tf=True)
    matrix = vectorizer.fit_transform(documents)
    retrieval_line("TF-IDF cosine", lambda t: [ids[i] for i in np.argsort(-(matrix @ vectorizer.transform([t]).T).toarray().ravel())[:5]])
    samples = [(text, e.id) for e in entries for text in (e.question["zh"], *e.phrasings)]
    vectorizer = TfidfVectorizer(analyzer=document_features, sublinear_tf=True)
    model = LogisticRegression(C=5, max_iter=300).fit(vectorizer.fit_transform([t for t, _ in samples]), [i for _, i in samples])
    retrieval_line("sklearn LR over entries C=5", lambda t: [model.classes_[i] for i in
                                                            np.argsort(-model.predict_proba(vectorizer.transform([t]))[0])[:5]])
    spec = importlib.util.find_spec("cnsyn")
    if spec and spec.submodule_search_locations:
        synonyms: dict[str, set[str]] = {}
        dictionary = Path(spec.submodule_search_locations[0]) / "chinese_dictionary" / "sim_words.txt"
        for line in dictionary.read_text("utf-8").splitlines():
            words = line.split()
            if 2 <= len(words) <= 12:
                for word in words:
                    synonyms.setdefault(word, set()).update(w for w in words if w != word)

        def expanded(text: str, weight: float = 0.1) -> list[str]:
            extra = " ".join(w for word in set(tokens(text)) if len(word) >= 2 for w in sorted(synonyms.get(word, ()))[:6])
            scores = retriever.bm25(text)
            for position, score in retriever.bm25(extra).items() if extra else ():
                scores[position] = scores.get(position, 0.0) + weight * score
            prior = topics(text)
            weighted = {p: s * (0.6 + 0.4 * prior.get(entries[p].topic, 0.0)) for p, s in scores.items()}
            return [entries[p].id for p in sorted(weighted, key=weighted.get, reverse=True)[:5]]

        retrieval_line("BM25 + prior + cnsyn synonyms", expanded)
    else:
        print("entry  cnsyn not installed: synonym expansion skipped")


if __name__ == "__main__":
    main()
