"""Moderation: the queue, decisions, edits, merges of duplicates and each item's history."""
