"""A loopback web server for crawler tests: good fictional articles beside paths that fail the way real
sites fail (error statuses, slow or endless answers, redirect loops, mislabelled encodings, compression
bombs, binary junk, hostile feeds), counting every request per path so tests can assert what was fetched.

Everything it serves is invented: the towns, people and events in the articles do not exist.
"""

from __future__ import annotations

import gzip
import http.server
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.utils import formatdate
from html import escape
from typing import Any
from urllib.parse import urlsplit

Responder = Callable[["_Handler"], None]


@dataclass
class Hit:
    """One request the server received."""

    path: str
    query: str
    at: float
    headers: dict[str, str]


class _Handler(http.server.BaseHTTPRequestHandler):
    site: FaultServer
    protocol_version = "HTTP/1.0"  # one request per connection: bodies without a length end at close

    def do_GET(self) -> None:  # noqa: N802 - the http.server API
        parts = urlsplit(self.path)
        self.site._record(Hit(parts.path, parts.query, time.monotonic(), {k.lower(): v for k, v in self.headers.items()}))
        responder = self.site.routes.get(parts.path) or self.site.fallback
        self.site._enter()
        try:
            if responder is None:
                send(self, 404, b"<html><body><p>Not here.</p></body></html>")
            else:
                responder(self)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError):
            pass  # the crawler hung up (size limit, timeout): that is what several faults are for
        finally:
            self.site._leave()

    def log_message(self, *args: Any) -> None:
        pass


