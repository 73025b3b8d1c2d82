"""The public map: pre-aggregated cells, the data endpoint, and the progress per commune."""
