"""`optout verify [--repair]` and an export that never writes an unrestorable backup (issue 16, items 2-3)."""

from __future__ import annotations

import json
import sqlite3

from archive import Archive
from archive.verify import verify
from testsupport.cli import invoke

HEADERS = [("Content-Type", "text/html; charset=utf-8")]


def _page(i: int) -> tuple[bytes, dict]:
    words = " ".join(f"Families in district {i} weighed the spring test refusal forms at a packed meeting." for _ in range(6))
    html = f"<html><head><title>Refusal night {i}</title></head><body><article><p>{words}</p></article></body></html>"
    return html.encode(), {"title": f"Refusal night {i}", "text": words, "published": "2016-03-0" + str(i)}


def _archive(tmp_path, n=3):
    data = tmp_path / "data"
    with Archive(data) as archive:
        for i in range(1, n + 1):
            body, extracted = _page(i)
            archive.record_page(source="t", url=f"http://127.0.0.1/{i}.html", status=200, body=body,
                                response_headers=HEADERS, extracted=extracted, kind="news")
    return data


def _corrupt_text(data, title: str) -> str:
    # Bytes flipped in the catalog file: simulated by changing a stored text behind the catalog's back.
    conn = sqlite3.connect(data / "archive.sqlite3")
    (doc_id,) = conn.execute("SELECT id FROM documents WHERE title = ?", (title,)).fetchone()
    conn.execute("UPDATE documents SET text = 'Famxlies in distrxct' WHERE id = ?", (doc_id,))
    conn.commit()
    conn.close()
    return doc_id


def test_a_sound_archive_verifies(tmp_path):
    data = _archive(tmp_path)
    run = invoke("verify", data_dir=data)
    assert run.returncode == 0, run.stderr
    assert "checked 3 captures and 3 documents: nothing damaged" in run.stdout


def test_a_truncated_warc_is_reported_and_left_for_the_next_crawl(tmp_path):
    data = _archive(tmp_path)
    warc = next((data / "warc").rglob("*.warc*"))
    warc.write_bytes(warc.read_bytes()[: warc.stat().st_size // 2])
    run = invoke("verify", "--format", "json", data_dir=data)
    assert run.returncode == 1
    damage = json.loads(run.stdout)["damage"]
    assert damage and all(d["what"] == "capture" for d in damage)
    repaired = invoke("verify", "--repair", data_dir=data)
    assert repaired.returncode == 1  # still damaged until a crawl fetches those pages again
    assert "will be fetched again by the next `optout crawl`" in repaired.stdout
    with Archive(data) as archive:
        urls = {d["url"] for d in damage}
        assert all(archive.catalog.fetch_state(u) is None for u in urls)


def test_a_damaged_document_is_left_out_of_export_loudly_then_repaired(tmp_path):
    data = _archive(tmp_path)
    doc_id = _corrupt_text(data, "Refusal night 2")
    export = invoke("export", data_dir=data)
    assert export.returncode == 1
    assert doc_id in export.stderr and "damaged" in export.stderr
    lines = [json.loads(x) for x in export.stdout.splitlines() if x.strip()]
    assert len(lines) == 2 and all(x["id"] != doc_id for x in lines)  # every line written can be restored

    with Archive(data) as archive:
        report = verify(archive)
        assert [(d.what, d.id) for d in report.damage] == [("document", doc_id)]

    repaired = invoke("verify", "--repair", data_dir=data)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "1 document(s) re-derived" in repaired.stdout
    assert invoke("verify", data_dir=data).returncode == 0
    again = invoke("export", data_dir=data)
    assert again.returncode == 0
    restored = {x["id"]: x for x in map(json.loads, again.stdout.splitlines())}
    assert "Families in district 2" in restored[doc_id]["text"]
