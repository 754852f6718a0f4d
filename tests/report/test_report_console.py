"""The terminal summary: header, totals, tables; results on stdout, notes on stderr."""
from __future__ import annotations

import io

import pytest
from rich.console import Console

from planner.report.console import money, render_summary
from test_report_excel import make_plan


def rendered(plan) -> str:
    console = Console(file=io.StringIO(), width=120, color_system=None)
    render_summary(plan, console)
    return console.file.getvalue()


def test_header_names_organization_status_and_price_list():
    text = rendered(make_plan())
    assert "Contoso" in text
    assert "optimal (proven optimal)" in text
    assert "0.00%" in text
    assert "us-list-2026-07" in text
    assert "renewal" in text
    assert "contoso.xlsx" in text and "/data/in" not in text


def test_totals():
    text = rendered(make_plan())
    assert "Annual cost" in text and "$50,400.00" in text
    assert "$52,000.00" in text
    assert "Savings" in text and "$1,600.00" in text


def test_purchases_and_assignments_tables():
    text = rendered(make_plan())
    for header in ("action", "product", "quantity", "unit price", "annual cost",
                   "group", "users", "products", "annual cost / user"):
        assert header in text
    assert "true-up" in text and "m365_e5" in text and "$57.00" in text
    assert "Security" in text and "$684.00" in text
    assert "note: Prices from us-list-2026-07." in text


def test_feasible_plan_is_not_called_optimal():
    text = rendered(make_plan(status="feasible", gap=0.0123))
    assert "proven optimal" not in text.replace("not proven optimal", "")
    assert "1.23%" in text


def test_infeasible_plan_without_purchases():
    plan = make_plan(status="infeasible", gap=None, annual_cost=0.0,
                     purchases=make_plan().purchases.iloc[0:0])
    text = rendered(plan)
    assert "infeasible (no compliant plan)" in text
    assert "Gap             n/a" in text
    assert "total" in text and "$0.00" in text


def test_user_text_is_not_read_as_markup():
    plan = make_plan()
    plan.assignments.loc[0, "group"] = "[bold]Ops[/bold]"
    assert "[bold]Ops[/bold]" in rendered(plan)


def test_prints_the_summary_on_stdout_and_notes_on_stderr_by_default(capsys):
    render_summary(make_plan())
    out, err = capsys.readouterr()
    assert "Contoso" in out and "Contoso" not in err
    assert "note: Prices from us-list-2026-07." in err and "note:" not in out


def test_record_console_exports_text():
    console = render_summary(make_plan(), Console(record=True, file=io.StringIO(), width=100))
    assert "proven optimal" in console.export_text()


@pytest.mark.parametrize("amount, currency, expected", [
    (1234.5, "USD", "$1,234.50"), (-12, "GBP", "-£12.00"), (3, "EUR", "€3.00"),
    (1234.5, "CHF", "1,234.50 CHF"), (None, "USD", "n/a"), (float("nan"), "USD", "n/a"),
])
def test_money(amount, currency, expected):
    assert money(amount, currency) == expected


def test_a_negative_saving_is_shown_as_an_extra_cost():
    text = rendered(make_plan(baseline_annual_cost=40_000.0))
    assert "Savings" not in text and "-$" not in text
    assert "Extra cost vs the baseline" in text and "$10,400.00" in text


def test_amounts_the_plan_carries_are_shown():
    plan = make_plan()
    plan.current_annual_cost = 45_000.0
    plan.compliance_gap = {"users": 7, "annual_cost": 3_000.0, "groups": [], "cure": []}
    text = rendered(plan)
    assert "Current annual cost (holdings renewed as they are)" in text and "$45,000.00" in text
    assert "Compliance gap" in text and "$3,000.00" in text


def test_headline_amounts_follow_the_sign_of_the_saving():
    from planner.report.figures import headline_amounts

    saving = headline_amounts(make_plan())[-1]
    assert (saving.key, saving.value, saving.tone) == ("savings", 1_600.0, "good")
    even = headline_amounts(make_plan(baseline_annual_cost=50_400.0))[-1]
    assert (even.key, even.value) == ("savings", 0.0)
    extra = headline_amounts(make_plan(baseline_annual_cost=50_000.0))[-1]
    assert (extra.key, extra.value, extra.tone) == ("extra_cost", 400.0, "bad")
