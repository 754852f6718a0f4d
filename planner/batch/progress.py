"""Progress of a batch or a sweep on stderr: a rich bar on a terminal, plain lines when piped.

On a terminal the bar shows done/total, elapsed and remaining time, and any item that
failed is printed above it as it finishes. When stderr is a file or a pipe (CI, ``2>
log``) each finished item, or chunk of draws, is one line ``[done/total] text``.
"""
from __future__ import annotations

from typing import Self

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)


class Reporter:
    """Reports finished items; a context manager (the bar is removed on exit).

    Parameters
    ----------
    total : int
        Items to finish.
    label : str
        What is done, e.g. ``"planning"``.
    show : bool
        False reports nothing.
    console : rich.console.Console, optional
        Where to report (default: stderr); its ``is_terminal`` chooses bar or lines.
    """

    def __init__(self, total: int, label: str, show: bool = True,
                 console: Console | None = None):
        self.total, self.label, self.show, self.done = total, label, show, 0
        self.console = console or Console(stderr=True)
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> Self:
        if self.show and self.console.is_terminal:
            self._bar = Progress(TextColumn("{task.description}"), BarColumn(),
                                 MofNCompleteColumn(), TimeElapsedColumn(),
                                 TextColumn("left"), TimeRemainingColumn(),
                                 console=self.console, transient=False)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def advance(self, count: int, text: str, problem: bool = False) -> None:
        """``count`` more items finished; ``text`` says what (shown above the bar only
        when ``problem``, and as a line when piped)."""
        self.done += count
        if not self.show:
            return
        if self._bar is not None:
            if problem:
                self._bar.console.print(text, markup=False, highlight=False)
            if self._task is not None:
                self._bar.update(self._task, advance=count)
        else:
            self.console.print(f"[{self.done}/{self.total}] {text}", markup=False,
                               highlight=False, soft_wrap=True)

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()
