#!/usr/bin/env python3
"""WACZ and WARC evidence exports (archive/evidence.py): seconds and output size for N archived pages, and
the seconds py-wacz's validator takes on the package (the check a test runs on small packages).

usage: python bench/evidence_export.py [--docs 1000]
"""
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from archive import Archive  # noqa: E402
from archive.evidence import export_evidence  # noqa: E402


def main() -> None:
    docs = int(sys.argv[sys.argv.index("--docs") + 1]) if "--docs" in sys.argv else 1000
    with tempfile.TemporaryDirectory() as tmp:
        archive = Archive(Path(tmp) / "d")
        for i in range(docs):
            body = (f"<html><body><p>Note {i}: families in district {i % 37} refused the spring tests.</p>"
                    + "<p>More words about the board meeting and the opt-out forms.</p>" * 40 + "</body></html>").encode()
            archive.record_page(source="s", url=f"https://district{i % 37}.example/notes/{i}", status=200, body=body,
                                response_headers=[("Content-Type", "text/html")], request_headers=[("User-Agent", "b")],
                                extracted={"title": f"Note {i}", "text": f"Note {i}: families refused the tests."})
        stored = sum(p.stat().st_size for p in (Path(tmp) / "d" / "warc").iterdir())
        for fmt, name in (("warc", "e.warc.gz"), ("wacz", "e.wacz")):
            start = time.perf_counter()
            report = export_evidence(archive, None, Path(tmp) / name, fmt)
            took = time.perf_counter() - start
            print(f"{fmt}: {report.captures} captures, {report.records} records, {report.bytes / 1e6:.1f} MB "
                  f"(archive WARC {stored / 1e6:.1f} MB) in {took:.2f} s ({report.captures / took:.0f} captures/s)")
        from wacz.main import main as wacz_main

        start = time.perf_counter()
        code = wacz_main(["validate", "-f", str(Path(tmp) / "e.wacz")])
        print(f"py-wacz validate: exit {code} in {time.perf_counter() - start:.2f} s")
        archive.close()


if __name__ == "__main__":
    main()
