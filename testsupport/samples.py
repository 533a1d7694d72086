"""Sample inputs shared by tests and benchmarks (written for this project; fictional people)."""

# Hostile texts for the tagger and the quote extractor: empty, runs of quotation marks, an unbalanced
# quote repeated, a 2.4 MB page, scripts other than Latin. Tagging must survive them (tests) and stay
# bounded in time (bench/bad_input.py prints the seconds; the target is under a second each).
HOSTILE_TEXTS: dict[str, str] = {
    "empty": "",
    "straight quotes": '"' * 5000,
    "curly quotes": "“" * 3000 + " words " + "”" * 10,
    "unbalanced": '"Unbalanced quote that never ends, said nobody in particular' * 200,
    "long page": ("Parents refused the PARCC tests, said Jane Roe. " * 50000)[:5_000_000],
    "scripts": "Los padres dijeron “no queremos más exámenes estandarizados en nuestras escuelas” ayer. 家长们拒绝考试。" * 100,
}
