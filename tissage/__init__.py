"""Tissage: mobilising a territory's inhabitants in local development projects."""
