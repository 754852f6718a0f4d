"""A solver-neutral linear program: named columns and rows, built once, read by every back-end.

The rule families of :mod:`planner.model.program` emit their rows here as column indices
and coefficients. Two consumers read the result: :meth:`Matrix.to_pulp` makes the PuLP
problem (the timeline, ``--lp-file`` and the code that edits bounds or objectives), with
the same names, terms and term order a direct PuLP build gives; :meth:`Matrix.arrays`
gives compressed sparse rows for HiGHS (one ``passModel`` call, no PuLP object).
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pulp

LE, GE, EQ = pulp.LpConstraintLE, pulp.LpConstraintGE, pulp.LpConstraintEQ
INF = math.inf


@dataclass
class Arrays:
    """The program as arrays: CSR rows, column and row bounds, costs, integer columns."""

    col_lower: np.ndarray
    col_upper: np.ndarray
    cost: np.ndarray
    integer: np.ndarray  # bool per column
    starts: np.ndarray  # row r's terms are index/value[starts[r]:starts[r+1]]
    index: np.ndarray
    value: np.ndarray
    row_lower: np.ndarray
    row_upper: np.ndarray

    @property
    def num_cols(self) -> int:
        """Number of columns."""
        return len(self.col_lower)

    @property
    def num_rows(self) -> int:
        """Number of rows."""
        return len(self.row_lower)

    def activity(self, x: np.ndarray) -> np.ndarray:
        """Each row's left-hand side at ``x``."""
        products = self.value * x[self.index]
        out = np.zeros(self.num_rows)
        if len(products):
            rows = np.repeat(np.arange(self.num_rows), np.diff(self.starts))
            np.add.at(out, rows, products)
        return out


class Matrix:
    """Columns and rows of a minimisation problem, in creation order.

    A row is ``sum coef * column  (<=, >=, =)  rhs``; its terms keep the order they were
    given in, a column given twice has its coefficients added, and a zero coefficient
    leaves a new term out (as PuLP's expression arithmetic does).
    """

    def __init__(self, name: str = "licence_plan"):
        self.name = name
        self.col_names: list[str] = []
        self.col_lower: list[float] = []
        self.col_upper: list[float] = []
        self.col_integer: list[bool] = []
        self.cost: dict[int, float] = {}
        self.row_names: list[str] = []
        self.row_sense: list[int] = []
        self.row_rhs: list[float] = []
        self.row_terms: list[dict[int, float]] = []

    def column(self, name: str, lower: float = 0.0, upper: float | None = None,
               integer: bool = False) -> int:
        """Add a column; its index. ``upper`` None means unbounded."""
        self.col_names.append(name)
        self.col_lower.append(lower)
        self.col_upper.append(INF if upper is None else upper)
        self.col_integer.append(integer)
        return len(self.col_names) - 1

    def row(self, name: str, terms: Iterable[tuple[int, float]], sense: int, rhs: float = 0.0) -> int:
        """Add the row ``sum coef * column (sense) rhs``; its index."""
        terms = terms if isinstance(terms, list) else list(terms)
        merged = dict(terms)
        if len(merged) != len(terms) or 0 in merged.values():  # repeats or zeros: merge one by one
            merged = {}
            for col, coef in terms:
                if col in merged:
                    merged[col] += coef
                elif coef:
                    merged[col] = coef
        self.row_names.append(name)
        self.row_sense.append(sense)
        self.row_rhs.append(rhs)
        self.row_terms.append(merged)
        return len(self.row_names) - 1

    def objective(self, terms: Iterable[tuple[int, float]]) -> None:
        """Set the costs to minimise (same merging as :meth:`row`)."""
        self.cost = {}
        for col, coef in terms:
            if col in self.cost:
                self.cost[col] += coef
            elif coef:
                self.cost[col] = coef

    def edited(self, upper: dict[int, float] | None = None,
               cost: dict[int, float] | None = None) -> "Matrix":
        """A copy with the upper bounds of the columns in ``upper`` and, if given, the whole
        objective replaced by ``cost``; the rows are shared, this matrix is unchanged."""
        out = copy.copy(self)
        if upper:
            out.col_upper = list(self.col_upper)
            for col, bound in upper.items():
                out.col_upper[col] = bound
        if cost is not None:
            out.cost = {col: coef for col, coef in cost.items() if coef}
        return out

    def arrays(self) -> Arrays:
        """The program as :class:`Arrays` (rows in creation order)."""
        n = len(self.col_names)
        cost = np.zeros(n)
        if self.cost:
            cost[np.fromiter(self.cost.keys(), dtype=np.int64, count=len(self.cost))] = \
                np.fromiter(self.cost.values(), dtype=float, count=len(self.cost))
        lengths = np.fromiter((len(t) for t in self.row_terms), dtype=np.int64, count=len(self.row_terms))
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        total = int(starts[-1])
        index = np.fromiter((c for t in self.row_terms for c in t), dtype=np.int32, count=total)
        value = np.fromiter((v for t in self.row_terms for v in t.values()), dtype=float, count=total)
        sense = np.array(self.row_sense, dtype=np.int64)
        rhs = np.array(self.row_rhs, dtype=float)
        return Arrays(np.array(self.col_lower, dtype=float), np.array(self.col_upper, dtype=float),
                      cost, np.array(self.col_integer, dtype=bool), starts, index, value,
                      np.where(sense == LE, -INF, rhs), np.where(sense == GE, INF, rhs))

    def to_pulp(self) -> tuple[pulp.LpProblem, list[pulp.LpVariable], list[pulp.LpConstraint]]:
        """The PuLP problem, its variables by column and its constraints by row.

        Built as a direct PuLP build would (objective first, then the rows in order), so
        the variables register in the same order and LP/MPS files are the same.
        """
        problem = pulp.LpProblem(self.name, pulp.LpMinimize)
        variables = [problem.add_variable(name, lo, None if up == INF else up,
                                          cat="Integer" if integer else "Continuous")
                     for name, lo, up, integer in zip(self.col_names, self.col_lower, self.col_upper,
                                                      self.col_integer)]
        objective = pulp.LpAffineExpression()
        for col, coef in self.cost.items():
            objective[variables[col]] = coef
        problem += objective
        constraints = []
        for name, sense, rhs, terms in zip(self.row_names, self.row_sense, self.row_rhs, self.row_terms):
            expr = pulp.LpAffineExpression(constant=0.0 - rhs)
            for col, coef in terms.items():
                expr[variables[col]] = coef
            constraint = pulp.LpConstraint(expr, sense)
            problem += (constraint, name)
            constraints.append(constraint)
        return problem, variables, constraints

    def expression(self, terms: Iterable[tuple[int, float]], variables: list[pulp.LpVariable]
                   ) -> pulp.LpAffineExpression:
        """``sum coef * column`` as a PuLP expression over ``variables``."""
        expr = pulp.LpAffineExpression()
        for col, coef in terms:
            var = variables[col]
            if var in expr:
                expr[var] += coef
            elif coef:
                expr[var] = coef
        return expr
