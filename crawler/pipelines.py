"""The item pipeline: every fetched page goes to the archive (WARC capture + catalog document)."""

from __future__ import annotations

import sqlite3

from archive import ArchiveError, canonical_url
from archive.store import now_iso
from crawler.items import PageItem


class ArchivePipeline:
    """Writes each PageItem to the spider's archive and counts what happened per source."""

    def process_item(self, item: PageItem, spider=None) -> PageItem:  # type: ignore[no-untyped-def]
        spider = spider or self.crawler.spider  # type: ignore[attr-defined]
        archive = spider.archive
        parent = item.extra.get("parent")
        try:
            outcome, _doc_id = archive.record_page(
                source=item.source, url=item.url, status=item.status, body=item.body,
                response_headers=item.response_headers, request_headers=item.request_headers,
                extracted=item.extracted, kind=item.kind, source_organization=item.source_organization,
            )
            # Remember the fetch so the next crawl does not fetch this page again (pages without article
            # text too: asking again each crawl would only pile up identical captures; a newer sitemap
            # lastmod or --refresh still fetches them). Written after the capture: a crawl killed in
            # between fetches the page once more, never loses it.
            fetched_at = now_iso()
            for url in {canonical_url(item.requested_url), canonical_url(item.url)}:
                archive.catalog.set_fetch_state(url, None, None, item.lastmod, fetched_at)
        except (ArchiveError, OSError, sqlite3.Error) as exc:
            spider.record_failure(item.source, item.url, f"could not be archived: {exc}"[:300])
            spider.settle(parent, ok=False)
            return item
        if outcome in ("new", "updated", "unchanged"):
            spider.crawl_stats.add(item.source, outcome)
        elif item.note == "pdf":
            spider.crawl_stats.add(item.source, "new")
        spider.settle(parent, ok=True)
        # The body is in the WARC file now; do not keep megabytes alive in Scrapy's item references.
        item.body = b""
        return item

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline
