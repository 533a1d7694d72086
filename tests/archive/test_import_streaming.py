"""`optout import` of a large file: checked line by line before anything is written, one document in memory
at a time, a bad line anywhere leaves the archive untouched and is named."""

import json
import tracemalloc

from archive import Archive
from testsupport.cli import invoke


def _line(i: int) -> str:
    text = " ".join(f"Parents in Millbrook wrote letter {i} about the spring reading exam, week {k}." for k in range(12))
    return json.dumps({"id": f"{i:016x}", "url": f"https://valley-ledger.example/2016/story-{i}.html",
                       "kind": "news", "title": f"Story {i}", "published": "2016-04-01", "text": text,
                       "organizations": ["NYSUT"], "states": ["NY"], "quotes": [{"text": "We said no", "speaker": None}]})


def _file(path, n, bad_at=None):
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(1, n + 1):
            fh.write(("{\"id\": \"broken\", " if i == bad_at else _line(i)) + "\n")
    return path


def test_one_malformed_line_in_the_middle_imports_nothing_and_names_the_line(tmp_path):
    path = _file(tmp_path / "docs.jsonl", 3000, bad_at=1500)
    result = invoke("import", str(path), data_dir=tmp_path / "data")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "line 1500" in result.stderr and "docs.jsonl" in result.stderr
    with Archive(tmp_path / "data") as archive:
        assert archive.catalog.count() == 0


def test_a_bad_line_after_good_ones_from_a_pipe_imports_nothing(tmp_path):
    lines = "".join(_line(i) + "\n" for i in range(1, 50)) + "[1, 2]\n"
    result = invoke("import", "-", data_dir=tmp_path / "data", input=lines)
    assert result.returncode != 0 and "line 50" in result.stderr
    with Archive(tmp_path / "data") as archive:
        assert archive.catalog.count() == 0


def test_a_pipe_is_imported_in_full(tmp_path):
    lines = "".join(_line(i) + "\n" for i in range(1, 50))
    result = invoke("import", "-", data_dir=tmp_path / "data", input=lines)
    assert result.returncode == 0, result.stderr
    with Archive(tmp_path / "data") as archive:
        assert archive.catalog.count() == 49


def _peak_python_memory(tmp_path, n):
    path = _file(tmp_path / f"docs-{n}.jsonl", n)
    with Archive(tmp_path / f"data-{n}") as archive, open(path, encoding="utf-8") as fh:
        tracemalloc.start()
        try:
            assert archive.import_jsonl(fh, name=path.name) == n
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def test_memory_does_not_grow_with_the_number_of_documents(tmp_path):
    small, large = _peak_python_memory(tmp_path, 300), _peak_python_memory(tmp_path, 2400)
    # Eight times the documents (about 2 MB more text than the small file) but not eight times the memory:
    # holding every document would cost at least the file's size.
    file_growth = (tmp_path / "docs-2400.jsonl").stat().st_size - (tmp_path / "docs-300.jsonl").stat().st_size
    assert large - small < file_growth / 4, (small, large, file_growth)
