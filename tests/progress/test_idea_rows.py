"""The rows of the progress page's table of wrong ideas, written in Python, say what the template said."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.template import engines
from django.test.html import parse_html
from django.utils import timezone

from tutor.progress.idea_rows import idea_rows_html
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
