"""Collecting and landing: PBX records in from files, object storage, SFTP, TCP and serial lines,
spooled and landed byte for byte with a manifest. Imports config and formats; no Dagster.
"""
