"""Finding actions: the public agenda, its filters and the iCalendar feeds."""
