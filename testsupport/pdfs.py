"""PDF files written by hand for tests and benchmarks: text pages (one or two columns, headings, running
footers), an image-only "scanned" page, and hostile files (broken, nested form objects, nested arrays, a
huge page count, a compressed-stream bomb). Plain PDF 1.4 with the standard Helvetica font
(WinAnsiEncoding), so no font files and no PDF library are needed to make them."""

from __future__ import annotations

import textwrap
import zlib
from dataclasses import dataclass, field

PAGE_W, PAGE_H = 612, 792


def _escape(text: str) -> bytes:
    raw = text.encode("cp1252", errors="replace")
    out = bytearray()
    for b in raw:
        if b in b"()\\":
            out += b"\\" + bytes([b])
        elif b < 32 or b > 126:
            out += f"\\{b:03o}".encode()
        else:
            out.append(b)
    return bytes(out)


@dataclass
class TextPage:
    """Lines of text placed on a page: (x, y, font size, text)."""

    lines: list[tuple[float, float, float, str]] = field(default_factory=list)
    image: bool = False  # draw a grey image over the page (a scan) instead of / beside the text

    def content(self) -> bytes:
        parts = []
        if self.image:
            parts.append(b"q 540 0 0 720 36 36 cm /Im1 Do Q")
        for x, y, size, text in self.lines:
            parts.append(b"BT /F1 %g Tf %g %g Td (" % (size, x, y) + _escape(text) + b") Tj ET")
        return b"\n".join(parts)


def wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def column_lines(paragraphs: list[str], x: float, top: float, width_chars: int, size: float = 10,
                 leading: float = 13, gap: float = 10) -> tuple[list[tuple[float, float, float, str]], float]:
    """Paragraphs set in a column from ``top`` down; returns the lines and the y below the last one."""
    out, y = [], top
    for para in paragraphs:
        for row in wrap(para, width_chars):
            out.append((x, y, size, row))
            y -= leading
        y -= gap
    return out, y


def letter_page(title: str | None, paragraphs: list[str], *, dateline: str | None = None,
                footer: str | None = None, columns: int = 1) -> TextPage:
    """A page with an optional heading (18 pt), a dateline, body paragraphs in one or two columns and a
    running footer."""
    lines: list[tuple[float, float, float, str]] = []
    y = PAGE_H - 72
    if title:
        lines.append((72, y, 18, title))
        y -= 30
    if dateline:
        lines.append((72, y, 10, dateline))
        y -= 24
    if columns == 1:
        body, _ = column_lines(paragraphs, 72, y, 90)
    else:
        half = (len(paragraphs) + 1) // 2
        left, _ = column_lines(paragraphs[:half], 72, y, 44)
        right, _ = column_lines(paragraphs[half:], 320, y, 44)
        body = left + right
    lines.extend(body)
    if footer:
        lines.append((72, 40, 8, footer))
    return TextPage(lines)


def image_page() -> TextPage:
    return TextPage([], image=True)


