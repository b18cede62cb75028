"""The demo company: a synthetic, realistic three-site company and its PBX call records.

``ringledger demo-data`` (see :mod:`ringledger.commands.demo_data`) writes the PBX files,
directory, tariffs, site configuration and a ground-truth summary that the
warehouse and its tests consume. Everything is derived from one seed.
"""
