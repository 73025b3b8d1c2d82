"""On the day and after an action: check-in and sign-in sheet, hours, impact, report, exports."""
