"""A field drawn once per state: the same HTML Django draws, kept only where every visit would draw it alike."""

from __future__ import annotations

from django import forms
from django.test.html import parse_html

from tutor.web.field_groups import field_group


class PickForm(forms.Form):
    kind = forms.ChoiceField(
        required=False, choices=[("first", "First"), ("latest", "Latest")], help_text="Which attempts."
    )
    day = forms.DateField(required=False)


def test_an_unbound_field_is_drawn_as_django_draws_it_and_only_once():
    first = field_group(PickForm(), "kind")

    assert parse_html(first) == parse_html(PickForm()["kind"].as_field_group())
    assert field_group(PickForm(), "kind") is first


def test_a_valid_choice_is_drawn_once_per_value_and_shows_that_value():
    latest = field_group(PickForm({"kind": "latest"}), "kind")

    assert parse_html(latest) == parse_html(PickForm({"kind": "latest"})["kind"].as_field_group())
    assert '<option value="latest" selected>' in latest
    assert field_group(PickForm({"kind": "latest"}), "kind") is latest
    assert '<option value="first" selected>' in field_group(PickForm({"kind": "first"}), "kind")


def test_a_refused_value_or_a_free_field_is_drawn_afresh_with_what_was_sent():
    refused = field_group(PickForm({"kind": "<best>"}), "kind")
    dated = field_group(PickForm({"day": "2027-03-31"}), "day")
    other_day = field_group(PickForm({"day": "2027-04-01"}), "day")

    assert "Select a valid choice" in refused and "&lt;best&gt;" in refused
    assert 'value="2027-03-31"' in dated and 'value="2027-04-01"' in other_day
