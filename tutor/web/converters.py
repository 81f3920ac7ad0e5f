"""Path converters. `id` is Django's `int` bounded to what a database id can hold (a signed 64-bit integer), so that
`/cohorts/999…999/leave/` is a 404 from the URLconf instead of an overflow in the database driver."""

from __future__ import annotations

from django.urls import register_converter

MAX_ID = 2**63 - 1


class IdConverter:
    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise ValueError("Too large for an id.")  # the URLconf then tries the next pattern, and answers 404
        return number

    def to_url(self, value: int) -> str:
        return str(value)


# Registered on import: every URLconf that uses `<id:…>` imports this module first, whichever is loaded first.
register_converter(IdConverter, "id")
