"""The workbooks a batch plans, found in the files and folders given, and their outputs.

A file is planned as given. A folder is searched, subfolders included, for ``.xlsx``
files, leaving out Excel's lock files (``~$*``), hidden files and folders, plan
workbooks (``*-plan.xlsx``, ``*-plan-renewal.xlsx``, ``*-plan-timeline.xlsx``), the batch
and sweep outputs, and anything inside the output folder. Outputs mirror the layout:
``customers/acme/org.xlsx`` given as the folder ``customers`` is planned into
``DIR/acme/org-plan.xlsx`` and ``DIR/acme/org-plan.json``.
"""
from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from planner.errors import InputError, Issue

PLAN_SUFFIX = "-plan.xlsx"
RESULT_SUFFIX = "-plan.json"
OUTPUT_NAMES = frozenset({"batch-summary.xlsx", "draws.xlsx", "sweep-summary.xlsx"})
"""Files a batch or a sweep writes, never taken as inputs from a folder."""


@dataclass(frozen=True)
class Source:
    """One input workbook: where it is, how it is shown, where its outputs go.

    Attributes
    ----------
    path : pathlib.Path
        The workbook.
    name : str
        Shown in the summary: relative to the folder it was found in (``acme/org.xlsx``),
        or the file name when it was given as a file.
    """

    path: Path
    name: str

    @property
    def stem(self) -> str:
        """``name`` without ``.xlsx``: the outputs' relative path stem."""
        return self.name[: -len(".xlsx")] if self.name.lower().endswith(".xlsx") \
            else self.name

    def plan_path(self, out: Path) -> Path:
        """The plan workbook of this input in the output folder ``out``."""
        return out / f"{self.stem}{PLAN_SUFFIX}"

    def result_path(self, out: Path) -> Path:
        """The JSON result of this input in the output folder ``out``."""
        return out / f"{self.stem}{RESULT_SUFFIX}"


POINT_PLAN_SUFFIXES = ("-plan-renewal.xlsx", "-plan-timeline.xlsx")
"""What ``planner solve --at renewal|timeline`` writes by default: plans, never inputs."""


def _is_input(path: Path) -> bool:
    name = path.name.lower()
    return (name.endswith(".xlsx") and not name.startswith(("~$", "."))
            and not name.endswith((PLAN_SUFFIX, *POINT_PLAN_SUFFIXES))
            and name not in OUTPUT_NAMES)


def _inside(path: Path, folder: Path | None) -> bool:
    return folder is not None and (path == folder or folder in path.parents)


def _walk(folder: Path, out: Path | None) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        here = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not _inside((here / d).resolve(), out))
        found += [here / f for f in sorted(files) if _is_input(here / f)]
    return found


def find_sources(paths: Iterable[str | os.PathLike], out: str | os.PathLike | None = None
                 ) -> list[Source]:
    """The workbooks to plan, in the order given (each folder's files sorted).

    Parameters
    ----------
    paths : list of path-like
        Workbooks and folders.
    out : path-like, optional
        The output folder (never searched).

    Returns
    -------
    list of Source
        A file reached twice is planned once.

    Raises
    ------
    InputError
        One line per path that does not exist or folder without workbooks, and per two
        inputs whose outputs would have the same name.
    """
    out_dir = Path(out).resolve() if out is not None else None
    issues: list[Issue] = []
    sources: list[Source] = []
    seen: set[Path] = set()
    for given in paths:
        path = Path(given)
        if not path.exists():
            issues.append(Issue("file or folder not found", str(path)))
            continue
        if path.is_dir():
            found = [Source(f, f.relative_to(path).as_posix()) for f in _walk(path, out_dir)]
            if not found:
                issues.append(Issue("folder holds no .xlsx workbooks to plan", str(path)))
        else:
            found = [Source(path, path.name)]
        for source in found:
            key = source.path.resolve()
            if key not in seen:
                seen.add(key)
                sources.append(source)
    by_stem: dict[str, Source] = {}
    for source in sources:
        other = by_stem.setdefault(source.stem.lower(), source)
        if other is not source:
            issues.append(Issue(f"would write the same outputs as {other.path} "
                                f"({source.stem}{PLAN_SUFFIX}); plan them in separate "
                                "batches or give their folder instead", str(source.path)))
    if issues:
        raise InputError(issues)
    if not sources:
        raise InputError(Issue("no workbooks given"))
    return sources


def check_outputs(sources: list[Source], out: Path) -> None:
    """Refuse an output folder whose outputs would overwrite an input.

    Raises
    ------
    InputError
        When ``out`` is a file, or an output path of some input is another input.
    """
    if out.exists() and not out.is_dir():
        raise InputError(Issue("the output folder is a file; give a folder with --out",
                               str(out)))
    inputs = {s.path.resolve(): s for s in sources}
    issues = []
    for source in sources:
        for target in (source.plan_path(out), source.result_path(out)):
            hit = inputs.get(target.resolve())
            if hit is not None:
                issues.append(Issue(f"its output {target.name} would overwrite the input "
                                    f"{hit.path}; choose another --out", str(source.path)))
    if issues:
        raise InputError(issues)
