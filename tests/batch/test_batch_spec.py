"""The sweep spec: read from YAML, every problem one line with file, line and key path."""
from __future__ import annotations

import math
from pathlib import Path

import pytest

from planner.batch.distributions import Distribution, draw_values, parse_distribution
from planner.batch.draws import apply_draw, make_draws
from planner.batch.spec import check_spec, parse_spec, read_spec
from planner.errors import InputError
from planner.examples import tiny_org
from planner.explore import split_group, with_changes
from planner.catalog.pricing import Pricing

GOOD = """\
description: adoption and prices
discount_pct: {dist: uniform, low: 0, high: 10}
prices:
  copilot:
    unit_price: {dist: triangular, low: 25, mode: 28, high: 32}
  m365_e5:
    change_pct: {dist: choice, values: [0, 5, 10], weights: [2, 1, 1]}
growth:
  "*": {dist: normal, mean: 0.03, sd: 0.02, min: -0.1, max: 0.2}
  office: 0.1
adoption:
  - group: office
    share: {dist: beta, a: 2, b: 5}
    add_needs: [copilot]
    name: office_copilot
"""

BAD = """\
discount: 5
prices:
  copilot:
    unit_price: {dist: uniform, low: 32, high: 25}
  m365_e5: 57
growth:
  office: {dist: normal, mean: 0.1, sd: 0}
adoption:
  - group: office
    share: {dist: normal, mean: 0.3, sd: 0.1}
  - share: 0.2
    add_needs: copilot
    colour: red
"""


