"""The fast field indexing gives exactly the postings Whoosh's own analyzer chain gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.whoosh_backend import FastText, _analyzer, documents_schema, quotes_schema

WORDS = st.sampled_from(["the", "Opt", "out", "testing", "tests", "PARCC", "a", "I", "U.S.", "e.g", "don't",
                         "refusal", "Refused", "95", "x", "NYSUT's", "İstanbul", "ß", "co-op", "*", "naïve", "of",
                         "ΟΔΟΣ", "ΣΑΣ'Α", "ΌΣΟΣ.ΑΣ", "İİ.x"])
TEXTS = st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=60).map(" ".join)


def _whoosh(field, text):
    # TEXT.index, the code FastText replaces
    return sorted(super(FastText, field).index(text))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_stemmed_fields_index_as_whoosh_would(text):
    for field in (FastText(analyzer=_analyzer()), FastText(analyzer=_analyzer(), field_boost=2.0)):
        assert sorted(field.index(text)) == _whoosh(field, text)


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_unstemmed_fields_index_as_whoosh_would(text):
    field = FastText()
    assert sorted(field.index(text)) == _whoosh(field, text)


def test_the_schemas_use_the_fast_fields():
    assert isinstance(documents_schema()["content"], FastText)
    assert isinstance(quotes_schema()["text"], FastText)


def test_repeated_words_keep_every_position():
    field = FastText(analyzer=_analyzer())
    got = {w: (freq, weight) for w, freq, weight, _ in field.index("tests and tests and more tests")}
    assert got[b"test"] == (3, 3.0)
    assert sorted(field.index("tests and tests and more tests")) == _whoosh(field, "tests and tests and more tests")


ASCII_TEXTS = st.lists(st.one_of(WORDS.filter(str.isascii), st.text(alphabet=st.characters(max_codepoint=127),
                                                                     max_size=8)), max_size=60).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(ASCII_TEXTS)
def test_ascii_texts_tokenised_in_one_call_index_as_whoosh_would(text):
    # ASCII text is lowercased whole and split by one findall (the path most documents take)
    for field in (FastText(analyzer=_analyzer()), FastText()):
        assert sorted(field.index(text)) == _whoosh(field, text)


def test_a_stem_remembered_for_one_schema_serves_the_next():
    first, second = FastText(analyzer=_analyzer()), FastText(analyzer=_analyzer())
    text = "Refusals refused refusing the refusal"
    assert sorted(first.index(text)) == sorted(second.index(text)) == _whoosh(second, text)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="ab1_.*- ", max_size=40) | st.text(max_size=40))
def test_the_rewritten_tokenizer_patterns_split_as_whoosh_patterns_do(text):
    import re

    from indexer.whoosh_backend import _NONCAPTURING

    for original, rewritten in _NONCAPTURING.items():
        assert re.findall(rewritten, text) == [m.group() for m in re.finditer(original, text)]
