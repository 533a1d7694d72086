"""The matched set is exactly what the boolean query says: random queries (hypothesis) against a brute-force
evaluation over every document of the crawled sample web, and the examples of issue 10 as regressions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archive import Archive
from indexer.engine import DOCS
from indexer.searching import Searcher
from indexer.whoosh_backend import document_fields


@pytest.fixture(scope="module")
def searcher(sample_archive):
    archive = Archive(sample_archive)
    s = Searcher(archive)
    yield s
    s.close()
    archive.close()


@dataclass(repr=False)
class DocView:
    """What the brute-force evaluation knows of one document."""

    id: str
    content: list[str]
    title: list[str]
    orgs: set[str]
    states: set[str]
    tests: set[str]
    kind: str
    source: str


@pytest.fixture(scope="module")
def corpus(searcher):
    catalog = searcher.archive.catalog
    views = []
    for row in catalog.iter_rows():
        doc = catalog.to_document(row)
        fields = document_fields(doc)
        views.append(DocView(doc.id, searcher.session.analyze(DOCS, fields["content"]),
                             searcher.session.analyze(DOCS, doc.title or "", "title"), set(doc.organizations),
                             set(doc.states), set(doc.tests), doc.kind, doc.source or ""))
    assert len(views) >= 15
    return views


def _analyzer(searcher):
    return lambda text, fieldname=None: searcher.session.analyze(DOCS, text, fieldname)


def _run(tokens: list[str], wanted: list[str]) -> bool:
    n = len(wanted)
    return any(tokens[i:i + n] == wanted for i in range(len(tokens) - n + 1))


# -- random query trees, rendered as text with explicit operators, evaluated by brute force ---------------

# Words chosen to be common, rare and absent in the sample web; none is a stop word.
WORDS = ["tests", "parents", "refuse", "opt", "union", "teachers", "state", "evaluation", "boycott", "letter",
         "scores", "students", "district", "zebra", "portfolio", "federal", "spring", "board"]
# two- and three-word phrases (a phrase of three checks each later word at its own distance from the first)
PHRASES = ["opt out", "state tests", "test scores", "school board", "teachers union", "opt out of state tests",
           "refuse the test", "parents opt out"]
FIELDS = [("org", "NYSUT"), ("org", "NJEA"), ("org", "AFT"), ("org", "NEA"), ("state", "NY"), ("state", "NJ"),
          ("test", "PARCC"), ("kind", "statement"), ("kind", "news"), ("source", "wqrt"), ("title", "tests"),
          ("title", "parents")]


def _leaf_matches(leaf: tuple, d: DocView, analyze) -> bool:
    kind, value = leaf[0], leaf[1]
    if kind == "word":
        return _run(d.content, analyze(value))
    if kind == "phrase":
        return _run(d.content, analyze(value))
    name, v = value
    if name == "org":
        return v in d.orgs
    if name == "state":
        return v in d.states
    if name == "test":
        return v in d.tests
    if name == "kind":
        return d.kind == v
    if name == "source":
        return d.source == v
    return _run(d.title, analyze(v, "title"))


def evaluate(tree: tuple, d: DocView, analyze) -> bool:
    op = tree[0]
    if op == "and":
        return all(evaluate(t, d, analyze) for t in tree[1])
    if op == "or":
        return any(evaluate(t, d, analyze) for t in tree[1])
    if op == "not":
        return not evaluate(tree[1], d, analyze)
    return _leaf_matches(tree, d, analyze)


def render(tree: tuple, rng_minus: bool = False) -> str:
    op = tree[0]
    if op in ("and", "or"):
        return "(" + f" {op.upper()} ".join(render(t) for t in tree[1]) + ")"
    if op == "not":
        return f"(NOT {render(tree[1])})"
    if op == "word":
        return tree[1]
    if op == "phrase":
        return f'"{tree[1]}"'
    name, value = tree[1]
    return f"{name}:{value}"


leaf = st.one_of(st.sampled_from(WORDS).map(lambda w: ("word", w)),
                 st.sampled_from(PHRASES).map(lambda p: ("phrase", p)),
                 st.sampled_from(FIELDS).map(lambda f: ("field", f)))
trees = st.recursive(leaf, lambda inner: st.one_of(
    st.tuples(st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=3)),
    inner.map(lambda t: ("not", t))), max_leaves=8)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees)
def test_matched_set_equals_brute_force(searcher, corpus, tree):
    text = render(tree)
    results = searcher.search(text, searcher.filters(), limit=1000, fold=False, facets=False, suggest=False)
    expected = {d.id for d in corpus if evaluate(tree, d, _analyzer(searcher))}
    assert results.total == len(expected), text
    assert {h.id for h in results.hits} == expected, text


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tree=trees, kind=st.sampled_from(["statement", "news", "advocacy"]), sort=st.sampled_from(["date", "-date"]))
def test_options_and_sorting_never_change_the_set(searcher, corpus, tree, kind, sort):
    """Options AND with the query; sorting and ranking boosts (names and years in the text) only reorder."""
    text = render(tree) + " "  # boosts come from names in the text: NYSUT, PARCC ... when present
    base = searcher.search(text, searcher.filters(kinds=[kind]), limit=1000, fold=False, facets=False, suggest=False)
    expected = {d.id for d in corpus if d.kind == kind and evaluate(tree, d, _analyzer(searcher))}
    assert {h.id for h in base.hits} == expected
    by_date = searcher.search(text, searcher.filters(kinds=[kind]), sort=sort, limit=1000, fold=False, facets=False,
                              suggest=False)
    assert {h.id for h in by_date.hits} == expected and all(h.score is None for h in by_date.hits)


# -- issue 10's examples on the sample web (the demo archive) ----------------------------------------------

def matched(searcher, text, **options):
    results = searcher.search(text, searcher.filters(**options), limit=1000, fold=False, facets=False)
    assert results.total == len(results.hits)
    return {h.id for h in results.hits}


def test_and_is_an_intersection(searcher):
    nysut, parcc = matched(searcher, "NYSUT"), matched(searcher, "PARCC")
    assert nysut and parcc
    assert matched(searcher, "NYSUT AND PARCC") == nysut & parcc
    assert matched(searcher, "NYSUT OR PARCC") == nysut | parcc


def test_not_subtracts(searcher):
    everything = matched(searcher, "")
    parcc, nysut = matched(searcher, "PARCC"), matched(searcher, "NYSUT")
    assert matched(searcher, "NOT PARCC") == everything - parcc
    assert matched(searcher, "PARCC NOT NYSUT") == parcc - nysut
    assert matched(searcher, "PARCC -NYSUT") == parcc - nysut
    refuse = matched(searcher, "refuse")
    assert matched(searcher, "refuse NOT evaluation") == refuse - matched(searcher, "evaluation") < refuse


def test_fields_combine_with_operators(searcher):
    nysut, njea = matched(searcher, "org:NYSUT"), matched(searcher, "org:NJEA")
    assert nysut and njea
    assert matched(searcher, "org:NYSUT OR org:NJEA") == nysut | njea
    statements = matched(searcher, "kind:statement")
    both = matched(searcher, "org:NYSUT AND kind:statement")
    assert both == nysut & statements == matched(searcher, "org:NYSUT kind:statement") and both
    titled = matched(searcher, "title:PARCC AND title:fight")
    assert titled == matched(searcher, "title:PARCC") & matched(searcher, "title:fight") and titled


def test_words_side_by_side_are_alternatives_but_fields_are_required(searcher):
    words = matched(searcher, "parents refuse")
    assert words == matched(searcher, "parents") | matched(searcher, "refuse")
    assert matched(searcher, "parents refuse kind:statement") == words & matched(searcher, "kind:statement")
    # +word is required beside the alternatives
    evaluation, zebra, refuse = (matched(searcher, w) for w in ("evaluation", "zebra", "refuse"))
    assert matched(searcher, "evaluation zebra +refuse") == refuse & (evaluation | zebra) != refuse


def test_boosts_reorder_but_never_add(searcher):
    """Names and years typed in free text used to be OR-ed around the query: "NYSUT statements from 2020"
    returned every 2020 document. They may only raise documents the words match."""
    text = "statements from 2020 NYSUT"
    assert matched(searcher, text) == matched(searcher, "statements") | matched(searcher, "2020") | \
        matched(searcher, "NYSUT")


def test_speaker_matches_surnames_and_given_names(searcher):
    full = matched(searcher, 'speaker:"Marisol Keane"')
    assert full and matched(searcher, "speaker:Keane") == full
    assert matched(searcher, "speaker:Marisol") >= full
    assert not matched(searcher, "speaker:Kea")  # whole words only: precision first


def test_quotes_obey_not(searcher):
    parents = {(h.doc_id, h.text) for h in searcher.quotes("parents", searcher.filters(), limit=1000).hits}
    fewer = {(h.doc_id, h.text) for h in searcher.quotes("parents NOT tests", searcher.filters(), limit=1000).hits}
    assert parents and fewer <= parents
    speaker = searcher.quotes("speaker:Keane", searcher.filters(), limit=100)
    assert speaker.total and all("Keane" in h.speaker for h in speaker.hits)


def test_stop_words_are_ignored_where_they_stand(searcher):
    assert matched(searcher, "the AND PARCC") == matched(searcher, "PARCC")
    assert matched(searcher, "the") == set()


def test_by_versus_mentions(searcher):
    union = "Riverside Federation of Teachers"  # the sample web's own union, declared by its source only
    by = matched(searcher, "", by=[union])
    docs = [searcher.archive.catalog.document_row(i) for i in by]
    assert by and all(r["source_organization"] == union for r in docs)
    assert matched(searcher, f'by:"{union}"') == by
    mentions = matched(searcher, "", orgs=[union])
    assert mentions and all(union.lower() in (searcher.archive.catalog.document_row(i)["text"] +
                                              searcher.archive.catalog.document_row(i)["title"]).lower()
                            or i in by for i in mentions)
    assert not matched(searcher, "", by=["NYSUT"])  # mentioned nine times, publishes nothing here
    assert matched(searcher, "", orgs=["NYSUT"])
    said = searcher.quotes("", searcher.filters(by=["NJEA"]), limit=100)
    assert said.total and all(h.speaker_org == "NJEA" for h in said.hits)


def test_paging_covers_the_matched_set_once(searcher):
    everything = matched(searcher, "tests")
    seen: list[str] = []
    for page in range(1, 10):
        results = searcher.search("tests", searcher.filters(), limit=3, page=page, fold=False, facets=False)
        seen += [h.id for h in results.hits]
        if page >= results.pages:
            break
    assert len(seen) == len(set(seen)) and set(seen) == everything


def test_year_facet_counts_the_matched_set(searcher, corpus):
    results = searcher.search("tests", searcher.filters(), limit=3)
    assert sum(results.facets["year"].values()) == sum(
        1 for h in matched(searcher, "tests")
        if re.match(r"\d{4}", searcher.archive.catalog.document_row(h)["published"] or ""))
    assert sum(results.facets["kind"].values()) == results.total
