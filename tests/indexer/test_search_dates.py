"""Dates as people type them, relative to a fixed "today" (no clock in the assertions)."""

from datetime import date

import pytest

from indexer.dates import DateError, DateSpan, parse_date, parse_span, resolve_range

TODAY = date(2026, 12, 1)


@pytest.mark.parametrize("text, start, end", [
    ("2015", "2015-01-01", "2015-12-31"),
    ("March 2015", "2015-03-01", "2015-03-31"),
    ("2015-03", "2015-03-01", "2015-03-31"),
    ("2015-03-31", "2015-03-31", "2015-03-31"),
    ("March 31, 2015", "2015-03-31", "2015-03-31"),
    ("spring 2015", "2015-03-01", "2015-05-31"),
    ("fall 2015", "2015-09-01", "2015-11-30"),
    ("autumn 2015", "2015-09-01", "2015-11-30"),
    ("winter 2015", "2015-12-01", "2016-02-29"),
    ("2015-16", "2015-07-01", "2016-06-30"),
    ("2015-2016", "2015-07-01", "2016-06-30"),
    ("school year 2015-16", "2015-07-01", "2016-06-30"),
    ("2014-2017", "2014-01-01", "2017-12-31"),
    ("2014 to 2016", "2014-01-01", "2016-12-31"),
    ("between spring 2015 and fall 2016", "2015-03-01", "2016-11-30"),
    ("last spring", "2026-03-01", "2026-05-31"),  # issue 10: on 2026-12-01, spring 2026 (not 2025)
    ("last fall", "2026-09-01", "2026-11-30"),  # fall 2026 ended the day before
    ("this spring", "2026-03-01", "2026-05-31"),
    ("last year", "2025-01-01", "2025-12-31"),
    ("last month", "2026-11-01", "2026-11-30"),
    ("past 2 years", "2024-12-01", "2026-12-01"),
    ("2 years ago", "2024-12-01", "2024-12-01"),
])
def test_forms(text, start, end):
    span = parse_span(text, TODAY)
    assert (span.start.isoformat(), span.end.isoformat()) == (start, end)


def test_last_season_is_the_latest_that_has_ended():
    assert parse_span("last spring", date(2026, 4, 15)).start == date(2025, 3, 1)
    assert parse_span("last fall", date(2026, 11, 30)).start == date(2025, 9, 1)


@pytest.mark.parametrize("bad", ["the twelfth of never", "2015-02-30", "", "2017 to 2014", "x" * 200])
def test_unreadable_dates_are_errors(bad):
    with pytest.raises(DateError):
        parse_span(bad, TODAY)


def test_ranges_from_options():
    span = resolve_range(since="2015-16", until="spring 2017", today=TODAY)
    assert span == DateSpan(date(2015, 7, 1), date(2017, 5, 31))
    assert span.describe() == "2015-07-01 to 2017-05-31"
    assert resolve_range(during="last spring", today=TODAY).describe() == "2026-03-01 to 2026-05-31"
    assert resolve_range(since="2016", today=TODAY).describe() == "from 2016-01-01"
    with pytest.raises(DateError):
        resolve_range(since="2017", until="2015", today=TODAY)


def test_parse_date_gives_first_and_last_moments():
    assert parse_date("2015", today=TODAY).isoformat() == "2015-01-01T00:00:00"
    assert parse_date("2015", end=True, today=TODAY).isoformat() == "2015-12-31T23:59:59"
    assert parse_date(None) is None
