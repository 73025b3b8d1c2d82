"""Registering for an action: the action page, the waiting list, cancelling, reminders."""
