"""The independent compliance audit, and ``planner audit`` on a plan workbook."""
