"""The wiki of a collective (its hub page is the *gare centrale*): pages, [[links]],
numbered revisions, diff, restore and edit conflicts."""
