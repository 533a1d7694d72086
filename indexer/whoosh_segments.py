"""Writing new Whoosh segments in bulk: the same files Whoosh's SegmentWriter writes, at a fraction of the
Python work per posting.

Whoosh pools one tuple per posting (field, term, document, weight, value), sorts them all (spilling sorted
runs to disk and merging them back when its pool is full), then hands them one by one to the codec, which
looks up the document's field length and appends to a block for every single posting. At 20,000 documents
that was two thirds of `optout index`. Here postings are grouped by field and term as documents arrive (a
document adds each term of a field once, in document order, so nothing needs sorting), and each term's
postings are cut into the codec's blocks a slice at a time; the blocks themselves are encoded by Whoosh's
own code. The result is byte for byte what Whoosh writes (tests/indexer/test_whoosh_segments.py).

Part of the search backend: only this module and indexer/whoosh_backend.py import Whoosh.
"""

from __future__ import annotations

from array import array
from datetime import datetime
from typing import Any

from whoosh.writing import SegmentWriter

from indexer.whoosh_backend import FastText, encode_positions

# Rough bytes a pooled posting and a pooled term cost in Python (the arrays' items, the list slot, the
# entries of the term dictionary); used only to decide when a segment is full.
POSTING_BYTES = 20
TERM_BYTES = 300
MEMO_VALUE_CHARS = 200  # field values up to this long have their terms remembered ...
MEMO_ENTRIES = 50_000  # ... this many at a time


class TermPool:
    """Postings of one new segment, grouped by field and term as documents are added."""

    def __init__(self) -> None:
        # field -> term bytes -> (document numbers, weights as doubles, non-empty encoded values)
        self.fields: dict[str, dict[bytes, tuple[array, array, list[bytes]]]] = {}
        self.size = 0  # estimated bytes held

    def add(self, fieldname: str, docnum: int, items: Any, boost: float, scorable: bool) -> int:
        """Pool one field's postings for one document; the field's length (summed frequencies) if scorable."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        length = size = 0
        for tbytes, freq, weight, vbytes in items:
            weight *= boost
            if scorable:
                length += freq
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), array("d"), [])
                size += TERM_BYTES + len(tbytes)
            entry[0].append(docnum)
            entry[1].append(weight)
            if vbytes:  # Whoosh's postings writer keeps only non-empty values
                entry[2].append(vbytes)
                size += len(vbytes)
            size += POSTING_BYTES
        self.size += size
        return length


    def add_positions(self, fieldname: str, docnum: int, poses: dict[str, list[int]], weight: float,
                      boost: float, scorable: bool) -> int:
        """add() for a FastText field's words and positions, without a tuple per posting in between: the
        same postings as ``add(fieldname, docnum, field.index(value), boost, scorable)``."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
        length = size = 0
        for word, positions in poses.items():
            freq = len(positions)
            if scorable:
                length += freq
            tbytes = word.encode("utf-8")
            vbytes = encode_positions(positions)
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), array("d"), [])
                size += TERM_BYTES + len(tbytes)
            entry[0].append(docnum)
            # The same float operations as FastText.index() then add(): freq x field boost, then x boost.
            entry[1].append(float(freq) * weight * boost)
            entry[2].append(vbytes)  # never empty: a positions encoding has at least its count
            size += POSTING_BYTES + len(vbytes)
        self.size += size
        return length


class BulkSegmentWriter(SegmentWriter):
    """A SegmentWriter for a new segment that only gets documents added (no merging of other segments, no
    deletions, no term vectors or separate spelling fields): what a worker of `optout index` writes."""

    def __init__(self, ix: Any, **kwargs: Any):
        super().__init__(ix, **kwargs)
        for name, field in self.schema.items():
            if field.vector or field.separate_spelling():
                raise ValueError(f"field {name!r}: term vectors and spelling fields are not written in bulk")
        self.terms = TermPool()
        self.memo: dict[tuple[str, Any], list[Any]] = {}

    def add_document(self, **fields: Any) -> None:
        """Add one document, as SegmentWriter.add_document does (stored values, lengths, columns, boosts)."""
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    poses = field.positions(value) if type(field) is FastText else None
                    if poses is not None:
                        length = self.terms.add_positions(fieldname, docnum, poses, field.format.field_boost,
                                                          boost, field.scorable)
                    else:
                        length = self.terms.add(fieldname, docnum, self._index(fieldname, field, value), boost,
                                                field.scorable)
                customval = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, customval if field.stored else None, length)
                column = field.column_type
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1

    def _index(self, fieldname: str, field: Any, value: Any) -> Any:
        """``field.index(value)``; remembered for the short values many documents share (ids of sources,
        kinds, dates, tag lists), whose terms are the same every time."""
        if type(field) is FastText or not isinstance(value, str | datetime) or \
                isinstance(value, str) and len(value) > MEMO_VALUE_CHARS:
            return field.index(value)
        key = (fieldname, value)
        items = self.memo.get(key)
        if items is None:
            if len(self.memo) >= MEMO_ENTRIES:
                self.memo.clear()
            items = self.memo[key] = list(field.index(value))
        return items

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        write_postings(self.fieldwriter, self.schema, pdr, self.terms, self.docnum - self.docbase)
        self.fieldwriter.close()
        if pdr:
            pdr.close()
        self.terms = TermPool()


def write_postings(fieldwriter: Any, schema: Any, pdr: Any, pool: TermPool, doccount: int) -> None:
    """Every pooled term's postings through the codec's field writer, in the order Whoosh writes them."""
    for fieldname in sorted(pool.fields):
        terms = pool.fields[fieldname]
        if not terms:  # a field whose values gave no terms (an empty keyword list) gets no field id
            continue
        # The length of the field in each document, as the codec reads it back (quantised to one byte).
        lengths = [pdr.doc_field_length(d, fieldname) or 0 for d in range(doccount)] if pdr else None
        fieldwriter.start_field(fieldname, schema[fieldname])
        for tbytes in sorted(terms):
            ids, weights, values = terms[tbytes]
            fieldwriter.start_term(tbytes)
            _fill(fieldwriter._postwriter, ids, weights, values, lengths)  # noqa: SLF001
            fieldwriter.finish_term()
        fieldwriter.finish_field()


def _fill(pw: Any, ids: array, weights: array, values: list[bytes], lengths: list[int] | None) -> None:
    """Put one term's postings in ``pw``'s blocks: every full block written as add_posting() would write
    it, the last left buffered for finish_postings() (which inlines or writes it)."""
    n, limit = len(ids), pw._blocklimit  # noqa: SLF001
    if values and len(values) != n:  # some values empty, some not: never in optout's fields
        for i in range(n):
            pw.add_posting(ids[i], weights[i], values[i] if values else b"",
                           lengths[ids[i]] if lengths else 0)
        return
    for start in range(0, n, limit):
        end = min(n, start + limit)
        block_ids = ids[start:end]
        block_weights = weights[start:end]
        pw._ids = block_ids  # noqa: SLF001
        pw._weights = array("f", block_weights)  # noqa: SLF001
        pw._values = values[start:end] if values else []  # noqa: SLF001
        pw._maxweight = max(0, max(block_weights))  # noqa: SLF001
        found = [length for length in (lengths[d] for d in block_ids) if length] if lengths else []
        pw._minlength = min(found) if found else None  # noqa: SLF001
        pw._maxlength = max(found) if found else 0  # noqa: SLF001
        if end < n:
            pw._write_block()  # noqa: SLF001
