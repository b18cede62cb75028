"""Raw loading: landed files parsed by their format's reader, validated, given a record identity and
appended to the raw tables; what does not parse is quarantined. Imports config, formats, collect.
"""
