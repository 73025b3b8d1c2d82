"""Material an action needs, and the pledges of those who bring it."""
