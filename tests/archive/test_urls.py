from archive.urls import canonical_url, document_id


def test_tracking_parameters_and_fragment_removed():
    a = "https://www.example.org/news/story.html?utm_source=rss&utm_medium=feed&id=7#comments"
    b = "http://example.org/news/story.html?id=7&fbclid=abc&gclid=x"
    assert canonical_url(a) == canonical_url(b) == "http://example.org/news/story.html?id=7"
    assert document_id(a) == document_id(b)


def test_meaningful_query_and_path_kept_apart():
    assert document_id("http://example.org/a?page=2") != document_id("http://example.org/a?page=3")
    assert document_id("http://example.org/a") != document_id("http://example.org/b")


def test_amp_edition_is_the_same_document():
    assert canonical_url("https://example.org/2015/story/amp/") == canonical_url("https://example.org/2015/story/")
    assert canonical_url("https://example.org/story.amp.html") == canonical_url("https://example.org/story.html")


def test_host_case_and_default_port():
    assert canonical_url("HTTP://Example.ORG:80/x") == "http://example.org/x"
    assert canonical_url("https://example.org:8443/x") == "http://example.org:8443/x"