def build_pdf(pages: list[TextPage], info: dict[str, str] | None = None, *, compress: bool = True) -> bytes:
    """A complete PDF with an xref table: catalog, page tree, one font, an image when a page needs one."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    pixels = bytes((x * 7 + y * 3) % 256 for y in range(32) for x in range(32))
    image = add(b"<< /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray "
                b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream")
    kids = []
    for page in pages:
        kids.append(add(b""))
        content = stream(page.content(), compress)
        objects[kids[-1] - 1] = (b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                                 b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> >>"
                                 % (tree, PAGE_W, PAGE_H, len(objects) + 1, font, image))
        add(content)
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids), len(kids))
    info_id = add(b"<< " + b" ".join(b"/%s (%s)" % (k.encode(), _escape(v)) for k, v in (info or {}).items()) + b" >>")
    return serialize(objects, catalog, info_id)


def stream(data: bytes, compress: bool = True) -> bytes:
    if compress:
        data = zlib.compress(data)
        return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"
    return b"<< /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def serialize(objects: list[bytes], root: int, info: int | None = None) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    trailer = b"/Size %d /Root %d 0 R" % (len(objects) + 1, root) + (b" /Info %d 0 R" % info if info else b"")
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


# -- hostile files -------------------------------------------------------------------------------------

def broken_pdf() -> bytes:
    """A PDF header followed by a cut-off object and no page tree or xref."""
    return b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R\n2 0 obj << /Type /Pa"


def nested_forms_pdf(depth: int = 200) -> bytes:
    """Each form XObject draws the next one: drawing the page recurses ``depth`` levels."""
    objects: list[bytes] = [b"<< /Type /Catalog /Pages 2 0 R >>", b"", b""]
    first = 4
    for i in range(depth):
        n = first + i
        inner = b"/X%d Do" % (n + 1) if i < depth - 1 else b"BT /F1 10 Tf 10 10 Td (bottom) Tj ET"
        res = b"/XObject << /X%d %d 0 R >>" % (n + 1, n + 1) if i < depth - 1 else b""
        objects.append(b"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Resources << %s >> /Length %d >>\n"
                       b"stream\n%s\nendstream" % (res, len(inner), inner))
    objects[1] = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
    content = b"/X%d Do" % first
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
    objects[2] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents %d 0 R "
                  b"/Resources << /XObject << /X%d %d 0 R >> >> >>" % (len(objects), first, first))
    return serialize(objects, 1)


def nested_arrays_pdf(depth: int = 100_000) -> bytes:
    """A page whose annotation list nests ``depth`` arrays deep."""
    deep = b"[" * depth + b"]" * depth
    content = b"BT /F1 10 Tf 72 700 Td (Shallow text.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Annots " + deep
               + b" /Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    return serialize(objects, 1)


def many_pages_pdf(pages: int = 5000, declared: int | None = None) -> bytes:
    """``pages`` pages sharing one small content stream; ``declared`` overrides the tree's /Count."""
    content = b"BT /F1 10 Tf 72 700 Td (Page text.) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content)]
    kids = []
    for _ in range(pages):
        objects.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
                       b"/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % k for k in kids),
                                                               pages if declared is None else declared)
    return serialize(objects, 1)


def inflate_bomb_pdf(inflated: int = 120_000_000) -> bytes:
    """A content stream of ``inflated`` spaces, compressed to a few hundred kilobytes."""
    comp = zlib.compressobj(9)
    chunk = b" " * 1_000_000
    data = b"".join(comp.compress(chunk) for _ in range(inflated // len(chunk))) + comp.flush()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
               b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream"]
    return serialize(objects, 1)


STATEMENT_PARAGRAPHS = [
    "The Riverbend Education Association stands with the families of our district who have chosen to "
    "refuse the spring state tests for their children this year.",
    "\u201cNo child should be punished because a parent said no to a test,\u201d said Dana Whitfield, "
    "president of the association. \u201cOur members will respect every family\u2019s decision.\u201d",
    "The association asks the district to provide a quiet reading room for students who opt out, and to "
    "make sure that no student is made to sit and stare while classmates take the exams.",
    "Teachers in Riverbend have long said that the hours given to testing are hours taken from reading, "
    "science and the arts, and that scores arrive too late to help anyone teach.",
]


def statement_pdf(pages: int = 2, columns: int = 1, info: dict[str, str] | None = None,
                  title: str = "Riverbend teachers back families who opt out",
                  dateline: str | None = "April 2, 2015", footer: str | None = "Riverbend Education Association",
                  image_pages: tuple[int, ...] = ()) -> bytes:
    """A fictional union statement of ``pages`` pages (page numbers 0-based in ``image_pages`` are scans)."""
    out = []
    for n in range(pages):
        if n in image_pages:
            out.append(image_page())
            continue
        paragraphs = [f"{p} (Part {n + 1}.)" if n else p for p in STATEMENT_PARAGRAPHS]
        page = letter_page(title if n == 0 else None, paragraphs, dateline=dateline if n == 0 else None,
                           footer=footer, columns=columns)
        page.lines.append((540, 40, 8, f"{n + 1}"))
        out.append(page)
    return build_pdf(out, info)
