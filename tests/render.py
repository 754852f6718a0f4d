"""Render workbooks with LibreOffice headless (tests that need it skip without ``soffice``)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
needs_soffice = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not installed")
TIMEOUT = 180


def convert(path: Path, to: str, out_dir: Path) -> Path:
    """``path`` converted by LibreOffice to format ``to`` (``pdf``, ``xlsx``) in ``out_dir``.

    A private user profile per call lets tests run in parallel with any open LibreOffice.
    Converting to xlsx recalculates every formula and stores the computed values.
    """
    assert out_dir.resolve() != path.parent.resolve(), "would overwrite the source"
    out_dir.mkdir(parents=True, exist_ok=True)
    profile = (out_dir / ".lo-profile").resolve().as_uri()
    proc = subprocess.run(
        [SOFFICE, f"-env:UserInstallation={profile}", "--headless", "--calc",
         "--convert-to", to, "--outdir", str(out_dir), str(path)],
        capture_output=True, text=True, timeout=TIMEOUT)
    result = out_dir / f"{path.stem}.{to}"
    assert result.exists(), proc.stdout + proc.stderr
    return result


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]
