"""Running the installed ``planner`` as a subprocess and checking what must always hold.

Used by the fault suite (tests/cli/test_faults.py). Each run gets its own output folder and
its own TMPDIR, so "nothing left behind" can be checked exactly, and solver processes
are found by that TMPDIR in their command line.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from datetime import date

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import make_bad_inputs as mk  # noqa: E402

sys.path.pop(0)
from support import planner_exe  # noqa: E402
EXIT_CODES = {0, 1, 2, 3, 4, 130, 143}
"""Every exit code docs/reliability.md documents."""


def strict_json(text: str):
    """Parse ``text`` as RFC 8259 JSON: NaN, Infinity and -Infinity are refused."""
    def refuse(name):
        raise ValueError(f"not JSON: {name}")
    return json.loads(text, parse_constant=refuse)


@dataclass
class Sandbox:
    """A folder for inputs and outputs, and a private TMPDIR, for one or more runs."""

    folder: Path
    tmpdir: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def make(cls, base: Path) -> Sandbox:
        folder, tmpdir = base / "work", base / "tmp"
        folder.mkdir()
        tmpdir.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLANNER_STATE")}
        env.update(COLUMNS="100", NO_COLOR="1", TMPDIR=str(tmpdir), TMP=str(tmpdir),
                   PLANNER_STATE_DIR=str(base / "state"))
        return cls(folder, tmpdir, env)

    def start(self, *args: str, env: dict[str, str] | None = None, **kw) -> subprocess.Popen:
        """Start ``planner ARGS`` in the folder (stdout and stderr captured)."""
        return subprocess.Popen([planner_exe(), *args], cwd=self.folder,
                                env={**self.env, **(env or {})}, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True, **kw)

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 120,
            **kw) -> subprocess.CompletedProcess:
        """Run ``planner ARGS`` to the end."""
        return subprocess.run([planner_exe(), *args], cwd=self.folder,
                              env={**self.env, **(env or {})}, capture_output=True,
                              text=True, timeout=timeout, **kw)

    def solver_pids(self) -> list[int]:
        """Processes whose command line mentions this sandbox's TMPDIR (solver children)."""
        found = []
        marker = str(self.tmpdir).encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().split(") ", 1)[1][0]
            except OSError:
                continue
            if marker in cmdline and state != "Z":
                found.append(int(entry.name))
        return found

    def wait_for_solver(self, timeout: float = 60) -> int:
        """The pid of the solver child once it runs (fails the test if none starts)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            pids = self.solver_pids()
            if pids:
                return pids[0]
            time.sleep(0.05)
        raise AssertionError("no solver process started")

    def leftovers(self, expected: set[str]) -> list[str]:
        """Files in the folder beyond ``expected``, and anything at all in TMPDIR."""
        extra = sorted(set(os.listdir(self.folder)) - expected)
        extra += [f"TMPDIR/{n}" for n in sorted(os.listdir(self.tmpdir))]
        return extra


def no_solver_left(box: Sandbox, grace: float = 5.0) -> None:
    """Assert that no solver child of the sandbox is still running (after a short grace)."""
    end = time.monotonic() + grace
    while box.solver_pids() and time.monotonic() < end:
        time.sleep(0.05)
    left = box.solver_pids()
    for pid in left:  # do not leak them into the rest of the test session
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"solver processes left running: {left}"


def assert_clean_exit(result, codes: set[int] | None = None) -> None:
    """A documented exit code, no traceback, no 'Exception ignored'."""
    code = result.returncode
    assert code in (codes or EXIT_CODES), f"exit {code}: {result.stderr}"
    for text in (result.stdout or "", result.stderr or ""):
        assert "Traceback" not in text, text
        assert "Exception ignored" not in text, text


def opens_as_workbook(path: Path) -> bool:
    """True when ``path`` is a complete workbook openpyxl reads."""
    try:
        openpyxl.load_workbook(path, read_only=True).close()
    except Exception:  # noqa: BLE001 - any failure means "not a complete workbook"
        return False
    return True


def many_groups(n: int = 120) -> dict[str, list[list]]:
    """An organization of ``n`` groups with mixed needs sharing pooled holdings.

    Large enough that ``planner solve --alternatives`` runs for seconds (its robustness
    re-solves are CBC children; its alternatives, in process since issue 15, take under
    one), so signals and deadlines meet a solver child at work.
    """
    import random

    rnd = random.Random(7)
    needs = ["m365_e3_equivalent", "m365_e5_equivalent", "o365_e3_equivalent", "copilot",
             "entra_suite", "security_e5", "compliance_e5", "identity_p2", "vdi"]
    sheets = mk.base_sheets()
    sheets["Groups"] = [mk.GROUP_COLUMNS] + [
        [f"g{i}", rnd.randint(1, 997), "information", rnd.randint(1, 3),
         rnd.choice(["windows_pro", "windows_enterprise"]), ", ".join(rnd.sample(needs, 2))]
        for i in range(n)]
    sheets["Holdings"] = [mk.HOLDING_COLUMNS] + [
        [p, rnd.randint(100, 5000), None, "N", date(2027, 6, 30), "N"]
        for p in ("m365_e3", "m365_e5", "o365_e3", "copilot", "ems_e3", "o365_e5")]
    return sheets
