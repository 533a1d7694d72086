"""crawler.settings.environment_overrides: the OPTOUT_* variables that tune a crawl (README, "Tuning a crawl")."""

import pytest

from crawler.settings import environment_overrides


def test_nothing_set_changes_nothing():
    assert environment_overrides({}) == {}
    assert environment_overrides({"HOME": "/tmp", "OPTOUT_HOME": "/tmp/x", "OPTOUT_TIMEOUT": "  "}) == {}


def test_each_variable_sets_its_scrapy_setting():
    out = environment_overrides({"OPTOUT_MAX_BYTES": "4096", "OPTOUT_RETRY_BACKOFF": "0.5",
                                 "OPTOUT_RETRY_AFTER_MAX": "0", "OPTOUT_THROTTLE_START": "2",
                                 "OPTOUT_TIMEOUT": "7.5"})
    assert out == {"DOWNLOAD_MAXSIZE": 4096, "DOWNLOAD_WARNSIZE": 2048, "OPTOUT_RETRY_BACKOFF": 0.5,
                   "OPTOUT_RETRY_AFTER_MAX": 0.0, "AUTOTHROTTLE_START_DELAY": 2.0, "DOWNLOAD_TIMEOUT": 7.5}
    assert isinstance(out["DOWNLOAD_MAXSIZE"], int)


def test_reads_the_process_environment_by_default(monkeypatch):
    monkeypatch.setenv("OPTOUT_TIMEOUT", "3")
    monkeypatch.delenv("OPTOUT_MAX_BYTES", raising=False)
    assert environment_overrides()["DOWNLOAD_TIMEOUT"] == 3.0


@pytest.mark.parametrize("name, value, message", [
    ("OPTOUT_TIMEOUT", "soon", "must be a number"),
    ("OPTOUT_TIMEOUT", "0", "at least 0.1"),
    ("OPTOUT_MAX_BYTES", "100", "at least 1024"),
    ("OPTOUT_RETRY_BACKOFF", "-1", "at least 0"),
    ("OPTOUT_THROTTLE_START", "1e", "must be a number"),
])
def test_bad_values_name_the_variable(name, value, message):
    with pytest.raises(ValueError, match=message) as caught:
        environment_overrides({name: value})
    assert f"${name}" in str(caught.value) and repr(value) in str(caught.value)
