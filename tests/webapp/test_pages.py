"""The web app's pages over the sample archive, in process: the same results as the CLI's library calls."""

from __future__ import annotations

import html
import json
import re

from testsupport.cli import invoke


def ids_in(page: str) -> list[str]:
    return re.findall(r'class="title" href="/doc/([0-9a-f]{16})"', page)


def cli_json(data, *args):
    result = invoke(*args, "--format", "json", "--with-total", data_dir=data)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_search_page_matches_the_cli(client, web_data):
    data, _ = web_data
    page = client.get("/search", params={"q": "opt out", "limit": "5"})
    assert page.status_code == 200
    cli = cli_json(data, "search", "opt", "out", "--limit", "5")
    assert ids_in(page.text) == [h["id"] for h in cli["hits"]]
    assert f"1-5 of {cli['total']} documents (page 1 of {cli['pages']})" in page.text
    assert "<mark>" in page.text  # snippets highlight the query's words


def test_paging_and_totals(client, web_data):
    data, _ = web_data
    first = client.get("/search", params={"q": "tests", "limit": "5"})
    nxt = re.search(r'id="next" href="([^"]+)"', first.text)
    assert nxt, "a next-page link"
    second = client.get(html.unescape(nxt.group(1)))
    cli = cli_json(data, "search", "tests", "--limit", "5", "--page", "2")
    assert ids_in(second.text) == [h["id"] for h in cli["hits"]]
    assert "(page 2 of" in second.text and 'id="prev"' in second.text
    beyond = client.get("/search", params={"q": "tests", "page": "999"})
    assert beyond.status_code == 200 and "no documents on page 999" in beyond.text


def test_facet_links_narrow_the_search(client, web_data):
    data, _ = web_data
    page = client.get("/search", params={"q": "tests"})
    link = re.search(r'class="facet-link" href="([^"]*org=[^"]*)">([^<]+)</a>', page.text)
    assert link, "an organization facet to click"
    narrowed = client.get(html.unescape(link.group(1)))
    name = html.unescape(link.group(2))
    cli = cli_json(data, "search", "tests", "--org", name)
    assert ids_in(narrowed.text) == [h["id"] for h in cli["hits"]] and 0 < cli["total"]
    assert cli["total"] < cli_json(data, "search", "tests")["total"]  # clicking narrowed the set
    assert f"mentions: {name}" in html.unescape(narrowed.text)  # the active filter is shown, removable


def test_by_versus_mentions(client, web_data):
    data, _ = web_data
    for param, option in (("org", "--org"), ("by", "--by")):
        page = client.get("/search", params={param: "NYSUT", "limit": "50"})
        cli = cli_json(data, "search", option, "NYSUT", "--limit", "50")
        assert page.status_code == 200 and ids_in(page.text) == [h["id"] for h in cli["hits"]]
    mentions = cli_json(data, "search", "--org", "NYSUT", "--limit", "50")["total"]
    by = cli_json(data, "search", "--by", "NYSUT", "--limit", "50")["total"]
    assert mentions != by  # the sample web has both kinds, so the two filters must differ


def test_filters_and_dates(client, web_data):
    data, _ = web_data
    page = client.get("/search", params={"q": "PARCC", "state": "NJ", "kind": "news", "since": "2015", "until": "2016"})
    cli = cli_json(data, "search", "PARCC", "--state", "NJ", "--kind", "news", "--since", "2015", "--until", "2016")
    assert ids_in(page.text) == [h["id"] for h in cli["hits"]]
    assert "published" in page.text and cli["dates"] in page.text


def test_quotes_cards_cite_like_the_cli(client, web_data):
    data, _ = web_data
    page = client.get("/quotes", params={"q": "opt out", "limit": "3"})
    assert page.status_code == 200
    for style in ("apa", "mla", "chicago"):
        result = invoke("quotes", "opt", "out", "--limit", "3", "--cite", style, "--format", "json", data_dir=data)
        cited = [h["citation"].replace("*", "") for h in json.loads(result.stdout)]
        shown = [html.unescape(c) for c in re.findall(rf'data-style="{style}" data-citation="([^"]*)"', page.text)]
        assert shown == cited and cited
    assert re.search(r'class="passage" href="/doc/[0-9a-f]{16}\?quote=\d+#passage"', page.text)


def test_document_page(client, web_data):
    data, _ = web_data
    hit = cli_json(data, "quotes", "opt", "out", "--limit", "1")["hits"][0]
    doc = json.loads(invoke("show", hit["doc_id"], "--format", "json", data_dir=data).stdout)
    seq = next(i for i, q in enumerate(doc["quotes"]) if q["text"] == hit["text"])
    page = client.get(f"/doc/{hit['doc_id']}", params={"quote": str(seq)})
    assert page.status_code == 200
    assert html.escape(doc["title"], quote=False) in page.text
    for organization in doc["organizations"]:
        assert f'/org/{organization}"' in page.text or organization in page.text
    marked = re.search(r'<mark id="passage">(.*?)</mark>', page.text, re.S)
    assert marked and html.unescape(marked.group(1)).split() == hit["text"].split()
    assert "Capture history" in page.text and doc["captures"][0]["captured_at"] in page.text


def test_organization_page_draws_a_chart(client, web_data):
    data, _ = web_data
    result = json.loads(invoke("org", "NYSUT", "--format", "json", data_dir=data).stdout)
    page = client.get("/org/NYSUT")
    assert page.status_code == 200 and "<svg" in page.text
    bars = re.findall(r'data-year="([^"]+)" data-position="(\w+)" data-count="(\d+)"', page.text)
    expected = sorted((year, p, str(kinds["statement"].get(p, 0) + kinds["quote"].get(p, 0)))
                      for year, kinds in result["positions"].items()
                      for p in ("supports", "opposes", "neutral", "none", "unscored")
                      if kinds["statement"].get(p, 0) + kinds["quote"].get(p, 0))
    assert sorted(bars) == expected and expected
    alias = client.get("/org/New York State United Teachers")
    assert alias.status_code == 200 and "<h1>NYSUT</h1>" in alias.text
    listing = client.get("/org")
    assert listing.status_code == 200 and 'href="/org/NYSUT"' in listing.text


def test_sources_page(client, web_data):
    data, _ = web_data
    rows = json.loads(invoke("sources", "status", "--format", "json", data_dir=data).stdout)
    page = client.get("/sources")
    assert page.status_code == 200
    for row in rows:
        assert f">{row['id']}</a>" in page.text


def test_archived_copy_is_framed_and_sandboxed(client, web_data):
    data, ids = web_data
    page = client.get(f"/doc/{ids['script']}/archived")
    assert page.status_code == 200 and "Archived copy." in page.text
    assert re.search(rf'<iframe id="archived"[^>]* src="/raw/{ids["script"]}" sandbox=""', page.text)
    raw = client.get(f"/raw/{ids['script']}")
    body = invoke("show", ids["script"], "--raw", data_dir=data).stdout
    assert raw.status_code == 200 and raw.text == body  # exactly as archived
    csp = raw.headers["content-security-policy"]
    for directive in ("sandbox", "default-src 'none'", "script-src 'none'", "form-action 'none'", "connect-src 'none'"):
        assert directive in csp
    imported = client.get(f"/doc/{ids['imported']}/archived")
    assert imported.status_code == 404 and "imported" in imported.text
