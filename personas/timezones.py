"""A person's time zone: the list to choose from, and a sensible default from a country code.

Standard library only: `zoneinfo` for the zones, the system's `zone.tab` (when there is one) for
countries the small table below does not list, and UTC when neither knows the country."""

import functools
import zoneinfo
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DEFAULT_TIME_ZONE = "UTC"

#: The main zone of the countries CHT programs run in (and a few neighbours). Countries with
#: several zones get the one of their capital.
COUNTRY_TIME_ZONES = {
    "BD": "Asia/Dhaka",
    "BF": "Africa/Ouagadougou",
    "BJ": "Africa/Porto-Novo",
    "CD": "Africa/Kinshasa",
    "CI": "Africa/Abidjan",
    "CM": "Africa/Douala",
    "ET": "Africa/Addis_Ababa",
    "GH": "Africa/Accra",
    "GN": "Africa/Conakry",
    "HT": "America/Port-au-Prince",
    "ID": "Asia/Jakarta",
    "IN": "Asia/Kolkata",
    "KE": "Africa/Nairobi",
    "LR": "Africa/Monrovia",
    "ML": "Africa/Bamako",
    "MW": "Africa/Blantyre",
    "MZ": "Africa/Maputo",
    "NE": "Africa/Niamey",
    "NG": "Africa/Lagos",
    "NP": "Asia/Kathmandu",
    "PH": "Asia/Manila",
    "PK": "Asia/Karachi",
    "RW": "Africa/Kigali",
    "SL": "Africa/Freetown",
    "SN": "Africa/Dakar",
    "SS": "Africa/Juba",
    "TD": "Africa/Ndjamena",
    "TG": "Africa/Lome",
    "TZ": "Africa/Dar_es_Salaam",
    "UG": "Africa/Kampala",
    "US": "America/New_York",
    "ZA": "Africa/Johannesburg",
    "ZM": "Africa/Lusaka",
    "ZW": "Africa/Harare",
}


@functools.cache
def available_time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


#: The regions of the IANA names offered in the list (leaving out legacy aliases such as
#: "EST5EDT", "GMT+0" or "US/Eastern").
REGIONS = frozenset(
    {
        "Africa",
        "America",
        "Antarctica",
        "Asia",
        "Atlantic",
        "Australia",
        "Europe",
        "Indian",
        "Pacific",
    }
)


@functools.cache
def time_zone_choices() -> list[tuple[str, str]]:
    """The IANA zones by region ("Africa/Bamako"), and UTC, for a select."""
    names = sorted(name for name in available_time_zones() if name.split("/", 1)[0] in REGIONS)
    return [(DEFAULT_TIME_ZONE, DEFAULT_TIME_ZONE)] + [
        (name, name.replace("_", " ")) for name in names
    ]


@functools.cache
def _zone_tab() -> dict[str, str]:
    """country code → first zone listed for it in the system's zone.tab (empty if none)."""
    for directory in zoneinfo.TZPATH:
        path = Path(directory) / "zone.tab"
        if path.is_file():
            zones: dict[str, str] = {}
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.startswith("#") or not line.strip():
                    continue
                parts = line.split("\t")
                if len(parts) >= 3:
                    zones.setdefault(parts[0].upper(), parts[2])
            return zones
    return {}


def country_time_zone(country_code: str | None) -> str:
    """The time zone to assume for someone working in `country_code` (UTC if unknown)."""
    code = (country_code or "").upper()
    for zone in (COUNTRY_TIME_ZONES.get(code), _zone_tab().get(code)):
        if zone and zone in available_time_zones():
            return zone
    return DEFAULT_TIME_ZONE


def validate_time_zone(value: str) -> None:
    if value not in available_time_zones():
        raise ValidationError(
            _("“%(value)s” is not a time zone. Choose one from the list, e.g. Africa/Bamako."),
            code="invalid_time_zone",
            params={"value": value},
        )
