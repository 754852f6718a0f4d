"""The one guarded writer: every file planner writes goes through :func:`atomic_write`.

Plans, templates, roles workbooks, LP/MPS dumps: whatever the file, writing it

- refuses to touch any input of the run (compared with :func:`os.path.samefile`, so a
  symlink, a hard link, ``./x`` or a case alias of the input counts as the input);
- writes a temporary file ``.NAME.<random>.tmp`` in the target's own folder, fsyncs it,
  gives it the permissions a new file of the user gets (the umask), or those of the file
  it replaces, and renames it over the target in one step, so the target is either the
  old file or the complete new one, never a part;
- removes temporary files of the same target left by an interrupted write (older than
  :data:`STALE_AFTER_SECONDS`) and says so;
- on any failure removes its temporary file and names the target, not the temporary;
- records what it wrote (:mod:`planner.provenance`), so a later run can tell a file it
  may replace from one the user edited since.

What was written and what was said is kept in :data:`JOURNAL`, which the CLI reads to
say "nothing was written" truthfully when a run is interrupted.
"""
from __future__ import annotations

import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterable
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from planner import provenance
from planner.errors import InputError, Issue

STALE_AFTER_SECONDS = 300
"""A temporary file of a target older than this is a leftover of an interrupted write."""

_SIGNALS = {signal.SIGINT, signal.SIGTERM}


@dataclass
class Journal:
    """What this process wrote (``written``) and the notices it gave (``notices``).

    ``listener`` is called with each notice as it happens (the CLI prints it as a
    warning); without one, notices are only collected.
    """

    written: list[Path] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    listener: Callable[[str], None] | None = None

    def note(self, text: str) -> None:
        """Record a notice and pass it to the listener."""
        self.notices.append(text)
        if self.listener is not None:
            self.listener(text)

    def reset(self, listener: Callable[[str], None] | None = None) -> None:
        """Start a new run: nothing written, no notices, ``listener`` told of new ones."""
        self.written.clear()
        self.notices.clear()
        self.listener = listener


JOURNAL = Journal()


@contextmanager
def signals_held():
    """Defer SIGINT and SIGTERM until the block is done (cleanup must not be cut short).

    A signal that arrives meanwhile is delivered when the block ends. Outside the main
    thread, or where signal masks are not supported, the block runs unprotected.
    """
    try:
        old = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    except (AttributeError, ValueError, OSError):
        yield
        return
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def tmp_root() -> Path:
    """The folder temporary files go in: ``TMPDIR`` (or ``TMP``) when set, else the system's."""
    chosen = os.environ.get("TMPDIR") or os.environ.get("TMP")
    return Path(chosen) if chosen else Path(tempfile.gettempdir())


PREFIX = "planner-"
_SWEPT: set[Path] = set()  # folders already cleared of orphans by this process


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, another user's
        return True
    return True


def remove_orphans(root: Path) -> list[Path]:
    """Remove this user's ``planner-PID-*`` folders in ``root`` whose process is gone.

    Only a ``kill -9`` of the planner leaves one (no ``finally`` runs); the next solve
    removes it.
    """
    removed: list[Path] = []
    if not hasattr(os, "getuid") or root in _SWEPT:
        return removed
    _SWEPT.add(root)
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    for entry in entries:
        parts = entry.name.split("-")
        if len(parts) < 3 or parts[0] + "-" != PREFIX or not parts[1].isdigit():
            continue
        try:
            mine = entry.is_dir(follow_symlinks=False) and entry.stat(
                follow_symlinks=False).st_uid == os.getuid()
        except OSError:
            continue
        if mine and not _alive(int(parts[1])):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed


@contextmanager
def private_folder():
    """A new folder in TMPDIR only this user can enter, removed with its content at the end.

    Folders of earlier planner processes killed outright are removed first
    (:func:`remove_orphans`).

    Raises
    ------
    InputError
        When the folder cannot be created (``TMPDIR`` missing, a file, not writable).
    """
    root = tmp_root()
    remove_orphans(root)
    try:
        folder = tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=root)  # mode 0700
    except OSError as exc:
        raise InputError(f"cannot create a temporary folder in {root} "
                         f"({exc.strerror or exc}); set TMPDIR to a writable folder") from None
    try:
        yield folder
    finally:
        with signals_held():
            shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def library_temp_files_in(folder: str):
    """Point :mod:`tempfile`'s default folder at ``folder`` for the block.

    openpyxl writes each worksheet to a temporary file in TMPDIR before zipping it and
    removes it only when all goes well; in ``folder`` (removed in ``finally``) an
    interrupted save leaves nothing behind.
    """
    saved = tempfile.tempdir
    tempfile.tempdir = folder
    try:
        yield
    finally:
        tempfile.tempdir = saved


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist: it cannot be the other
        return False


