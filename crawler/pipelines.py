"""The item pipeline: every fetched page goes to the archive (WARC capture + catalog document)."""

from __future__ import annotations

from archive import canonical_url
from archive.store import now_iso
from crawler.items import PageItem


class ArchivePipeline:
    """Writes each PageItem to the spider's archive and counts what happened per source."""

    def process_item(self, item: PageItem, spider=None) -> PageItem:  # type: ignore[no-untyped-def]
        spider = spider or self.crawler.spider  # type: ignore[attr-defined]
        archive = spider.archive
        outcome, _doc_id = archive.record_page(
            source=item.source, url=item.url, status=item.status, body=item.body,
            response_headers=item.response_headers, request_headers=item.request_headers,
            extracted=item.extracted, kind=item.kind, source_organization=item.source_organization,
        )
        if item.note != "no text":
            # Remember the fetch so the next crawl does not fetch this article again.
            for url in {canonical_url(item.requested_url), canonical_url(item.url)}:
                archive.catalog.set_fetch_state(url, None, None, item.lastmod, now_iso())
        if outcome in ("new", "updated", "unchanged"):
            spider.crawl_stats.add(item.source, outcome)
        elif item.note == "pdf":
            spider.crawl_stats.add(item.source, "new")
        return item

    @classmethod
    def from_crawler(cls, crawler):  # type: ignore[no-untyped-def]
        pipeline = cls()
        pipeline.crawler = crawler
        return pipeline
