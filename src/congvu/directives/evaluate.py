"""Score the reader on folders of labelled documents (``<id>.txt`` + ``<id>.json``).  Pure Python.

* Metadata: per-field accuracy (exact after NFC and white-space collapsing; ``recipients`` as a list).
* Tasks: predicted and labelled tasks are paired greedily by action similarity (plus a bonus when
  the leads agree); a pair needs an action similarity of at least 0.5.  Precision = pairs /
  predicted, recall = pairs / labelled.  On the pairs: lead exact (white space and case
  normalised; a label's ``lead_aliases`` also count), coordinators set F1, deadline exact,
  deadline_text, report_to, implicit_lead and action exact.
"""

from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from pathlib import Path

from .extract import ExtractError, extract

DOC_FIELDS = ("number", "symbol", "type", "place", "date", "subject", "signer", "signer_title", "authority",
              "recipients")
TASK_FIELDS = ("lead", "coordinators", "deadline", "deadline_text", "report_to", "implicit_lead", "action")


def _norm(value):
    if isinstance(value, str):
        return " ".join(unicodedata.normalize("NFC", value).replace("*", "").split())
    if isinstance(value, list):
        return [_norm(v) for v in value]
    return value


def _key(value: str | None) -> str:
    return (_norm(value) or "").casefold() if isinstance(value, str) else ""


def _similarity(a: str, b: str) -> float:
    a, b = _key(a), _key(b)
    if not a or not b:
        return 0.0
    m = SequenceMatcher(None, a, b, autojunk=False)
    if m.real_quick_ratio() < 0.5 or m.quick_ratio() < 0.5:
        return m.quick_ratio() * 0.5
    return m.ratio()


def _set_f1(pred: list[str], gold: list[str]) -> float:
    p = {_key(x) for x in pred}
    g = {_key(x) for x in gold}
    if not p and not g:
        return 1.0
    if not p or not g:
        return 0.0
    tp = len(p & g)
    if not tp:
        return 0.0
    precision, recall = tp / len(p), tp / len(g)
    return 2 * precision * recall / (precision + recall)


def pair_tasks(pred: list[dict], gold: list[dict]) -> list[tuple[int, int]]:
    scored = []
    for i, p in enumerate(pred):
        for j, g in enumerate(gold):
            sim = _similarity(p.get("action") or "", g.get("action") or "")
            if sim < 0.5:
                continue
            leads = {_key(g.get("lead"))} | {_key(a) for a in g.get("lead_aliases") or []}
            bonus = 0.25 if _key(p.get("lead")) in leads else 0.0
            scored.append((sim + bonus, i, j))
    scored.sort(reverse=True)
    used_p, used_g, pairs = set(), set(), []
    for _s, i, j in scored:
        if i in used_p or j in used_g:
            continue
        used_p.add(i)
        used_g.add(j)
        pairs.append((i, j))
    return pairs


