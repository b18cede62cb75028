"""Where a telephone number is and what kind it is, from the offline ``phonenumbers`` data.

Input: E.164 digits without '+'. Output: one ``NumberGeography`` per number, the row shape of
``int_number_geography``. The warehouse answers with joins to the prefix tables of ``plan.py``;
this is the library's own answer, the reference the tests hold those tables to. Whether a number
is local, national or international depends on the site that dialled it: decided in dbt.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberType, geocoder

TYPE_NAMES = {
    value: name.lower()
    for name, value in vars(PhoneNumberType).items()
    if name.isupper() and name != "UNKNOWN"
}
# phonenumbers names international networks (+881 satellite, +882/+883 carriers) region "001".
NON_GEOGRAPHIC_REGION = "001"


@dataclass(frozen=True)
class NumberGeography:
    e164: str
    country_calling_code: str
    region_code: str  # ISO 3166 country of the number's network ('001' = international network)
    national_number: str
    number_type: str  # fixed_line, mobile, fixed_line_or_mobile, toll_free, premium_rate … or unknown
    is_valid: bool
    geo_description: str  # city or region in English where known, else the country name
    country_name: str
    city: str  # the geocoder's place, when it names one finer than the country
    area: str  # state or province when the geocoder gives one ('Chicago, IL' -> IL)


def country_name(region: str) -> str:
    """English name of a region code; international networks get a name of their own."""
    if region == NON_GEOGRAPHIC_REGION:
        return "International networks"
    # The geocoder's own country names (the same data its public functions use).
    return geocoder._region_display_name(region, "en") if region else ""


def place(description: str, country: str) -> tuple[str, str]:
    """(city, area) from a geocoder description; nothing when it only names the country."""
    if not description or description == country:
        return "", ""
    city, _, area = description.partition(", ")
    return city, area


def classify(e164: str) -> NumberGeography:
    """Classify one number; digits that do not parse give an 'unknown' row, never an error."""
    try:
        number = phonenumbers.parse("+" + e164)
    except phonenumbers.NumberParseException:
        return NumberGeography(e164, "", "", "", "unknown", False, "", "", "", "")
    assert number.country_code is not None  # parse() sets it (it raises on a number without one)
    region = phonenumbers.region_code_for_number(number) or phonenumbers.region_code_for_country_code(
        number.country_code
    )
    region = "" if region == "ZZ" else region
    valid = phonenumbers.is_valid_number(number)
    description = geocoder.description_for_valid_number(number, "en") if valid else ""
    city, area = place(description, country_name(region))
    return NumberGeography(
        e164=e164,
        country_calling_code=str(number.country_code),
        region_code=region,
        national_number=str(number.national_number),
        number_type=TYPE_NAMES.get(phonenumbers.number_type(number), "unknown") if valid else "unknown",
        is_valid=valid,
        geo_description=description,
        country_name=country_name(region),
        city=city,
        area=area,
    )


def classify_all(numbers: Iterable[str]) -> list[NumberGeography]:
    return [classify(n) for n in numbers]
