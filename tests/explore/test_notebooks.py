"""The notebooks run cleanly in under a minute each, stay in step with their .py sources, and
their saved text outputs are what they print today (rebuild: python notebooks/build.py).

Each notebook is executed with nbclient and the ``python3`` kernel of this environment
(ipykernel is in the ``test`` extra), from the notebooks folder so that relative paths to
``../scenarios`` work.
"""
from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LIMIT = 60  # seconds per notebook
PAIRS = sorted(NOTEBOOKS.glob("[0-9][0-9]_*.py"))


def _build_module():
    spec = importlib.util.spec_from_file_location("notebooks_build", NOTEBOOKS / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _outputs(nb, kind: str) -> list[str]:
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            if kind in data:
                found.append(data[kind])
    return found


def test_three_notebooks_are_paired():
    assert len(PAIRS) >= 3
    for script in PAIRS:
        assert script.with_suffix(".ipynb").exists(), f"{script.name} has no .ipynb"


def test_committed_notebooks_match_their_sources():
    assert _build_module().check() == []


def _texts(nb) -> list[str]:
    """Every text output of ``nb`` (stdout, plain text, HTML, markdown), with durations such
    as ``0.03 s`` blanked: what a reader sees, less what the machine's speed decides (stderr,
    where progress bars go, is left out)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("name") == "stderr":
                continue
            parts = [out.get("text", "")] + [v for k, v in sorted(out.get("data", {}).items())
                                             if k.startswith("text/")]
            found += [re.sub(r"\d+(\.\d+)? ?s\b", "_ s", "".join(p) if isinstance(p, list) else p)
                      for p in parts if p]
    return found


@pytest.mark.parametrize("script", PAIRS, ids=[p.stem for p in PAIRS])
def test_notebook_runs_under_a_minute(script):
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    saved = _texts(nb)
    client = NotebookClient(nb, timeout=LIMIT, kernel_name="python3",
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    start = time.perf_counter()
    client.execute()  # raises CellExecutionError naming the failing cell
    elapsed = time.perf_counter() - start
    assert elapsed < LIMIT, f"{script.stem} took {elapsed:.1f} s"
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert not errors
    assert _outputs(nb, "image/png"), "each notebook tells its story with at least one plot"
    assert any("conclusion" in text.lower() for text in _outputs(nb, "text/markdown")), (
        "each notebook displays a computed conclusion")
    assert _texts(nb) == saved, (f"{script.with_suffix('.ipynb').name}'s saved outputs are not "
                                 "what it prints today: run python notebooks/build.py")


@pytest.mark.parametrize("script", PAIRS, ids=[p.stem for p in PAIRS])
def test_committed_notebook_has_outputs(script):
    nb = nbformat.read(script.with_suffix(".ipynb"), as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.get("execution_count") for c in code)
    assert _outputs(nb, "image/png")


def test_percent_format_parser():
    build = _build_module()
    cells = build.parse("# %% [markdown]\n# # Title\n#\n# text\n\n# %%\nx = 1\n\n# %%\n\n")
    assert cells == [("markdown", "# Title\n\ntext"), ("code", "x = 1")]
