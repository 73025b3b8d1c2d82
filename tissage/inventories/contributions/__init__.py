"""Contributions: the form to send an item, its public pages, a guest's confirmation and answer."""
