"""Collectors: PBX records in from files, object storage, SFTP, TCP and serial lines, without Dagster."""