def refuse_inputs(out: str | os.PathLike, inputs: Iterable, what: str = "output") -> None:
    """Raise when ``out`` is (an alias of) one of ``inputs``.

    Raises
    ------
    InputError
        ``NAME: refusing to write the WHAT over the input file``.
    """
    out = Path(out)
    for inp in inputs:
        if inp and _same_file(out, Path(inp)):
            raise InputError(Issue(f"refusing to write the {what} over the input file",
                                   out.name, hint="choose another name with -o"))


def refuse_same_outputs(outputs: Iterable[tuple[str, str | os.PathLike]]) -> None:
    """Raise when two outputs of one run are the same file (the second would replace the first).

    ``outputs`` holds ``(what, path)`` pairs; paths are compared resolved, and with
    :func:`os.path.samefile` when both exist.

    Raises
    ------
    InputError
        ``NAME: the WHAT and the WHAT are the same file``.
    """
    seen: list[tuple[str, Path]] = []
    for what, path in outputs:
        if not path:
            continue
        path = Path(path)
        for other_what, other in seen:
            if (os.path.normcase(os.path.realpath(path)) == os.path.normcase(
                    os.path.realpath(other)) or _same_file(path, other)):
                raise InputError(Issue(f"the {other_what} and the {what} are the same file",
                                       path.name, hint="give them different names"))
        seen.append((what, path))


def check_folder(out: str | os.PathLike) -> Path:
    """The folder ``out`` goes in, when it exists and is a folder.

    Raises
    ------
    InputError
        When the folder is missing or is a file.
    """
    out = Path(out)
    folder = out.parent
    if not folder.exists():
        raise InputError(Issue(f"output folder {folder} does not exist", out.name,
                               hint="create it first or choose another path"))
    if not folder.is_dir():
        raise InputError(Issue(f"{folder} is a file, not a folder", out.name,
                               hint="choose another path"))
    if out.is_dir():
        raise InputError(Issue("is a folder; give a file name", out.name))
    return folder


def temp_files(out: Path) -> list[Path]:
    """Temporary files of target ``out`` in its folder (``.NAME.*.tmp``)."""
    prefix = f".{out.name}."
    try:
        names = os.listdir(out.parent)
    except OSError:
        return []
    return [out.parent / n for n in names if n.startswith(prefix) and n.endswith(".tmp")]


def remove_stale(out: Path, now: float | None = None) -> list[Path]:
    """Delete temporary files of ``out`` older than :data:`STALE_AFTER_SECONDS`; say so.

    A younger one may belong to a run writing the same file right now and is left.
    """
    now = time.time() if now is None else now
    removed = []
    for tmp in temp_files(out):
        try:
            if now - tmp.lstat().st_mtime < STALE_AFTER_SECONDS:
                continue
            tmp.unlink()
        except OSError:
            continue
        removed.append(tmp)
        JOURNAL.note(f"removed {tmp.name}, left in {out.parent} by an interrupted write "
                     f"of {out.name}")
    return removed


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _mode_for(out: Path) -> int:
    """Permissions of the new file: those of the file it replaces, else 0666 minus umask."""
    try:
        return out.stat().st_mode & 0o7777
    except OSError:
        return 0o666 & ~_umask()


