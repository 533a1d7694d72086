"""The query language on its own (no index): precedence, fields, leniency and limits on hostile input."""

import pytest

from indexer import querylang as ql


def field(name, value, quoted):
    if not value.strip():
        raise ql.QueryError(f"{name}: needs a value")
    return ql.FieldTerm(name, (value,))


def parse(text):
    return ql.parse(text, field)


def W(text):
    return ql.Text(text)


def test_precedence_not_then_side_by_side_then_and_then_or():
    assert parse("a OR b AND c").node == ql.Or((W("a"), ql.And((W("b"), W("c")))))
    assert parse("a b AND c").node == ql.And((ql.Or((W("a"), W("b"))), W("c")))
    assert parse("NOT a AND b").node == ql.And((ql.And((ql.All(), ql.Not(W("a")))), W("b")))
    assert parse("(a OR b) AND c").node == ql.And((ql.Or((W("a"), W("b"))), W("c")))


def test_side_by_side_words_are_alternatives_and_fields_required():
    node = parse("org:NYSUT kind:statement tests refusal").node
    assert node == ql.And((ql.FieldTerm("org", ("NYSUT",)), ql.FieldTerm("kind", ("statement",)),
                           ql.Or((W("tests"), W("refusal")))))
    assert parse("refuse NOT evaluation").node == ql.And((W("refuse"), ql.Not(W("evaluation"))))
    assert parse("refuse -evaluation").node == parse("refuse NOT evaluation").node
    assert parse("opt-out").node == W("opt-out")  # a hyphen inside a word is not NOT


def test_phrases_and_field_phrases():
    assert parse('"state tests" boycott').node == ql.Or((ql.Text("state tests", None, True), W("boycott")))
    assert parse('org:"New York State United Teachers"').node == ql.FieldTerm("org", ("New York State United Teachers",))


def test_empty_query_is_everything():
    assert parse("").node == ql.All() and parse("   ").node == ql.All()


@pytest.mark.parametrize("text, note", [
    ("NOT", "NOT needs something after it"),
    ("AND AND", "AND needs words on both sides"),
    ("tests AND", "AND needs words on both sides"),
    ("OR tests", "OR needs words on both sides"),
    ('"unbalanced', "unmatched quote"),
    ("((( opt", "unclosed"),
    ("opt out))", "unmatched ')'"),
])
def test_dangling_operators_and_brackets_are_ignored_with_a_note(text, note):
    parsed = parse(text)
    assert any(note in n for n in parsed.notes), parsed.notes


def test_operator_only_queries_match_nothing():
    assert parse("NOT").node == ql.Nothing()
    assert parse("AND AND").node == ql.Nothing()
    assert parse("AND OR").node == ql.Nothing()
    assert parse("tests AND").node == W("tests")


def test_empty_field_value_is_an_error():
    with pytest.raises(ql.QueryError, match="needs a value"):
        parse('title:""')
    with pytest.raises(ql.QueryError, match="needs a value"):
        parse("org:")


def test_deep_nesting_is_a_clear_error_not_a_recursion_error():
    with pytest.raises(ql.QueryError, match="nested more than|too long"):
        parse("(" * 1000 + "opt" + ")" * 1000)
    with pytest.raises(ql.QueryError, match="nested more than"):
        parse("(" * 999 + "opt")
    with pytest.raises(ql.QueryError, match="nested more than"):
        parse("(" * (ql.MAX_DEPTH + 1) + "opt")
    assert parse("(" * ql.MAX_DEPTH + "opt" + ")" * ql.MAX_DEPTH).node == W("opt")


def test_too_many_terms_is_a_clear_error():
    ten_thousand = " OR ".join(f"w{i}" for i in range(10_000))
    with pytest.raises(ql.QueryError, match="too long"):
        parse(ten_thousand)
    many = " OR ".join(f"w{i}" for i in range(ql.MAX_LEAVES + 1))
    if len(many) <= ql.MAX_QUERY_CHARS:
        with pytest.raises(ql.QueryError, match="terms"):
            parse(many)
    assert isinstance(parse(" OR ".join(f"w{i}" for i in range(50))).node, ql.Or)


def test_render_round_trips():
    for text in ["(a AND (b OR c))", '((NOT a) AND "b c")', "(org:\"NYSUT\" OR (NOT b))"]:
        node = parse(text).node
        assert parse(ql.render(node)).node == node


def test_positive_text_skips_negated_words():
    node = parse("parents refuse NOT evaluation NOT (NOT tests)").node
    assert {t.text for t in ql.positive_text(node)} == {"parents", "refuse", "tests"}
