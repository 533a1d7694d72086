"""The publication's name in a citation comes from the archived page, then the source's name, never the host."""

import pytest

from archive import Archive
from indexer.citations.build import ReferenceBuilder, site_name_from_html
from indexer.citations.styles import apa

HEAD = "<html><head><title>{title}</title>{meta}</head><body><p>Body text about opting out.</p></body></html>"


def page(title="Parents plan a test boycott", meta=""):
    return HEAD.format(title=title, meta=meta).encode()


@pytest.mark.parametrize("meta, title, expected", [
    ('<meta property="og:site_name" content="The Maple Valley Courier">', "x", "The Maple Valley Courier"),
    ('<script type="application/ld+json">{"@type": "NewsArticle", "publisher": {"@type": "Organization",'
     ' "name": "Lakeshore Gazette"}}</script>', "x", "Lakeshore Gazette"),
    ('<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, {"@type": "Article",'
     ' "publisher": [{"name": "Prairie Wire"}]}]}</script>', "x", "Prairie Wire"),
    ("", "Parents plan a test boycott | KPLN Community Radio", "KPLN Community Radio"),
    ("", "Parents plan a test boycott", None),
    ("", "Something else entirely | Not The Site", None),
    ('<script type="application/ld+json">{broken json</script>', "x", None),
])
def test_site_name_from_html(meta, title, expected):
    assert site_name_from_html(page(title, meta), "Parents plan a test boycott") == expected


def test_site_name_from_odd_bytes():
    assert site_name_from_html(b"") is None
    assert site_name_from_html(b"\x00\xff\xfe garbage <<<") is None
    assert site_name_from_html(b'<meta property="og:site_name" content="Null\x00 Byte News">') == "Null Byte News"


@pytest.fixture
def archive(tmp_path):
    arch = Archive(tmp_path / "data")
    yield arch
    arch.close()


def record(arch, url, body, source, kind="news", authors=(), title="Parents plan a test boycott", org=None):
    extracted = {"title": title, "published": "2017-04-02", "authors": list(authors),
                 "text": "Parents in the valley said they would keep their children home on test day. " * 5}
    _, doc_id = arch.record_page(source=source, url=url, status=200, body=body,
                                 response_headers=[("Content-Type", "text/html; charset=utf-8")],
                                 extracted=extracted, kind=kind, source_organization=org)
    return doc_id


def test_builder_prefers_the_page_then_the_source_name(archive):
    a = record(archive, "http://127.0.0.1:9/a.html",
               page(meta='<meta property="og:site_name" content="The Maple Valley Courier">'), "courier",
               authors=["Imogen Takahashi"])
    b = record(archive, "http://127.0.0.1:9/b.html", page(title="Union statement on testing"), "mvea",
               kind="statement", title="Union statement on testing", org="MVEA")
    builder = ReferenceBuilder(archive, {"courier": "Courier (fictional)", "mvea": "Maple Valley Education Association (fictional)"})
    ref_a, ref_b = builder.for_id(a), builder.for_id(b)
    assert ref_a.publication == "The Maple Valley Courier"
    assert apa(ref_a) == ("Takahashi, I. (2017, April 2). Parents plan a test boycott. *The Maple Valley Courier*. "
                          "http://127.0.0.1:9/a.html")
    # No name on the page: the source's name (its note in parentheses left out), as the statement's author.
    assert ref_b.publication == "Maple Valley Education Association"
    assert apa(ref_b).startswith("Maple Valley Education Association. (2017, April 2). *Union statement on testing*. http")


def test_no_name_anywhere_leaves_the_publication_out(archive):
    doc_id = record(archive, "http://127.0.0.1:9/c.html", page(), "nameless")
    ref = ReferenceBuilder(archive).for_id(doc_id)
    assert ref.publication is None
    assert "127.0.0.1." not in apa(ref) and "*" not in apa(ref)


def test_quote_hits_become_one_reference_per_document(archive):
    from types import SimpleNamespace as Hit

    a = record(archive, "http://127.0.0.1:9/a.html", page(), "s1", authors=["Imogen Takahashi"])
    hits = [Hit(doc_id=a, text="We will keep\nour kids home", speaker="Rosa Quintero", speaker_org=None),
            Hit(doc_id=a, text="Enough testing", speaker=None, speaker_org="MVEA"),
            Hit(doc_id="missing", text="gone", speaker=None, speaker_org=None)]
    refs = ReferenceBuilder(archive).for_quotes(hits)
    assert len(refs) == 1
    assert refs[0].quotes == ["“We will keep our kids home” (Rosa Quintero)", "“Enough testing” (MVEA)"]
