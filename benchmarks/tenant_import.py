"""Benchmark of ``planner import``: a generated tenant of N users, imported end to end.

``python -m benchmarks.tenant_import --users 50000`` writes a synthetic export bundle (Graph
``subscribedSkus``, ``directory/subscriptions`` and ``users`` pages of 999 with
``signInActivity`` and ``licenseAssignmentStates``, the PSTN call log, the Microsoft 365 Apps,
mailbox, Copilot, Office 365 active user and OneDrive usage reports as UTF-8 with BOM and
CRLF, the Intune device export)
into a temporary folder, then runs ``planner import`` on it in a fresh child process and
prints the wall and CPU time (the CPU figure is the one to read on a shared machine),
the child's peak memory and the number of personas. Targets (issue
13): 50,000 users in under 30 s and 1 GiB, personas in the hundreds.

The tenant is random but seeded: 60 departments of Zipf-like sizes, a licence mix of
Microsoft 365 E3/E5/F3 with Copilot, EMS overlaps, Power BI and free SKUs, 3 % disabled,
2 % guests, 3 % unlicensed, 4 % inactive for 90 days, 0.5 % of the licences in an error
state; desktop use, mailbox and OneDrive sizes, Copilot activity, Teams Phone calls and
devices drawn per user. No real names: users are ``user<N>@example.com``.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PAGE = 999
REFRESH = "2026-11-25"
SKUS = {  # part -> (skuId, enabled units per assigned user)
    "SPE_E3": "05e9a617-0261-4cee-bb44-138d3ef5d965",
    "SPE_E5": "06ebc4ee-1bb5-47dd-8120-11324bc54e06",
    "SPE_F1": "66b55226-6b4f-492c-910c-a3b7a3c9d993",
    "EMS": "efccb6f7-5641-4e0e-bd10-b4976e1bf68e",
    "Microsoft_365_Copilot": "639dec6b-bb19-468b-871c-c5c441c4b0cb",
    "POWER_BI_PRO": "f8a1db68-be16-40ed-86d5-cb42ce701560",
    "FLOW_FREE": "f30db892-07e9-47e9-837c-80727f46fd3d",
}
MIXES = [  # (weight, licences)
    (45, ("SPE_E3",)), (5, ("SPE_E3", "Microsoft_365_Copilot")), (3, ("SPE_E3", "EMS")),
    (14, ("SPE_E5",)), (3, ("SPE_E5", "Microsoft_365_Copilot")), (20, ("SPE_F1",)),
]
DEVICES = [  # (weight, OS, SkuFamily)
    (55, "Windows", "Professional"), (25, "Windows", "Enterprise"), (8, "macOS", ""),
    (12, "iOS", ""),
]


def _csv(path: Path, header: list[str], rows) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8"))


def generate(folder: Path, users: int, seed: int = 1) -> None:
    """Write the export bundle of a synthetic tenant of ``users`` users into ``folder``."""
    rnd = random.Random(seed)
    departments = [f"Department {i:02d}" for i in range(60)]
    dept_weights = [1 / (i + 1) for i in range(60)]
    people, assigned = [], {p: 0 for p in SKUS}
    for n in range(users):
        roll = rnd.random()
        licences: tuple[str, ...] = () if roll < 0.03 else rnd.choices(
            [m for _, m in MIXES], [w for w, _ in MIXES])[0]
        if licences and rnd.random() < 0.1:
            licences += ("POWER_BI_PRO",)
        if licences and rnd.random() < 0.3:
            licences += ("FLOW_FREE",)
        person = {"upn": f"user{n}@example.com", "licences": licences,
                  "enabled": rnd.random() > 0.03, "guest": rnd.random() < 0.02,
                  "last": "2026-07-01" if rnd.random() < 0.04 else "2026-11-24",
                  "errors": {x for x in licences if rnd.random() < 0.005},
                  "dept": "" if rnd.random() < 0.03 else rnd.choices(departments, dept_weights)[0]}
        if person["guest"]:
            person["upn"] = f"user{n}_partner.example#EXT#@example.com"
        for p in licences:
            assigned[p] += 1
        people.append(person)
    graph = folder / "graph"
    graph.mkdir(parents=True)
    subs, skus = [], []
    for i, (part, guid) in enumerate(SKUS.items()):
        owned = int(assigned[part] * 1.05) + 1 if part != "FLOW_FREE" else 1_000_000
        sid = f"a0000000-0000-4000-8000-{i:012d}"
        subs.append({"id": sid, "skuId": guid, "skuPartNumber": part, "status": "Enabled",
                     "totalLicenses": owned, "nextLifecycleDateTime": "2027-06-30T00:00:00Z",
                     "isTrial": False})
        skus.append({"skuId": guid, "skuPartNumber": part, "appliesTo": "User",
                     "capabilityStatus": "Enabled", "consumedUnits": assigned[part],
                     "prepaidUnits": {"enabled": owned, "warning": 0, "suspended": 0, "lockedOut": 0},
                     "subscriptionIds": [sid], "accountName": "Benchmark tenant"})
    (graph / "subscribedSkus.json").write_text(json.dumps({"value": skus}))
    (graph / "subscriptions.json").write_text(json.dumps({"value": subs}))
    for page, start in enumerate(range(0, users, PAGE), start=1):
        chunk = people[start:start + PAGE]
        doc = {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
               "value": [{"id": f"u{start + k}", "userPrincipalName": p["upn"],
                          "accountEnabled": p["enabled"], "userType": "Guest" if p["guest"] else "Member",
                          "department": p["dept"] or None, "jobTitle": None, "usageLocation": "US",
                          "createdDateTime": "2024-01-01T00:00:00Z",
                          "signInActivity": {"lastSignInDateTime": f"{p['last']}T08:00:00Z"},
                          "assignedLicenses": [{"skuId": SKUS[x], "disabledPlans": []}
                                               for x in p["licences"]],
                          "licenseAssignmentStates": [
                              {"skuId": SKUS[x], "assignedByGroup": None, "disabledPlans": [],
                               "state": "Error" if x in p["errors"] else "Active",
                               "error": "CountViolation" if x in p["errors"] else "None"}
                              for x in p["licences"]]}
                         for k, p in enumerate(chunk)]}
        if start + PAGE < users:
            doc["@odata.nextLink"] = f"https://graph.microsoft.com/v1.0/users?$skiptoken=p{page}"
        (graph / f"users-{page:03d}.json").write_text(json.dumps(doc))
    reports = folder / "reports"
    reports.mkdir()
    licensed = [p for p in people if p["licences"] and p["enabled"]]
    _csv(reports / "M365AppUserDetail.csv",
         ["Report Refresh Date", "User Principal Name", "Report Period", "Windows", "Mac",
          "Mobile", "Web"],
         ([REFRESH, p["upn"], "90", *(("Yes", "No") if rnd.random() < 0.8 else ("No", "No")),
           "Yes", "Yes"] for p in licensed))
    _csv(reports / "MailboxUsageDetail.csv",
         ["Report Refresh Date", "User Principal Name", "Is Deleted", "Item Count",
          "Storage Used (Byte)", "Has Archive", "Report Period"],
         ([REFRESH, p["upn"], "False", "500", str(int(rnd.lognormvariate(21, 1.2))),
           "True" if rnd.random() < 0.1 else "False", "90"] for p in licensed))
    _csv(reports / "CopilotUsageUserDetail.csv",
         ["Report Refresh Date", "User Principal Name", "Last Activity Date",
          "Copilot Chat Last Activity Date", "Report Period"],
         ([REFRESH, p["upn"], *(("2026-11-20",) * 2 if rnd.random() < 0.7 else ("", "")), "30"]
          for p in licensed if "Microsoft_365_Copilot" in p["licences"]))
    _csv(reports / "Office365ActiveUserDetail.csv",
         ["Report Refresh Date", "User Principal Name", "Is Deleted", "Exchange Last Activity Date",
          "Teams Last Activity Date", "Exchange License Assign Date", "Assigned Products"],
         ([REFRESH, p["upn"], "False", p["last"], p["last"], "2024-01-01", "+".join(p["licences"])]
          for p in licensed))
    _csv(reports / "OneDriveUsageAccountDetail.csv",
         ["Report Refresh Date", "Site URL", "Owner Principal Name", "Is Deleted",
          "Storage Used (Byte)", "Report Period"],
         ([REFRESH, f"https://example-my.sharepoint.com/{n}", p["upn"], "False",
           str(int(rnd.lognormvariate(20, 1.5))), "30"] for n, p in enumerate(licensed)))
    calls = [p["upn"] for p in licensed if "SPE_E5" in p["licences"] and rnd.random() < 0.3]
    (graph / "pstnCalls.json").write_text(json.dumps({"value": [
        {"id": str(n), "userPrincipalName": u, "callType": "user_out", "calleeNumber": "+15550100",
         "callerNumber": "+15550199", "conferenceId": None} for n, u in enumerate(calls)]}))
    intune = folder / "intune"
    intune.mkdir()
    rows = []
    for p in licensed:
        frontline = "SPE_F1" in p["licences"]
        for _ in range(1 if frontline else rnd.choice((1, 2, 2, 3))):
            os_name, family = ("Android", "") if frontline else rnd.choices(
                [(o, f) for _, o, f in DEVICES], [w for w, _, _ in DEVICES])[0]
            rows.append([f"DEV{len(rows)}", os_name, family, p["upn"], "Corporate", "Laptop",
                         "2026-11-20 08:00:00"])
    _csv(intune / "DevicesWithInventory.csv",
         ["Device name", "OS", "SkuFamily", "Primary user UPN", "Ownership", "Model", "Last check-in"],
         rows)


def _worker(folder: str, out: str) -> None:
    from planner.importer import import_tenant, write_workbook

    start = time.perf_counter()
    result = import_tenant([folder], as_of=None, skip=(out,))
    read = time.perf_counter() - start
    write_workbook(result, out)
    total = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    peak = usage.ru_maxrss * 1024
    print(json.dumps({"seconds": total, "import_seconds": read, "peak_bytes": peak,
                      "cpu_seconds": usage.ru_utime + usage.ru_stime,
                      "personas": len(result.personas), "users": result.users}))


def main(argv=None) -> int:
    """Generate, import in a child process, print the figures and the targets."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--solve", action="store_true",
                        help="Also run 'planner solve' on the imported workbook (status, time).")
    parser.add_argument("--worker", nargs=2, metavar=("FOLDER", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        _worker(*args.worker)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "exports"
        started = time.perf_counter()
        generate(folder, args.users, args.seed)
        generated = time.perf_counter() - started
        proc = subprocess.run([sys.executable, "-m", "benchmarks.tenant_import", "--worker",
                               str(folder), str(Path(tmp) / "ORG.xlsx")],
                              capture_output=True, text=True, check=False)
        if proc.returncode:
            print(proc.stderr, file=sys.stderr)
            return proc.returncode
        figures = json.loads(proc.stdout.strip().splitlines()[-1])
        if args.solve:
            solve_started = time.perf_counter()
            planner = Path(sys.executable).with_name("planner")
            solved = subprocess.run([str(planner), "solve", str(Path(tmp) / "ORG.xlsx"), "--json",
                                     "--no-alternatives"], capture_output=True, text=True, check=False)
            status = json.loads(solved.stdout)["status"] if solved.returncode == 0 else \
                f"exit {solved.returncode}: {solved.stderr.strip().splitlines()[:1]}"
            print(f"planner solve of the imported workbook: {status} in "
                  f"{time.perf_counter() - solve_started:.1f} s")
    mib = figures["peak_bytes"] / 2**20
    print(f"generated {args.users:,} users in {generated:.1f} s")
    print(f"planner import: {figures['seconds']:.1f} s wall, {figures['cpu_seconds']:.1f} s CPU "
          f"(reading and inference {figures['import_seconds']:.1f} s, the rest writing ORG.xlsx; "
          f"imports included), peak memory {mib:.0f} MiB, "
          f"{figures['personas']} personas for {figures['users']:,} users in Groups")
    print(f"targets: < 30 s {'met' if figures['seconds'] < 30 else 'MISSED'}; < 1 GiB "
          f"{'met' if mib < 1024 else 'MISSED'}; personas in the hundreds "
          f"{'met' if figures['personas'] < 1000 else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
