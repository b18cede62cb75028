"""Configuration, the bottom of the house: folders (settings), sites, sources, transports, tariffs,
dial-plan rules, read and validated with errors naming file, entry and field.
"""
