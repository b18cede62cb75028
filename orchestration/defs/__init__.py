"""Definitions grouped by area: ingest, transform, publish."""
