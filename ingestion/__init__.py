"""Ringledger ingestion: source configuration, landing of raw bytes, format definitions, raw loads.

Nothing here imports Dagster: collectors and loaders run as plain Python.
"""
