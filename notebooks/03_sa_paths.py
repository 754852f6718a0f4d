# %% [markdown]
# # Software Assurance paths: Cloud Add-ons to SA, or full USLs?
#
# An organization licenses its 1,400 desktops on-premises: **Professional Desktop** and the
# **Core CAL Suite**, both with Software Assurance until the renewal date. Its users now need
# the Microsoft 365 E3 capabilities. There are two paths:
#
# - **Cloud Add-ons to SA**: keep paying SA on the platform and add `m365_e3_addon_sa`
#   (priced below a full licence because the platform already covers part of E3);
# - **Full USLs**: buy `m365_e3` user subscription licences and let the platform's SA go.
#
# We price both paths **now** (SA is running and already paid) and **at renewal** (keeping SA
# is itself a choice), under the price list of May 2026 (`us-list-2026-05`) and after the
# July 2026 Microsoft 365 list-price increase (`us-list-2026-07`).
#
# The organization is `planner.examples.load_example("sa_platform")`. A *path* is priced by
# taking the other path's products out of the catalog (`catalog_without`) and letting the
# optimizer do the rest; the planner's own choice uses the full catalog and may mix paths.

# %%
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown, display

import planner
from planner.examples import load_example
from planner.explore import break_even, catalog_without, sweep, with_changes
from planner.results import tables_as_text

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 80)

org = load_example("sa_platform")
users = org.group("all_users").users
cur = org.org.currency
LISTS = ["us-list-2026-05", "us-list-2026-07"]
display(Markdown(f"**{org.org.name}**: {users:,} users needing "
                 f"`{', '.join(org.group('all_users').needs)}`; holding "
                 + ", ".join(f"{h.quantity:,} {h.product} (SA until {h.ends})"
                             for h in org.holdings)
                 + f". Planning date {org.org.as_of}, renewal {org.org.renewal_date}."))

# %% [markdown]
# ## 1. The planner's choice, now and at renewal, under both price lists

# %%
def label(row, products):
    """The products a sweep row bought or kept, as one text."""
    return " + ".join(p for p in products if row[p] > 0)


choice = sweep(org, {"at": ["now", "renewal"], "price_list": LISTS}, progress=False)
choice["choice"] = choice.apply(label, axis=1, products=choice.attrs["products"])
choice[["at", "price_list", "status", "annual_cost", "baseline_annual_cost", "choice"]]

# %% [markdown]
# ## 2. Each path priced on its own
#
# The add-on path may not buy suites, standalone plans or step-ups; the full-USL path may not
# buy Cloud Add-ons. A path the licensing rules do not allow would come back `infeasible`,
# with the planner's reason in `message`.

# %%
PATHS = {
    "Cloud Add-ons to SA": catalog_without(kinds=["suite", "standalone", "step_up"]),
    "Full USLs": catalog_without(kinds=["cloud_addon_sa"]),
}
paths = pd.concat([
    sweep(org, {"at": ["now", "renewal"], "price_list": LISTS}, catalog=catalog,
          progress=False).assign(path=name)
    for name, catalog in PATHS.items()
] + [choice.assign(path="planner's choice")], ignore_index=True)
products = [p for p in planner.load_catalog().items if p in paths.columns]
paths[products] = paths[products].fillna(0)
paths["buys_or_keeps"] = paths.apply(label, axis=1, products=products)
paths["per_user_month"] = paths["annual_cost"] / users / 12
paths[["path", "at", "price_list", "status", "annual_cost", "per_user_month", "buys_or_keeps"]]

# %%
table = paths.pivot_table(index=["at", "price_list"], columns="path", values="annual_cost",
                          dropna=False)
