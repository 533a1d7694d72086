"""Publication dates on fictional pages built around each trap: time zones, sidebars, captions, other languages."""

import json
from pathlib import Path

import pytest

from crawler import dates, pubdate
from crawler.extract import extract

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def published(name: str, url: str | None = None, **kw) -> str | None:
    return extract((PAGES / name).read_bytes(), url or f"https://paper.example/story/{name}", **kw).published


@pytest.mark.parametrize("name, expected", [
    ("date-utc-evening.html", "2023-11-08"),    # UTC stamp, page prints "8:10 PM PST": the publisher's day
    ("date-sidebar-first.html", "2016-03-03"),  # related-posts <time> first on the page, comment dates later
    ("date-caption.html", "2015-09-22"),        # a photo caption's date above the posted line
    ("date-german.html", "2019-02-20"),         # "Veröffentlicht am 20. Februar 2019"
    ("date-french.html", "2020-05-07"),         # "Publié le 7 mai 2020"
    ("date-dotted.html", "2022-01-27"),         # 27.01.2022
    ("date-updated.html", "2015-03-02"),        # published beats updated
    ("date-abbr.html", "2012-10-15"),           # <abbr class="published" title=...>
    ("date-canonical-url.html", "2017-06-21"),  # only the canonical URL carries it
    ("date-none.html", None),                   # a copyright year is not a date
])
def test_date_traps(name, expected):
    assert published(name) == expected


def test_source_time_zone_applies_only_without_a_printed_offset():
    assert published("date-source-zone.html") == "2021-03-02"  # the stamp's own offset (Z)
    assert published("date-source-zone.html", time_zone="America/Chicago") == "2021-03-01"
    # the printed PST wins over a source zone given as Tokyo
    assert published("date-utc-evening.html", time_zone="Asia/Tokyo") == "2023-11-08"


def test_evidence_names_the_winning_candidate():
    ex = extract((PAGES / "date-german.html").read_bytes(), "https://zeitung.example/x")
    assert ex.date_evidence.startswith("header") and "cue" in ex.date_evidence


def test_written_dates_in_several_languages():
    found = [d for _, _, d in dates.written_dates("Mittwoch, 20. Februar 2019; 3/4/2015", "de")]
    assert found == ["2019-02-20", "2015-04-03"]  # slashed dates are day-first in German
    assert [d for *_, d in dates.written_dates("on 3/4/2015", "en")] == ["2015-03-04"]
    assert [d for *_, d in dates.written_dates("on 3/4/2015", "en-GB")] == ["2015-04-03"]  # British day first
    assert [d for *_, d in dates.written_dates("3/14/2015 then 4/3/2015", "en-GB")] == ["2015-03-14", "2015-03-04"]
    assert [d for *_, d in dates.written_dates("le 07 Mai 2020", "fr")] == ["2020-05-07"]
    assert [d for *_, d in dates.written_dates("2019年6月24日", "ja")] == ["2019-06-24"]
    assert dates.written_dates("Mai 2020", "fr") == []  # no day, no date


def test_printed_offsets_and_local_dates():
    assert dates.printed_offset("Nov 8, 2023, 10:35 PM PST") == -480
    assert dates.printed_offset("14:05 Uhr MEZ") == 60
    assert dates.printed_offset("(GMT-05:00)") == -300
    summer = dates.parse_stamp("2015-07-01").day
    assert dates.printed_offset("9:00 a.m. ET", summer) == -240  # EDT in July
    assert dates.printed_offset("Page 2 of 10") is None
    stamp = dates.parse_stamp("2023-11-09T06:35:29+00:00")
    assert dates.local_date(stamp, -480) == "2023-11-08"
    assert dates.local_date(stamp, "America/Los_Angeles") == "2023-11-08"
    assert dates.local_date(stamp, None) == "2023-11-09"
    assert dates.local_date(dates.parse_stamp("2023-11-09"), -480) == "2023-11-09"  # no time: as written


