"""`optout search` starts fast: it does not import what only crawling, tagging or writing the archive needs
(the gazetteer's parser, TOML, WARC, URL and simhash modules, Scrapy, trafilatura, the tagger, positions)."""

import json
import shutil
import subprocess
import sys

NOT_FOR_SEARCH = ["indexer.gazetteer", "tomllib", "importlib.resources", "archive.warcstore", "archive.urls",
                  "archive.simhash", "scrapy", "trafilatura", "indexer.tagger", "indexer.quotes", "indexer.positions",
                  "warcio"]

PROGRAM = """
import contextlib, io, json, sys
from search_cli.cli import cli
out = io.StringIO()
with contextlib.redirect_stdout(out):
    try:
        cli.main(["--data-dir", sys.argv[1], *sys.argv[2:]], prog_name="optout")
    except SystemExit as exc:
        code = exc.code
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _search(data, *args: str) -> dict:
    # A fresh interpreter: this one has imported everything already.
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(data), *args], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_a_search_imports_only_what_searching_needs(sample_archive, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(sample_archive, data)
    first = _search(data, "search", "opt", "out")  # the first search writes the alias cache beside the index
    assert first["code"] in (0, None) and (data / "index" / "aliases.json").is_file()
    for args in (("search", "opt", "out"), ("search", "org:NYSUT", "--format", "json"),
                 ("quotes", "refuse", "--state", "NY")):
        run = _search(data, *args)
        assert run["code"] in (0, None), run
        assert run["out"].strip()
        assert [m for m in NOT_FOR_SEARCH if m in run["modules"]] == [], args


def test_names_still_resolve_through_the_gazetteer_aliases(sample_archive):
    # The alias tables come from their cache, not the gazetteer: "New York State United Teachers" still
    # means NYSUT, and an unknown name is still an error.
    full = _search(sample_archive, "search", "org:\"New York State United Teachers\"", "--format", "json")
    short = _search(sample_archive, "search", "org:NYSUT", "--format", "json")
    assert full["code"] in (0, None) and json.loads(full["out"]) == json.loads(short["out"]) != []
