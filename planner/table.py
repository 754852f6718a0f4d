"""Rows under named columns: the plan's tables without importing pandas.

A ``planner solve`` process reads a workbook, solves and writes a workbook; importing
pandas alone would cost it more than reading and writing do. The plan's tables are
therefore kept as rows (:class:`Table`) and become a pandas DataFrame only when asked
(:meth:`Table.frame`: notebooks, CSV output, the explore helpers).
"""
from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Table", "is_blank", "scalar"]


def is_blank(value: Any) -> bool:
    """True for None, NaN and pandas' missing values (NaT, NA), without importing pandas.

    Examples
    --------
    >>> [is_blank(v) for v in (None, float("nan"), 0, "", "x")]
    [True, True, False, False, False]
    """
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN, NaT and pd.NA are the values unequal to themselves
    except TypeError:  # pd.NA's comparison is NA, whose truth value is undefined
        return True


def scalar(value: Any) -> Any:
    """``value`` as a cell holds it: None for a missing value, a ``datetime`` for a pandas
    Timestamp, a Python number for a numpy scalar; anything else as it is.

    Examples
    --------
    >>> scalar(float("nan")), scalar(3), scalar("x")
    (None, 3, 'x')
    """
    if isinstance(value, (str, list, tuple, dict, set, frozenset)):
        return value
    try:
        if is_blank(value):
            return None
    except ValueError:  # an array: not a missing value
        return value
    to_datetime = getattr(value, "to_pydatetime", None)  # a pandas Timestamp
    if to_datetime is not None:
        return to_datetime()
    item = getattr(value, "item", None)  # a numpy scalar
    return item() if item is not None and getattr(value, "ndim", None) == 0 else value


@lru_cache(maxsize=64)
def _record_type(columns: tuple[str, ...]):
    return namedtuple("Row", columns, rename=True)  # a column named like no identifier: _0, _1


class Table:
    """An ordered table: column names and one tuple of values per row.

    Iterating yields one named tuple per row (``row.product``), as pandas'
    ``itertuples(index=False)`` does. :meth:`frame` is the same table as a DataFrame,
    built on first use; from then on that frame *is* the table: an edit made to it in
    place (a notebook changing a cell, adding a column) shows in :attr:`rows` and in
    everything written from the table.

    Examples
    --------
    >>> t = Table.from_dicts(["product", "quantity"], [dict(product="e3", quantity=2)])
    >>> [(r.product, r.quantity) for r in t], len(t), t.column("quantity")
    ([('e3', 2)], 1, [2])
    """

    __slots__ = ("_columns", "_frame", "_rows")

    def __init__(self, columns: Sequence[str], rows: Iterable[Sequence[Any]] = ()):
        self._columns = tuple(columns)
        self._rows = [tuple(r) for r in rows]
        self._frame: pd.DataFrame | None = None
        width = len(self._columns)
        for r in self._rows:
            if len(r) != width:
                raise ValueError(f"a row of {len(r)} values under {width} columns {self._columns}")

    @property
    def columns(self) -> tuple[str, ...]:
        """The column names, in order."""
        return self._columns if self._frame is None else tuple(self._frame.columns)

    @property
    def rows(self) -> list[tuple[Any, ...]]:
        """One tuple of values per row (read from the frame once :meth:`frame` was used)."""
        if self._frame is None:
            return self._rows
        return list(self._frame.astype(object).itertuples(index=False, name=None))

    @classmethod
    def from_dicts(cls, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Table:
        """A table of ``rows`` given as mappings; a column a row lacks is None."""
        return cls(columns, (tuple(r.get(c) for c in columns) for r in rows))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Table:
        """The rows of a DataFrame (its index is dropped), its values as Python objects."""
        return cls(list(frame.columns), frame.astype(object).itertuples(index=False, name=None))

    @classmethod
    def backed_by(cls, frame: pd.DataFrame) -> Table:
        """A table whose frame is ``frame`` itself: later edits to it are the table's."""
        table = cls(list(frame.columns))
        table._frame = frame
        return table

    @classmethod
    def of(cls, value: Table | pd.DataFrame, columns: Sequence[str] | None = None) -> Table:
        """``value`` as a Table: a Table as it is, a DataFrame by :meth:`from_frame`.

        With ``columns`` the result has exactly those columns, in that order (a DataFrame
        with one missing raises KeyError, as selecting it in pandas would).
        """
        table = value if isinstance(value, Table) else cls.from_frame(value)
        return table if columns is None or tuple(columns) == table.columns else table.select(columns)

    def __len__(self) -> int:
        return len(self._rows) if self._frame is None else len(self._frame)

    def __iter__(self) -> Iterator[Any]:
        make = _record_type(self.columns)._make
        return (make(r) for r in self.rows)

    def __repr__(self) -> str:
        return f"Table({len(self.rows)} rows x {list(self.columns)})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Table) and (self.columns, self.rows) == (other.columns, other.rows)

    __hash__ = None  # type: ignore[assignment]  # mutable rows

    def column(self, name: str) -> list[Any]:
        """The values of one column, top to bottom (KeyError for an unknown column)."""
        i = self._index(name)
        return [r[i] for r in self.rows]

    def total(self, name: str) -> float:
        """The sum of a numeric column (0.0 for no rows)."""
        return float(sum(self.column(name))) if self.rows else 0.0

    def where(self, keep: Callable[[Any], bool]) -> Table:
        """The rows for which ``keep(row)`` is true (``row`` as when iterating)."""
        make = _record_type(self.columns)._make
        return Table(self.columns, (r for r in self.rows if keep(make(r))))

    def select(self, columns: Sequence[str]) -> Table:
        """Only ``columns``, in that order (KeyError for an unknown one)."""
        at = [self._index(c) for c in columns]
        return Table(columns, (tuple(r[i] for i in at) for r in self.rows))

    def with_columns(self, **values: Sequence[Any]) -> Table:
        """A copy with the named columns' values replaced, one value per row."""
        at = {self._index(name): list(v) for name, v in values.items()}
        for v in at.values():
            if len(v) != len(self):
                raise ValueError(f"{len(v)} values for a column of {len(self)} rows")
        return Table(self.columns, (tuple(at[i][k] if i in at else x for i, x in enumerate(r))
                                    for k, r in enumerate(self.rows)))

    def frame(self) -> pd.DataFrame:
        """The table as a pandas DataFrame (built once; later calls return the same frame)."""
        if self._frame is None:
            import pandas as pd

            self._frame = pd.DataFrame(self._rows, columns=list(self._columns))
        return self._frame

    def _index(self, name: str) -> int:
        try:
            return self.columns.index(name)
        except ValueError:
            raise KeyError(name) from None
