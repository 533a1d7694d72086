"""PDF statements and letters (issue 13, item 4): text, title, date and authors from PDFs the tests write
(testsupport/pdfs.py), and a one-line reason, never a hang or a crash, for scans, broken files and bombs."""

from __future__ import annotations

import pytest

from crawler.pdf import MAX_FORM_DEPTH, PdfFailure, extract_pdf, looks_like_pdf
from testsupport import pdfs

URL = "https://rea.example/files/statement.pdf"
QUOTE = ("\u201cNo child should be punished because a parent said no to a test,\u201d said Dana Whitfield, "
         "president of the association.")


def test_a_multi_page_statement_reads_title_dateline_and_every_page():
    ex = extract_pdf(pdfs.statement_pdf(3), URL, "statement")
    assert ex.title == "Riverbend teachers back families who opt out"
    assert (ex.published, ex.date_evidence) == ("2015-04-02", "pdf text: dateline")
    lines = ex.text.splitlines()
    assert lines[1] == pdfs.STATEMENT_PARAGRAPHS[0]  # one paragraph per line, rows joined
    assert any(line.startswith(QUOTE) for line in lines)  # curly quotes survive (WinAnsi)
    assert sum("(Part 3.)" in line for line in lines) == 4  # the last page too
    # running footer and page numbers are page furniture, the heading is the title
    assert "Riverbend Education Association" not in lines and "2" not in lines
    assert ex.title not in lines
    assert ex.kind == "statement" and ex.language == "en"


def test_two_columns_come_out_column_by_column():
    ex = extract_pdf(pdfs.statement_pdf(1, columns=2, footer=None), URL)
    lines = ex.text.splitlines()
    # every paragraph whole (rows of the two columns never interleave), left column before right
    positions = [lines.index(p) for p in pdfs.STATEMENT_PARAGRAPHS]
    assert positions == sorted(positions)


def test_info_dictionary_title_and_author_when_they_are_plausible():
    good = {"Title": "Why our members support refusal", "Author": "Dana Whitfield; Omar Castellanos",
            "CreationDate": "D:20160301093000-05'00'"}
    ex = extract_pdf(pdfs.statement_pdf(1, info=good, dateline=None), URL)
    assert ex.title == "Why our members support refusal"
    assert ex.authors == ["Dana Whitfield", "Omar Castellanos"]
    assert (ex.published, ex.date_evidence) == ("2016-03-01", "pdf metadata: CreationDate")
    junk = {"Title": "Microsoft Word - Statement_final2.docx", "Author": "Administrator",
            "CreationDate": "D:19800101000000Z"}
    ex = extract_pdf(pdfs.statement_pdf(1, info=junk, dateline=None), URL)
    assert ex.title == "Riverbend teachers back families who opt out"  # the heading, not the file name
    assert ex.authors == [] and ex.published is None and ex.date_evidence == ""


def test_a_sentence_mentioning_a_date_is_not_a_dateline():
    ex = extract_pdf(pdfs.statement_pdf(1, dateline="Testing begins April 14, 2015"), URL)
    assert ex.published is None


def test_feed_hints_fill_what_the_file_lacks():
    body = pdfs.build_pdf([pdfs.letter_page(None, pdfs.STATEMENT_PARAGRAPHS)])
    ex = extract_pdf(body, URL, feed_entry={"title": "Letter to families", "published": "2015-05-06",
                                            "authors": ["Dana Whitfield"]})
    assert (ex.title, ex.published, ex.date_evidence, ex.authors) == (
        "Letter to families", "2015-05-06", "feed", ["Dana Whitfield"])


def test_an_image_only_page_is_counted_and_an_image_only_pdf_has_no_text():
    ex = extract_pdf(pdfs.statement_pdf(3, image_pages=(1,)), URL)
    assert "1 without text" in ex.listing_evidence and "(Part 3.)" in ex.text
    with pytest.raises(PdfFailure, match=r"^no text: an image-only \(scanned\) PDF, 2 page"):
        extract_pdf(pdfs.build_pdf([pdfs.image_page(), pdfs.image_page()]), URL)


@pytest.mark.parametrize("body, reason", [
    (pdfs.broken_pdf(), "broken PDF"),
    (b"<html>not a pdf</html>", "not a PDF"),
    (pdfs.statement_pdf(2)[:900], "broken PDF"),  # cut off mid-file
    (pdfs.nested_forms_pdf(200), f"nested more than {MAX_FORM_DEPTH} deep"),
    (pdfs.many_pages_pdf(5000), "PDF has 5000 pages, more than the 300 read"),
    (pdfs.many_pages_pdf(400, declared=1), "more than the 300 pages read"),  # a page tree that lies
    (pdfs.inflate_bomb_pdf(), "inflates past"),
])
def test_hostile_pdfs_fail_with_a_one_line_reason(body, reason):
    with pytest.raises(PdfFailure) as err:
        extract_pdf(body, URL)
    assert reason in str(err.value) and "\n" not in str(err.value)


def test_deeply_nested_arrays_do_not_crash_the_reader():
    try:
        ex = extract_pdf(pdfs.nested_arrays_pdf(50_000), URL)
    except PdfFailure as exc:  # refusing is fine too; a RecursionError or a hang is not
        assert "nested" in str(exc)
    else:
        assert ex.text == "Shallow text."


def test_time_and_size_caps():
    body = pdfs.statement_pdf(20)
    with pytest.raises(PdfFailure, match="took longer than 0 s"):
        extract_pdf(body, URL, max_seconds=0)
    with pytest.raises(PdfFailure, match="larger than"):
        extract_pdf(body, URL, max_bytes=len(body) - 1)
    with pytest.raises(PdfFailure, match="PDF has 20 pages, more than the 5 read"):
        extract_pdf(body, URL, max_pages=5)


def test_pdf_by_type_or_magic():
    assert looks_like_pdf(b"anything", "application/pdf; qs=0.9")
    assert looks_like_pdf(b"\r\n%PDF-1.7 ...", "application/octet-stream")
    assert not looks_like_pdf(b"<html><p>A page.</p></html>", "text/html")
