"""Reading an organization: workbook -> located rows -> validated inputs; the blank template."""
