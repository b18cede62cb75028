"""Telephone numbering: what a number is and where, from the offline ``phonenumbers`` data.

``classify`` asks phonenumbers about one number (the reference answer). ``plan`` turns the same
metadata into prefix tables (``raw.number_plan``, ``raw.number_places``, ``raw.number_country_codes``)
so the warehouse answers for every number with SQL joins; ``digit_patterns`` reads the metadata's
regular expressions as automata so the tables can be derived exactly; ``tables`` keeps them as
Parquet files in the user's cache, built once per phonenumbers version.
"""
