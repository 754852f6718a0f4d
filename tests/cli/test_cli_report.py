"""Through the installed console script: the plan read back by pandas, --strict, currency."""
from __future__ import annotations

import os
import shutil
import subprocess
from datetime import date

import pandas as pd
import pytest
from support import console_script, digest
from support import write_xlsx

from planner.errors import InputError
from planner.catalog.pricing import Pricing, currency_factor

GROUPS = [["group", "users", "devices_per_user", "needs"], ["staff", 600, 1, "m365_e3_equivalent"]]


def run(args, cwd):
    return subprocess.run(console_script() + [str(a) for a in args], capture_output=True,
                          text=True, cwd=cwd, timeout=300,
                          env={**os.environ, "NO_COLOR": "1", "COLUMNS": "200"})


def org(tmp_path, *fields, name="org.xlsx", **sheets):
    organization = [["field", "value"], ["as_of", "2026-11-23"], *fields]
    return write_xlsx(tmp_path / name, {"Organization": organization, "Groups": GROUPS,
                                        **sheets})


def problem_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line and not line.startswith("warning:")]


# ------------------------------------------------------------------ plans pandas can read

def test_pandas_reads_the_numbers_of_a_plan_written_by_the_cli(tmp_path, scenario_path):
    source = tmp_path / "tailspin.xlsx"
    shutil.copy(scenario_path("tailspin_toys"), source)
    proc = run(["solve", source, "-o", "plan.xlsx", "--no-alternatives"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    sheets = pd.read_excel(tmp_path / "plan.xlsx", sheet_name=None)
    purchases = sheets["Purchases"]
    assert purchases["annual_cost"].notna().all() and purchases["monthly_cost"].notna().all()
    body = purchases[purchases["action"] != "TOTAL"]
    assert purchases["annual_cost"].iloc[-1] == pytest.approx(body["annual_cost"].sum())
    summary = sheets["Summary"].set_index("field")["value"]
    annual = float(summary["Annual cost"])
    assert annual == pytest.approx(body["annual_cost"].sum())
    # Tailspin grows: today's run-rate leaves users uncovered; the baseline cures that
    # like-for-like, so the savings against it are never negative.
    current = float(summary["Current annual cost (holdings renewed as they are)"])
    baseline = float(summary["Baseline (compliant status quo)"])
    gap = next(v for k, v in summary.items() if str(k).startswith("Compliance gap"))
    assert baseline == pytest.approx(current + float(gap))
    assert float(summary["Savings"]) == pytest.approx(baseline - annual) and baseline >= annual - 0.01
    assert sheets["Changes"]["annual_cost"].notna().all()
    # The summary on the terminal says the same.
    assert "Baseline (compliant status quo)" in proc.stdout and "Savings" in proc.stdout


def test_the_plan_stands_alone_as_an_organization_workbook(tmp_path, scenario_path):
    source = tmp_path / "tailspin.xlsx"
    shutil.copy(scenario_path("tailspin_toys"), source)
    assert run(["solve", source, "-o", "plan.xlsx", "--no-alternatives"], tmp_path).returncode == 0
    source.unlink()
    proc = run(["validate", "plan.xlsx"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "plan.xlsx: OK (5 groups, 1085 users, 2 holdings)" in proc.stdout


# ------------------------------------------------------------------ warnings and --strict

def test_warnings_print_and_strict_makes_them_errors(tmp_path):
    path = org(tmp_path, ["renewal_date", "2026-06-30"])
    before = digest(path)
    ok = run(["validate", path], tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert ("warning: org.xlsx, sheet Organization, row 3, column value: renewal_date "
            "2026-06-30 is before as_of 2026-11-23") in ok.stderr
    for command in (["validate", path, "--strict"], ["solve", path, "--strict"]):
        strict = run(command, tmp_path)
        assert strict.returncode == 2, strict.stderr
        assert problem_lines(strict.stderr) == [
            "org.xlsx, sheet Organization, row 3, column value: renewal_date 2026-06-30 is "
            "before as_of 2026-11-23: that renewal is in the past (give the next renewal "
            "(anniversary or end of term))"]
        assert "Traceback" not in strict.stderr
    assert not (tmp_path / "org-plan.xlsx").exists()
    assert digest(path) == before


def test_each_analyst_warning_names_sheet_row_and_column(tmp_path):
    path = write_xlsx(tmp_path / "org.xlsx", {
        "Organization": [["field", "value"], ["agreement", "EA"], ["as_of", "2026-11-23"]],
        "Groups": [["group", "users", "devices_per_user", "needs"],
                   ["staff", 40, 6, "m365_e3_equivalent"]],
        "Holdings": [["product", "quantity", "ends"], ["m365_e3", 40, "2026-10-31"]],
    })
    proc = run(["validate", path], tmp_path)
    assert proc.returncode == 0, proc.stderr
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("warning:")]
    assert [w.split(":")[1].strip() for w in warnings] == [
        "org.xlsx, sheet Organization, row 2, column value",
        "org.xlsx, sheet Groups, row 2, column devices_per_user",
        "org.xlsx, sheet Holdings, row 2, column ends"]


# ------------------------------------------------------------------ currency

def test_another_currency_without_rate_or_prices_is_one_error(tmp_path):
    path = org(tmp_path, ["currency", "EUR"])
    for command in ("validate", "solve"):
        proc = run([command, path], tmp_path)
        assert proc.returncode == 2, proc.stderr
        assert problem_lines(proc.stderr) == [
            "org.xlsx, sheet Organization, row 3, column value: currency EUR differs from the "
            "USD of price list us-list-2026-07 and no exchange_rate is given (give "
            "exchange_rate (EUR per 1 USD) and exchange_rate_date, or price every product on "
            "the Prices sheet)"]


def test_without_a_rate_solve_names_the_first_product_without_a_price(tmp_path):
    prices = [["product", "unit_price"], ["m365_e3", 33.0]]
    path = org(tmp_path, ["currency", "EUR"], Prices=prices)
    assert run(["validate", path], tmp_path).returncode == 0
    proc = run(["solve", path, "--no-alternatives"], tmp_path)
    assert proc.returncode == 2, proc.stderr
    (line,) = problem_lines(proc.stderr)
    assert line.startswith("org.xlsx, sheet Organization, column value: ")
    assert "has no Prices row and its USD list price cannot be converted to EUR" in line
    assert "give exchange_rate (EUR per 1 USD) and exchange_rate_date" in line


def test_a_rate_converts_list_prices_and_is_shown_on_the_summary(tmp_path):
    usd = run(["solve", org(tmp_path, name="usd.xlsx"), "-o", "usd-plan.xlsx",
               "--no-alternatives"], tmp_path)
    assert usd.returncode == 0, usd.stderr
    eur_org = org(tmp_path, ["currency", "EUR"], ["exchange_rate", 0.9],
                  ["exchange_rate_date", "2026-11-20"], name="eur.xlsx")
    eur = run(["solve", eur_org, "-o", "eur-plan.xlsx", "--no-alternatives"], tmp_path)
    assert eur.returncode == 0, eur.stderr
    in_usd = pd.read_excel(tmp_path / "usd-plan.xlsx", sheet_name=None)
    in_eur = pd.read_excel(tmp_path / "eur-plan.xlsx", sheet_name=None)
    assert list(in_eur["Purchases"]["product"]) == list(in_usd["Purchases"]["product"])
    assert list(in_eur["Purchases"]["unit_price"].dropna()) == pytest.approx(
        [p * 0.9 for p in in_usd["Purchases"]["unit_price"].dropna()], abs=1e-4)
    summary = in_eur["Summary"].set_index("field")["value"]
    assert summary["Exchange rate"] == "1 USD = 0.9 EUR (rate of 2026-11-20)"
    assert summary["Currency"] == "EUR"
    assert "€" in eur.stdout


def test_currency_factor(tiny, catalog):
    price_list = catalog.price_lists["us-list-2026-07"]
    assert currency_factor(tiny, price_list, "m365_e3") == 1.0
    eur = tiny.replace(org=tiny.org.__class__(**{**tiny.org.__dict__, "currency": "EUR",
                                                 "exchange_rate": 0.9,
                                                 "exchange_rate_date": date(2026, 11, 20)}))
    assert currency_factor(eur, price_list, "m365_e3") == 0.9
    assert Pricing.for_plan(eur, catalog, "now").buy_price("m365_e3") == pytest.approx(
        0.9 * Pricing.for_plan(tiny, catalog, "now").buy_price("m365_e3"))
    no_rate = eur.replace(org=eur.org.__class__(**{**eur.org.__dict__, "exchange_rate": None}))
    with pytest.raises(InputError, match="m365_e3 has no Prices row"):
        currency_factor(no_rate, price_list, "m365_e3")
