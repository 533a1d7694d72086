"""APA 7, MLA 9 and Chicago 17 citations of news articles, statements and web pages (fictional people)."""

from types import SimpleNamespace

import pytest

from indexer.citations import STYLES, format_citation, reference_from_document
from indexer.citations.model import parse_date, parse_name

URL = "https://hudsonledger.example/news/2016/05/teachers-back-families.html"


def doc(**over):
    base = dict(id="d1", url=URL + "?utm_source=feed", canonical_url=URL, kind="news",
                title="Teachers back families who skip the state exam", authors=["Odalys Castellano"],
                published="2016-05-08T07:30:00-04:00", captured_at="2026-11-23T10:00:00Z", language="en",
                source_organization=None)
    base.update(over)
    return SimpleNamespace(**base)


def cite(style, publication="The Hudson Ledger", **over):
    return format_citation(reference_from_document(doc(**over), publication), style)


def test_apa_news_article_matches_the_issue_example():
    assert cite("apa") == ("Castellano, O. (2016, May 8). Teachers back families who skip the state exam. "
                           f"*The Hudson Ledger*. {URL}")


def test_mla_news_article():
    assert cite("mla") == ("Castellano, Odalys. “Teachers back families who skip the state exam.” *The Hudson Ledger*, "
                           "8 May 2016, hudsonledger.example/news/2016/05/teachers-back-families.html. Accessed 23 Nov. 2026.")


def test_chicago_bibliography_and_note_for_news():
    assert cite("chicago") == ("Castellano, Odalys. “Teachers back families who skip the state exam.” *Hudson Ledger*, "
                               f"May 8, 2016. {URL}.")
    assert cite("chicago-note") == ("Odalys Castellano, “Teachers back families who skip the state exam,” *Hudson Ledger*, "
                                    f"May 8, 2016, {URL}.")


def test_two_and_many_authors():
    two = ["Odalys Castellano", "Bram Okafor-Lind"]
    assert cite("apa", authors=two).startswith("Castellano, O., & Okafor-Lind, B. (2016, May 8).")
    assert cite("mla", authors=two).startswith("Castellano, Odalys, and Bram Okafor-Lind. “")
    assert cite("chicago", authors=two).startswith("Castellano, Odalys, and Bram Okafor-Lind. “")
    assert cite("chicago-note", authors=two).startswith("Odalys Castellano and Bram Okafor-Lind, “")
    three = [*two, "Jean-Luc Marchetti Jr."]
    assert cite("apa", authors=three).startswith("Castellano, O., Okafor-Lind, B., & Marchetti, J.-L., Jr. (2016")
    assert cite("mla", authors=three).startswith("Castellano, Odalys, et al. “")
    twelve = [f"Writer{chr(65 + i)} Person{chr(65 + i)}" for i in range(12)]
    chicago = cite("chicago", authors=twelve)
    assert chicago.count("Person") == 7 and "et al." in chicago
    apa = cite("apa", authors=[f"Given{chr(65 + i)} Family{chr(65 + i)}" for i in range(22)])
    assert ". . . FamilyV, G." in apa and "FamilyT" not in apa and apa.count("Family") == 20


def statement(**over):
    return dict(kind="statement", authors=[], source_organization="RFT", url="https://rft.example/press/refusal.html",
                canonical_url="https://rft.example/press/refusal.html",
                title="Union stands with parents who refuse the tests", published="2015-03-03", **over)


def test_statement_has_the_organization_as_author_and_no_repeated_site():
    pub = "Riverside Federation of Teachers"
    assert cite("apa", pub, **statement()) == ("Riverside Federation of Teachers. (2015, March 3). "
                                               "*Union stands with parents who refuse the tests*. https://rft.example/press/refusal.html")
    # MLA 9: an organization that is author and publisher is given once, as the container.
    assert cite("mla", pub, **statement()) == ("“Union stands with parents who refuse the tests.” *Riverside Federation of "
                                               "Teachers*, 3 Mar. 2015, rft.example/press/refusal.html. Accessed 23 Nov. 2026.")
    assert cite("chicago", pub, **statement()) == ("Riverside Federation of Teachers. “Union stands with parents who refuse "
                                                   "the tests.” March 3, 2015. https://rft.example/press/refusal.html.")


def test_statement_without_publication_uses_the_source_organization():
    assert cite("apa", None, **statement()).startswith("RFT. (2015, March 3). *Union stands")


def test_web_page_with_a_person_author_names_the_site_in_roman():
    page = dict(kind="advocacy", authors=["Lena Fairbrook"], title="Our family said no to the spring test")
    out = cite("apa", "Fewer Tests Parents", **page)
    assert out.startswith("Fairbrook, L. (2016, May 8). *Our family said no to the spring test*. Fewer Tests Parents. https")
    assert cite("chicago", "Fewer Tests Parents", **page).startswith(
        "Fairbrook, Lena. “Our family said no to the spring test.” Fewer Tests Parents. May 8, 2016. https")


