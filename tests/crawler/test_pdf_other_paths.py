"""PDFs outside the crawl: `optout extract FILE.pdf` reads them like pages, and `optout verify --repair`
re-derives a damaged PDF document from its own capture (issue 13, item 4)."""

from __future__ import annotations

import json
import sqlite3

from archive import Archive
from crawler.extract import extract_page
from crawler.pdf import PdfFailure
from testsupport import pdfs
from testsupport.cli import invoke


def test_optout_extract_reads_pdf_files_and_names_a_broken_one(tmp_path):
    good, broken = tmp_path / "statement.pdf", tmp_path / "broken.pdf"
    good.write_bytes(pdfs.statement_pdf(2))
    broken.write_bytes(pdfs.broken_pdf())
    run = invoke("extract", str(good), str(broken), "--format", "jsonl")
    assert run.returncode == 0, run.stderr
    first, second = (json.loads(line) for line in run.stdout.splitlines())
    assert first["title"] == "Riverbend teachers back families who opt out"
    assert first["published"] == "2015-04-02" and "quiet reading room" in first["text"]
    assert second["error"].startswith("broken PDF") and second["text"] == ""


def test_extract_page_dispatches_on_type_or_magic():
    assert "quiet reading room" in extract_page(pdfs.statement_pdf(1), "https://x.example/a").text
    html = b"<html><body><article><p>" + b"Parents at the board meeting asked about refusal forms. " * 8 + \
        b"</p></article></body></html>"
    assert "refusal forms" in extract_page(html, "https://x.example/b.html", "text/html").text
    try:
        extract_page(b"not really", "https://x.example/c.pdf", "application/pdf")
    except PdfFailure as exc:
        assert "not a PDF" in str(exc)
    else:
        raise AssertionError("a PDF-typed response that is not a PDF must fail with a reason")


def test_a_damaged_pdf_document_is_rederived_from_its_capture(tmp_path):
    data = tmp_path / "d"
    body = pdfs.statement_pdf(2)
    with Archive(data) as archive:
        extracted = extract_page(body, "https://rea.example/s.pdf", "application/pdf").to_dict()
        _, doc_id = archive.record_page(source="rea", url="https://rea.example/s.pdf", status=200, body=body,
                                        response_headers=[("Content-Type", "application/pdf")],
                                        extracted=extracted, kind="statement")
        original = archive.get(doc_id).text
    conn = sqlite3.connect(data / "archive.sqlite3")
    conn.execute("UPDATE documents SET text = 'Riverbxnd' WHERE id = ?", (doc_id,))
    conn.commit()
    conn.close()
    repaired = invoke("verify", "--repair", data_dir=data)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "1 document(s) re-derived" in repaired.stdout
    with Archive(data) as archive:
        assert archive.get(doc_id).text == original
