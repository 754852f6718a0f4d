# %% [markdown]
# # A timeline: one plan from now through the anniversary to the renewal
#
# A point plan answers "what is cheapest **now**" or "what is cheapest **at renewal**". An
# organization lives through both, and a choice now can constrain or enable the next one:
# units bought mid-term are committed until the renewal, Software Assurance dropped at a
# renewal does not come back, and a price increase makes seats bought before it cheaper for
# the rest of their term. `planner.plan(inputs, at="timeline")` plans every period in one
# integer program: now, each anniversary up to the renewal, the renewal, and `years` after it.
#
# We plan Trey Research (an anniversary now, the renewal a year later) and then a growing
# organization that meets a list price increase, and compare each path with planning one
# point at a time.

# %%
import matplotlib.pyplot as plt
import pandas as pd
from datetime import date
from IPython.display import Markdown, display

import planner
from planner.input.organization import Group, Growth, Organization, OrgInputs

pd.set_option("display.width", 160)
pd.set_option("display.max_colwidth", 60)

trey = planner.read_org("../scenarios/trey_research.xlsx")
result = planner.plan(trey, at="timeline")
tl = result.timeline
cur = result.currency
tl.periods[["start", "end", "at", "years", "annual_cost", "cost"]]

# %% [markdown]
# ## 1. What happens in each period
#
# `running` lines are paid already (held, or bought or renewed in an earlier period of the
# timeline); `buy`, `renew`, `true-up` and `drop` are the period's decisions.

# %%
tl.lines[["start", "action", "product", "quantity", "unit_price", "period_cost"]]

# %% [markdown]
# ## 2. Cost per period

# %%
def plot_periods(timeline, title):
    """Stacked cost per period and product, as on the plan workbook's Timeline sheet."""
    pivot = timeline.lines.pivot_table(index="start", columns="product", values="period_cost",
                                       aggfunc="sum", fill_value=0.0)
    pivot = pivot.loc[:, pivot.sum() > 0]
    ax = pivot.plot(kind="bar", stacked=True, figsize=(8, 4), rot=0)
    ax.set_xlabel("period starting")
    ax.set_ylabel(f"cost in the period [{cur}]")
    ax.set_title(title)
    ax.legend(fontsize=8, bbox_to_anchor=(1.0, 1.0))
    plt.tight_layout()
    plt.show()


plot_periods(tl, f"{trey.org.name}: cost per period")

# %% [markdown]
# ## 3. A path that only a timeline finds
#
# A customer on an MCA-E (annual terms, no price lock) has 100 users today and 200 from
# 2026-07-01, the day the Microsoft 365 list prices rise. Planned one point at a time, it
# buys 100 seats now and 100 more at the new price; the timeline may buy all 200 now, at the
# old price for the whole annual term, and pay for the extra 100 a month early.

# %%
grow = OrgInputs(
    Organization(name="Growing Co", agreement="MCA-E", as_of=date(2026, 6, 1),
                 renewal_date=date(2027, 6, 1), holds_with_teams_suite=False),
    (Group("staff", 100, needs=("mailbox_kiosk", "office_web", "teams")),),
    growth=(Growth("staff", date(2026, 7, 1), 200),))
grown = planner.plan(grow, at="timeline").timeline
plot_periods(grown, "Growing Co: cost per period")
grown.lines[["start", "action", "product", "quantity", "unit_price", "period_cost"]]

# %%
first = grown.lines[(grown.lines["period"] == 0) & (grown.lines["action"] == "buy")]
bought_now = int(first["quantity"].sum())
lines = [
    f"- **{trey.org.name}:** {len(tl.periods)} periods, total {tl.total_cost:,.0f} {cur}; "
    f"planned one point at a time it costs {tl.chained_total_cost:,.0f} {cur} "
    + ("(the same path: nothing now constrains the renewal)." if abs(tl.saving_over_chained) < 0.5
       else f"(the path saves {tl.saving_over_chained:,.0f} {cur})."),
    f"- **Growing Co:** the timeline buys **{bought_now} seats now** and costs "
    f"{grown.total_cost:,.0f} {cur} against {grown.chained_total_cost:,.0f} {cur} one point at "
    f"a time: planning the path saves **{grown.saving_over_chained:,.0f} {cur}**.",
]
display(Markdown("**Conclusions.**\n\n" + "\n".join(lines)))
