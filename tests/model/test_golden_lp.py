"""Golden LP snapshots, one per constraint family (regenerate: scripts/regen_goldens.py).

A change to the model's algebra shows up here as a readable diff of LP rows.
"""
from __future__ import annotations

import pytest

from golden_lp import FAMILIES, GOLDEN, by_family, lp_text


@pytest.fixture(scope="module")
def families(tmp_path_factory):
    return by_family(lp_text(tmp_path_factory.mktemp("lp")))


def test_every_constraint_family_has_a_golden_file(families):
    assert sorted(families) == sorted(FAMILIES)
    assert sorted(p.stem for p in GOLDEN.glob("*.lp")) == sorted(FAMILIES)


@pytest.mark.parametrize("family", FAMILIES)
def test_lp_rows_match_the_golden_file(families, family):
    assert families[family] == (GOLDEN / f"{family}.lp").read_text(), (
        f"LP rows of {family} drifted from tests/golden/lp/{family}.lp; if intended, run "
        "scripts/regen_goldens.py and review the diff")
