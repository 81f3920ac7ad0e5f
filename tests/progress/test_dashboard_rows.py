"""The rows of the progress page's tables (modules, true retention, wrong ideas), written in Python, say what the
template said."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.template import engines
from django.test.html import parse_html
from django.utils import timezone

from tutor.catalog.snapshot import ModuleView
from tutor.progress.dashboard_rows import idea_rows_html, meter_tenths, module_rows_html, retention_rows_html
from tutor.progress.selectors import ModuleProgress, RetentionCell, RetentionRow
from tutor.study.misconceptions import MisconceptionStanding

# The rows as the template drew them before they were written in Python.
IDEA_ROWS_AS_THE_TEMPLATE_DREW_THEM = """{% for idea in misconception_standings %}
<tr{% if idea.is_active %} class="idea-active"{% endif %}>
  <th scope="row">{{ idea.label }}</th>
  <td data-label="Times chosen">{{ idea.times_chosen }}</td>
  <td data-label="Last seen"><time datetime="{{ idea.last_chosen_at|date:'c' }}">{{ idea.last_chosen_at|date:"j M Y" }}</time></td>
  <td data-label="Since then">{% if idea.is_active %}Still active{% else %}Answered right {{ idea.right_since }} time{{ idea.right_since|pluralize }}{% endif %}</td>
  <td data-label="Read">{% if idea.section_url %}<a href="{{ idea.section_url }}">{{ idea.section_title }}</a>{% else %}<span class="muted">—</span>{% endif %}</td>
  <td data-label="Practise">{% if idea.question_count %}
    <form method="post" action="{% url 'progress:practise_misconception' idea.slug %}">{% csrf_token %}<button type="submit" class="button button-small">Practise this idea ({{ idea.question_count }} question{{ idea.question_count|pluralize }})</button></form>
  {% else %}<span class="muted">No questions</span>{% endif %}</td>
</tr>
{% endfor %}"""  # noqa: E501


def standing(slug, *, right_since=0, questions=3, section=True, label=None, at=None):
    return MisconceptionStanding(
        slug=slug,
        label=label or f"The idea {slug}",
        times_chosen=right_since + 2,
        last_chosen_at=at or dt.datetime(2026, 11, 30, 23, 30, 15, 123456, tzinfo=dt.UTC),
        right_since=right_since,
        section_title="Risks & <safety>" if section else "",
        section_url="/modules/risks/#key-risks" if section else "",
        question_count=questions,
    )


def test_idea_rows_are_drawn_as_the_template_drew_them_with_words_escaped_and_dates_in_the_learners_zone():
    ideas = [
        standing("mdma-is-an-ssri", label="MDMA is an <b>SSRI</b> & more"),
        standing("once", right_since=1, questions=1),
        standing("twice", right_since=2, section=False),
        standing("no-questions", questions=0, at=dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)),
    ]
    token = "t" * 64
    for zone in ("UTC", "Pacific/Auckland", "America/Los_Angeles"):
        with timezone.override(zoneinfo.ZoneInfo(zone)):
            drawn = idea_rows_html(ideas, csrf_token=token)
            expected = (
                engines["django"]
                .from_string(IDEA_ROWS_AS_THE_TEMPLATE_DREW_THEM)
                .render({"misconception_standings": ideas, "csrf_token": token})
            )
        assert parse_html(drawn) == parse_html(expected), zone

    assert drawn.count("<tr") == 4 and drawn.count('class="idea-active"') == 2
    assert "<b>" not in drawn and "MDMA is an &lt;b&gt;SSRI&lt;/b&gt; &amp; more" in drawn
    assert "Answered right 1 time<" in drawn and "Answered right 2 times" in drawn
    assert "(1 question)" in drawn and "(3 questions)" in drawn and "No questions" in drawn
    assert drawn.count('name="csrfmiddlewaretoken"') == 3  # one form per idea with questions to practise
    assert "30 Nov 2026" in drawn  # 23:30 UTC, still the 30th in Los Angeles


MODULE_ROWS_AS_THE_TEMPLATE_DREW_THEM = """{% for m in modules %}
<tr>
  <th scope="row"><a href="{% url 'catalog:module_detail' m.module.slug %}">{{ m.module.title }}</a></th>
  <td data-label="Seen">{{ m.seen }} / {{ m.question_total }}</td>
  <td data-label="Accuracy">{% if m.accuracy is None %}<span class="muted">—</span>{% else %}{{ m.right_latest|percent_of:m.seen }}{% endif %}</td>
  <td data-label="Mastery"><span class="meter" aria-hidden="true"><span class="meter-fill meter-{% widthratio m.mastered m.question_total 10 %}"></span></span> {{ m.mastered|percent_of:m.question_total }} <span class="muted">({{ m.mastered }})</span></td>
  <td data-label="Due today">{{ m.due_today }}</td>
  <td data-label="Due in 7 days">{{ m.due_week }}</td>
  <td data-label="Hard ones">{% if m.leeches %}<a href="{% url 'study:missed' %}?module={{ m.module.slug }}">{{ m.leeches }}</a>{% else %}0{% endif %}</td>
