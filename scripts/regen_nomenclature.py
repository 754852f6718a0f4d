"""Rewrite the generated column tables of docs/nomenclature.md from planner/input/workbook.py.

    python scripts/regen_nomenclature.py

Each table sits between ``<!-- columns: KEY -->`` and ``<!-- end columns -->`` (KEY is
``fields`` for the Organization fields or an internal sheet name);
tests/input/test_workbook.py fails while the docs differ from the specification.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from planner.input.workbook import generated_docs  # noqa: E402

DOCS = Path(__file__).resolve().parents[1] / "docs" / "nomenclature.md"

if __name__ == "__main__":
    DOCS.write_text(generated_docs(DOCS.read_text(encoding="utf-8")), encoding="utf-8")
