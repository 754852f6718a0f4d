"""Helpers of the importer tests (importable: test directories have no packages)."""
from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "tenant"
AS_OF = date(2026, 12, 1)


def product_of(catalog, sku: str) -> str:
    """The catalog product whose ``sku`` column names ``sku`` (tests never hard-code ids)."""
    found = [pid for pid, p in catalog.items.items() if sku in (p.sku or "").split(";")]
    assert len(found) == 1, f"catalog has {found} for {sku}"
    return found[0]


def fixture_files() -> dict[str, bytes]:
    """What ``tests/data/tenant/make_tenants.py`` writes (relative path -> bytes)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_tenants", FIXTURES / "make_tenants.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.fixtures()


def implied(catalog, needs) -> set[str]:
    """``needs`` with the lower tiers they imply (catalog tiers have "at least" semantics)."""
    from planner.catalog.load import with_lower_tiers

    return set(with_lower_tiers(set(needs), catalog.capabilities))


def planner(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``planner ARGS`` through the installed console script."""
    exe = shutil.which("planner") or str(Path(sys.executable).with_name("planner"))
    return subprocess.run([exe, *args], capture_output=True, text=True, cwd=cwd, timeout=300,
                          check=False)