</tr>
{% endfor %}"""  # noqa: E501

RETENTION_ROWS_AS_THE_TEMPLATE_DREW_THEM = """{% for row in retention %}
<tr>
  <th scope="row">{{ row.label }}</th>
  {% for label, cell in row.cells %}<td data-label="{{ label }}">{% if cell.total %}{{ cell.passed|percent_of:cell.total }} <span class="muted">({{ cell.passed }} of {{ cell.total }})</span>{% else %}<span class="muted">no reviews</span>{% endif %}</td>
  {% endfor %}
</tr>
{% endfor %}"""  # noqa: E501


def module(slug: str, title: str) -> ModuleView:
    from types import SimpleNamespace

    return SimpleNamespace(slug=slug, title=title)


def test_module_rows_are_drawn_as_the_template_drew_them():
    modules = [
        ModuleProgress(module("history", "History & <origins>"), 20, seen=20, right_latest=19, mastered=15,
                       due_today=3, due_week=7, leeches=2),
        ModuleProgress(module("risks", "Risks"), 12, seen=5, right_latest=4, mastered=1),  # 1/12: the meter rounds to 1
        ModuleProgress(module("ssri", "The SSRI comparison"), 8),  # nothing seen: no accuracy
        ModuleProgress(module("empty", "A module under review"), 0),  # no question counts: nothing to divide by
        ModuleProgress(module("protocol", "Protocol"), 4, seen=4, right_latest=0, mastered=2),  # 2/4 rounds to 5
    ]  # fmt: skip

    drawn = module_rows_html(modules)
    expected = engines["django"].from_string(MODULE_ROWS_AS_THE_TEMPLATE_DREW_THEM).render({"modules": modules})

    assert parse_html(drawn) == parse_html(expected)
    assert "History &amp; &lt;origins&gt;" in drawn and "<origins>" not in drawn
    assert "/missed/?module=history" in drawn and ">2</a>" in drawn
    assert [meter_tenths(*pair) for pair in ((15, 20), (1, 12), (0, 8), (0, 0), (2, 4), (1, 4))] == [8, 1, 0, 0, 5, 2]


def test_retention_rows_are_drawn_as_the_template_drew_them():
    rows = [
        RetentionRow("today", "Today", RetentionCell(0, 0), RetentionCell(0, 0)),
        RetentionRow("week", "Last 7 days", RetentionCell(9, 10), RetentionCell(0, 0)),
        RetentionRow("all", "All time <ever>", RetentionCell(796, 1000), RetentionCell(2, 3)),
    ]

    drawn = retention_rows_html(rows)
    expected = engines["django"].from_string(RETENTION_ROWS_AS_THE_TEMPLATE_DREW_THEM).render({"retention": rows})

    assert parse_html(drawn) == parse_html(expected)
    assert drawn.count("no reviews") == 4 and "79% <span" in drawn and "(798 of 1003)" in drawn
    assert "All time &lt;ever&gt;" in drawn
