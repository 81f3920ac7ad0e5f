"""A form field drawn once rather than on every visit.

Django draws a field (label, widget, help text, errors) through its form renderer's templates, which on a busy page
costs more than the page's own figures. A field that has not been filled in, or that carries one of a few valid
choices, is drawn the same way every time: it is drawn once per process for each such state and kept. A field
with errors is always drawn afresh, since its errors echo what was sent.
"""

from __future__ import annotations

from django import forms
from django.utils.safestring import SafeString

_drawn: dict[tuple[type, str, str], SafeString] = {}


def field_group(form: forms.Form, name: str) -> SafeString:
    """`form[name].as_field_group()`, kept for an unbound form, and for a valid bound one by the value sent, when
    the field is a choice among a fixed few (anything else bound is drawn afresh)."""
    bound = form[name]
    if form.is_bound:
        if form.errors or not isinstance(form.fields[name], forms.ChoiceField):
            return bound.as_field_group()
        value = form.data.get(name, "")
        if value not in {str(key) for key, _ in form.fields[name].choices}:
            return bound.as_field_group()
        state = f"bound:{value}"
    else:
        state = "unbound"
    key = (type(form), name, state)
    drawn = _drawn.get(key)
    if drawn is None:
        drawn = _drawn[key] = bound.as_field_group()
    return drawn
