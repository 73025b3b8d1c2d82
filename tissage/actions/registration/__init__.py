"""Who comes to an action: registering, the waiting list, cancelling, registrants, my actions."""