names = list(PATHS) + ["planner's choice"]
fig, ax = plt.subplots(figsize=(10, 4))
x = np.arange(len(table))
width = 0.27
for i, name in enumerate(names):
    values = table[name] / 1e3
    bars = ax.bar(x + (i - 1) * width, values.fillna(0), width=width, label=name)
    for bar, v in zip(bars, values):
        text = "not allowed" if np.isnan(v) else f"{v:,.0f}"
        ax.annotate(text, (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                    ha="center", va="bottom", fontsize=7)
ax.set_xticks(x, [f"{at}\n{pl}" for at, pl in table.index])
ax.set_ylabel(f"annual cost [thousand {cur}/year]")
ax.set_title("Cost of each path to Microsoft 365 E3 capabilities")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The same answer from the Alternatives table
#
# The plan's Alternatives table ranks, per group, the next cheapest compliant choices and
# what each would add to the plan. At renewal the Microsoft 365 E3 add-on path is one of
# them; the plan's cost plus its extra cost is the add-on path's cost found above.

# %%
renewal_plans = {pl: planner.plan(with_changes(org, price_list=pl), at="renewal")
                 for pl in LISTS}
alternatives = pd.concat([p.alternatives.assign(price_list=pl)
                          for pl, p in renewal_plans.items()], ignore_index=True)
tables_as_text(alternatives[["price_list", "group", "rank", "chosen", "alternative",
                            "extra_annual_cost"]])

# %%
addon_rows = alternatives[alternatives["alternative"].map(
    lambda bundles: any("m365_e3_addon_sa" in bundle for bundle in bundles))]
check = pd.DataFrame({
    "plan": {pl: p.annual_cost for pl, p in renewal_plans.items()},
    "add-on path extra (Alternatives)": addon_rows.set_index("price_list")["extra_annual_cost"],
})
check["add-on path (Alternatives)"] = check.sum(axis=1)
check["add-on path (forced)"] = table.loc["renewal", "Cloud Add-ons to SA"]
check

# %% [markdown]
# ## 4. How far could the Microsoft 365 E3 price rise before the choice changes?
#
# Sweep a negotiated price for the Microsoft 365 E3 SKU the organization may buy (a Prices
# row, set in code) at renewal under the July 2026 list: once with the full catalog (when does
# the planner stop buying M365 E3?) and once on the full-USL path only (when does the add-on
# path become cheaper?). Since 2024-04-01 a customer without a with-Teams suite buys
# `m365_e3_no_teams` (plus Teams Enterprise) instead of `m365_e3`.

# %%
with_teams = planner.load_catalog().sales_rule("with_teams_existing_customers", org.org.as_of)
E3 = "m365_e3" if any(h.product in with_teams for h in org.holdings) else "m365_e3_no_teams"
e3_prices = np.arange(36.0, 48.01, 0.25).round(2).tolist()
july = with_changes(org, price_list=LISTS[1])
free = sweep(july, {f"prices.{E3}": e3_prices}, at="renewal", progress=False)
usl = sweep(july, {f"prices.{E3}": e3_prices}, at="renewal", catalog=PATHS["Full USLs"],
            progress=False)
addon_cost = table.loc[("renewal", LISTS[1]), "Cloud Add-ons to SA"]
usl["add_on_path"] = addon_cost
e3_break_even = break_even(usl, f"prices.{E3}", "add_on_path", "annual_cost")
still_e3 = free[free[E3] > 0][f"prices.{E3}"]
e3_switch = free[free[E3] == 0][f"prices.{E3}"].min()
switch_to = (label(free[free[f"prices.{E3}"] == e3_switch].iloc[0], free.attrs["products"])
             if not np.isnan(e3_switch) else None)

fig, ax = plt.subplots(figsize=(8, 3.6))
ax.plot(usl[f"prices.{E3}"], usl["annual_cost"] / 1e3, "-", label="Full USLs path")
ax.plot(usl[f"prices.{E3}"], usl["add_on_path"] / 1e3, "--", label="Cloud Add-ons to SA path")
ax.plot(free[f"prices.{E3}"], free["annual_cost"] / 1e3, ":", lw=2.5, label="planner's choice")
for value in (e3_break_even, e3_switch):
    if value is not None and not np.isnan(value):
        ax.axvline(value, color="grey", lw=0.8)
        ax.annotate(f"{value:.2f}", (value, free["annual_cost"].min() / 1e3), xytext=(3, 3),
                    textcoords="offset points", fontsize=8)
ax.set_xlabel(f"Microsoft 365 E3 price [{cur}/user/month]")
ax.set_ylabel(f"annual cost [thousand {cur}/year]")
ax.set_title(f"At renewal, {LISTS[1]}")
ax.legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## Conclusions (computed)

# %%
picked = choice.set_index(["at", "price_list"])["choice"]
lines = []
now = table.loc["now"]
now_gap = now.loc[LISTS[1], "Full USLs"] - now.loc[LISTS[1], "Cloud Add-ons to SA"]
same_now = picked.loc[("now", LISTS[0])] == picked.loc[("now", LISTS[1])]
lines.append(
    f"- **Now** (SA running and paid) the planner buys `{picked.loc[('now', LISTS[1])]}`"
    + (" under both price lists" if same_now else f" under {LISTS[1]}") + ". The cheapest way "
    f"without Cloud Add-ons costs {now_gap:,.0f} {cur} a year more under {LISTS[1]}.")
for pl in LISTS:
    r = table.loc[("renewal", pl)]
    planned = r["planner's choice"]
    cheaper = "full USLs" if r["Full USLs"] < r["Cloud Add-ons to SA"] else "Cloud Add-ons to SA"
    mixed = planned < min(r["Full USLs"], r["Cloud Add-ons to SA"]) - 0.5
    lines.append(
        f"- **At renewal, {pl}:** full USLs {r['Full USLs']:,.0f} {cur}/year against add-ons + "
        f"SA {r['Cloud Add-ons to SA']:,.0f}: **{cheaper}** cheaper by "
        f"{abs(r['Full USLs'] - r['Cloud Add-ons to SA']) / users / 12:,.2f} {cur}/user/month. "
        f"The planner buys `{picked.loc[('renewal', pl)]}` ({planned:,.0f})"
        + (", a mix cheaper than either pure path." if mixed else "."))
planned_renewal = table.loc["renewal", "planner's choice"]
rise = planned_renewal[LISTS[1]] - planned_renewal[LISTS[0]]
flips = picked.loc[("renewal", LISTS[0])] != picked.loc[("renewal", LISTS[1])]
lines.append(
    "- **The July 2026 increase** "
    + (f"**changes** the renewal choice, from `{picked.loc[('renewal', LISTS[0])]}` to "
       f"`{picked.loc[('renewal', LISTS[1])]}`" if flips
       else "does **not** change the renewal choice")
    + f", and raises the renewal cost of the plan by "
    f"{rise:,.0f} {cur} a year.")
list_e3 = planner.load_catalog().price_lists[LISTS[1]].unit_price(E3)
if len(still_e3):
    lines.append(
        f"- Under {LISTS[1]} (M365 E3 list {list_e3:,.2f}) the planner keeps buying M365 E3 up to "
        f"{still_e3.max():,.2f} {cur}/user/month"
        + (f"; from {e3_switch:,.2f} it switches to `{switch_to}`" if switch_to else "")
        + (f". Against the add-on path alone, full USLs stay cheaper until {e3_break_even:,.2f}."
           if e3_break_even is not None else "."))
display(Markdown("**Conclusions.**\n\n" + "\n".join(lines)))
