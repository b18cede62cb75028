"""Regular expressions shared by format signatures (what a field looks like when written by a PBX)."""

ISO_DATETIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
ISO_DATETIME_OR_EMPTY = rf"(?:{ISO_DATETIME})?"
SLASH_DATETIME = r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}(?::\d{2})?"
SECONDS = r"\d+"
HMS = r"\d{1,3}:\d{2}:\d{2}"
ASTERISK_DISPOSITION = r"ANSWERED|NO ANSWER|BUSY|FAILED|CONGESTION"
