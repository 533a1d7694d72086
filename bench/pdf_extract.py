#!/usr/bin/env python3
"""PDF extraction on generated statements (testsupport/pdfs.py): seconds, pages per second and peak Python
memory for a 50-page one-column and a 50-page two-column PDF, against the HTML extractor on the same text
(a ratio, since the machine is shared), and the time each hostile PDF takes to be refused.

usage: python bench/pdf_extract.py [--pages 50] [--repeat 3]
"""
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from crawler.extract import extract  # noqa: E402
from crawler.pdf import PdfFailure, extract_pdf  # noqa: E402
from testsupport import pdfs  # noqa: E402


def best_of(repeat: int, fn) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.process_time()
        result = fn()
        best = min(best, time.process_time() - start)
    return best, result


def peak_mb(fn) -> float:
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def main() -> None:
    pages = int(sys.argv[sys.argv.index("--pages") + 1]) if "--pages" in sys.argv else 50
    repeat = int(sys.argv[sys.argv.index("--repeat") + 1]) if "--repeat" in sys.argv else 3
    extract_pdf(pdfs.statement_pdf(1), "https://x.example/warm.pdf")  # imports and font metrics
    for columns in (1, 2):
        body = pdfs.statement_pdf(pages, columns=columns)
        cpu, ex = best_of(repeat, lambda b=body: extract_pdf(b, "https://x.example/s.pdf"))
        html = "<html><body><article>" + "".join(f"<p>{p}</p>" for p in ex.text.splitlines()) + "</article></body></html>"
        html_cpu, _ = best_of(repeat, lambda h=html: extract(h.encode(), "https://x.example/s.html"))
        mem = peak_mb(lambda b=body: extract_pdf(b, "https://x.example/s.pdf"))
        print(f"{pages} pages, {columns} column(s): {len(body) / 1e3:.0f} kB, {len(ex.text)} chars of text, "
              f"cpu {cpu:.2f} s ({pages / cpu:.0f} pages/s), peak {mem:.1f} MB; "
              f"HTML extraction of the same text {html_cpu:.2f} s (PDF/HTML {cpu / html_cpu:.1f}x)")
    hostile = {"broken": pdfs.broken_pdf(), "nested forms x200": pdfs.nested_forms_pdf(200),
               "nested arrays x200k": pdfs.nested_arrays_pdf(200_000), "5000 pages": pdfs.many_pages_pdf(5000),
               "inflate bomb 120 MB": pdfs.inflate_bomb_pdf(), "image only": pdfs.build_pdf([pdfs.image_page()] * 3)}
    for name, body in hostile.items():
        start = time.process_time()
        try:
            extract_pdf(body, "https://x.example/h.pdf")
            outcome = "read"
        except PdfFailure as exc:
            outcome = str(exc)
        print(f"{name:22} {len(body) / 1e3:>7.0f} kB  cpu {time.process_time() - start:.2f} s  {outcome}")


if __name__ == "__main__":
    main()
