"""A crawled PDF statement becomes a document that is tagged, quoted and positioned like an HTML page;
one that cannot be read stays a capture with its reason (issue 13, item 4)."""

from __future__ import annotations

import json
import sqlite3

from archive import Archive
from crawler.items import PageItem
from crawler.pipelines import ExtractionPipeline
from tests.conftest import run_optout
from testsupport import pdfs
from testsupport.cli import invoke
from testsupport.faultserver import FaultServer, page, rss

FAST = {"OPTOUT_RETRY_BACKOFF": "0.1", "OPTOUT_THROTTLE_START": "0.05"}


def _item(body: bytes, ctype: str | None = "application/pdf") -> PageItem:
    url = "https://rea.example/files/statement.pdf"
    return PageItem(source="rea", url=url, requested_url=url, status=200, body=body,
                    response_headers=[("Content-Type", ctype or "")], request_headers=[], kind="statement",
                    content_type=ctype)


def test_extraction_stage_reads_a_pdf_by_type_or_by_magic():
    for ctype in ("application/pdf", None, "application/octet-stream"):
        item = ExtractionPipeline().process_item(_item(pdfs.statement_pdf(2), ctype))
        assert item.note == "pdf" and item.failure is None
        assert item.extracted["title"] == "Riverbend teachers back families who opt out"
        assert item.extracted["kind"] == "statement"
    scan = ExtractionPipeline().process_item(_item(pdfs.build_pdf([pdfs.image_page()])))
    assert scan.extracted is None and scan.failure.startswith("no text: an image-only (scanned) PDF")


def test_a_pdf_statement_is_tagged_quoted_and_positioned(tmp_path):
    data = tmp_path / "d"
    body = pdfs.statement_pdf(2, info={"Title": "NYSUT local backs families who opt out of state tests"})
    item = ExtractionPipeline().process_item(_item(body))
    with Archive(data) as archive:
        outcome, doc_id = archive.record_page(source="rea", url=item.url, status=200, body=body,
                                              response_headers=item.response_headers, extracted=item.extracted,
                                              kind="statement")
        assert outcome == "new"
    assert invoke("index", data_dir=data).returncode == 0
    shown = json.loads(invoke("show", doc_id, "--format", "json", data_dir=data).stdout)
    assert shown["kind"] == "statement" and shown["published"] == "2015-04-02"
    assert "NYSUT" in shown["organizations"]
    assert shown["position"] in ("supports", "opposes", "neutral", "none")
    quotes = json.loads(invoke("quotes", "punished", "--format", "json", data_dir=data).stdout)
    assert quotes and quotes[0]["speaker"] == "Dana Whitfield"
    assert quotes[0]["text"].startswith("No child should be punished")
    raw = invoke("show", doc_id, "--raw", data_dir=data)
    assert raw.stdout.startswith("%PDF-1.4")  # the capture keeps the file as served


def test_a_crawl_archives_pdf_statements_and_records_why_a_scan_has_no_text(tmp_path):
    server = FaultServer()
    server.routes["/files/statement.pdf"] = page(pdfs.statement_pdf(2), "application/pdf")
    server.routes["/files/scan.pdf"] = page(pdfs.build_pdf([pdfs.image_page()]), "application/pdf")
    server.start()
    try:
        links = [server.url("/files/statement.pdf"), server.url("/files/scan.pdf")]
        server.routes["/feed.xml"] = page(rss("Statements", links, server.base + "/"), "application/rss+xml")
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[[sources]]\nid = "rea"\nname = "Riverbend Education Association"\n'
                           f'kind = "statement"\nfeeds = ["{server.url("/feed.xml")}"]\n', encoding="utf-8")
        data = tmp_path / "d"
        result = run_optout("crawl", "--sources", str(sources), "--timeout", "5", data_dir=data, env=FAST,
                            timeout=120)
        assert result.returncode == 0, result.stderr
    finally:
        server.stop()
    with Archive(data) as archive:
        doc = archive.get(links[0])
        assert doc.title == "Riverbend teachers back families who opt out" and doc.kind == "statement"
        assert "quiet reading room" in doc.text
        assert archive.catalog.count() == 1
        reasons = {row["url"]: row["reason"] for row in archive.catalog.failures("rea")}
        assert reasons[links[1]].startswith("no text: an image-only (scanned) PDF")
    conn = sqlite3.connect(data / "archive.sqlite3")
    captured = {url for (url,) in conn.execute("SELECT url FROM captures")}
    conn.close()
    assert set(links) <= captured  # the scan is kept as evidence all the same
