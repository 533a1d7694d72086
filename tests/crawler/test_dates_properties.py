"""Properties of the date readers on arbitrary input: a plausible date or nothing, never an exception."""

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler import dates, pubdate

DATE_CHARS = st.text(alphabet=st.sampled_from("0123456789-/.:T+Z ,年月日abcdefghijklmnopqrstuvwxyzMärzJuniMai"),
                     max_size=80)
SOURCES = ["jsonld", "meta", "itemprop", "time", "header", "cue", "htmldate", "url", "modified", "header-updated"]


def plausible(value: str) -> bool:
    return len(value) == 10 and "1990-01-01" <= value <= "2100-12-31"


@settings(max_examples=300, deadline=None)
@given(st.one_of(DATE_CHARS, st.text(max_size=200)), st.sampled_from(["en", "de", "fr", "ja", "xx", None]))
def test_written_dates_are_plausible_and_in_order(text, lang):
    found = dates.written_dates(text, lang)
    assert all(plausible(d) and 0 <= start < end <= len(text) for start, end, d in found)
    assert [f[0] for f in found] == sorted(f[0] for f in found)


@settings(max_examples=300, deadline=None)
@given(st.one_of(DATE_CHARS, st.text(max_size=120)))
def test_stamps_parse_to_a_plausible_day_or_none(value):
    stamp = dates.parse_stamp(value)
    if stamp is not None:
        assert plausible(stamp.iso())
        for target in (-720, 0, 840, "America/New_York", "Not/AZone"):
            local = dates.local_date(stamp, target)
            assert len(local) == 10


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.dates().map(lambda d: d.isoformat()), st.sampled_from(SOURCES)), max_size=12))
def test_the_vote_picks_one_of_the_candidates(pairs):
    cands = [pubdate.Candidate(d, s) for d, s in pairs]
    decision = pubdate.decide(cands)
    if cands:
        assert decision.date in {c.date for c in cands}
    else:
        assert decision.date is None
