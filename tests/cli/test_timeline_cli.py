"""``planner solve --at timeline`` through the installed console script: JSON, console, workbook."""
from __future__ import annotations

import json
import shutil

import openpyxl

from support import digest, run_cli


def test_timeline_json_console_and_workbook(tmp_path, scenario_path):
    org = tmp_path / "trey.xlsx"
    shutil.copy(scenario_path("trey_research"), org)
    before = digest(org)
    out = tmp_path / "plan.xlsx"
    done = run_cli("solve", str(org), "--at", "timeline", "-o", str(out), "--json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    payload = json.loads(done.stdout, parse_constant=lambda c: (_ for _ in ()).throw(ValueError(c)))
    assert [p["at"] for p in payload["periods"]] == ["now", "renewal"]
    assert payload["total_cost"] == round(sum(p["cost"] for p in payload["periods"]), 2)
    first = {(r["action"], r["product"]): r["quantity"] for r in payload["periods"][0]["purchases"]}
    assert first[("drop", "o365_e3_addon_sa")] == 200 and first[("buy", "m365_e3_addon_sa")] == 1000
    assert payload["chained_total_cost"] >= payload["total_cost"]
    assert digest(org) == before

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Summary", "Timeline"]
    ws = wb["Timeline"]
    header = [c.value for c in ws[1]]
    assert header[:4] == ["start", "end", "action", "product"]
    assert len(ws._charts) == 1 and ws._charts[0].grouping == "stacked"

    shown = run_cli("solve", str(org), "--at", "timeline", "-o", str(tmp_path / "p2.xlsx"),
                    cwd=tmp_path, env={"COLUMNS": "160"})
    assert shown.returncode == 0, shown.stderr
    text = shown.stdout + shown.stderr
    assert "Timeline" in text and "2026-11-23 → 2027-11-23 (now)" in text
    assert "2027-11-23 → 2028-11-23 (renewal)" in text


def test_timeline_without_renewal_date_is_one_clear_line(tmp_path, scenario_path):
    org = tmp_path / "org.xlsx"
    wb = openpyxl.load_workbook(scenario_path("trey_research"))
    ws = wb["Organization"]
    for row in ws.iter_rows(min_row=2):
        if str(row[0].value).strip().lower() == "renewal_date":
            row[1].value = None
    wb.save(org)
    done = run_cli("solve", str(org), "--at", "timeline", "-o", str(tmp_path / "p.xlsx"), cwd=tmp_path)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "timeline needs renewal_date" in done.stderr
