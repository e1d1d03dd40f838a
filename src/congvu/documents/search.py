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

from django.db import connection
from django.db.models import QuerySet

from congvu.core.text import fold

from .models import Document, SearchEntry

MAX_TOKENS = 12
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

    def search(self, visible: QuerySet, tokens: list[str], *, limit: int, offset: int = 0) -> tuple[list[Hit], int]:
        raise NotImplementedError


class PostgresBackend(SearchBackend):
    name = "postgresql"

    @staticmethod
    def tsquery(tokens: list[str]) -> str:
        return " & ".join(f"{t}:*" if i == len(tokens) - 1 else t for i, t in enumerate(tokens))

    def search(self, visible, tokens, *, limit, offset=0):
        q = self.tsquery(tokens)
        base = (SearchEntry.objects.filter(document__in=visible.values("pk"))
                .extra(where=["documents_searchentry.tsv @@ to_tsquery('simple', %s)"], params=[q]))
        total = base.count()
        rows = (base.extra(select={"score": "ts_rank_cd(documents_searchentry.tsv, to_tsquery('simple', %s), 1)"},
                           select_params=[q])
                .order_by("-score", "-document_id").values_list("document_id", "score")[offset:offset + limit])
        return [Hit(d, float(s)) for d, s in rows], total


class Fts5Backend(SearchBackend):
    name = "sqlite-fts5"

    @staticmethod
    def match(tokens: list[str]) -> str:
        return " ".join(f'"{t}"*' if i == len(tokens) - 1 else f'"{t}"' for i, t in enumerate(tokens))

    def index(self, entry):
        with connection.cursor() as cur:
            cur.execute("DELETE FROM documents_fts WHERE rowid = %s", [entry.document_id])
            cur.execute("INSERT INTO documents_fts(rowid, text) VALUES (%s, %s)", [entry.document_id, entry.text])

    def remove(self, document_id):
        with connection.cursor() as cur:
            cur.execute("DELETE FROM documents_fts WHERE rowid = %s", [document_id])

    def search(self, visible, tokens, *, limit, offset=0):
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

    def search(self, visible, tokens, *, limit, offset=0):
        qs = SearchEntry.objects.filter(document__in=visible.values("pk"))
        for t in tokens:
            qs = qs.filter(text__contains=t)
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
    entry, _created = SearchEntry.objects.update_or_create(document=doc, defaults={"text": text})
    b = backend()
    if isinstance(b, Fts5Backend) or (connection.vendor == "sqlite" and _sqlite_has_fts(
            str(connection.settings_dict.get("NAME")))):
        Fts5Backend().index(entry)
    return entry
