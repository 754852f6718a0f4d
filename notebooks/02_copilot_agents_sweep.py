# %% [markdown]
# # Copilot and agents: E5 with add-ons, or Microsoft 365 E7?
#
# An organization of 6,200 information workers is on Microsoft 365 E5, with the E5
# subscription running until the renewal date. A growing share of them will need
# **Microsoft 365 Copilot, agent governance (Agent 365) and Microsoft Entra Suite** on top of
# E5. Microsoft 365 E7 contains all of them. Two questions:
#
# 1. As adoption grows from 0 to 100%, what does the cheapest compliant plan cost, and which
#    products does it choose? Planned **at renewal** (a clean price choice: new E7 against E5 +
#    Copilot + Agent 365 + Entra Suite) and **now** (E5 is paid, so the choice is step-ups
#    against add-ons).
# 2. If the organization wants *one* suite for everybody, from which adoption share is
#    "E7 for everyone" no dearer than "E5 for everyone + add-ons for the adopters"?
#
# The organization is `planner.examples.load_example("e5_to_e7")`, built in code.
# Every number in the conclusions is computed from the sweeps below.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown, display

import planner
from planner.examples import load_example
from planner.explore import (break_even, catalog_without, need_costs, split_group, sweep,
                             with_changes)

pd.set_option("display.width", 160)

org = load_example("e5_to_e7")
AI_NEEDS = ["copilot", "agent_governance", "entra_suite"]
SHARES = [i / 10 for i in range(11)]
staff = org.group("staff").users
display(Markdown(f"**{org.org.name}**: {staff:,} users needing "
                 f"`{', '.join(org.group('staff').needs)}`; holding "
                 + ", ".join(f"{h.quantity:,} {h.product} until {h.ends}" for h in org.holdings)
                 + f". Planning date {org.org.as_of}, renewal {org.org.renewal_date}."))

# %% [markdown]
# ## 1. The adoption sweep
#
# `split_group` moves a share of `staff` into a new group `ai_users` that also needs the three
# AI needs; `sweep` solves every (planning point, share) combination and returns one row per
# point: costs and the quantity of each product bought or kept.

# %%
def adopt(inputs, share):
    """A share of staff also needs Copilot, agent governance and Entra Suite."""
    return split_group(inputs, "staff", share, new_name="ai_users", add_needs=AI_NEEDS)


optimal = sweep(org, {"at": ["renewal", "now"], "share": SHARES}, adopt, progress=True)
optimal[["at", "share", "status", "annual_cost"] + optimal.attrs["products"]]

# %% [markdown]
# Two reference strategies, priced the same way:
#
# - **E5 + add-ons**: E7 and the E5 to E7 step-ups cannot be bought
#   (`catalog_without`), so adopters get Copilot, Agent 365 and Entra Suite on top of E5.
# - **E7 for everyone**: every user needs the three AI needs (the optimizer then puts everyone
#   on E7, by new licences at renewal or by step-ups now). This does not depend on the share.

# %%
a_la_carte = sweep(org, {"at": ["renewal", "now"], "share": SHARES}, adopt,
                   catalog=catalog_without(products=["m365_e7"], kinds=["step_up"]),
                   progress=False)
everyone = with_changes(org, add_needs={"staff": AI_NEEDS})
e7_for_all = {at: planner.plan(everyone, at=at, alternatives=False) for at in ("renewal", "now")}

curves = optimal[["at", "share", "annual_cost"]].rename(columns={"annual_cost": "optimal_mix"})
curves = curves.merge(a_la_carte[["at", "share", "annual_cost"]]
                      .rename(columns={"annual_cost": "e5_plus_addons"}), on=["at", "share"])
curves["e7_for_everyone"] = curves["at"].map({at: p.annual_cost for at, p in e7_for_all.items()})
curves

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
for ax, at in zip(axes, ["renewal", "now"]):
    c = curves[curves["at"] == at]
    ax.plot(c["share"] * 100, c["e5_plus_addons"] / 1e6, "o-", label="E5 + add-ons for adopters")
    ax.plot(c["share"] * 100, c["e7_for_everyone"] / 1e6, "s--", label="E7 for everyone")
    ax.plot(c["share"] * 100, c["optimal_mix"] / 1e6, "^-", label="optimal mix (planner)")
    x = break_even(c, "share", "e7_for_everyone", "e5_plus_addons")
    if x is not None:
        ax.axvline(x * 100, color="grey", lw=0.8)
        ax.annotate(f"break-even {x:.0%}", (x * 100, c["optimal_mix"].min() / 1e6),
                    xytext=(4, 4), textcoords="offset points", fontsize=8)
    ax.set_title(f"planned at {at}")
    ax.set_xlabel("share of users needing Copilot + agents + Entra Suite [%]")
