# %% [markdown]
# # Quickstart: from an organization workbook to a purchase plan
#
# This notebook reads one of the seed scenarios (`../scenarios/tailspin_toys.xlsx`: an
# Enterprise Desktop platform with five personas), asks `planner` for the cheapest compliant
# mix of licences, and looks at the plan as pandas tables and a chart. Then it changes an
# input in code, solves again, and builds a small organization from DataFrames.
#
# Everything below the tables is computed from the plan; nothing is typed in by hand.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import planner
from planner.explore import compare, cost_by_product, with_changes
from planner.results import tables_as_text

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 70)

# %% [markdown]
# ## 1. Read the organization
#
# `planner.read_org` reads and validates the workbook (every problem is reported at once).
# The result is an `OrgInputs`: organization settings, groups (personas) and holdings.

# %%
org = planner.read_org("../scenarios/tailspin_toys.xlsx")
groups = pd.DataFrame([{"group": g.name, "users": g.users, "worker": g.worker,
                        "devices_per_user": g.devices_per_user, "primary_device": g.primary_device,
                        "needs": ", ".join(g.needs)} for g in org.groups])
holdings = pd.DataFrame([{"product": h.product, "quantity": h.quantity, "sa": h.sa, "ends": h.ends}
                         for h in org.holdings])
display(Markdown(f"**{org.org.name}**: planning date {org.org.as_of}, renewal "
                 f"{org.org.renewal_date}, agreement {org.org.agreement}."))
display(groups)
display(holdings)

# %% [markdown]
# ## 2. Solve
#
# `planner.plan(org, at="now")` plans for the planning date: running subscriptions and SA are
# already paid. The result is a `Plan` whose tables are DataFrames.

# %%
result = planner.plan(org, at="now")
display(Markdown(
    f"Status **{result.status}** with the {result.solver} solver "
    f"({result.solve_seconds:.2f} s), price list `{result.price_list}`.\n\n"
    f"- annual cost of the plan: **{result.annual_cost:,.0f} {result.currency}**\n"
    f"- renewing today's holdings as they are: {result.baseline_annual_cost:,.0f} "
    f"{result.currency}\n"
    f"- plan minus baseline: {result.annual_cost - result.baseline_annual_cost:+,.0f} "
    f"{result.currency} ("
    + ("the new needs cost more than today's licences save"
       if result.annual_cost > result.baseline_annual_cost else "a saving") + ")"))

# %% [markdown]
# ### Purchases: what to buy, keep, drop or true up

# %%
result.purchases.drop(columns=["note"])

# %% [markdown]
# ### Assignments: what each group gets, and why

# %%
result.assignments

# %% [markdown]
# ### Alternatives: the next cheapest compliant choices per group

# %%
tables_as_text(result.alternatives.drop(columns=["note"]))  # product ids as "a + b"

# %% [markdown]
# ### Compliance: the independent audit of the plan

# %%
display(Markdown(f"{int(result.compliance['passed'].sum())} of {len(result.compliance)} "
                 f"audit checks passed; compliant: **{result.compliant}**."))
result.compliance.head(10)

# %% [markdown]
# ## 3. Where the money goes

# %%
by_product = cost_by_product(result)
fig, ax = plt.subplots(figsize=(8, 3.8))
ax.barh(by_product["product_name"], by_product["annual_cost"] / 1e3, color="tab:blue")
ax.invert_yaxis()
ax.set_xlabel(f"annual cost [thousand {result.currency}/year]")
ax.set_title(f"{org.org.name}: plan at 'now', cost by product")
for y, (cost, share) in enumerate(zip(by_product["annual_cost"], by_product["share"])):
    ax.text(cost / 1e3, y, f" {share:.0%}", va="center", fontsize=8)
fig.tight_layout()
plt.show()

# %%
top = by_product.iloc[0]
new_spend = result.purchases.query("action in ['buy', 'true-up', 'step-up']")["annual_cost"].sum()
display(Markdown(
    f"**Conclusion.** The cheapest compliant plan costs {result.annual_cost:,.0f} "
    f"{result.currency} a year. The largest item is {top.product_name} "
    f"({top.share:.0%} of the cost, {top.actions}); new purchases and true-ups add "
    f"{new_spend:,.0f} {result.currency} a year to what is already committed "
    f"({result.committed_annual_cost:,.0f})."))

# %% [markdown]
# ## 4. Change an input in code and solve again
#
# Inputs are frozen; `with_changes` returns a changed copy. Here 100 more sales staff join,
# and we plan at the renewal date as well. `compare` puts plans side by side.

# %%
bigger = with_changes(org, users={"sales": org.group("sales").users + 100})
plans = {
    "now": result,
    "now, +100 sales": planner.plan(bigger, at="now", alternatives=False),
    "renewal": planner.plan(org, at="renewal", alternatives=False),
    "renewal, +100 sales": planner.plan(bigger, at="renewal", alternatives=False),
}
table = compare(plans)
table

# %%
extra_now = table.loc["now, +100 sales", "annual_cost"] - table.loc["now", "annual_cost"]
extra_ren = table.loc["renewal, +100 sales", "annual_cost"] - table.loc["renewal", "annual_cost"]
display(Markdown(
    f"100 more sales staff add {extra_now:,.0f} {result.currency} a year now "
    f"({extra_now / 100:,.2f} per person) and {extra_ren:,.0f} at renewal "
    f"({extra_ren / 100:,.2f} per person)."))

# %% [markdown]
# ## 5. An organization built from DataFrames
#
# `planner.input.validate.org_from_frames` applies exactly the workbook's checks to DataFrames
# built in code (the column names are those of the workbook sheets).

# %%
from planner.input.validate import org_from_frames

groups_df = pd.DataFrame([
    {"group": "sales", "users": 120, "devices_per_user": 2, "primary_device": "windows_pro",
     "needs": "m365_e3_equivalent, copilot"},
    {"group": "shop", "users": 300, "worker": "frontline", "primary_device": "other",
     "needs": "frontline_basic"},
])
holdings_df = pd.DataFrame([{"product": "m365_e3", "quantity": 100, "ends": "2027-06-30"}])
small = org_from_frames(groups_df, holdings_df,
                        organization={"name": "Built in code", "as_of": "2026-11-23",
                                      "renewal_date": "2027-06-30"})
small_plan = planner.plan(small, at="now")
display(Markdown(f"**{small.org.name}**: {small_plan.annual_cost:,.0f} "
                 f"{small_plan.currency} a year ({small_plan.status})."))
small_plan.assignments[["group", "users", "products", "annual_cost_per_user"]]
