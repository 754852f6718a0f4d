"""Every enumeration the planner knows, declared once.

The input workbook's choices (worker, primary device, agreement, billing), the planning
points, the purchase actions and statuses of a plan, and the codes the catalog data uses
for eligibility and conditions. The catalog schema (``catalog/schema/*.csv``) spells the
catalog's enumerations again as ``enum:`` types; ``tests/test_vocabulary.py`` checks the
two agree, so a value added on one side only fails the tests.
"""
from __future__ import annotations

WORKER_KINDS = ("information", "frontline")
"""Groups column ``worker``: ``frontline`` meets the Product Terms' frontline criteria."""

PRIMARY_DEVICES = ("windows_pro", "windows_enterprise", "other", "none")
"""Groups column ``primary_device``: the OS licence of the user's primary work device."""

QUALIFYING_OS = ("windows_pro", "windows_enterprise")
"""Primary devices that qualify for Windows Enterprise per user (condition ``qualifying_os``)."""

AGREEMENTS = ("EA", "EAS", "MCA-E", "CSP")
"""Organization field ``agreement``; also the catalog's ``agreements`` lists."""

BILLING = ("annual", "monthly")
"""Organization field ``billing``."""

PLAN_AT = ("now", "renewal")
"""Planning points (``--at``): today with running terms paid, or the renewal date."""

TIMELINE = "timeline"
"""The ``--at`` value that plans every period from now through the renewal (planner.timeline)."""

TIMELINE_ACTIONS = ("running", "renew", "step-up", "true-up", "buy", "drop")
"""Actions of a timeline plan's lines, per period."""

ACTIONS = ("keep", "committed", "step-up", "true-up", "buy", "drop")
"""Purchase actions of a plan, in the order the Purchases sheet lists them."""

STATUSES = ("optimal", "feasible", "infeasible")
"""Plan statuses: proven optimal, stopped at the time limit, no compliant plan."""

DEVICE_KINDS = ("pc", "tablet", "phone")
"""Kinds of device install limits count (catalog ``install_kinds``)."""

ELIGIBILITY = ("qualifying_os", "frontline")
"""Per-user conditions of a product (catalog ``products.eligibility``)."""

CONDITIONS = ("qualifying_os",)
"""Conditions on a user's devices for a capability to be usable (catalog ``condition``)."""

PLATFORM_FAMILIES = ("desktop_platform", "cal_suite")
"""Enterprise platform families of on-premises licences (catalog ``family``, ``sa_backing``)."""

SHORTFALL_REASONS = ("qualifying_os", "frontline", "agreement", "agreement_right", "install_limit",
                     "sales_rule", "full_usl", "step_up_source", "no_price", "platform_family",
                     "midterm", "not_available")
"""Codes of the rules that can leave a need without a product; those with a closest fix
are the ``reason`` values of catalog rules/fixes.csv."""

FRONTLINE = WORKER_KINDS[1]
"""The worker kind eligibility ``frontline`` asks for."""

BATCH_ENGINES = ("local", "ray", "serial")
"""Where ``planner batch`` runs its plans (``--engine``): local processes, a Ray cluster, or
one after another in this process (planner.batch.engines)."""

SOLVERS = ("highs", "cbc")
"""The MILP solvers a plan can use (``--solver``; planner.model.solver runs them)."""
