"""Telephone numbering: what a number is and where, from the offline ``phonenumbers`` data.

``classify`` asks phonenumbers about one number (the reference answer). ``plan`` turns the same
metadata into prefix tables (``raw.number_plan``, ``raw.number_places``, ``raw.number_country_codes``)
so the warehouse answers for every number with one SQL join; ``digit_patterns`` reads the metadata's
regular expressions as automata so the tables can be derived exactly.
"""
