"""On the day and after an action: check-in, hours, impact, report, staff exports."""
