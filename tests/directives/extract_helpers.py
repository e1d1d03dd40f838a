"""Helpers for the directives tests: the corpora and DOCX files."""

from __future__ import annotations

import json
from pathlib import Path

from samples import docx_bytes

HERE = Path(__file__).parent
OWN_CORPUS = HERE / "corpus"


def _find_dev() -> Path:
    for candidate in (HERE.parents[1] / ".." / "shared" / "corpus" / "dev",
                      HERE.parents[2] / "shared" / "corpus" / "dev",
                      Path("/work/shared/corpus/dev")):
        if candidate.is_dir():
            return candidate.resolve()
    return HERE / "missing-dev-corpus"


DEV_CORPUS = _find_dev()


def labelled(folder: Path) -> list[tuple[str, str, dict]]:
    """(id, text, label) of every labelled document in ``folder``."""
    out = []
    for txt in sorted(folder.glob("*.txt")):
        label = txt.with_suffix(".json")
        if label.exists():
            out.append((txt.stem, txt.read_text(encoding="utf-8"), json.loads(label.read_text(encoding="utf-8"))))
    return out


make_docx = docx_bytes
