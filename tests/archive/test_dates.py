"""archive.dates: the one reader of the ISO dates the catalog stores."""

from datetime import date, datetime

import pytest

from archive.dates import date_of, date_parts, datetime_of, year_of


@pytest.mark.parametrize("value, year, day", [
    ("2015", 2015, None),
    ("2015-03", 2015, None),
    ("2015-03-31", 2015, date(2015, 3, 31)),
    ("2015-03-31T23:30:00-05:00", 2015, date(2015, 3, 31)),  # the publisher's date, never shifted to UTC
    ("2015-03-31T10:00:00Z", 2015, date(2015, 3, 31)),
    (" 1999-12-01 ", 1999, date(1999, 12, 1)),
    ("2015-02-30", 2015, None),
    ("March 2015", None, None),
    ("", None, None),
    (None, None, None),
])
def test_year_and_date(value, year, day):
    assert year_of(value) == year
    assert date_of(value) == day
    assert datetime_of(value) == (datetime(day.year, day.month, day.day) if day else None)


@pytest.mark.parametrize("value, parts", [
    ("2015", (2015, None, None)),
    ("2015-3", (2015, 3, None)),
    ("2015-03-31T10:00:00Z", (2015, 3, 31)),
    ("2015-02-30", (2015, 2, None)),
    ("2015-13-01", None),
    ("0000-01-01", None),
    ("Spring 2015", None),
    (None, None),
])
def test_date_parts_keep_the_precision_given(value, parts):
    assert date_parts(value) == parts
