"""The learned positions model: its pure-Python TF-IDF and logistic regression, the file check, and how its
label combines with the lexicon's."""

from __future__ import annotations

import json
import math
import re

import pytest

from indexer import position_model as pm
from indexer.positions import Position, combine, score_quote


def _tiny(word: dict[str, list[float]], intercept=(0.0, 0.0, 0.0, 0.0)) -> pm.LinearModel:
    return pm.LinearModel.from_dict({"labels": list(pm.LABELS), "intercept": list(intercept), "word": word,
                                     "char": {}, "combine": {"supports": 0.6}})


def test_word_ngrams_follow_the_default_analyzer():
    # tokens of two or more word characters; bigrams over them ("a" and "!" are not tokens)
    assert pm.word_ngrams("we a refuse it!") == ["we", "refuse", "it", "we refuse", "refuse it"]


def test_char_ngrams_pad_words_and_count_short_words_once():
    # as scikit-learn's char_wb: " ab " gives its 2- and 3-grams, then itself once (no longer n-grams)
    assert pm.char_ngrams("ab", 2, 5) == [" a", "ab", "b ", " ab", "ab ", " ab "]
    assert pm.char_ngrams("x  y", 2, 3) == [" x", "x ", " x ", " y", "y ", " y "]


def test_probabilities_are_softmax_of_normalised_tfidf():
    model = _tiny({"refuse": [2.0, 1.0, 0.0, 0.0, 0.0], "test": [1.0, 0.0, 1.0, 0.0, 0.0]})
    probs = model.probabilities("Refuse the test")  # "the" has no entry: it neither counts nor normalises
    norm = math.sqrt(2.0 ** 2 + 1.0 ** 2)
    z = [2.0 / norm, 1.0 / norm, 0.0, 0.0]
    expected = [math.exp(v) / sum(math.exp(u) for u in z) for v in z]
    assert [round(probs[label], 6) for label in pm.LABELS] == [round(e, 6) for e in expected]


def test_repeated_words_count_sublinearly():
    model = _tiny({"no": [1.0, 0.0, 3.0, 0.0, 0.0], "yes": [1.0, 3.0, 0.0, 0.0, 0.0]})
    once = model.probabilities("yes no")
    thrice = model.probabilities("yes yes yes no")
    assert thrice["supports"] > once["supports"] and thrice["supports"] < 0.99


@pytest.mark.parametrize("body, message", [
    ({"labels": ["supports"], "intercept": [0.0]}, "word"),
    ({"labels": list(pm.LABELS), "intercept": [0.0] * 4, "word": {"x": [1.0, 2.0]}, "char": {}}, "one coefficient"),
])
def test_malformed_model_names_the_file(tmp_path, body, message):
    path = tmp_path / "model.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    with pytest.raises(pm.ModelError) as err:
        pm.LinearModel.load(path)
    assert "model.json" in str(err.value) and message in str(err.value)


def test_shipped_model_loads_and_knows_its_labels():
    model = pm.default_model()
    assert model is not None and model.labels == pm.LABELS and model.version
    assert set(model.combine) == {"lexicon_weight", "supports_min"}
    assert 0 < model.combine["lexicon_weight"] < 1


def test_shipped_model_fits_its_training_rows():
    rows = [json.loads(line) for line in
            (pm.Path(__file__).resolve().parent.parent / "fixtures" / "positions" / "quotes.train.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    model = pm.default_model()
    right = sum(1 for r in rows if max((p := model.probabilities(r["text"])), key=p.get) == r["label"])
    assert right / len(rows) >= 0.9


def _lexicon(position: str, neutral: float = 0.0, confidence: float = 0.3) -> Position:
    return Position(position, confidence, scores={"supports": 0.0, "opposes": 0.0, "neutral": neutral})


BLEND = {"lexicon_weight": 0.4, "supports_min": 0.4}


def test_model_fills_in_where_the_lexicon_takes_no_side():
    res = combine(_lexicon("neutral"), {"supports": 0.7, "opposes": 0.1, "neutral": 0.1, "none": 0.1}, BLEND)
    assert res.position == "supports" and res.confidence < 0.8 and "model: supports" in res.notes[0]


def test_a_weak_supports_is_not_enough():
    # blended: supports 0.6 * 0.5 + 0.4 * 0.7 / 3 = 0.39 < 0.4, so the next label (the lexicon's neutral) wins
    res = combine(_lexicon("neutral"), {"supports": 0.5, "opposes": 0.1, "neutral": 0.25, "none": 0.15}, BLEND)
    assert res.position == "neutral" and not res.notes
    assert combine(_lexicon("neutral"), {"supports": 0.5, "opposes": 0.1, "neutral": 0.25, "none": 0.15},
                   {"lexicon_weight": 0.4, "supports_min": 0.3}).position == "supports"


def test_a_confident_lexicon_side_outweighs_a_doubtful_model_and_yields_to_a_sure_one():
    doubtful = {"supports": 0.3, "opposes": 0.45, "neutral": 0.15, "none": 0.1}
    assert combine(_lexicon("supports", confidence=0.8), doubtful, BLEND).position == "supports"
    sure = {"supports": 0.02, "opposes": 0.95, "neutral": 0.02, "none": 0.01}
    res = combine(_lexicon("supports", confidence=0.5), sure, BLEND)
    assert res.position == "opposes" and "lexicon: supports" in res.notes[0]


def test_no_side_words_stand_and_sarcasm_keeps_the_model_off_sides():
    probs = {"supports": 0.1, "opposes": 0.8, "neutral": 0.05, "none": 0.05}
    assert combine(_lexicon("neutral", neutral=2.0), probs, BLEND).position == "neutral"
    assert combine(_lexicon("neutral"), probs, BLEND, sides=False).position == "neutral"
    assert combine(_lexicon("neutral"), probs, BLEND).position == "opposes"


def test_lexicon_weight_one_is_the_lexicon_alone():
    probs = {"supports": 0.05, "opposes": 0.9, "neutral": 0.03, "none": 0.02}
    assert combine(_lexicon("supports", confidence=0.4), probs, {"lexicon_weight": 1.0}).position == "supports"


def test_without_a_model_file_the_lexicon_decides(monkeypatch):
    monkeypatch.setattr(pm, "default_model", lambda: None)
    assert score_quote("The state tests keep coming.").position in ("neutral", "none")


def test_keep_side_stops_the_model_turning_a_clear_cue_into_the_other_side():
    sure = {"supports": 0.02, "opposes": 0.95, "neutral": 0.02, "none": 0.01}
    kept = combine(_lexicon("supports", confidence=0.8), sure, {**BLEND, "keep_side": 0.7})
    assert kept.position == "supports" and not kept.notes
    assert combine(_lexicon("supports", confidence=0.6), sure, {**BLEND, "keep_side": 0.7}).position == "opposes"


def test_word_ngrams_are_the_same_words_in_and_outside_ascii():
    text = "the naïve café boycott of 2015_tests"
    assert pm.word_ngrams(text)[:6] == ["the", "naïve", "café", "boycott", "of", "2015_tests"]
    ascii_text = "the naive cafe boycott"
    assert pm.word_ngrams(ascii_text) == re.findall(r"\w\w+", ascii_text) + ["the naive", "naive cafe", "cafe boycott"]
