"""Which files planner wrote last, so an existing output is replaced only when that is safe.

The rule, for every command that writes a file: an existing file at the target is kept
(the command stops with exit code 2 and says why) unless planner wrote it last and it is
unchanged since, or ``--force`` is given.

The evidence is a small record per written file, kept outside the output folder so the
folder holds only what the user asked for: ``<state>/outputs/<id>.json`` with the file's
resolved path, size, modification time and SHA-256, where ``<state>`` is
``$PLANNER_STATE_DIR``, else ``$XDG_STATE_HOME/planner``, else ``~/.local/state/planner``
and ``<id>`` the SHA-256 of the resolved path. A file is "unchanged" when its size and
modification time are those recorded, or else its SHA-256 is. Deleting the state folder
is harmless: the next replacement of each file then needs ``--force`` once.
"""
from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from planner.errors import InputError, Issue

_warned: set[str] = set()


def sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(2**20):
            digest.update(chunk)
    return digest.hexdigest()


def state_dir() -> Path:
    """Where the records live (see the module docstring)."""
    if os.environ.get("PLANNER_STATE_DIR"):
        return Path(os.environ["PLANNER_STATE_DIR"])
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(Path.home(), ".local", "state")
    return Path(base) / "planner"


def _record_path(out: Path) -> Path:
    key = hashlib.sha256(os.path.realpath(out).encode("utf-8", "surrogateescape")).hexdigest()
    return state_dir() / "outputs" / f"{key}.json"


def remember(out: Path, digest: str) -> str | None:
    """Record that planner just wrote ``out`` with content ``digest``.

    Returns
    -------
    str or None
        None when recorded; else a one-line explanation (given once per process), since
        the write itself succeeded and must not fail for this.
    """
    record = _record_path(out)
    try:
        st = out.stat()
        record.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        data = json.dumps({"path": os.path.realpath(out), "size": st.st_size,
                           "mtime_ns": st.st_mtime_ns, "sha256": digest})
        fd, tmp = tempfile.mkstemp(prefix=".record.", suffix=".tmp", dir=record.parent)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(data)
            os.replace(tmp, record)
        except BaseException:
            if os.path.exists(tmp):
                os.unlink(tmp)
            raise
    except OSError as exc:
        folder = str(record.parent)
        if folder in _warned:
            return None
        _warned.add(folder)
        return (f"cannot record that planner wrote {out.name} ({folder}: "
                f"{exc.strerror or exc}); replacing it later will need --force "
                "(set PLANNER_STATE_DIR to a writable folder)")
    return None


def _recorded(out: Path) -> dict | None:
    try:
        data = json.loads(_record_path(out).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def replace_refusal(out: str | os.PathLike,
                    elsewhere: str = "choose another name with -o") -> Issue | None:
    """Why the existing file at ``out`` must be kept, or None when it may be replaced.

    ``elsewhere`` is the hint's other way out, naming the command's own output option.
    """
    out = Path(out)
    try:
        st = out.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return Issue(f"cannot check the existing file: {exc.strerror or exc}", out.name)
    hint = f"pass --force to replace it, or {elsewhere}"
    record = _recorded(out)
    if record is None:
        return Issue("exists and was not written by planner; kept", out.name, hint=hint)
    if record.get("size") == st.st_size and record.get("mtime_ns") == st.st_mtime_ns:
        return None
    try:
        if sha256(out) == record.get("sha256"):
            return None
    except OSError as exc:
        return Issue(f"cannot check the existing file: {exc.strerror or exc}", out.name)
    return Issue("was changed since planner wrote it; kept", out.name, hint=hint)


def check_replaceable(out: str | os.PathLike, force: bool = False) -> None:
    """Raise unless ``out`` is absent, planner's own unchanged file, or ``force`` is set.

    Raises
    ------
    InputError
        Naming the file, why it is kept, and ``--force``.
    """
    if force:
        return
    refusal = replace_refusal(out)
    if refusal is not None:
        raise InputError(refusal)
