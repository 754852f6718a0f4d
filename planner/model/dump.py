"""Writing the integer program to a file (``--lp-file``): LP or MPS, through the guarded writer.

By default the dump names variables ``x1, x2, ...`` and constraints ``c1, c2, ...`` in
the order the model created them, so the file carries no organization text (group names
are part of the model's own names); :attr:`ModelDump.readable` keeps the model's names,
which is what a modeller debugging the algebra wants. The file is LP format unless its
name ends in ``.mps``.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pulp

from planner.errors import InputError, Issue
from planner.outputs import atomic_write

SUFFIXES = (".lp", ".mps")


@dataclass(frozen=True)
class ModelDump:
    """Where and how to dump the model: the file, the run's inputs, readable names or not."""

    path: Path
    inputs: tuple = ()
    readable: bool = False

    def check(self) -> None:
        """Raise when the file name's suffix is not one of :data:`SUFFIXES`."""
        if self.path.suffix.lower() not in SUFFIXES:
            raise InputError(Issue(
                f"unknown model file type '{self.path.suffix or '(none)'}'", self.path.name,
                hint="name the file .lp (LP format) or .mps (MPS format)"))


def anonymous(problem: pulp.LpProblem) -> pulp.LpProblem:
    """A copy of ``problem`` whose names are indices (x1.., c1..), in creation order."""
    data = problem.toDict()
    names = {v.name: f"x{i}" for i, v in enumerate(problem._variables, start=1)}
    for var in data["variables"]:
        var["name"] = names[var["name"]]
    for coef in data["objective"]["coefficients"]:
        coef["name"] = names[coef["name"]]
    data["objective"]["name"] = "cost"
    for i, con in enumerate(data["constraints"], start=1):
        con["name"] = f"c{i}"
        for coef in con["coefficients"]:
            coef["name"] = names[coef["name"]]
    data["parameters"]["name"] = "model"
    _, copy = pulp.LpProblem.fromDict(data)
    return copy


def dump_model(problem: pulp.LpProblem, target: ModelDump | str | os.PathLike) -> Path:
    """Write ``problem`` to ``target`` atomically, never over an input.

    A plain path (the Python API's ``lp_file``) keeps the model's readable names; a
    :class:`ModelDump` says whether to.

    Raises
    ------
    InputError
        For an unknown suffix, an input as target, or a failed write.
    """
    dump = target if isinstance(target, ModelDump) else ModelDump(Path(target), readable=True)
    dump.check()
    model = problem if dump.readable else anonymous(problem)
    if dump.path.suffix.lower() == ".mps":
        def save(tmp: str) -> None:
            model.writeMPS(tmp)
    else:
        def save(tmp: str) -> None:
            model.writeLP(tmp)
    return atomic_write(dump.path, save, dump.inputs, what="model file")