def test_unsigned_news_article_moves_the_title_or_the_paper_forward():
    assert cite("apa", authors=[]).startswith("Teachers back families who skip the state exam. (2016, May 8). *The Hudson")
    assert cite("mla", authors=[]).startswith("“Teachers back families who skip the state exam.” *The Hudson Ledger*")
    assert cite("chicago", authors=[]).startswith("*Hudson Ledger*. “Teachers back families who skip the state exam.” May 8, 2016.")
    assert cite("chicago-note", authors=[]).startswith("“Teachers back families who skip the state exam,” *Hudson Ledger*")


def test_no_date_gives_the_archive_date_where_the_style_asks_for_it():
    assert cite("apa", published=None).endswith(f"(n.d.). Teachers back families who skip the state exam. "
                                                f"*The Hudson Ledger*. Retrieved November 23, 2026, from {URL}")
    assert "Accessed November 23, 2026." in cite("chicago", published=None)
    assert cite("mla", published=None).endswith("teachers-back-families.html. Accessed 23 Nov. 2026.")


def test_archive_date_only_where_the_style_allows():
    assert "2026" not in cite("apa") and "2026" not in cite("chicago")
    assert "Accessed 23 Nov. 2026." in cite("mla")


def test_partial_dates():
    assert "(2016, May)." in cite("apa", published="2016-05")
    assert "(2016)." in cite("apa", published="2016")
    assert ", May 2016, " in cite("mla", published="2016-05")
    assert "*Hudson Ledger*, 2016." in cite("chicago", published="2016")


@pytest.mark.parametrize("style", sorted(STYLES))
def test_no_host_name_and_no_nonstandard_parts(style):
    out = cite(style, publication=None, url="http://127.0.0.1:8765/a.html", canonical_url=None)
    assert "[Quote" not in out and "Archived" not in out and "Quoting" not in out
    assert "127.0.0.1." not in out and "127.0.0.1," not in out.replace("127.0.0.1:8765/a.html", "")


@pytest.mark.parametrize("style", sorted(STYLES))
@pytest.mark.parametrize("over", [
    dict(title=None), dict(published=None, captured_at=None), dict(authors=[]), dict(title="Opt-out " * 250),
    dict(title=None, published=None, captured_at=None, authors=[], url="", canonical_url=None),
    dict(title="A title\nsplit over\tlines\x00", authors=["", "  ", "Staff"]), dict(published="not a date"),
    dict(published="2016-13-45"), dict(kind="statement", authors=[], title=None),
])
def test_missing_and_hostile_fields_give_sane_citations(style, over):
    out = cite(style, **over)
    assert out and "\n" not in out and "\x00" not in out and "None" not in out
    assert len(out) < 600
    if over.get("title", "") is None:
        assert "ntitled" in out


def test_long_title_is_cut_at_a_word():
    out = cite("apa", title="Opt-out " * 250)
    assert "Opt-out Opt-out…" in out and "Opt-ou…" not in out


def test_titles_ending_in_a_question_keep_their_mark():
    out = cite("mla", title="Should parents opt out?")
    assert "“Should parents opt out?” *The Hudson Ledger*" in out
    assert "Should parents opt out? (2016" in cite("apa", title="Should parents opt out?", authors=[])


def test_names_and_dates():
    assert parse_name("Odalys Castellano").family == "Castellano"
    assert parse_name("Marisol de la Vega").family == "de la Vega"
    assert parse_name("Associated Press").is_organization
    assert parse_name("NYSUT Communications Staff").is_organization
    assert parse_name("Editors").is_organization
    assert parse_name("   ") is None
    assert parse_date("2016-05-08T23:30:00-05:00").parts() == [2016, 5, 8]  # the publisher's date, not UTC
    assert parse_date("garbage") is None and parse_date(None) is None


def test_unknown_style_is_a_value_error():
    with pytest.raises(ValueError, match="unknown citation style"):
        format_citation(reference_from_document(doc(), None), "harvard")


def test_the_vocabulary_file_is_validated_with_file_and_line():
    from indexer.citations.model import CitationDataError, _parse_vocabulary

    assert "union" in _parse_vocabulary('organization_words = ["Union"]\n', "f.toml")
    with pytest.raises(CitationDataError, match=r"f\.toml:2: organization_words must be"):
        _parse_vocabulary('# words\norganization_words = ["ok", 3]\n', "f.toml")
    with pytest.raises(CitationDataError, match="unknown key 'extra'"):
        _parse_vocabulary('organization_words = ["a"]\nextra = 1\n', "f.toml")
    with pytest.raises(CitationDataError, match="TOML error"):
        _parse_vocabulary("organization_words = [", "f.toml")