@dataclass
class Score:
    documents: int = 0
    errors: list[str] = field(default_factory=list)
    doc_right: dict = field(default_factory=lambda: dict.fromkeys(DOC_FIELDS, 0))
    predicted: int = 0
    labelled: int = 0
    paired: int = 0
    task_right: dict = field(default_factory=lambda: dict.fromkeys(TASK_FIELDS, 0.0))
    mistakes: list[dict] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.documents += other.documents
        self.errors += other.errors
        for k in DOC_FIELDS:
            self.doc_right[k] += other.doc_right[k]
        self.predicted += other.predicted
        self.labelled += other.labelled
        self.paired += other.paired
        for k in TASK_FIELDS:
            self.task_right[k] += other.task_right[k]
        self.mistakes += other.mistakes

    def report(self) -> dict:
        precision = self.paired / self.predicted if self.predicted else (1.0 if not self.labelled else 0.0)
        recall = self.paired / self.labelled if self.labelled else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        n = self.documents or 1
        pairs = self.paired or 1
        return {
            "documents": self.documents,
            "unreadable": self.errors,
            "document_fields": {k: round(self.doc_right[k] / n, 4) for k in DOC_FIELDS},
            "tasks": {"labelled": self.labelled, "predicted": self.predicted, "paired": self.paired,
                      "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)},
            "task_fields_on_pairs": {
                ("coordinators_f1" if k == "coordinators" else k): round(self.task_right[k] / pairs, 4)
                for k in TASK_FIELDS},
        }


def score_document(pred: dict, gold: dict, *, name: str = "") -> Score:
    s = Score(documents=1)
    for k in DOC_FIELDS:
        want = gold.get("document", {}).get(k, [] if k == "recipients" else None)
        got = pred.get("document", {}).get(k)
        if _norm(got) == _norm(want):
            s.doc_right[k] += 1
        else:
            s.mistakes.append({"document": name, "field": k, "got": got, "want": want})
    ptasks, gtasks = pred.get("tasks", []), gold.get("tasks", [])
    s.predicted, s.labelled = len(ptasks), len(gtasks)
    pairs = pair_tasks(ptasks, gtasks)
    s.paired = len(pairs)
    for i, j in pairs:
        p, g = ptasks[i], gtasks[j]
        leads = {_key(g.get("lead"))} | {_key(a) for a in g.get("lead_aliases") or []}
        checks = {
            "lead": _key(p.get("lead")) in leads,
            "deadline": p.get("deadline") == g.get("deadline"),
            "deadline_text": _norm(p.get("deadline_text")) == _norm(g.get("deadline_text")),
            "report_to": _key(p.get("report_to")) == _key(g.get("report_to")),
            "implicit_lead": bool(p.get("implicit_lead")) == bool(g.get("implicit_lead")),
            "action": _norm(p.get("action")) == _norm(g.get("action")),
        }
        for k, ok in checks.items():
            s.task_right[k] += 1.0 if ok else 0.0
            if not ok:
                s.mistakes.append({"document": name, "task": j, "field": k, "got": p.get(k), "want": g.get(k)})
        f1 = _set_f1(p.get("coordinators") or [], g.get("coordinators") or [])
        s.task_right["coordinators"] += f1
        if f1 < 1.0:
            s.mistakes.append({"document": name, "task": j, "field": "coordinators", "got": p.get("coordinators"),
                               "want": g.get("coordinators")})
    paired_p = {i for i, _ in pairs}
    paired_g = {j for _, j in pairs}
    for i, p in enumerate(ptasks):
        if i not in paired_p:
            s.mistakes.append({"document": name, "field": "extra_task", "got": p.get("action", "")[:120]})
    for j, g in enumerate(gtasks):
        if j not in paired_g:
            s.mistakes.append({"document": name, "field": "missed_task", "want": g.get("action", "")[:120]})
    return s


def evaluate_dir(path: Path, *, agencies: list[str] | None = None) -> Score:
    total = Score()
    for txt in sorted(Path(path).glob("*.txt")):
        label = txt.with_suffix(".json")
        if not label.exists():
            continue
        gold = json.loads(label.read_text(encoding="utf-8"))
        try:
            from congvu.core.filetext import FileTextError, text_of

            pred = extract(text_of(txt.read_bytes()), agencies=agencies)
        except (ExtractError, FileTextError) as exc:
            total.documents += 1
            total.labelled += len(gold.get("tasks", []))
            total.errors.append(f"{txt.name}: {exc}")
            continue
        total.add(score_document(pred, gold, name=txt.stem))
    return total


def format_report(title: str, report: dict) -> str:
    lines = [f"== {title}: {report['documents']} documents"]
    if report["unreadable"]:
        lines.append("   unreadable: " + "; ".join(report["unreadable"]))
    lines.append("   document fields (accuracy):")
    for k, v in report["document_fields"].items():
        lines.append(f"     {k:<14} {v:6.1%}")
    t = report["tasks"]
    lines.append(f"   tasks: labelled {t['labelled']}, predicted {t['predicted']}, paired {t['paired']} — "
                 f"precision {t['precision']:.1%}, recall {t['recall']:.1%}, F1 {t['f1']:.1%}")
    lines.append("   task fields on paired tasks:")
    for k, v in report["task_fields_on_pairs"].items():
        lines.append(f"     {k:<16} {v:6.1%}")
    return "\n".join(lines)
