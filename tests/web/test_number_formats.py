"""One percentage format for the whole site: rounded down, an em dash when there is nothing to measure."""

from __future__ import annotations

from django.template import engines

from tutor.web.number_formats import percent, percent_of


def test_a_share_is_shown_rounded_down_so_just_under_a_target_never_reads_as_the_target():
    assert percent(0.796) == "79%"
    assert percent(0.8) == "80%"
    assert percent(1.0) == "100%"
    assert percent(None) == "—"


def test_part_of_a_whole_uses_the_same_rounding_and_nothing_to_divide_by_reads_as_a_dash():
    assert percent_of(2, 3) == "66%"
    assert percent_of(199, 250) == "79%"
    assert percent_of(0, 0) == "—"
    assert percent_of(None, 4) == "—"


def test_every_template_can_use_the_filters_without_loading_a_library():
    template = engines["django"].from_string("{{ right|percent_of:seen }} {{ share|percent }}")
    assert template.render({"right": 2, "seen": 3, "share": 0.5}) == "66% 50%"


def test_a_span_of_days_reads_in_the_unit_a_person_expects():
    from tutor.web.number_formats import days_in_words

    assert days_in_words(None) == "—"
    assert days_in_words(0.0001) == "under a minute"
    assert days_in_words(10 / 1440) == "10 minutes"
    assert days_in_words(1 / 24) == "1 hour"
    assert days_in_words(0.3) == "7 hours"
    assert days_in_words(1.0) == "1 day"
    assert days_in_words(4.4) == "4 days"
    assert days_in_words(45) == "45 days"
    assert days_in_words(95) == "3 months"
