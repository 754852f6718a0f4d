"""planner.examples: every example loads, solves, audits clean and round-trips as a workbook."""
from __future__ import annotations

import doctest
import re
from dataclasses import replace
from pathlib import Path

import pytest

import planner
from planner import examples
from planner.examples import EXAMPLES, example_path, load_example, tiny_org, write_example


def _strip(inputs):
    """Inputs without what only a workbook has (row numbers, source, warnings)."""
    return (inputs.org,
            tuple(replace(g, row=None) for g in inputs.groups),
            tuple(replace(h, row=None) for h in inputs.holdings),
            tuple(replace(p, row=None) for p in inputs.prices))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
@pytest.mark.parametrize("at", ["now", "renewal"])
def test_every_example_solves_and_passes_the_audit(name, at):
    result = planner.plan(load_example(name), at=at, alternatives=False)
    assert result.status == "optimal"
    assert result.compliant
    assert result.annual_cost > 0


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_workbook_reads_back_to_the_same_inputs(name, tmp_path):
    path = write_example(name, tmp_path / "sub" / f"{name}.xlsx")
    read = planner.read_org(path)
    # The tiny example is an EA of 75 users, under the EA minimum: the one warning expected.
    below_ea_minimum = ("an EA needs at least 500 users or devices",) if name == "tiny" else ()
    assert tuple(w.split(": ", 1)[1].split(" (commercial)")[0] for w in read.warnings) == \
        below_ea_minimum
    org, groups, holdings, prices = _strip(read)
    want = _strip(load_example(name))
    assert groups == want[1]
    assert holdings == want[2]
    assert prices == want[3]
    assert (org.name, org.as_of, org.renewal_date, org.agreement) == (
        want[0].name, want[0].as_of, want[0].renewal_date, want[0].agreement)


def test_example_path_writes_into_the_folder(tmp_path):
    path = example_path("sa_platform", tmp_path)
    assert path == tmp_path / "sa_platform.xlsx"
    assert path.exists()
    assert planner.read_org(path).group("all_users").users == 1400


def test_example_path_default_folder_is_reusable():
    first = example_path("tiny")
    second = example_path("tiny")
    assert first == second and first.exists()


def test_unknown_example_lists_the_known_ones():
    with pytest.raises(KeyError, match="e5_to_e7.*sa_platform.*tiny"):
        load_example("nope")
    with pytest.raises(KeyError, match="known examples"):
        write_example("nope", "x.xlsx")


def test_tiny_org_is_small_and_fixed_in_time():
    org = tiny_org()
    assert [g.name for g in org.groups] == ["office", "analysts", "store"]
    assert str(org.org.as_of) == examples.AS_OF
    assert sum(g.users for g in org.groups) == 75
    assert org == tiny_org()


def test_tiny_org_plan_is_stable():
    """A reference answer for the README example (list prices of us-list-2026-07)."""
    result = planner.plan(tiny_org(), at="renewal", alternatives=False)
    assert result.price_list == "us-list-2026-07"
    bought = result.purchases.query("action != 'drop'").groupby("product")["quantity"].sum()
    assert bought.to_dict() == {"copilot": 10, "m365_e3": 40, "m365_e5": 10, "m365_f1": 25}


def test_definitions_use_known_ids():
    catalog = planner.load_catalog()
    for spec in EXAMPLES.values():
        for g in spec["groups"]:
            catalog.expand_needs([n.strip() for n in g["needs"].split(",")])
        for h in spec["holdings"]:
            assert h["product"] in catalog.items


def test_no_scenario_names_in_the_package_modules():
    seed_names = ("contoso", "alpine", "litware", "margie", "trey", "tailspin")
    for module in ("examples.py", "explore.py"):
        text = (Path(planner.__file__).parent / module).read_text(encoding="utf-8").lower()
        assert not [n for n in seed_names if re.search(n, text)], module


def test_docstring_examples_run():
    failures, _ = doctest.testmod(examples, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_a_definition_is_validated_like_a_workbook():
    """Issue 14: a misspelt need in a definition was a bare KeyError."""
    spec = {**EXAMPLES["tiny"], "groups": [dict(EXAMPLES["tiny"]["groups"][0],
                                                needs="m365_e3_equivelant")]}
    with pytest.raises(planner.InputError) as caught:
        examples.from_definition(spec)
    assert caught.value.lines() == [
        "sheet Groups, row 2, column needs: unknown need 'm365_e3_equivelant' (did you mean "
        "'m365_e3_equivalent'?)"]
