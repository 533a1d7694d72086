#!/usr/bin/env python3
"""Train the positions model (indexer/data/position_model.json) from the labelled set's TRAIN files only.

usage: pip install -e ".[train]"; python bench/train_positions.py [--check] [--cv]

scikit-learn is needed here only: TF-IDF over word 1-2-grams, then
multinomial logistic regression (lbfgs, deterministic). The fitted vocabulary, idf and coefficients are
written as JSON, and indexer/position_model.py applies them in pure Python, so the package has no
machine-learning dependency and nothing is downloaded at run time. The test files are never read here.

--check  exit 1 when the shipped file differs from what the train files give (byte for byte)
--cv     print the 5-fold cross-validated macro-F1 of the model on the train files

How the model's label combines with the lexicon's (indexer.positions.combine: the lexicon's sides stand; where
it takes none, the model's label is used above a per-label probability) was chosen on train items the lexicon
had not yet been tuned on, scored with the lexicon of that time: see COMBINE.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer import position_model as pm  # noqa: E402

FIXTURES = ROOT / "tests/fixtures/positions"
C = 10.0
# The model's label replaces a lexicon neutral/none when its probability reaches these.
COMBINE = {"supports": 0.6, "opposes": 0.5, "neutral": 0.5, "none": 0.5}


def train_rows() -> list[dict]:
    rows = []
    for kind in ("quotes", "statements"):
        for line in (FIXTURES / f"{kind}.train.jsonl").read_text(encoding="utf-8").splitlines():
            if line.strip():
                rows.append(json.loads(line))
    return rows


def model_text(row: dict) -> str:
    return (row["title"] + ". " + row["text"]) if row.get("title") else row["text"]


def pipeline():  # noqa: ANN201 - sklearn objects
    from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
    from sklearn.linear_model import LogisticRegression  # noqa: PLC0415
    from sklearn.pipeline import make_pipeline, make_union  # noqa: PLC0415

    # word n-grams only: character n-grams gained little (cross-validated) and cost ten times the look-ups
    union = make_union(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True))
    return make_pipeline(union, LogisticRegression(C=C, max_iter=5000))


def export(fitted) -> dict:  # noqa: ANN001
    union, lr = fitted.steps[0][1], fitted.steps[1][1]
    labels = [str(c) for c in lr.classes_]
    order = [labels.index(x) for x in pm.LABELS]
    parts, offset = {}, 0
    for _name, vec in union.transformer_list:
        vocab = vec.vocabulary_
        table = {}
        for term, j in sorted(vocab.items()):
            col = offset + j
            table[term] = [round(float(vec.idf_[j]), 5)] + [round(float(lr.coef_[k][col]), 5) for k in order]
        parts["word" if vec.analyzer == "word" else "char"] = table
        offset += len(vocab)
    parts.setdefault("char", {})
    return {"labels": list(pm.LABELS), "intercept": [round(float(lr.intercept_[k]), 5) for k in order],
            "combine": COMBINE, **parts}


def cross_validate(rows: list[dict]) -> None:
    from sklearn.metrics import f1_score  # noqa: PLC0415

    folds = [int(hashlib.sha1(("fold:" + r["text"]).encode()).hexdigest(), 16) % 5 for r in rows]
    gold, pred = [], []
    for k in range(5):
        train = [r for r, f in zip(rows, folds, strict=True) if f != k]
        test = [r for r, f in zip(rows, folds, strict=True) if f == k]
        m = pipeline().fit([model_text(r) for r in train], [r["label"] for r in train])
        gold += [r["label"] for r in test]
        pred += list(m.predict([model_text(r) for r in test]))
    macro = f1_score(gold, pred, labels=["supports", "opposes", "neutral"], average="macro")
    print(f"model alone, 5-fold cross-validated on train: macro-F1 {macro:.3f}")


def main() -> None:
    rows = train_rows()
    if "--cv" in sys.argv:
        cross_validate(rows)
    fitted = pipeline().fit([model_text(r) for r in rows], [r["label"] for r in rows])
    body = export(fitted)
    version = hashlib.sha1(json.dumps(body, sort_keys=True).encode()).hexdigest()[:12]
    text = json.dumps({"version": version, **body}, separators=(",", ":"), ensure_ascii=False) + "\n"
    # the pure-Python scorer must agree with scikit-learn (coefficients are rounded to 5 places)
    model = pm.LinearModel.from_dict(json.loads(text))
    worst = 0.0
    for r in rows[:200]:
        ref = fitted.predict_proba([model_text(r)])[0]
        mine = model.probabilities(model_text(r))
        worst = max(worst, *(abs(mine[str(c)] - p) for c, p in zip(fitted.classes_, ref, strict=True)))
    if worst > 1e-3:
        sys.exit(f"the pure-Python model disagrees with scikit-learn by {worst:.5f}")
    if "--check" in sys.argv:
        same = pm.MODEL.exists() and pm.MODEL.read_text(encoding="utf-8") == text
        print("model file is up to date" if same else f"{pm.MODEL} differs from what the train files give")
        sys.exit(0 if same else 1)
    pm.MODEL.write_text(text, encoding="utf-8")
    print(f"wrote {pm.MODEL.relative_to(ROOT)} ({len(text) // 1024} KiB, version {version}): "
          f"{len(body['word'])} word and {len(body['char'])} character features from {len(rows)} train rows; "
          f"largest difference from scikit-learn {worst:.2e}")


if __name__ == "__main__":
    main()