axes[0].set_ylabel(f"annual cost [million {org.org.currency}/year]")
axes[0].legend(fontsize=8)
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 2. What the planner buys at each share

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.6), sharey=True)
for ax, at in zip(axes, ["renewal", "now"]):
    rows = optimal[optimal["at"] == at].set_index("share")
    products = [p for p in optimal.attrs["products"] if rows[p].any()]
    (rows[products] / 1e3).plot.bar(ax=ax, stacked=True, width=0.8)
    ax.set_xticklabels([f"{s:.0%}" for s in rows.index], rotation=0, fontsize=8)
    ax.set_title(f"licences in the plan at {at}")
    ax.set_xlabel("adoption share")
axes[0].set_ylabel("thousand licences")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## 3. The price of each need for an adopter
#
# `need_costs` removes one need (or a set of needs) from the adopters and solves again: the
# difference is what that need adds to the annual cost. Here at 30% adoption, at renewal.

# %%
at_30 = adopt(org, 0.3)
prices = need_costs(at_30, groups=["ai_users"],
                    needs=["copilot", "agent_governance", "entra_suite", AI_NEEDS], at="renewal")
prices

# %%
copilot_only = sweep(org, {"share": SHARES},
                     lambda inputs, share: split_group(inputs, "staff", share, new_name="ai_users",
                                                       add_needs=["copilot"]),
                     at="renewal", progress=False)
copilot_only[["share", "annual_cost"] + copilot_only.attrs["products"]]

# %% [markdown]
# ## Conclusions (computed)

# %%
cur = org.org.currency
lines = []
for at in ("renewal", "now"):
    c = curves[curves["at"] == at]
    x = break_even(c, "share", "e7_for_everyone", "e5_plus_addons")
    full = c[c["share"] == 1.0].iloc[0]
    per_adopter = (full["e5_plus_addons"] - full["optimal_mix"]) / staff / 12
    mix_always = bool((c["optimal_mix"] <= c[["e5_plus_addons", "e7_for_everyone"]].min(axis=1)
                       + 0.01).all())
    chosen = sorted({p for p in optimal.attrs["products"]
                     if optimal.loc[(optimal["at"] == at) & (optimal["share"] > 0), p].any()})
    lines.append(
        f"- **At {at}:** 'E7 for everyone' becomes no dearer than 'E5 + add-ons for the adopters' "
        f"from **{x:.1%}** adoption. The planner's mix ({', '.join(chosen)}) is "
        + ("the cheapest at every share" if mix_always else "not always the cheapest")
        + f"; at 100% it saves {per_adopter:,.2f} {cur} per adopter a month against E5 + add-ons.")
row = prices.set_index("need")
free = [n.replace("_", " ") for n in AI_NEEDS if row.at[n, "adds_annual_cost"] == 0]
label_all = "+".join(AI_NEEDS)
lines.append(
    f"- **Price of the needs (30% adoption, renewal):** the three together add "
    f"{row.at[label_all, 'adds_per_user']:,.2f} {cur} per adopter a year; Copilot alone "
    f"{row.at['copilot', 'adds_per_user']:,.2f}, agent governance alone "
    f"{row.at['agent_governance', 'adds_per_user']:,.2f}, Entra Suite alone "
    f"{row.at['entra_suite', 'adds_per_user']:,.2f}."
    + (f" Dropping only {' or only '.join(free)} saves nothing: E7 is still the cheapest way "
       "to cover the rest." if free else ""))
uses_e7 = bool(copilot_only.get("m365_e7", pd.Series([0])).any())
lines.append(
    "- **Copilot only:** when adopters need Copilot but not agents or Entra Suite, the planner "
    + ("still chooses E7." if uses_e7 else "keeps them on E5 + Copilot: E7 does not pay off.")
    + f" At 100% that plan costs {copilot_only['annual_cost'].iloc[-1]:,.0f} {cur} a year at "
    "renewal.")
display(Markdown("**Conclusions.**\n\n" + "\n".join(lines)))
