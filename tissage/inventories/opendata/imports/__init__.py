"""Importing a GeoJSON or CSV file into a campaign: read, map the columns, check, run."""
