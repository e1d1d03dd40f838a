"""Full-text search behind a small interface, with a PostgreSQL and a SQLite back-end.

Both index the same text: the folded words (core.text.fold, diacritics and case removed,
punctuation split) of a document's metadata and of the text of its files, kept in
``SearchEntry.text``.  PostgreSQL searches a generated ``tsvector`` column ('simple'
configuration, GIN index) and ranks with ``ts_rank_cd``; SQLite uses an FTS5 table ranked by
``bm25``, or, when FTS5 is missing, ``LIKE`` on the folded text ranked by word counts.

A back-end gets the queryset of documents the user may see and never widens it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import Q, QuerySet

from congvu.core.text import fold

from .models import Document, SearchEntry

MAX_TOKENS = 12
# The last word is matched as a prefix (the person may still be typing) when it has at least this many
# letters; shorter prefixes of Vietnamese syllables ("ho", "th") match a large part of any corpus.
MIN_PREFIX = 3
MAX_TOKEN_LEN = 40
_WORD = re.compile(r"[^\W_]+")


def words(text: str | None) -> list[str]:
    """Folded search words of ``text`` (``"Số 15/QĐ-BNV"`` → ``["so", "15", "qd", "bnv"]``)."""
    return _WORD.findall(fold(text or ""))


def query_words(query: str) -> list[str]:
    out: list[str] = []
    for w in words((query or "")[:1000]):
        w = w[:MAX_TOKEN_LEN]
        if w not in out:
            out.append(w)
    return out[:MAX_TOKENS]


def document_text(doc: Document, file_texts: list[str]) -> str:
    parts = [doc.reference, f"{doc.number}" if doc.number is not None else "", doc.symbol, doc.type_name,
             doc.subject, doc.issuer_name, doc.signer_name, doc.signer_title, doc.recipients_text, doc.note,
             doc.body, *file_texts]
    return " ".join(words(" ".join(p for p in parts if p)))


@dataclass(frozen=True)
class Hit:
    document_id: int
    score: float


class SearchBackend:
    name = "base"

    def index(self, entry: SearchEntry) -> None:  # pragma: no cover - interface
        """Called after ``entry.text`` was saved (in the same transaction)."""

    def remove(self, document_id: int) -> None:  # pragma: no cover - interface
        pass

    def search(self, visible: QuerySet, tokens: list[str], *, limit: int, offset: int = 0,
               prefilter: dict | None = None) -> tuple[list[Hit], int]:
        """Ranked hits among ``visible`` (``prefilter`` repeats the scope and filters for back-ends that
        narrow with their own indexes; ``visible`` stays the rule)."""
        raise NotImplementedError


class PostgresBackend(SearchBackend):
    name = "postgresql"

    @staticmethod
    def tsquery(tokens: list[str]) -> str:
        return " & ".join(f"{t}:*" if i == len(tokens) - 1 and len(t) >= MIN_PREFIX else t
                          for i, t in enumerate(tokens))

    # Ranking every match of a very common word over a million rows is too slow for a search box.  The
    # indexes narrow first (GIN on the words, b-tree on agency/date copies), then at most CANDIDATES matches
    # are read and ranked; the total is exact up to CANDIDATES and reported as CANDIDATES beyond (a query
    # that broad needs more words or filters anyway).  See docs/decisions/0041-document-search.md.
    CANDIDATES = 1000

    def search(self, visible, tokens, *, limit, offset=0, prefilter=None):
        from django.conf import settings
        from django.db import connection as conn

        pf = prefilter or {}
        cap = max(getattr(settings, "CONGVU_SEARCH_CANDIDATES", self.CANDIDATES), offset + limit)
        q = self.tsquery(tokens)
        where, params = ["se.tsv @@ to_tsquery('simple', %s)"], [q]
        if pf.get("agency_ids") is not None:
            where.append("se.agency_id = ANY(%s)")
            params.append(list(pf["agency_ids"]))
        secret = ["se.confidentiality = 0"]
        if pf.get("staff_id"):
            secret.append("se.document_id IN (SELECT a.document_id FROM documents_access a WHERE a.staff_id = %s)")
            params.append(pf["staff_id"])
        if pf.get("keeper_agency_id"):
            secret.append("se.agency_id = %s")
            params.append(pf["keeper_agency_id"])
        where.append("(" + " OR ".join(secret) + ")")
        for field in ("doc_type", "direction", "status"):
            if pf.get(field):
                where.append(f"se.{field} = %s")
                params.append(pf[field])
        if pf.get("agency_id"):
            where.append("se.agency_id = %s")
            params.append(pf["agency_id"])
        if pf.get("date_from"):
            where.append("se.day >= %s")
            params.append(pf["date_from"])
        if pf.get("date_to"):
            where.append("se.day <= %s")
            params.append(pf["date_to"])
        with transaction.atomic(), conn.cursor() as cur:
            # Enough memory that the bitmaps of common words stay exact (no lossy recheck of every row).
            cur.execute("SET LOCAL work_mem = '32MB'")
            cur.execute(
                f"""SELECT c.document_id, ts_rank_cd(c.tsv, to_tsquery('simple', %s), 1) AS score,
                           count(*) OVER () AS total
                    FROM (SELECT se.document_id, se.tsv FROM documents_searchentry se
                          WHERE {" AND ".join(where)} LIMIT %s) c
                    ORDER BY score DESC, c.document_id DESC LIMIT %s OFFSET %s""",  # noqa: S608 - fixed fragments
                [q, *params, cap, limit, offset])
            rows = cur.fetchall()
            total = rows[0][2] if rows else 0
            if not rows and offset:
                sql = ("SELECT count(*) FROM (SELECT 1 FROM documents_searchentry se WHERE "  # noqa: S608
                       + " AND ".join(where) + " LIMIT %s) c")
                cur.execute(sql, [*params, cap])  # where: fixed fragments, values are parameters
                total = cur.fetchone()[0]
        # Defence in depth: only documents the ORM's visibility rule also allows.
        allowed = set(visible.filter(pk__in=[r[0] for r in rows]).values_list("pk", flat=True))
        return [Hit(d, float(s)) for d, s, _t in rows if d in allowed], total


class Fts5Backend(SearchBackend):
    name = "sqlite-fts5"

    @staticmethod
    def match(tokens: list[str]) -> str:
        return " ".join(f'"{t}"*' if i == len(tokens) - 1 and len(t) >= MIN_PREFIX else f'"{t}"'
                        for i, t in enumerate(tokens))

    def index(self, entry):
        with connection.cursor() as cur:
            cur.execute("DELETE FROM documents_fts WHERE rowid = %s", [entry.document_id])
            cur.execute("INSERT INTO documents_fts(rowid, text) VALUES (%s, %s)", [entry.document_id, entry.text])

    def remove(self, document_id):
        with connection.cursor() as cur:
            cur.execute("DELETE FROM documents_fts WHERE rowid = %s", [document_id])

    def search(self, visible, tokens, *, limit, offset=0, prefilter=None):
        m = self.match(tokens)
        with connection.cursor() as cur:
            cur.execute("SELECT rowid, -bm25(documents_fts) FROM documents_fts WHERE documents_fts MATCH %s", [m])
            scores = dict(cur.fetchall())
        if not scores:
            return [], 0
        ids = set(visible.filter(pk__in=list(scores)).values_list("pk", flat=True)) if len(scores) < 50000 else \
            {pk for pk in visible.values_list("pk", flat=True) if pk in scores}
        ranked = sorted(ids, key=lambda pk: (-scores[pk], -pk))
        return [Hit(pk, float(scores[pk])) for pk in ranked[offset:offset + limit]], len(ranked)


class LikeBackend(SearchBackend):
    name = "like"

    def search(self, visible, tokens, *, limit, offset=0, prefilter=None):
        qs = SearchEntry.objects.filter(document__in=visible.values("pk"))
        for i, t in enumerate(tokens):
            prefix = i == len(tokens) - 1 and len(t) >= MIN_PREFIX
            qs = qs.filter(Q(text__startswith=t + (" " if not prefix else "")) | Q(text__contains=" " + t +
                                                                                ("" if prefix else " "))
                           | Q(text=t) | (Q(text__endswith=" " + t) if not prefix else Q(pk__in=[])))
        scored = []
        for doc_id, text in qs.values_list("document_id", "text")[:5000]:
            found = text.split()
            score = sum(found.count(t) for t in tokens) / (1 + len(found) / 100)
            scored.append(Hit(doc_id, float(score)))
        scored.sort(key=lambda h: (-h.score, -h.document_id))
        return scored[offset:offset + limit], len(scored)


@lru_cache(maxsize=8)
def _sqlite_has_fts(alias_key: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'documents_fts'")
        return cur.fetchone() is not None


_FORCED: SearchBackend | None = None


def backend() -> SearchBackend:
    """The back-end for the current database (tests may force one with :func:`use`)."""
    if _FORCED is not None:
        return _FORCED
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite" and _sqlite_has_fts(str(connection.settings_dict.get("NAME"))):
        return Fts5Backend()
    return LikeBackend()


def use(b: SearchBackend | None) -> None:
    global _FORCED
    _FORCED = b


def reindex(doc: Document) -> SearchEntry:
    """Recompute the search row of ``doc`` from its metadata and the text of its latest files."""
    latest: dict[tuple[str, str], str] = {}
    for f in doc.files.order_by("version", "id"):
        latest[(f.role, f.name)] = f.text
    text = document_text(doc, list(latest.values()))
    values = {"text": text, **SearchEntry.fields_of(doc)}
    if not SearchEntry.objects.filter(document=doc).update(**values):
        SearchEntry.objects.create(document=doc, **values)
    entry = SearchEntry(document=doc, **values)
    b = backend()
    if isinstance(b, Fts5Backend) or (connection.vendor == "sqlite" and _sqlite_has_fts(
            str(connection.settings_dict.get("NAME")))):
        Fts5Backend().index(entry)
    return entry
