"""The collective itself: the list of collectives, creating one, its page, its settings
and its meetings."""
