"""Helpers shared by tests/ and bench/ (neither imports the other): running the CLI (in process, forked or
as a new interpreter), loopback fault servers, relevance scoring, the baselines file.

Not part of the installed package; tests find it on the rootdir, bench scripts put the repository
root on sys.path.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
