"""Ringledger: call-accounting data warehouse (command line, demo company, publishing)."""

__version__ = "0.1.0"
