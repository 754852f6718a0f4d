"""Rewrite tests/golden/lp/<family>.lp from the current model (review the diff, then commit).

    python scripts/regen_goldens.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from golden_lp import GOLDEN, by_family, lp_text  # noqa: E402

if __name__ == "__main__":
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for old in GOLDEN.glob("*.lp"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        for family, text in sorted(by_family(lp_text(Path(tmp))).items()):
            (GOLDEN / f"{family}.lp").write_text(text)
            print(GOLDEN / f"{family}.lp")
