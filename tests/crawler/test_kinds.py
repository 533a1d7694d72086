"""Document kinds from the page itself (fictional pages), the source check, generic credits, the cue file."""

from pathlib import Path

import pytest

from crawler import kinds
from crawler.extract import extract

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def ex(name, url, **kw):
    return extract((PAGES / name).read_bytes(), url, **kw)


@pytest.mark.parametrize("name, url, kind", [
    ("kind-press-release.html", "https://mhta.example/press-releases/backing-families", "statement"),
    ("kind-letter.html", "https://www.maplehollow.k12.ny.us/letters/spring", "official"),
    ("kind-letter.html", "https://maplehollowschools.example/letters/spring", "official"),  # "Dear Parents" alone
    ("kind-blog.html", "https://maplefamilies.blogspot.com/2016/04/sitting-out.html", "advocacy"),
    ("kind-news.html", "https://gazette.example/2018/05/10/record-refusals", "news"),
    ("date-none.html", "https://gazette.example/how-to", "news"),  # no cue at all: news, page kind unknown
])
def test_kind_from_the_page_when_the_source_declares_none(name, url, kind):
    result = ex(name, url)
    assert result.kind == kind
    assert result.kind_evidence  # the evidence is kept
    assert result.page_kind == (None if name == "date-none.html" else kind)


def test_declared_kind_is_kept_but_refined():
    release = "kind-press-release.html"
    assert ex(release, "https://mhta.example/p", default_kind="advocacy").kind == "statement"
    news = ex(release, "https://gazette.example/p", default_kind="news")
    assert news.kind == "news" and news.page_kind == "statement"  # a news site quoting a release stays news
    assert "source: news" in news.kind_evidence and "page: statement" in news.kind_evidence
    assert ex("kind-news.html", "https://www.state.example.gov/x", default_kind="statement").kind == "official"


def test_generic_credits_are_never_authors():
    assert ex("kind-press-release.html", "https://mhta.example/p").authors == []  # "Source: ... Media Relations"
    assert ex("author-staff.html", "https://gazette.example/p").authors == []     # "Staff reports"
    assert ex("kind-news.html", "https://gazette.example/p").authors == ["Marcus Belleville"]


def test_kind_disagreement_warns_only_for_most_pages():
    assert kinds.kind_disagreement("news", ["statement", "statement", "statement", None]) is not None
    assert "statement" in kinds.kind_disagreement("news", ["statement"] * 3)
    assert kinds.kind_disagreement("news", ["statement", "news", None, None, None]) is None
    assert kinds.kind_disagreement("statement", ["statement"] * 5) is None
    assert kinds.kind_disagreement("news", ["statement"] * 2) is None  # too few pages to say


def test_cue_file_errors_name_file_and_line(tmp_path):
    bad = tmp_path / "cues.toml"
    bad.write_text('min_score = 2\n\n[[cue]]\nkind = "news"\nwhere = "top"\npattern = "x"\nweight = 1\n\n'
                   '[[cue]]\nkind = "gossip"\nwhere = "top"\npattern = "y"\nweight = 1\n')
    with pytest.raises(ValueError, match=r"cues\.toml, line 9: kind must be one of"):
        kinds.load_cues(bad)
    bad.write_text('[[cue]]\nkind = "news"\nwhere = "top"\npattern = "(unclosed"\nweight = 1\n')
    with pytest.raises(ValueError, match=r"line 1: bad pattern"):
        kinds.load_cues(bad)
    bad.write_text("[[cue]\n")
    with pytest.raises(ValueError, match=r"cues\.toml"):
        kinds.load_cues(bad)


def test_shipped_cue_file_loads():
    min_score, cues = kinds.load_cues()
    assert min_score > 0 and {c.kind for c in cues} == set(kinds.KINDS)
