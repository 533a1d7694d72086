"""A document's kind from what the page says it is (data/kind_cues.toml), and the check of a source's kind.

Pages say what they are: "For immediate release", "Statement of", a PressRelease type, a media-relations
credit (statements); a .gov or .k12 host, "Dear Parents", a superintendent's sign-off (official letters);
a blog platform or a call to action (advocacy); a NewsArticle with a reporter (news).
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

KINDS = ("news", "statement", "advocacy", "official")
CUES_FILE = Path(__file__).with_name("data") / "kind_cues.toml"
_WHERE = ("top", "text", "end", "url", "host", "type", "byline")
TOP_CHARS = 400
END_CHARS = 600


@dataclass(frozen=True)
class Cue:
    kind: str
    where: str
    pattern: re.Pattern[str]
    weight: float


@dataclass
class KindDecision:
    """The kind chosen, the kind the page itself suggests (None when it says nothing clear), and why."""

    kind: str
    page_kind: str | None = None
    evidence: list[str] = field(default_factory=list)

    def explain(self) -> str:
        return "; ".join(self.evidence)


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


@lru_cache(maxsize=4)
def load_cues(path: Path = CUES_FILE) -> tuple[float, tuple[Cue, ...]]:
    """(min_score, cues) from a kind-cues file; errors name the file and the line of the bad entry."""
    raw = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"{path}: {exc}") from None
    min_score = data.get("min_score", 2.0)
    if not isinstance(min_score, int | float):
        raise ValueError(f"{path}, line {_line_of(raw, 'min_score')}: min_score must be a number")
    cues = []
    entries = data.get("cue")
    if not isinstance(entries, list) or not entries:
        raise ValueError(f"{path}: no [[cue]] entries")
    starts = [m.start() for m in re.finditer(r"^\[\[cue\]\]", raw, re.MULTILINE)]
    for i, entry in enumerate(entries):
        line = raw.count("\n", 0, starts[i]) + 1 if i < len(starts) else 0
        where = f"{path}, line {line}"
        unknown = set(entry) - {"kind", "where", "pattern", "weight"}
        if unknown:
            raise ValueError(f"{where}: unknown key {sorted(unknown)[0]!r}")
        if entry.get("kind") not in KINDS:
            raise ValueError(f"{where}: kind must be one of {', '.join(KINDS)}")
        if entry.get("where") not in _WHERE:
            raise ValueError(f"{where}: where must be one of {', '.join(_WHERE)}")
        if not isinstance(entry.get("weight"), int | float):
            raise ValueError(f"{where}: weight must be a number")
        try:
            pattern = re.compile(str(entry.get("pattern", "")), re.IGNORECASE)
        except re.error as exc:
            raise ValueError(f"{where}: bad pattern: {exc}") from None
        if not pattern.pattern:
            raise ValueError(f"{where}: empty pattern")
        cues.append(Cue(entry["kind"], entry["where"], pattern, float(entry["weight"])))
    return float(min_score), tuple(cues)


def page_kind(url: str, title: str | None, text: str, types: list[str], byline: str = "",
              has_person_author: bool = False) -> tuple[str | None, list[str]]:
    """The kind the page's own words and structure point to (None below the threshold), with the cues seen."""
    min_score, cues = load_cues()
    parts = urlsplit(url)
    fields = {"top": f"{title or ''}\n{text[:TOP_CHARS]}", "text": text[:20_000], "end": text[-END_CHARS:],
              "url": parts.path, "host": (parts.hostname or "").lower(), "type": " ".join(types), "byline": byline}
    scores: Counter[str] = Counter()
    seen: list[str] = []
    for cue in cues:
        m = cue.pattern.search(fields[cue.where])
        if m:
            scores[cue.kind] += cue.weight
            seen.append(f"{cue.kind}: {cue.where} {' '.join(m.group(0).split())[:40]!r}")
    if has_person_author and scores["news"]:
        scores["news"] += 1.0  # a reporter's byline on a news article
    if not scores:
        return None, seen
    kind, best = scores.most_common(1)[0]
    if best < min_score or list(scores.values()).count(best) > 1:
        return None, seen
    return kind, seen


def decide_kind(declared: str | None, url: str, title: str | None, text: str, types: list[str],
                byline: str = "", has_person_author: bool = False) -> KindDecision:
    """The document's kind: the page's own when the source declares none, else the declared one.

    A declared statement/advocacy/official source keeps its kind, except that a page announcing a release
    becomes a statement and a government or school-district host makes it official; a declared news source
    is trusted (a news site quoting a press release is still news). The page's own kind is kept as evidence
    for the source check.
    """
    found, seen = page_kind(url, title, text, types, byline, has_person_author)
    host_official = any(s.startswith("official: host") for s in seen)
    if declared not in KINDS:
        kind = found or ("official" if host_official else "news")
        return KindDecision(kind, found, [f"page: {kind}", *seen] if found else ["no clear cue: news", *seen])
    kind = declared
    if host_official:
        kind = "official"
    elif declared in ("statement", "advocacy", "official") and found == "statement":
        kind = "statement"
    reason = f"source: {declared}" + (f", page: {found}" if found else "")
    return KindDecision(kind, found, [reason, *seen])


def kind_disagreement(declared: str, page_kinds: list[str | None], min_pages: int = 3) -> str | None:
    """A warning when most of a source's pages say they are another kind than the source declares."""
    said = [k for k in page_kinds if k]
    if len(said) < min_pages:
        return None
    kind, n = Counter(said).most_common(1)[0]
    if kind != declared and n * 2 > len(page_kinds):
        return (f"declared kind {declared!r}, but {n} of {len(page_kinds)} pages read as {kind!r}: "
                f"set kind = \"{kind}\" in the sources file if that is right")
    return None
