"""planner.model.children: solver children are guarded, also when threads solve at once."""
from __future__ import annotations

import subprocess
import sys
import threading
import types

from planner.model.children import guarded_children


def test_blocks_in_threads_share_one_guard_and_each_kills_only_its_own_children():
    runner = types.SimpleNamespace(subprocess=subprocess)
    inside, release = threading.Barrier(2), threading.Event()
    started: dict[str, subprocess.Popen] = {}
    seen: dict[str, object] = {}

    def block(name: str, leave_first: bool) -> None:
        with guarded_children(runner):
            started[name] = runner.subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
            inside.wait(timeout=30)
            if not leave_first:
                release.wait(timeout=30)
        if leave_first:  # "b" is still in its block
            seen["b running"] = started["b"].poll() is None
            seen["still guarded"] = runner.subprocess is not subprocess
            release.set()

    threads = [threading.Thread(target=block, args=("a", True)), threading.Thread(target=block, args=("b", False))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert seen == {"b running": True, "still guarded": True}  # "a" left "b" and its child alone
    assert runner.subprocess is subprocess  # the guard is gone once the last block ended
    assert all(p.poll() is not None for p in started.values())  # both children were killed


def test_a_nested_block_kills_its_children_and_leaves_the_outer_guard():
    runner = types.SimpleNamespace(subprocess=subprocess)
    with guarded_children(runner) as outer:
        with guarded_children(runner) as inner:
            child = runner.subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
        assert child.poll() is not None and inner == [child] and outer == []
        assert runner.subprocess is not subprocess
    assert runner.subprocess is subprocess
