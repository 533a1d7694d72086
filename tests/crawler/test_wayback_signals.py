"""`optout backfill` stopped by Ctrl-C in a fresh process (signals are the point): exit code 130, what was
archived stays, and the next run goes on from the stored cursor with nothing archived twice."""

from __future__ import annotations

import signal
import time

from archive import Archive
from testsupport.cli import popen_optout, run_optout
from testsupport.faultserver import make_article
from testsupport.waybackserver import WaybackServer

SITE = "http://www.ridge-educators.example"


def test_ctrl_c_stops_the_backfill_and_the_next_run_goes_on(tmp_path):
    with WaybackServer() as wb:
        for i in range(8):
            art = make_article(700 + i, f"/news/2014/note-{i}.html", words=200)
            wb.add(f"201404{i + 1:02d}000000", SITE + art.path, art.html(SITE))
        (tmp_path / "s.toml").write_text(f'[[sources]]\nid = "ridge"\nname = "Ridge"\nfeeds = ["{SITE}/feed/"]\n')
        wb.capture_delay = 0.3
        args = ("backfill", "ridge", "--sources", str(tmp_path / "s.toml"), "--wayback-url", wb.base, "--delay", "0")
        proc = popen_optout(*args, data_dir=tmp_path / "d")
        deadline = time.monotonic() + 60
        while sum(1 for h in wb.hits() if h.path.startswith("/web/")) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert "Traceback" not in err
        with Archive(tmp_path / "d") as archive:
            kept = archive.catalog.capture_count()
        assert 1 <= kept < 8
        wb.capture_delay = 0.0
        again = run_optout(*args, data_dir=tmp_path / "d")
        assert again.returncode == 0, again.stderr
        with Archive(tmp_path / "d") as archive:
            urls = [c.url for c in archive.catalog.iter_captures()]
        assert len(urls) == len(set(urls)) == 8
