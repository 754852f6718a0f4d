"""Build the notebooks from their paired percent-format scripts, executed, with outputs.

Each ``notebooks/NN_name.py`` is the source (jupytext "percent" format: ``# %%`` starts a
code cell, ``# %% [markdown]`` a markdown cell whose lines start with ``# ``). This script
turns each into ``NN_name.ipynb``, runs it with nbclient in this folder (so relative paths
such as ``../scenarios/contoso.xlsx`` work) and saves it with its outputs::

    python notebooks/build.py             # every notebook
    python notebooks/build.py 02          # the ones whose name starts with 02
    python notebooks/build.py --check     # fail if an .ipynb's code differs from its .py

Only nbformat and nbclient are needed (both in the ``test`` extra); jupytext itself reads
the same .py files if you prefer to edit them in Jupyter.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

HERE = Path(__file__).resolve().parent
TIMEOUT = 60
"""Seconds a notebook may take to run (CI uses the same limit)."""


def scripts() -> list[Path]:
    """The paired percent-format sources, in order."""
    return sorted(p for p in HERE.glob("[0-9][0-9]_*.py"))


def parse(text: str) -> list[tuple[str, str]]:
    """Cells of a percent-format script as ``(kind, source)``; kind is code or markdown."""
    cells: list[tuple[str, list[str]]] = []
    for line in text.splitlines():
        if line.startswith("# %%"):
            kind = "markdown" if "[markdown]" in line else "code"
            cells.append((kind, []))
        elif cells:
            cells[-1][1].append(line)
    out = []
    for kind, lines in cells:
        if kind == "markdown":
            lines = [ln[2:] if ln.startswith("# ") else ln.lstrip("#") for ln in lines]
        source = "\n".join(lines).strip("\n")
        if source:
            out.append((kind, source))
    return out


def to_notebook(script: Path) -> nbformat.NotebookNode:
    """An unexecuted notebook from ``script``."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    nb.metadata["jupytext"] = {"formats": "ipynb,py:percent"}
    for kind, source in parse(script.read_text(encoding="utf-8")):
        make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
        nb.cells.append(make(source))
    return nb


def execute(nb: nbformat.NotebookNode, timeout: int = TIMEOUT) -> nbformat.NotebookNode:
    """Run ``nb`` in this folder with the current environment's ``python3`` kernel."""
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3",
                            resources={"metadata": {"path": str(HERE)}})
    client.execute()
    return nb


def code_of(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """``(kind, source)`` of every cell, for comparing a notebook with its script."""
    return [(c.cell_type, c.source.strip("\n")) for c in nb.cells]


def build(script: Path) -> Path:
    """Execute ``script`` as a notebook and save ``<name>.ipynb`` beside it."""
    nb = execute(to_notebook(script))
    for n, cell in enumerate(nb.cells):
        cell["id"] = f"{script.stem[:2]}-{n:02d}"  # stable ids keep diffs small
        cell.get("metadata", {}).pop("execution", None)
    out = script.with_suffix(".ipynb")
    nbformat.write(nb, out)
    return out


def check() -> list[str]:
    """Names of notebooks missing or out of step with their scripts."""
    stale = []
    for script in scripts():
        path = script.with_suffix(".ipynb")
        if not path.exists() or code_of(nbformat.read(path, as_version=4)) != parse(
                script.read_text(encoding="utf-8")):
            stale.append(path.name)
    return stale


def main(argv: list[str]) -> int:
    """Command line: build the selected notebooks, or ``--check`` them."""
    if "--check" in argv:
        stale = check()
        for name in stale:
            sys.stderr.write(f"{name} is out of step with its .py: run python notebooks/build.py\n")
        return 1 if stale else 0
    chosen = [s for s in scripts() if not argv or any(s.name.startswith(a) for a in argv)]
    for script in chosen:
        start = time.perf_counter()
        out = build(script)
        sys.stdout.write(f"{out.relative_to(HERE.parent)}  {time.perf_counter() - start:.1f}s\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
