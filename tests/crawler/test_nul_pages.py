"""Pages with a few stray NUL bytes are archived and extracted, not refused as binary (issue 16)."""

from __future__ import annotations

import pytest
from scrapy.exceptions import DropItem

from crawler.items import PageItem
from crawler.pipelines import ExtractionPipeline

_PAGE = ("<html><head><title>Board hears parents on testing</title></head><body><article>"
         + "<p>Parents from the Maple Ridge district asked the school board on Tuesday to explain how refusal"
           " letters are handled, and the board promised written answers before the spring testing window.</p>" * 4
         + "</article></body></html>")


def _item(body: bytes) -> PageItem:
    return PageItem(source="s", url="http://127.0.0.1/n.html", requested_url="http://127.0.0.1/n.html", status=200,
                    body=body, response_headers=[], request_headers=[], kind="news", content_type="text/html")


def test_a_page_with_stray_nuls_is_extracted_and_its_bytes_kept():
    body = _PAGE.replace("Tuesday", "Tues\x00day").replace("</title>", "\x00\x00</title>").encode()
    item = ExtractionPipeline().process_item(_item(body))
    assert item.extracted is not None
    assert "\x00" not in item.extracted["text"] and "Tuesday" in item.extracted["text"]
    assert item.body == body  # the archive stage writes the bytes as served


def test_mostly_nul_bytes_are_still_binary():
    with pytest.raises(DropItem, match="binary content"):
        ExtractionPipeline().process_item(_item(b"\x00" * 2000 + _PAGE.encode()))
