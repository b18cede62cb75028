"""Ringledger's Dagster code location: assets, checks, jobs and resources."""
