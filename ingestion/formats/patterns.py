"""Regular expressions shared by format signatures (what a field looks like when written by a PBX)."""

ISO_DATETIME = r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}"
ISO_DATETIME_OR_EMPTY = rf"(?:{ISO_DATETIME})?"
SLASH_DATETIME = r"\d{4}/\d{1,2}/\d{1,2} \d{1,2}:\d{2}(?::\d{2})?"
SECONDS = r"\d+"
HMS = r"\d{1,3}:\d{2}:\d{2}"
ASTERISK_DISPOSITION = r"ANSWERED|NO ANSWER|BUSY|FAILED|CONGESTION"
# mm/dd with the days each month can have (29 February allowed: the year is not written)
MONTH_DAY = (
    r"(?:(?:0[13578]|1[02])/(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)/(?:0[1-9]|[12][0-9]|30)"
    r"|02/(?:0[1-9]|1[0-9]|2[0-9]))"
)
HOUR_MINUTE_24 = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
