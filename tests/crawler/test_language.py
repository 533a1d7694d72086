"""The language of a page that does not declare one (py3langid), including close neighbours that a
stopword vote confuses: Spanish and Catalan, Dutch and German."""

from __future__ import annotations

import pytest

from crawler.extract import extract
from crawler.language import guess_language

# Written for these tests: a fictional district, fictional people.
SAMPLES = {
    "es": ("Las familias del distrito escolar de Valleverde anunciaron el martes que no enviarán a sus hijos "
           "a las pruebas estatales de esta primavera. La portavoz, Inés Carbajal, explicó que los exámenes "
           "ocupan semanas de clase y que los maestros apenas reciben los resultados antes del verano."),
    "ca": ("Les famílies del districte escolar de Vallverda van anunciar dimarts que no portaran els seus fills "
           "a les proves estatals d'aquesta primavera. La portaveu, Laia Puigdollers, va explicar que els "
           "exàmens ocupen setmanes de classe i que els mestres gairebé no reben els resultats abans de l'estiu."),
    "nl": ("De ouders van het schooldistrict Groenedal maakten dinsdag bekend dat zij hun kinderen dit voorjaar "
           "niet naar de landelijke toetsen sturen. Woordvoerder Femke Brouwer zei dat de examens weken lestijd "
           "kosten en dat de leraren de uitslagen pas na de zomervakantie te zien krijgen."),
    "en": ("Families in the Greenvale school district said on Tuesday that they will keep their children home "
           "from this spring's state tests. Their spokesperson, Dana Whitcombe, said the exams take weeks of "
           "class time and that teachers barely see the results before the summer break."),
}


@pytest.mark.parametrize("lang", sorted(SAMPLES))
def test_each_sample_gets_its_own_language(lang):
    assert guess_language(SAMPLES[lang]) == lang


def test_catalan_is_not_read_as_spanish_nor_dutch_as_german():
    assert guess_language(SAMPLES["ca"]) != "es"
    assert guess_language(SAMPLES["nl"]) != "de"


@pytest.mark.parametrize("text", ["", "Home About Contact", "12 34 56 78", "opt out " * 5])
def test_too_little_text_abstains(text):
    assert guess_language(text) is None


def test_undeclared_page_language_comes_from_its_text():
    html = f"<html><head><title>Proves</title></head><body><article><h1>Proves estatals</h1><p>{SAMPLES['ca']}</p>" \
           f"<p>{SAMPLES['ca']}</p></article></body></html>"
    result = extract(html.encode("utf-8"), "http://127.0.0.1/ca.html", "text/html; charset=utf-8", "news")
    assert result.language == "ca"
