"""Who is in a collective: joining and requests to join, members and roles, leaving, and
how each member receives the list."""
