"""Campaigns: their settings, categories and questions, and the heritage template."""
