"""The one list of time zones a learner can choose, and the one rule for a zone a browser reports.

Browsers report what the operating system says: usually a region ("Europe/Paris"), sometimes "UTC" or an alias of
it ("Etc/UTC", "GMT"), and on some systems a placeholder ("localtime", "Factory") that names no real zone. Sign-up
and the settings page use the same list and the same rule, so a zone accepted at sign-up can always be saved again.
"""

from __future__ import annotations

import functools
import zoneinfo

from django import forms

SITE_ZONE = ""  # stored as empty: the site's time zone (settings.TIME_ZONE)
UTC_ALIASES = {
    "UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Universal", "Universal", "Etc/Zulu", "Zulu",
    "GMT", "Etc/GMT", "Etc/GMT0", "Etc/GMT+0", "Etc/GMT-0", "GMT0", "GMT+0", "GMT-0", "Greenwich", "Etc/Greenwich",
}  # fmt: skip


@functools.cache
def zone_names() -> tuple[str, ...]:
    """UTC, then every regional zone ("Area/City") in alphabetical order."""
    regional = sorted(
        z
        for z in zoneinfo.available_timezones()
        if "/" in z and not z.startswith(("Etc/", "SystemV/", "posix/", "right/"))
    )
    return ("UTC", *regional)


def zone_choices() -> list[tuple[str, str]]:
    return [(SITE_ZONE, "The site's time zone"), *[(z, z.replace("_", " ")) for z in zone_names()]]


def normalize_zone(value: str) -> tuple[str, bool]:
    """The zone to store for `value`, and whether it was recognised (else the site's zone is used)."""
    value = (value or "").strip()
    if value == SITE_ZONE:
        return SITE_ZONE, True
    if value in UTC_ALIASES:
        return "UTC", True
    if value in zone_names():
        return value, True
    return SITE_ZONE, False


class TimeZoneField(forms.ChoiceField):
    """A choice of zone that never refuses: an unknown value falls back to the site's zone, and the form's
    `zone_fell_back` says so, for a message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=zone_choices, **kwargs)
        self.fell_back = False

    def to_python(self, value) -> str:
        zone, known = normalize_zone(value if isinstance(value, str) else "")
        self.fell_back = not known
        return zone

    def validate(self, value) -> None:
        """Every value `to_python` returns is in the list."""
