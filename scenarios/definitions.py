"""The six worked scenarios of the licensing guide (seed 004), as readable definitions.

``python scenarios/build.py`` writes each one as a workbook in the format of docs/nomenclature.md
(``scenarios/<name>.xlsx``); the tests read the workbooks, not this file. Numbers the
seed leaves open are stated as assumptions in each scenario's ``assumptions`` and copied
into the workbook's Organization sheet (``notes``) and group notes.
"""

AS_OF = "2026-11-23"

SCENARIOS = {
    "contoso": {
        "organization": {"name": "Contoso Manufacturing", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2027-06-30"},
        "assumptions": "600 users hold Copilot from the pilot; E5 and Copilot run until the "
                       "renewal date; 2 devices per user on Windows Enterprise.",
        "groups": [
            {"group": "copilot_pilot", "users": 600, "devices_per_user": 2,
             "primary_device": "windows_enterprise",
             "needs": "m365_e5_equivalent, copilot, agent_governance, entra_suite",
             "notes": "Copilot pilot users (seed: 'a subset of users'; assumed 600)"},
            {"group": "everyone_else", "users": 5600, "devices_per_user": 2,
             "primary_device": "windows_enterprise",
             "needs": "m365_e5_equivalent, copilot, agent_governance, entra_suite",
             "notes": "rest of the 6,200 employees"},
        ],
        "holdings": [
            {"product": "m365_e5", "quantity": 6200, "ends": "2027-06-30"},
            {"product": "copilot", "quantity": 600, "group": "copilot_pilot", "ends": "2027-06-30"},
        ],
    },
    "alpine_ski_house": {
        "organization": {"name": "Alpine Ski House", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2029-06-30"},
        "assumptions": "Recently renewed platform EA (renewal in 2029); one Windows Enterprise "
                       "device per user; Core CAL Suite per user.",
        "groups": [
            {"group": "all_users", "users": 1400, "devices_per_user": 1,
             "primary_device": "windows_enterprise", "needs": "m365_e3_equivalent",
             "notes": "many now work remotely"},
        ],
        "holdings": [
            {"product": "professional_desktop", "quantity": 1400, "sa": "Y", "ends": "2029-06-30"},
            {"product": "core_cal_suite", "quantity": 1400, "sa": "Y", "ends": "2029-06-30"},
        ],
    },
    "litware": {
        "organization": {"name": "Litware", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2027-12-31"},
        "assumptions": "The 4,000 users moving to user licensing use 4,000 of the 8,000 devices; "
                       "the 4,200 staying share the other 4,000. Licences are fully paid (SA only).",
        "groups": [
            {"group": "mobile_users", "users": 4000, "devices_per_user": 1,
             "primary_device": "windows_enterprise", "needs": "m365_e3_equivalent",
             "notes": "move to user-based licensing"},
            {"group": "device_users", "users": 4200, "devices_per_user": 1, "devices": 4000,
             "primary_device": "windows_enterprise", "needs": "desktop_platform",
             "notes": "stay on the device platform; share 4,000 devices"},
        ],
        "holdings": [
            {"product": "enterprise_desktop", "quantity": 8000, "sa": "Y", "paid_up": "Y",
             "ends": "2027-12-31"},
            {"product": "enterprise_cal_suite_device", "quantity": 8000, "sa": "Y", "paid_up": "Y",
             "ends": "2027-12-31"},
        ],
    },
    "margies_travel": {
        "organization": {"name": "Margie's Travel", "agreement": "EA", "as_of": "2027-03-31",
                         "renewal_date": "2027-03-31"},
        "assumptions": "Planned at the renewal date; one Windows Enterprise device per user; "
                       "Core CAL Suite per user; on-premises Exchange/SharePoint/Skype stay.",
        "groups": [
            {"group": "e3_users", "users": 1000, "devices_per_user": 1,
             "primary_device": "windows_enterprise",
             "needs": "m365_e3_equivalent, onprem_server_access"},
            {"group": "e5_users", "users": 400, "devices_per_user": 1,
             "primary_device": "windows_enterprise",
             "needs": "m365_e5_equivalent, onprem_server_access",
             "notes": "need E5 security and compliance"},
        ],
        "holdings": [
            {"product": "professional_desktop", "quantity": 1400, "sa": "Y", "ends": "2027-03-31"},
            {"product": "core_cal_suite", "quantity": 1400, "sa": "Y", "ends": "2027-03-31"},
        ],
    },
    "trey_research": {
        "organization": {"name": "Trey Research", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2027-11-23"},
        "assumptions": "as_of is the agreement anniversary, when the 200 O365 E3 add-ons end; "
                       "renewal a year later; one device per user; Core CAL Suite per user.",
        "groups": [
            {"group": "all_staff", "users": 1000, "devices_per_user": 1,
             "primary_device": "windows_enterprise", "needs": "m365_e3_equivalent",
             "notes": "full BYOD with device management"},
        ],
        "holdings": [
            {"product": "professional_desktop", "quantity": 1000, "sa": "Y", "ends": "2027-11-23"},
            {"product": "core_cal_suite", "quantity": 1000, "sa": "Y", "ends": "2027-11-23"},
            {"product": "o365_e3_addon_sa", "quantity": 200, "ends": AS_OF},
        ],
    },
    "tailspin_toys": {
        "organization": {"name": "Tailspin Toys", "agreement": "EA", "as_of": AS_OF,
                         "renewal_date": "2027-09-30"},
        "assumptions": "Enterprise CAL Suite per user; the 50 iPads are covered per user by "
                       "Microsoft 365 (5-device rule) and are not counted as platform devices.",
        "groups": [
            {"group": "sales", "users": 750, "devices_per_user": 2,
             "primary_device": "windows_enterprise", "needs": "m365_e3_equivalent, vdi",
             "notes": "50 of them get iPads to reach a VDI desktop"},
            {"group": "new_sales", "users": 50, "devices_per_user": 1,
             "primary_device": "windows_pro", "needs": "m365_e3_equivalent, vdi",
             "notes": "own devices with Windows Pro"},
            {"group": "head_office", "users": 250, "devices_per_user": 1,
             "primary_device": "windows_enterprise", "needs": "desktop_platform"},
            {"group": "new_head_office", "users": 25, "devices_per_user": 1,
             "primary_device": "windows_pro", "needs": "desktop_platform",
             "notes": "new Windows 11 Pro devices"},
            {"group": "part_time", "users": 10, "devices_per_user": 1, "primary_device": "other",
             "needs": "o365_e3_equivalent, device_management, vdi",
             "notes": "own devices without Windows Pro, reach VDI desktops"},
        ],
        "holdings": [
            {"product": "enterprise_desktop", "quantity": 1750, "sa": "Y", "ends": "2027-09-30"},
            {"product": "enterprise_cal_suite", "quantity": 1000, "sa": "Y", "ends": "2027-09-30"},
        ],
    },
}