def write(tmp_path: Path, text: str, name: str = "spec.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as err:
        read_spec(path)
    return err.value.lines()


def test_a_good_spec_lists_its_parameters_in_draw_order(tmp_path):
    spec = read_spec(write(tmp_path, GOOD))
    assert [c for c, _ in spec.parameters()] == [
        "discount_pct", "prices.copilot.unit_price", "prices.m365_e5.change_pct", "growth.*",
        "growth.office", "adoption.office_copilot.share"]
    assert spec.description == "adoption and prices" and spec.source == "spec.yaml"
    check_spec(spec, tiny_org(), _catalog(), "now")  # fits the tiny organization


def _catalog():
    from planner.catalog.load import load_catalog

    return load_catalog()


def test_every_problem_is_one_line_with_file_line_and_key_path(tmp_path):
    lines = problems(write(tmp_path, BAD))
    assert lines == [
        ("spec.yaml, line 1: discount: unknown key; did you mean 'discount_pct'? (known: "
        "description, discount_pct, prices, growth, adoption)"),
        "spec.yaml, line 4: prices.copilot.unit_price.low: must be at most high (got 32 and 25)",
        ("spec.yaml, line 5: prices.m365_e5: must have exactly one of unit_price "
        "[currency/unit/month] or change_pct [%], e.g. {unit_price: {dist: uniform, low: 25, "
        "high: 32}}"),
        "spec.yaml, line 7: growth.office.sd: must be greater than 0 (got 0)",
        ("spec.yaml, line 9: adoption[0].add_needs: must list the need or profile ids the "
        "adopters add, e.g. [copilot]"),
        ("spec.yaml, line 10: adoption[0].share: must be a share between 0 and 1, but "
        "normal(mean=0.3, sd=0.1) can draw values in [-inf, inf] (give min and max)"),
        ("spec.yaml, line 13: adoption[1].colour: unknown key (known: group, share, add_needs, "
        "name)"),
        "spec.yaml, line 11: adoption[1].group: must name a group of the organization",
        "spec.yaml, line 11: adoption[1].name: must be the new group's name",
    ]


def test_yaml_errors_anchors_and_empty_specs(tmp_path):
    assert problems(write(tmp_path, "prices: {copilot: [1,\n")) == [
        "spec.yaml, line 2: not valid YAML: expected the node content, but found '<stream end>'"]
    assert problems(write(tmp_path, "a: &x 1\nb: *x\n"))[0].startswith(
        "spec.yaml, line 1: anchors and aliases")
    assert problems(write(tmp_path, "")) == [
        ("spec.yaml: must be a mapping of description, discount_pct, prices, growth, adoption "
        "(got an empty file)")]
    assert problems(write(tmp_path, "description: nothing\n")) == [
        ("spec.yaml: varies nothing; give at least one of discount_pct, prices, growth or "
        "adoption")]
    assert problems(tmp_path / "absent.yaml") == ["absent.yaml: file not found"]


def test_the_spec_must_fit_the_organization(tmp_path):
    spec = read_spec(write(tmp_path, """\
prices:
  copilt: {unit_price: 30}
growth:
  ofice: 0.1
adoption:
  - group: office
    share: 0.5
    add_needs: [copilott]
    name: analysts
"""))
    with pytest.raises(InputError) as err:
        check_spec(spec, tiny_org(), _catalog(), "now")
    assert err.value.lines() == [
        "spec.yaml, line 2: prices.copilt: unknown product id 'copilt'; did you mean 'copilot'?",
        ("spec.yaml, line 4: growth.ofice: unknown group 'ofice'; did you mean 'office'? "
        "(groups: office, analysts, store; \"*\" for all others)"),
        ("spec.yaml, line 9: adoption[0].name: 'analysts' is already a group of the "
        "organization; give the adopters a new name"),
        ("spec.yaml, line 8: adoption[0].add_needs: unknown need or profile id 'copilott'; "
        "did you mean 'copilot'?"),
    ]


def test_distributions_draw_within_their_range():
    cases = {
        "uniform": ({"dist": "uniform", "low": 2, "high": 3}, 2, 3),
        "triangular": ({"dist": "triangular", "low": 0, "mode": 1, "high": 4}, 0, 4),
        "normal": ({"dist": "normal", "mean": 0, "sd": 0.5, "min": -1, "max": 1}, -1, 1),
        "beta": ({"dist": "beta", "a": 2, "b": 2, "low": 10, "high": 20}, 10, 20),
    }
    for name, (written, low, high) in cases.items():
        dist, found = parse_distribution(written, name)
        assert not found
        values = [row[name] for row in draw_values([(name, dist)], 300, seed=5)]
        assert low <= min(values) and max(values) <= high, name
        assert len(set(values)) > 100, name  # it varies
    choice, _ = parse_distribution({"dist": "choice", "values": [1, 2], "weights": [0, 1]}, "c")
    assert {row["c"] for row in draw_values([("c", choice)], 50, seed=1)} == {2}
    assert parse_distribution(7, "x")[0] == Distribution("fixed", (("value", 7.0),))
    assert parse_distribution(True, "x")[1] == [
        ("x", ("must be a number or a distribution such as {dist: uniform, low: 1, high: 2} "
              "(got True)"))]


def test_draws_depend_on_the_seed_only():
    spec = parse_spec({"discount_pct": {"dist": "uniform", "low": 0, "high": 10},
                       "growth": {"*": {"dist": "uniform", "low": 0, "high": 0.1}}})
    first = make_draws(spec, 20, seed=11)
    assert first.equals(make_draws(spec, 20, seed=11))
    assert not first.equals(make_draws(spec, 20, seed=12))
    assert first.head(5).equals(make_draws(spec, 5, seed=11))  # draw i does not depend on N
    fewer = parse_spec({"growth": {"*": {"dist": "uniform", "low": 0, "high": 0.1}}})
    assert make_draws(fewer, 20, seed=11)["growth.*"].equals(first["growth.*"])


def test_a_draw_changes_prices_then_headcounts_then_adoption():
    org, catalog = tiny_org(), _catalog()
    spec = parse_spec({
        "discount_pct": 10,
        "prices": {"copilot": {"unit_price": 27}, "m365_e5": {"change_pct": 5}},
        "growth": {"*": 0.1, "store": -0.5},
        "adoption": [{"group": "office", "share": 0.25, "add_needs": ["copilot"]}],
    })
    values = dict(make_draws(spec, 1, seed=0).drop(columns="draw").iloc[0])
    changed = apply_draw(org, spec, values, catalog, "now")
    discounted = with_changes(org, discount_pct=10, catalog=catalog)
    e5 = Pricing.for_plan(discounted, catalog, "now").buy_price("m365_e5")
    expected = with_changes(discounted, prices={"copilot": 27, "m365_e5": e5 * 1.05},
                            users={"office": 44, "analysts": 11, "store": 12}, catalog=catalog)
    expected = split_group(expected, "office", 0.25, add_needs=["copilot"], catalog=catalog)
    assert changed == expected
    assert changed.group("office_adopters").users == 11
    assert math.isclose({p.product: p.unit_price for p in changed.prices}["m365_e5"],
                        e5 * 1.05)
