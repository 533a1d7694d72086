"""The bundled sample web's hand labels (tests/fixtures/sample_web_expected.json) as evaluation fixtures.

    python -m testsupport.sample_labels     # F1 per field (the figures behind [sample_labels] floors)
"""

from __future__ import annotations

import json
from typing import Any

from testsupport import FIXTURES

EXPECTED = FIXTURES / "sample_web_expected.json"
SOURCE_KIND = {"hudson-ledger": "news", "riverside-ft": "statement", "fewer-tests": "advocacy", "wqrt": "news"}
SOURCE_ORG = {"riverside-ft": "Riverside Federation of Teachers"}


def extracted() -> list[tuple[dict[str, Any], Any]]:
    """(label, extraction) of every labelled sample page, extracted as the crawl extracts it."""
    from crawler.extract import extract
    from crawler.sample import sample_root

    out = []
    for article in json.loads(EXPECTED.read_text(encoding="utf-8"))["articles"]:
        path = sample_root() / article["path"]
        if article["path"].endswith("/"):
            path = path / "index.html"
        ex = extract(path.read_bytes(), "http://127.0.0.1/" + article["path"], default_kind=SOURCE_KIND[article["source"]])
        out.append((article, ex))
    return out


def fixtures(pairs: list[tuple[dict[str, Any], Any]]) -> list[dict[str, Any]]:
    """The labelled pages in the golden set's fixture shape, for indexer.evaluation.evaluate."""
    return [{"file": a["path"], "title": ex.title, "published": ex.published, "text": ex.text,
             "source": {"organization": SOURCE_ORG.get(a["source"]), "kind": ex.kind},
             "expected": {k: a[k] for k in ("organizations", "states", "tests", "quotes")}} for a, ex in pairs]


def main() -> None:
    from indexer.evaluation import evaluate

    scores, _ = evaluate(fixtures(extracted()))
    for name, s in scores.items():
        print(f"{name:14} P {s.precision:.3f}  R {s.recall:.3f}  F1 {s.f1:.3f}")


if __name__ == "__main__":
    main()
