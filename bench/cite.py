#!/usr/bin/env python3
"""Speed of reference exports: `optout export --format csl-json|ris` over archived (WARC-backed) documents.

usage: python bench/cite.py [--n 2000]

Archives N fictional pages (each with og:site_name, a byline and a date) into a temporary data directory
through the archive's own record_page, then times the export of every document as CSL-JSON, BibTeX and RIS
in process, and prints documents/s and ms per document. The publication's name is read from each archived
page's head, so this includes one WARC read per document.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PAGE = ('<html><head><title>{title} | Valley Courier {site}</title>'
        '<meta property="og:site_name" content="Valley Courier {site}"></head>'
        '<body><p>By {author}</p><p>{text}</p></body></html>')
GIVEN = ["Ada", "Bram", "Cleo", "Dmitri", "Esme", "Farid", "Gwen", "Hiro"]
FAMILY = ["Okafor", "Lindqvist", "Marchetti", "Quintero", "Takahashi", "Abernathy", "Nakamura", "Osei"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    args = parser.parse_args()
    from archive import Archive
    from search_cli.refs import export_references

    with tempfile.TemporaryDirectory(prefix="optout-cite-bench-") as tmp:
        archive = Archive(Path(tmp) / "data")
        for i in range(args.n):
            title = f"Families weigh test refusal, story {i}"
            author = f"{GIVEN[i % 8]} {FAMILY[(i // 8) % 8]}"
            text = "Parents said they would keep their children home during the spring exams. " * 40
            body = PAGE.format(title=title, site=i % 5, author=author, text=text).encode()
            archive.record_page(source=f"s{i % 5}", url=f"http://127.0.0.1:9/{i}.html", status=200, body=body,
                                response_headers=[("Content-Type", "text/html")],
                                extracted={"title": title, "published": f"20{10 + i % 15}-0{1 + i % 9}-1{i % 9}",
                                           "authors": [author], "text": text})
        for fmt in ("csl-json", "bibtex", "ris"):
            start = time.perf_counter()
            n = export_references(archive, fmt, io.StringIO())
            elapsed = time.perf_counter() - start
            print(f"export --format {fmt}: {n} documents in {elapsed:.2f} s "
                  f"({n / elapsed:.0f} documents/s, {elapsed / n * 1000:.2f} ms per document)")
        archive.close()


if __name__ == "__main__":
    main()
