"""The plan as a terminal summary (rich): the result of ``planner solve``, on stdout.

With ``--json`` the CLI prints JSON instead, so stdout holds one or the other.
"""
from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from planner.results import Plan, products_text
from planner.report.figures import headline_amounts
from planner.report.layout import CURRENCY_SYMBOLS

STATUS_STYLES = {"optimal": "bold green", "feasible": "bold yellow", "infeasible": "bold red"}
AMOUNT_STYLES = {"total": "bold", "good": "green", "bad": "yellow", "": ""}


def money(amount: Any, currency: str) -> str:
    """An amount with its currency: a symbol for USD, EUR and GBP, else the code after.

    Parameters
    ----------
    amount : float or None
        The amount [currency]; None or NaN gives ``n/a``.
    currency : str
        ISO currency code.

    Returns
    -------
    str
        E.g. ``$1,234.50``, ``-£12.00`` or ``1,234.50 CHF``.

    Examples
    --------
    >>> money(-12, "GBP")
    '-£12.00'
    """
    if amount is None or (isinstance(amount, float) and math.isnan(amount)):
        return "n/a"
    amount = float(amount)
    sign = "-" if amount < 0 else ""
    symbol = CURRENCY_SYMBOLS.get(str(currency).upper())
    digits = f"{abs(amount):,.2f}"
    return f"{sign}{symbol}{digits}" if symbol else f"{sign}{digits} {currency}"


def render_summary(plan: Plan, console: Console | None = None,
                   notes: Console | None = None) -> Console:
    """Print the plan's header, totals, purchases and assignments, then its notes.

    Parameters
    ----------
    plan : planner.results.Plan
        The plan to show.
    console : rich.console.Console, optional
        Where to print the summary; by default a console on stdout (the command's
        result).
    notes : rich.console.Console, optional
        Where the plan's messages go as ``note: ...`` lines (diagnostics); by default the
        given ``console``, or stderr when none is given.

    Returns
    -------
    rich.console.Console
        The console printed to (handy with ``Console(record=True)``).
    """
    if notes is None:
        notes = console or Console(stderr=True)
    console = console or Console()
    console.print(_header(plan))
    console.print(_purchases_table(plan))
    console.print(_assignments_table(plan))
    if plan.timeline is not None:
        console.print(_timeline_table(plan))
    for message in plan.messages:
        notes.print(Text(f"note: {message}", style="dim"))
    return console


def status_text(plan: Plan) -> Text:
    """The solver status in words, coloured.

    Parameters
    ----------
    plan : planner.results.Plan
        The plan whose ``status`` to describe.

    Returns
    -------
    rich.text.Text
        E.g. ``optimal (proven optimal)`` in green.
    """
    words = {
        "optimal": "optimal (proven optimal)",
        "feasible": "feasible (stopped at the time limit; not proven optimal)",
        "infeasible": "infeasible (no compliant plan)",
    }
    return Text(words.get(plan.status, plan.status), style=STATUS_STYLES.get(plan.status, ""))


def _header(plan: Plan) -> Panel:
    """Organization, status, gap, price list and planning point, then the totals."""
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="bold")
    facts.add_column()
    gap = "n/a" if plan.gap is None else f"{plan.gap:.2%}"
    for label, value in (("Status", status_text(plan)), ("Gap", gap),
                         ("Price list", plan.price_list), ("Planning point", plan.at),
                         ("Input", Path(plan.source_file).name if plan.source_file else "")):
        facts.add_row(label, value if isinstance(value, Text) else Text(str(value or "")))
    title = Text(f"License plan: {plan.organization or 'organization'}", style="bold")
    return Panel(Group(facts, Text(""), _totals(plan)), title=title, title_align="left")


def _totals(plan: Plan) -> Table:
    totals = Table.grid(padding=(0, 2))
    totals.add_column(style="bold")
    totals.add_column(justify="right")
    for amount in headline_amounts(plan):
        totals.add_row(amount.label, Text(money(amount.value, plan.currency),
                                          style=AMOUNT_STYLES[amount.tone]))
    return totals


def _purchases_table(plan: Plan) -> Table:
    table = Table(title="Purchases", title_justify="left", show_footer=True)
    table.add_column("action", footer="total")
    table.add_column("product")
    table.add_column("quantity", justify="right")
    table.add_column("unit price", justify="right")
    total = money(plan.purchase_rows.total("annual_cost"), plan.currency)
    table.add_column("annual cost", justify="right", footer=total)
    for r in plan.purchase_rows:
        table.add_row(Text(str(r.action)), Text(str(r.product)), _count(r.quantity),
                      money(r.unit_price, plan.currency), money(r.annual_cost, plan.currency))
    return table


def _assignments_table(plan: Plan) -> Table:
    table = Table(title="Assignments", title_justify="left")
    table.add_column("group")
    table.add_column("users", justify="right")
    table.add_column("products")
    table.add_column("annual cost / user", justify="right")
    for r in plan.assignment_rows:
        table.add_row(Text(str(r.group)), _count(r.users), Text(products_text(r.products)),
                      money(r.annual_cost_per_user, plan.currency))
    return table


def period_changes(lines, period: int) -> str:
    """What changes in a period, in words: ``buy 1,000 m365_e3_addon_sa; drop 200 ...``."""
    rows = lines[(lines["period"] == period) & (lines["action"] != "running")]
    return "; ".join(f"{r.action} {int(r.quantity):,} {r.product}" for r in rows.itertuples(index=False)) \
        or "nothing changes"


def _timeline_table(plan: Plan) -> Table:
    """One line per period: dates, run-rate, cost, and what changes."""
    tl = plan.timeline
    assert tl is not None, "only timeline plans have a Timeline table"
    table = Table(title="Timeline", title_justify="left", show_footer=True)
    table.add_column("period", footer="total")
    table.add_column("run-rate / year", justify="right")
    table.add_column("cost", justify="right", footer=money(tl.total_cost, plan.currency))
    table.add_column("changes")
    for r in tl.periods.itertuples(index=False):
        table.add_row(Text(f"{r.start} → {r.end} ({r.at})"), money(r.annual_cost, plan.currency),
                      money(r.cost, plan.currency), Text(period_changes(tl.lines, r.period)))
    if tl.saving_over_chained is not None:
        table.caption = (f"planned one point at a time: {money(tl.chained_total_cost, plan.currency)} "
                         f"(the path saves {money(tl.saving_over_chained, plan.currency)})")
    return table


def _count(value: Any) -> str:
    try:
        return f"{int(value):,}"
    except (TypeError, ValueError):
        return "n/a"
