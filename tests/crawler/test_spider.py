"""The spider against the bundled sample web: every article archived once with the labelled title, date
and authors, tracking parameters out of identity, robots.txt obeyed, a User-Agent that names the
project, and every capture readable from its WARC file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from testsupport.faultserver import FaultServer, send
from testsupport.forked import fork_optout

PLACEHOLDER = b"SAMPLE_HOST"  # the sample web's stand-in for host:port (see crawler/sample_web/README.md)
_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml", ".atom": "application/atom+xml",
          ".txt": "text/plain"}


def _sample_responder(root: Path, server: FaultServer):
    def respond(handler) -> None:
        path = urlsplit(handler.path).path
        target = (root / path.lstrip("/")).resolve()
        if target.is_dir():
            target = target / "index.html"
        if root not in target.parents or not target.is_file() or target.name == "sources.toml":
            send(handler, 404, b"<html><body>no such page</body></html>")
            return
        host = server.base.split("//", 1)[1].encode()
        send(handler, 200, target.read_bytes().replace(PLACEHOLDER, host),
             _TYPES.get(target.suffix, "application/octet-stream"))
    return respond


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The sample web served by a server that records every request, crawled once; plus a source whose
    listing page robots.txt disallows."""
    from crawler.sample import sample_root

    root = sample_root().resolve()
    server = FaultServer()
    server.fallback = _sample_responder(root, server)
    server.start()
    host = server.base.split("//", 1)[1]
    sources = (root / "sources.toml").read_text(encoding="utf-8").replace(PLACEHOLDER.decode(), host)
    sources += f'\n[[sources]]\nid = "drafts"\nname = "Drafts"\npages = ["{server.base}/ledger/drafts/index.html"]\n'
    work = tmp_path_factory.mktemp("spider")
    (work / "sources.toml").write_text(sources, encoding="utf-8")
    data = work / "data"
    result = fork_optout("crawl", "--sources", str(work / "sources.toml"), data_dir=data,
                        env={"OPTOUT_THROTTLE_START": "0.05"})
    assert result.returncode == 0, result.stderr
    yield server, data
    server.stop()


def _check_labels(data: Path, base: str, expected: dict) -> None:
    from archive import Archive

    problems = []
    with Archive(data) as archive:
        docs = {d.url: d for d in archive.documents(with_annotations=False)}
        for label in expected["articles"]:
            url = f"{base}/{label['path']}"
            doc = docs.get(url)
            if doc is None:
                problems.append(f"{label['path']}: not archived")
                continue
            for key in ("title", "published", "authors", "source"):
                got = getattr(doc, key)
                if key == "published" and got:
                    got = got[:10]
                if got != label[key]:
                    problems.append(f"{label['path']}: {key} {got!r} != {label[key]!r}")
    assert not problems, "extraction differs from the labels:\n" + "\n".join(problems)


def test_sample_archive_matches_the_labels(sample_archive, sample_web, sample_expected):
    base, _sources = sample_web
    _check_labels(sample_archive, base, sample_expected)


def test_every_article_archived_once_with_its_labels(recorded, sample_expected):
    server, data = recorded
    from archive import Archive

    with Archive(data) as archive:
        docs = list(archive.documents(with_annotations=False))
        assert len(docs) == len(sample_expected["articles"]) == 20
        assert Counter(d.source for d in docs) == Counter(a["source"] for a in sample_expected["articles"])
    _check_labels(data, server.base, sample_expected)
    # each article page was requested exactly once
    for label in sample_expected["articles"]:
        assert server.count("/" + label["path"]) == 1, label["path"]


def test_tracking_parameters_stay_out_of_identity(recorded):
    server, data = recorded
    from archive import Archive

    ledger_requests = [h for h in server.hits() if h.path.startswith("/ledger/news/")]
    assert ledger_requests and all("utm_source=rss" in h.query for h in ledger_requests)  # as the feed links them
    with Archive(data) as archive:
        docs = [d for d in archive.documents(with_annotations=False) if d.source == "hudson-ledger"]
        assert len(docs) == 6
        for doc in docs:
            assert "utm_" not in doc.canonical_url and "utm_" not in doc.url
            # the raw capture keeps the URL exactly as fetched
            assert all("utm_source=rss" in c.url for c in archive.captures(doc.id))


def test_robots_txt_is_obeyed(recorded):
    server, data = recorded
    assert server.count("/robots.txt") == 1
    assert not [h for h in server.hits() if h.path.startswith("/ledger/drafts/")]
    first_robots = server.hits("/robots.txt")[0].at
    assert all(h.at >= first_robots for h in server.hits())  # asked before anything else
    from archive import Archive

    with Archive(data) as archive:
        reasons = [r["reason"] for r in archive.catalog.failures("drafts")]
        assert reasons == ["disallowed by robots.txt"]
        assert not archive.catalog.failures("hudson-ledger") and not archive.catalog.failures("wqrt")


def test_user_agent_names_the_project(recorded):
    server, _data = recorded
    agents = {h.headers.get("user-agent", "") for h in server.hits()}
    assert len(agents) == 1
    (agent,) = agents
    assert agent.startswith("optout-archive/") and "+https://" in agent


def test_every_capture_is_readable_from_warc(recorded):
    from warcio.archiveiterator import ArchiveIterator

    from archive import Archive

    _server, data = recorded
    with Archive(data) as archive:
        captures = archive.catalog.conn.execute("SELECT * FROM captures").fetchall()
        assert len(captures) == 20
        for cap in captures:
            with open(data / "warc" / cap["warc_file"], "rb") as fh:
                fh.seek(cap["warc_offset"])
                record = next(iter(ArchiveIterator(fh)))
                assert record.rec_type == "response"
                assert record.rec_headers.get_header("WARC-Target-URI") == cap["url"]
                body = record.content_stream().read()
                assert len(body) == cap["length"] and body.lstrip().lower().startswith(b"<!doctype html")
        for doc in archive.documents(with_annotations=False):
            assert archive.raw(doc.id).status == 200
    # whole WARC files are valid too: a response and a request record per capture
    types = Counter()
    for path in (data / "warc").glob("*.warc.gz"):
        with open(path, "rb") as fh:
            types.update(record.rec_type for record in ArchiveIterator(fh))
    assert types == {"response": 20, "request": 20}
