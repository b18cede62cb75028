"""The directory: HR and Active Directory exports (CSV, LDIF, snapshots) read, made into history,
consolidated and loaded into the raw directory tables.
"""