class FaultServer:
    """``routes`` maps a path (without query) to a responder; other paths go to ``fallback``, else 404."""

    def __init__(self, routes: dict[str, Responder] | None = None, fallback: Responder | None = None,
                 host: str = "127.0.0.1"):
        self.routes: dict[str, Responder] = dict(routes or {})
        self.fallback = fallback
        self._lock = threading.Lock()
        self._hits: list[Hit] = []
        self._sent: Counter[str] = Counter()
        self._in_flight = 0
        self.max_in_flight = 0  # most requests answered at the same time (politeness)
        handler = type("FaultHandler", (_Handler,), {"site": self})
        # Port 0: a free port, so servers never clash (tests may run in parallel). Another loopback address
        # (127.0.0.2) is another site to the crawler: its own politeness slot and robots.txt.
        self.httpd = http.server.ThreadingHTTPServer((host, 0), handler)
        self.httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> FaultServer:
        # A short poll interval: stop() waits for the serving loop to notice (0.5 s by default, per server).
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> FaultServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- addresses and bookkeeping -------------------------------------------------------------------

    @property
    def base(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def _record(self, hit: Hit) -> None:
        with self._lock:
            self._hits.append(hit)

    def _enter(self) -> None:
        with self._lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def add_sent(self, path: str, n: int) -> None:
        with self._lock:
            self._sent[path] += n

    def sent(self, path: str) -> int:
        """Body bytes written for ``path`` before the client hung up (streamed responders only)."""
        with self._lock:
            return self._sent[path]

    def count(self, path: str) -> int:
        """How many requests ``path`` received (any query string)."""
        with self._lock:
            return sum(1 for h in self._hits if h.path == path)

    def hits(self, path: str | None = None) -> list[Hit]:
        with self._lock:
            return [h for h in self._hits if path is None or h.path == path]

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(h.path for h in self._hits)

    def reset_counts(self) -> None:
        with self._lock:
            self._hits.clear()
            self._sent.clear()


_CLOSED: list[socket.socket] = []


def closed_port() -> int:
    """A loopback port where connections are refused: bound by this process and never listened on, so no
    other server (a parallel test, another program on the machine) can take it, as one could port 1."""
    if not _CLOSED:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        _CLOSED.append(sock)
    return _CLOSED[0].getsockname()[1]


# -- responders ---------------------------------------------------------------------------------------

def send(handler: _Handler, status: int, body: bytes, content_type: str = "text/html; charset=utf-8",
         headers: Iterable[tuple[str, str]] = (), length: bool = True) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    if length:
        handler.send_header("Content-Length", str(len(body)))
    for key, value in headers:
        handler.send_header(key, value)
    handler.end_headers()
    handler.wfile.write(body)


def page(body: bytes | str, content_type: str = "text/html; charset=utf-8", status: int = 200,
         headers: Iterable[tuple[str, str]] = (), delay: float = 0.0) -> Responder:
    data = body.encode("utf-8") if isinstance(body, str) else body
    extra = list(headers)

    def respond(handler: _Handler) -> None:
        if delay:
            time.sleep(delay)
        send(handler, status, data, content_type, extra)
    return respond


def sequence(*responders: Responder) -> Responder:
    """The first request gets the first responder, the next the second, ...; the last one repeats."""
    lock = threading.Lock()
    calls = [0]

    def respond(handler: _Handler) -> None:
        with lock:
            n = calls[0]
            calls[0] += 1
        responders[min(n, len(responders) - 1)](handler)
    return respond


class Versioned:
    """A document with a version: answers conditional GETs (ETag and Last-Modified) with 304 while
    unchanged. ``update()`` changes the body and its validators."""

    def __init__(self, body: bytes | str, content_type: str):
        self.content_type = content_type
        self.version = 0
        self.update(body)

    def update(self, body: bytes | str) -> None:
        self.body = body.encode("utf-8") if isinstance(body, str) else body
        self.version += 1
        self.etag = f'"v{self.version}-{len(self.body)}"'
        # A distinct second for each version, in the past, so If-Modified-Since compares cleanly.
        self.modified = formatdate(1_600_000_000 + self.version * 3600, usegmt=True)

    def __call__(self, handler: _Handler) -> None:
        headers = [("ETag", self.etag), ("Last-Modified", self.modified)]
        if handler.headers.get("If-None-Match") == self.etag or (
                handler.headers.get("If-None-Match") is None and handler.headers.get("If-Modified-Since") == self.modified):
            handler.send_response(304)
            for key, value in headers:
                handler.send_header(key, value)
            handler.end_headers()
            return
        send(handler, 200, self.body, self.content_type, headers)


def redirect(location: str, status: int = 302) -> Responder:
    def respond(handler: _Handler) -> None:
        send(handler, status, b"", headers=[("Location", location)])
    return respond


def slow(seconds: float, body: bytes = b"<html><body><p>Finally.</p></body></html>") -> Responder:
    """Answers only after ``seconds`` (keep it a few seconds: the thread sleeps that long)."""
    def respond(handler: _Handler) -> None:
        time.sleep(seconds)
        send(handler, 200, body)
    return respond


def endless(path: str, site: FaultServer, total: int, declare_length: bool = False,
            chunk: int = 64 * 1024) -> Responder:
    """Streams ``total`` bytes of HTML-looking filler in chunks, counting what was written."""
    block = (b"<p>" + b"filler " * (chunk // 7) + b"</p>\n")[:chunk]

    def respond(handler: _Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/html; charset=utf-8")
        if declare_length:
            handler.send_header("Content-Length", str(total))
        handler.end_headers()
        handler.wfile.write(b"<html><body>")
        written = 0
        while written < total:
            piece = block[: total - written]
            handler.wfile.write(piece)
            written += len(piece)
            site.add_sent(path, len(piece))
    return respond


def gzip_bomb(inflated: int) -> Responder:
    """A few KB of gzip that inflate to ``inflated`` bytes, declared as Content-Encoding: gzip."""
    compressed = gzip.compress(b"<html><body>" + b"\0" * inflated, compresslevel=9)

    def respond(handler: _Handler) -> None:
        send(handler, 200, compressed, "text/html; charset=utf-8", [("Content-Encoding", "gzip")])
    return respond


# -- fictional articles ---------------------------------------------------------------------------------

_TOWNS = ["Marrowby", "Elsinore Flats", "Quillhaven", "Port Adair", "Tamsworth", "Brackenridge", "Vellum Falls",
          "Oster Bay", "Kilnmoor", "Saffron Hollow", "Lindqvist Point", "Harrowgate Junction"]
_PEOPLE = ["Odile Fenwick", "Barnaby Quist", "Mireille Achebe-Strand", "Tobias Wren", "Henrike Salo",
           "Caspian Oduya", "Philippa Marsh", "Ignatius Bell", "Rosalind Okoro", "Dmitri Vance", "Lucinda Pell",
           "Augustin Mbeki-Hale", "Sunniva Rask", "Percival Idowu"]
_ROLES = ["the harbor master", "a retired ferry pilot", "the librarian", "a school board member", "the town clerk",
          "a beekeeper", "the orchestra's second cellist", "a third-grade teacher", "the bakery's owner",
          "a volunteer firefighter", "the parish archivist", "a parent of two"]
_THINGS = ["the tide clock", "the lending library's seed drawer", "the old lighthouse", "the spring concert",
           "the footbridge over the mill race", "the community greenhouse", "the winter book swap",
           "the town's only bus route", "the reading room's leaking skylight", "the regional spelling bee",
           "the ferry timetable", "the schoolyard orchard", "the lantern parade", "the cider press"]
_VERBS = ["argued about", "voted to repair", "celebrated", "postponed", "measured", "rebuilt", "debated the cost of",
          "reopened", "surveyed", "painted", "catalogued", "raised money for"]
_WHEN = ["on a damp Tuesday evening", "after the harvest fair", "before the first frost", "during the long thaw",
         "at the end of the school term", "one bright Saturday morning", "late in the budget season",
         "while the river was still high"]
_CLAUSES = [
    "Nobody in the hall could remember the last time so many chairs had been needed.",
    "The minutes record a vote of seven to two, with one abstention from the back row.",
    "Children drew chalk maps on the pavement outside while the grown-ups talked.",
    "A thermos of lentil soup went around the room twice before anyone noticed the time.",
    "The proposal had been tabled twice already, first for lack of quorum and then for a snowstorm.",
    "Several residents brought photographs from the archive to make their point.",
    "The treasurer read every line of the estimate aloud, pausing only to clean her glasses.",
    "Someone had pinned a hand-lettered sign to the notice board asking for patience.",
    "The weather, as usual, was blamed for most of the delays.",
    "A petition with four hundred signatures sat in a shoebox on the front table.",
    "The discussion wandered, as it always does, toward the question of parking.",
    "Volunteers promised to report back before the next full moon.",
]


def _sentence(rng: random.Random) -> str:
    shape = rng.randrange(5)
    town, person, role = rng.choice(_TOWNS), rng.choice(_PEOPLE), rng.choice(_ROLES)
    thing, verb, when = rng.choice(_THINGS), rng.choice(_VERBS), rng.choice(_WHEN)
    if shape == 0:
        return f"Residents of {town} {verb} {thing} {when}."
    if shape == 1:
        return f"{person}, {role}, said the town had waited {rng.randrange(2, 40)} years for this moment."
    if shape == 2:
        return (f"According to {person}, {thing} needs about {rng.randrange(3, 90)} hours of work and "
                f"{rng.randrange(2, 30)} more volunteers.")
    if shape == 3:
        return f"In {town}, {role} {verb} {thing}, and the neighbors came to watch."
    return rng.choice(_CLAUSES)


def fictional_paragraphs(seed: int, words: int = 180) -> list[str]:
    """Paragraphs of invented small-town news, at least ``words`` words in all, different per seed."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    count = 0
    while count < words:
        sentences = [_sentence(rng) for _ in range(rng.randrange(3, 6))]
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        count += len(paragraph.split())
    return paragraphs


def fictional_title(seed: int) -> str:
    rng = random.Random(seed * 7919 + 1)
    return (f"{rng.choice(_TOWNS)} {rng.choice(_VERBS)} {rng.choice(_THINGS)} "
            f"(dispatch {seed})").replace("  ", " ").capitalize()


@dataclass
class Article:
    path: str
    title: str
    author: str
    published: str  # ISO date
    paragraphs: list[str] = field(default_factory=list)

    def html(self, base: str, charset: str = "utf-8") -> str:
        body = "\n".join(f"      <p>{escape(p)}</p>" for p in self.paragraphs)
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="{charset}">
  <title>{escape(self.title)} | The Quillhaven Courier</title>
  <meta property="og:title" content="{escape(self.title)}">
  <meta name="author" content="{escape(self.author)}">
  <meta property="article:published_time" content="{self.published}T09:30:00+00:00">
  <link rel="canonical" href="{base}{self.path}">
</head>
<body>
  <header><nav><a href="/">Home</a> <a href="/about.html">About</a> <a href="/contact.html">Contact</a></nav></header>
  <main>
    <article>
      <h1>{escape(self.title)}</h1>
      <p class="byline">By {escape(self.author)}</p>
      <time datetime="{self.published}">{self.published}</time>
{body}
    </article>
  </main>
  <footer><p>The Quillhaven Courier is a made-up newspaper for software tests.</p></footer>
</body>
</html>
"""


def make_article(seed: int, path: str, words: int = 180) -> Article:
    rng = random.Random(seed)
    year, month, day = 2010 + seed % 14, 1 + seed % 12, 1 + seed % 28
    return Article(path=path, title=fictional_title(seed), author=rng.choice(_PEOPLE),
                   published=f"{year:04d}-{month:02d}-{day:02d}", paragraphs=fictional_paragraphs(seed, words))


# -- feeds and sitemaps ---------------------------------------------------------------------------------

def rss(title: str, links: Iterable[str], site: str = "http://127.0.0.1/") -> str:
    items = "\n".join(
        f"    <item><title>Item {n}</title><link>{escape(link)}</link>"
        f"<pubDate>{formatdate(1_500_000_000 + n * 86400, usegmt=True)}</pubDate></item>"
        for n, link in enumerate(links))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>{escape(title)}</title>
    <link>{escape(site)}</link>
    <description>A feed made up for crawler tests.</description>
{items}
  </channel>
</rss>
"""


def atom(title: str, links: Iterable[str]) -> str:
    entries = "\n".join(
        f"""  <entry><title>Entry {n}</title><id>urn:test:{n}</id><link rel="alternate" href="{escape(link)}"/>
    <updated>2021-0{1 + n % 9}-1{n % 10}T08:00:00Z</updated><author><name>Test Desk</name></author></entry>"""
        for n, link in enumerate(links))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>{escape(title)}</title>
  <id>urn:test:feed</id>
  <updated>2021-09-09T08:00:00Z</updated>
{entries}
</feed>
"""


def sitemap(entries: Iterable[tuple[str, str | None]]) -> str:
    urls = "\n".join(
        f"  <url><loc>{escape(loc)}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>"
        for loc, lastmod in entries)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
{urls}
</urlset>
"""


ENTITY_BOMB = """<?xml version="1.0"?>
<!DOCTYPE feed [
  <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
  <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
  <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
  <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
  <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
  <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
]>
<rss version="2.0"><channel><title>&h;</title>
  <item><title>&h;</title><link>http://127.0.0.1/expanded.html</link><description>&h;</description></item>
</channel></rss>
"""


# A feed that stops being XML halfway: the first item can still be read, the second cannot.
def broken_rss(good_link: str) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0">
  <channel>
    <title>Half a feed</title>
    <item><title>Readable</title><link>{escape(good_link)}</link></item>
    <item><title>Unreadable <b>because & of</title><link>http://127.0.0.1/never-listed.html</lin
"""


CP1252_PAGE_TEXT = (
    "The caf\u00e9 on Tamsworth Quay served its last pot of chowder on Friday, and the owner, Henrike Salo, "
    "called it \u201cthe end of a very long lunch.\u201d Regulars lined up along the sea wall to say goodbye, "
    "some of them carrying chipped mugs they had borrowed years ago and never returned. "
)


# -- the fault site -------------------------------------------------------------------------------------

HUGE_BYTES = 60 * 1024 * 1024
# A host that cannot exist (the .invalid top-level domain is reserved for that, RFC 2606).
NOWHERE_FEED = "http://no-such-host.invalid/feed.xml"


@dataclass
class FaultSite:
    """Three servers and four sources: ``faulty`` (every fault beside good articles), ``steady`` (only
    good articles, on another server), ``gone`` (a feed on a port nobody listens on) and ``nowhere``
    (a feed on a host name that does not resolve). The faulty source also reads a feed of ``limited``,
    on another loopback address, listing the page that answers 429 with Retry-After: a Retry-After slows
    every later request to its site, and on a site of its own it does not hold up the other faults."""

    faulty: FaultServer
    steady: FaultServer
    limited: FaultServer
    sources_toml: str
    good: list[str]  # URLs of the articles that must end up archived, once each
    failures: dict[str, tuple[str, str]]  # URL -> (source id, expected words of the failure reason)
    cp1252_url: str
    pdf_url: str

    def server_for(self, url: str) -> FaultServer:
        """The server that answers ``url``."""
        return next(s for s in (self.faulty, self.steady, self.limited) if url.startswith(s.base + "/"))

    def stop(self) -> None:
        self.faulty.stop()
        self.steady.stop()
        self.limited.stop()


def fault_site(max_bytes: int, refused_port: int | None = None) -> FaultSite:
    """Build and start the fault site. ``max_bytes`` is the crawl's size limit (OPTOUT_MAX_BYTES):
    the gzip bomb inflates to four times it."""
    faulty, steady, limited = FaultServer(), FaultServer(), FaultServer(host="127.0.0.2")
    f, s, lim = faulty.base, steady.base, limited.base
    routes = faulty.routes
    routes["/robots.txt"] = page("User-agent: *\nDisallow: /private/\n", "text/plain")
    good_paths = [f"/news/story-{n}.html" for n in range(1, 8)]
    for n, path in enumerate(good_paths, 1):
        routes[path] = page(make_article(100 + n, path).html(f))
    routes["/private/x.html"] = page(make_article(99, "/private/x.html").html(f))
    routes["/fault/404.html"] = page("<html><body><p>Gone fishing.</p></body></html>", status=404)
    routes["/fault/410.html"] = page("<html><body><p>Removed for good.</p></body></html>", status=410)
    routes["/fault/500.html"] = page("<html><body><p>Server on fire.</p></body></html>", status=500)
    routes["/fault/flaky-503.html"] = sequence(
        page("<html><body><p>Try again soon.</p></body></html>", status=503),
        page(make_article(201, "/fault/flaky-503.html").html(f)))
    limited.routes["/fault/limited-429.html"] = sequence(
        page("<html><body><p>Slow down.</p></body></html>", status=429, headers=[("Retry-After", "1")]),
        page(make_article(202, "/fault/limited-429.html").html(lim)))
    routes["/fault/slow.html"] = slow(3.0)
    routes["/fault/loop-a.html"] = redirect("/fault/loop-b.html")
    routes["/fault/loop-b.html"] = redirect("/fault/loop-a.html")
    cp1252 = make_article(203, "/fault/cp1252.html")
    cp1252.paragraphs.insert(1, CP1252_PAGE_TEXT * 2)
    routes["/fault/cp1252.html"] = page(cp1252.html(f).encode("cp1252"), "text/html; charset=utf-8")
    routes["/fault/gzip-bomb.html"] = gzip_bomb(4 * max_bytes)
    routes["/fault/huge.html"] = endless("/fault/huge.html", faulty, HUGE_BYTES)
    routes["/fault/huge-declared.html"] = endless("/fault/huge-declared.html", faulty, HUGE_BYTES, declare_length=True)
    routes["/fault/statement.pdf"] = page(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n", "application/pdf")
    junk = random.Random(4242).randbytes(8192)
    routes["/fault/junk.bin"] = page(junk, "application/octet-stream")
    routes["/fault/junk.html"] = page(junk, "text/html")
    routes["/fault/empty.html"] = page(b"")
    # a page that needs JavaScript to show anything: kept as a capture, but there is no article in it
    routes["/fault/app-shell.html"] = page('<!DOCTYPE html><html><head><title>Loading...</title></head><body>'
                                           '<div id="app"></div><script src="/bundle.js"></script></body></html>')

    listed = [
        *(f + p for p in good_paths[:4]), f + good_paths[0] + "?utm_source=rss&utm_medium=feed",
        *(f + p for p in ("/fault/404.html", "/fault/410.html", "/fault/500.html", "/fault/flaky-503.html",
                          "/fault/slow.html", "/fault/loop-a.html", "/fault/cp1252.html",
                          "/fault/gzip-bomb.html", "/fault/huge.html", "/fault/huge-declared.html",
                          "/fault/statement.pdf", "/fault/junk.bin", "/fault/junk.html", "/fault/empty.html",
                          "/fault/app-shell.html", "/private/x.html")),
        "file:///etc/passwd", "javascript:alert(1)",
    ]
    routes["/feeds/main.rss"] = page(rss("Everything", listed, f + "/"), "application/rss+xml")
    routes["/feeds/main.atom"] = page(
        atom("Some of it", [*(f + p for p in good_paths[2:6]), f + "/fault/404.html", "file:///etc/passwd",
                            "javascript:alert(1)"]), "application/atom+xml")
    routes["/feeds/broken.rss"] = page(broken_rss(f + good_paths[6]), "application/rss+xml")
    routes["/feeds/bomb.rss"] = page(ENTITY_BOMB, "application/rss+xml")
    # a start URL robots.txt disallows: asked for while robots.txt itself is still on its way
    routes["/private/feed.xml"] = page(rss("Hidden", [f + "/private/x.html"], f + "/"), "application/rss+xml")

    limited.routes["/feed.xml"] = page(rss("Patience", [lim + "/fault/limited-429.html"], lim + "/"),
                                       "application/rss+xml")

    steady_paths = [f"/post/{n}.html" for n in range(1, 4)]
    for n, path in enumerate(steady_paths, 1):
        steady.routes[path] = page(make_article(300 + n, path).html(s))
    steady.routes["/feed.xml"] = page(rss("Steady", [s + p for p in steady_paths], s + "/"), "application/rss+xml")

    gone_feed = f"http://127.0.0.1:{refused_port or closed_port()}/feed.xml"
    sources_toml = f"""
[[sources]]
id = "faulty"
name = "Faulty Site"
kind = "news"
feeds = ["{f}/feeds/main.rss", "{f}/feeds/main.atom", "{f}/feeds/broken.rss", "{f}/feeds/bomb.rss",
         "{f}/private/feed.xml", "{lim}/feed.xml"]

[[sources]]
id = "gone"
name = "Gone Site"
feeds = ["{gone_feed}"]

[[sources]]
id = "nowhere"
name = "Nowhere Site"
feeds = ["{NOWHERE_FEED}"]

[[sources]]
id = "steady"
name = "Steady Site"
feeds = ["{s}/feed.xml"]
"""
    good = [f + p for p in good_paths] + [f + "/fault/flaky-503.html", lim + "/fault/limited-429.html",
                                          f + "/fault/cp1252.html"] + [s + p for p in steady_paths]
    size = "larger than the size limit"
    failures = {
        f + "/fault/404.html": ("faulty", "HTTP 404"),
        f + "/fault/410.html": ("faulty", "HTTP 410"),
        f + "/fault/500.html": ("faulty", "HTTP 500"),
        f + "/fault/slow.html": ("faulty", "timed out"),
        f + "/fault/loop-a.html": ("faulty", "too many redirects"),
        f + "/fault/gzip-bomb.html": ("faulty", size),
        f + "/fault/huge.html": ("faulty", size),
        f + "/fault/huge-declared.html": ("faulty", size),
        f + "/fault/junk.bin": ("faulty", "binary content"),
        f + "/fault/junk.html": ("faulty", "binary content"),
        f + "/fault/empty.html": ("faulty", "empty response body"),
        f + "/fault/app-shell.html": ("faulty", "no article text found"),
        # a PDF with an empty page tree: kept as a capture, its reason recorded (crawler/pdf.py)
        f + "/fault/statement.pdf": ("faulty", "no text: a PDF with no pages"),
        f + "/private/x.html": ("faulty", "disallowed by robots.txt"),
        f + "/private/feed.xml": ("faulty", "disallowed by robots.txt"),
        f + "/feeds/broken.rss": ("faulty", "malformed feed"),
        f + "/feeds/bomb.rss": ("faulty", "entities"),
        gone_feed: ("gone", "connection refused"),
        NOWHERE_FEED: ("nowhere", "host not found"),
    }
    faulty.start()
    steady.start()
    limited.start()
    return FaultSite(faulty, steady, limited, sources_toml, good, failures, f + "/fault/cp1252.html",
                     f + "/fault/statement.pdf")