def _fsync(path: str, directory: bool = False) -> None:
    flags = os.O_RDONLY | (getattr(os, "O_DIRECTORY", 0) if directory else 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        if directory:  # some platforms cannot open folders; the rename stands
            return
        raise
    try:
        os.fsync(fd)
    except OSError:
        if not directory:
            raise
    finally:
        os.close(fd)


def _write_error(out: Path, exc: OSError, folder: Path | None = None) -> InputError:
    """The failure named by the target (and its folder when the folder refused)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    where = f"cannot create a file in {folder.resolve()}" if folder else "cannot write the file"
    return InputError(Issue(f"{where}: {reason}", out.name,
                            hint="nothing was written; an existing file is unchanged"))


def atomic_write(out_path: str | os.PathLike, save: Callable[[str], None],
                 inputs: Iterable = (), what: str = "output") -> Path:
    """Write an output file whole or not at all, never over an input.

    Parameters
    ----------
    out_path : path-like
        The target; an existing file is replaced whole.
    save : callable
        Writes the content to the path it is given (a temporary file beside the target).
    inputs : iterable of path-like
        Files of this run the output must never replace.
    what : str
        What the file is, for messages (``plan``, ``LP file``).

    Returns
    -------
    pathlib.Path
        The target.

    Raises
    ------
    InputError
        When ``out_path`` is an input, its folder is missing or not writable, or writing
        fails (disk full, file too large); the temporary file is removed.
    """
    out = Path(out_path)
    inputs = tuple(inputs)
    refuse_inputs(out, inputs, what)
    folder = check_folder(out)
    remove_stale(out)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=folder)
        os.close(fd)
    except OSError as exc:
        raise _write_error(out, exc, folder) from None
    try:
        save(tmp)
        os.chmod(tmp, _mode_for(out))
        _fsync(tmp)
        digest = provenance.sha256(tmp)
        refuse_inputs(out, inputs, what)  # an input may have appeared at the target since
        os.replace(tmp, out)
        JOURNAL.written.append(out)
        _fsync(str(folder), directory=True)
    except BaseException as exc:
        with signals_held():
            try:
                os.unlink(tmp)
            except OSError:
                pass
        if isinstance(exc, OSError):  # disk full, permission, size limit: the user's to fix
            raise _write_error(out, exc) from None
        raise
    problem = provenance.remember(out, digest)
    if problem:
        JOURNAL.note(problem)
    return out


FORMULA_CELLS = "_planner_formula_cells"
"""Attribute of a worksheet: the coordinates of the cells meant to hold formulas."""


def allow_formula(cell) -> None:
    """Mark ``cell`` as one the tool itself filled with a formula (kept as a formula)."""
    ws = cell.parent
    if not hasattr(ws, FORMULA_CELLS):
        setattr(ws, FORMULA_CELLS, set())
    getattr(ws, FORMULA_CELLS).add(cell.coordinate)


def text_as_text(wb) -> int:
    """Store every formula cell not marked with :func:`allow_formula` as text; the count.

    openpyxl turns any string starting with ``=`` into a live formula, so a person or a
    group named ``=HYPERLINK(...)`` would run in the reader's Excel (formula injection).
    Every workbook the tool writes passes here, whichever module filled it.
    """
    changed = 0
    for ws in wb.worksheets:
        allowed: set[str] = getattr(ws, FORMULA_CELLS, set())
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f" and cell.coordinate not in allowed:
                    cell.data_type = "s"
                    changed += 1
    return changed


def save_workbook(wb, path: str) -> None:
    """Save an openpyxl workbook to ``path``, user text as text, the zip always closed.

    ``Workbook.save`` leaves its zip open when a write fails (disk full), and the
    interpreter later prints an ``Exception ignored`` traceback when it collects it.
    Before saving, :func:`text_as_text` makes sure no user text becomes a formula; the
    temporary files openpyxl writes go in a :func:`private_folder`.
    """
    import datetime
    import zipfile

    from openpyxl.writer.excel import ExcelWriter

    text_as_text(wb)
    with ExitStack() as stack:
        try:
            stack.enter_context(library_temp_files_in(stack.enter_context(private_folder())))
        except InputError:  # TMPDIR unusable: openpyxl finds a folder of its own
            pass
        archive = stack.enter_context(
            zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, allowZip64=True))
        wb.properties.modified = datetime.datetime.now(
            tz=datetime.UTC).replace(tzinfo=None)
        ExcelWriter(wb, archive).write_data()


def write_workbook(wb, out_path: str | os.PathLike, inputs: Iterable = (),
                   what: str = "workbook") -> Path:
    """:func:`atomic_write` of an openpyxl workbook (see :func:`save_workbook`)."""
    return atomic_write(out_path, lambda tmp: save_workbook(wb, tmp), inputs, what)


def _json_safe(value):
    """``value`` with every NaN and infinity (floats, numpy scalars) made ``None``."""
    import math

    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    if isinstance(value, float) or type(value).__module__ == "numpy":
        try:
            number = float(value)
        except (TypeError, ValueError):
            return value
        if not math.isfinite(number):
            return None
        return value.item() if hasattr(value, "item") else value
    return value


def json_text(payload, default: Callable | None = None) -> str:
    """``payload`` as indented RFC 8259 JSON: a missing or non-finite number is ``null``.

    Every ``--json`` output and JSON file goes through it, so jq, JavaScript and other
    strict parsers accept what planner prints.
    """
    import json

    return json.dumps(_json_safe(payload), indent=2, allow_nan=False, default=default)
