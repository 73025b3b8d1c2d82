"""Finding actions: the public agenda, its filters, the iCalendar feeds and the A4 poster."""