def test_dateparser_always_gets_languages(monkeypatch):
    import dateparser.date

    from crawler.extract import parse_tree

    seen = []
    real = dateparser.date.DateDataParser

    class Spy(real):
        def __init__(self, *args, **kwargs):
            seen.append(kwargs.get("languages"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(dateparser.date, "DateDataParser", Spy)
    dates._parser.cache_clear()
    pubdate._dateparser_for.cache_clear()
    assert dates.parse_any("Mittwoch, 20. Februar 2019", "de") == "2019-02-20"
    # htmldate's own dateparser fallback is held to the page's language too
    tree = parse_tree("<html><body><p class='date'>le mercredi 3 juin 2015</p><p>Texte.</p></body></html>")
    pubdate._htmldate(tree, "fr")
    dates._parser.cache_clear()
    pubdate._dateparser_for.cache_clear()
    assert seen and all(langs for langs in seen)


def _body(extra_head="", extra_body=""):
    return (f"<html lang='en'><head><title>T</title>{extra_head}</head><body><article><h1>Trap page</h1>"
            f"{extra_body}<p>{'Words about the tests and the families. ' * 30}</p></article></body></html>")


BAD_PAGES = {
    "many dates": _body(extra_body="".join(f"<span class='date'>{1 + i % 28}.{1 + i % 12}.{1990 + i % 30} "
                                          f"March {1 + i % 28}, {1995 + i % 20}</span>" for i in range(5000))),
    "far years": _body('<meta property="article:published_time" content="99999-01-01T00:00:00Z">'
                       '<meta name="date" content="0001-01-01">', "<time datetime='0001-01-01'>then</time>"),
    "garbage time": _body(extra_body="<time datetime='\x00\ufffd2015-13-45T99:99+99:99'>soon</time>"
                                     "<time datetime='yesterday-ish'>x</time>"),
    "huge json-ld": _body('<script type="application/ld+json">' + json.dumps(
        {"@type": "NewsArticle", "datePublished": "2014-02-03", "articleBody": "x" * 5_000_000}) + "</script>"),
    "invalid json-ld": _body('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": '
                             '"2014-02-03", [[[</script>'),
    "conflicts": _body('<meta property="article:published_time" content="2011-01-05">'
                       '<script type="application/ld+json">{"@type":"Article","datePublished":"2012-02-06"}</script>',
                       "<time datetime='2013-03-07'>x</time><p class='date'>April 8, 2014</p>"),
}


@pytest.mark.parametrize("name", sorted(BAD_PAGES))
def test_bad_input_gives_a_date_or_null(name):
    ex = extract(BAD_PAGES[name].encode(), "https://bad.example/page")
    assert ex.published is None or (len(ex.published) == 10 and "1995-01-01" <= ex.published <= "2100-01-01")


def test_bad_input_specifics():
    assert extract(BAD_PAGES["far years"].encode(), "https://bad.example/p").published is None
    # the broken block's date may still be read by htmldate's patterns, but nothing else
    assert extract(BAD_PAGES["invalid json-ld"].encode(), "https://bad.example/p").published in (None, "2014-02-03")
    assert extract(BAD_PAGES["huge json-ld"].encode(), "https://bad.example/p").published == "2014-02-03"
    assert dates.parse_stamp("99999-01-01") is None and dates.parse_stamp("0001-01-01") is None
    assert dates.parse_stamp("\x00garbage") is None and dates.parse_stamp(None) is None
    assert len(dates.written_dates(" 1.2.2015" * 5000, "de", limit=10**6)) <= dates.MAX_WRITTEN_DATES


def test_the_vote_prefers_the_header_over_one_declared_date():
    cands = [pubdate.Candidate("2020-01-20", "meta"), pubdate.Candidate("2020-01-19", "header"),
             pubdate.Candidate("2020-01-20", "htmldate")]  # htmldate only repeats the meta tag
    assert pubdate.decide(cands).date == "2020-01-19"
    assert pubdate.decide([]).date is None
    assert pubdate.decide([pubdate.Candidate("2019-05-01", "modified")]).date == "2019-05-01"
