"""The light whoosh import leaves no stand-in behind: later imports get the real modules."""

import subprocess
import sys

PROGRAM = """
import sys
import indexer.whoosh_backend
assert "whoosh" in sys.modules
assert "urllib.request" not in sys.modules and "cached_property" not in sys.modules
import urllib.request, cached_property
assert callable(urllib.request.urlopen) and hasattr(cached_property, "threaded_cached_property")
import whoosh.compat
assert whoosh.compat.urlretrieve.__module__ == "indexer.whoosh_import"
print("ok")
"""


def test_stand_ins_are_removed_after_the_import():
    # A fresh interpreter: in this one whoosh and urllib.request are imported already.
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ok"
