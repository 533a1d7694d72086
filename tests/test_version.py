"""One version string: the package metadata's, everywhere it is shown."""

from importlib.metadata import version

from testsupport.cli import invoke


def test_cli_crawler_and_archive_agree_with_the_metadata():
    import crawler
    from archive.version import __version__
    from crawler.settings import USER_AGENT

    expected = version("optout-archive")
    assert __version__ == crawler.__version__ == expected
    assert f"optout-archive/{expected} " in USER_AGENT
    result = invoke("--version")
    assert result.returncode == 0 and result.stdout.strip() == f"optout, version {expected}"
