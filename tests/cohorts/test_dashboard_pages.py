"""The cohort dashboard at scale: paginated learners, every overdue learner listed, and a fixed number of queries
however many learners the cohort has."""

from __future__ import annotations

import calendar
import datetime as dt
import zoneinfo
from contextlib import nullcontext
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory, bulk_answers
from tests.factories import EducatorFactory, UserFactory
from tutor.accounts.models import User
from tutor.catalog.snapshot import catalog, forget_catalog
from tutor.cohorts.selectors import cohort_rows, cohort_table
from tutor.cohorts.selectors.cohort_rows import StatusCell, TableRow, status_cell
from tutor.cohorts.selectors.cohort_table import cohort_page
from tutor.cohorts.selectors.dashboard import MemberLine
from tutor.cohorts.views import cohort_pages as cohort_table_views

pytestmark = pytest.mark.django_db
ASSIGNMENTS = (
    {"title": "History", "module_slugs": ["history"], "opens_on": dt.date(2020, 1, 1), "due_on": dt.date(2020, 2, 1)},
    {"title": "Risks", "module_slugs": ["risks"], "due_on": dt.date(2099, 1, 1)},
)


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


def names_in_table(response) -> list[str]:
    return [row.name for row in response.context["table_rows"]]


@pytest.fixture
def educator():
    return EducatorFactory(username="dr-okafor")


def cohort_with(educator, bank, learners: int, *, answered: bool = True):
    cohort = CohortFactory(owner=educator, name="Autumn")
    users = [
        MembershipFactory(cohort=cohort, learner=UserFactory(username=f"learner-{n:03}")).learner
        for n in range(learners)
    ]
    for fields in ASSIGNMENTS:
        AssignmentFactory(cohort=cohort, **fields)
    if answered:
        at = timezone.now() - dt.timedelta(days=1)
        bulk_answers([(u.pk, q.pk, n % 2 == 0, at) for n, u in enumerate(users) for q in bank.risk_questions[:2]])
    return cohort, users


def test_learners_come_a_page_at_a_time_and_the_overdue_list_names_everyone(client, educator, bank, monkeypatch):
    monkeypatch.setattr("tutor.cohorts.selectors.cohort_table.LEARNERS_PER_PAGE", 2)
    cohort, users = cohort_with(educator, bank, 5, answered=False)
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])

    first = client.get(url)
    last = client.get(url, {"sort": "-name", "page": "3"})

    assert names_in_table(first) == ["learner-000", "learner-001"]
    assert names_in_table(last) == ["learner-000"]  # Z to A, third page
    html = text_of(first)
    assert "Learners 1\u20132 of 5" in html
    assert 'href="?sort=name&amp;page=2"' in first.content.decode()
    overdue = html.split('id="overdue-title"')[1].split("</section>")[0]
    assert all(u.username in overdue for u in users)
    assert "5 learners:" in overdue
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()


def test_the_overdue_panel_names_the_first_learners_and_links_to_the_rest(client, educator, bank, monkeypatch):
    monkeypatch.setattr("tutor.cohorts.selectors.cohort_table.OVERDUE_NAMED", 2)
    cohort, _ = cohort_with(educator, bank, 5, answered=False)
    client.force_login(educator)

    response = client.get(reverse("cohorts:cohort_dashboard", args=[cohort.pk]), {"sort": "-name"})

    (group,) = response.context["overdue_groups"]
    assert (group.assignment.title, group.count, group.unnamed) == ("History", 5, 3)
    assert [learner.name for learner in group.named] == ["learner-004", "learner-003"]  # in the table's order
    overdue = text_of(response).split('id="overdue-title"')[1].split("</section>")[0]
    assert "5 learners:" in overdue and "learner-004" in overdue and "learner-000" not in overdue
    assert 'and 3 more: <a href="?sort=-overdue">list the most overdue first</a>' in overdue


@pytest.mark.parametrize("page", ["0", "abc", "999", "-1"])
def test_a_page_out_of_range_shows_a_real_page(client, educator, bank, monkeypatch, page):
    monkeypatch.setattr("tutor.cohorts.selectors.cohort_table.LEARNERS_PER_PAGE", 2)
    cohort, _ = cohort_with(educator, bank, 3, answered=False)
    client.force_login(educator)

    response = client.get(reverse("cohorts:cohort_dashboard", args=[cohort.pk]), {"page": page})

    assert response.status_code == 200
    assert len(names_in_table(response)) in (1, 2)


def test_rows_carry_links_dates_and_figures_in_words(client, educator, bank):
    cohort, users = cohort_with(educator, bank, 2)
    client.force_login(educator)

    response = client.get(reverse("cohorts:cohort_dashboard", args=[cohort.pk]))
    html = text_of(response)

    assert f'href="{reverse("cohorts:cohort_learner", args=[cohort.pk, users[1].pk])}"' in html
    assert "Overdue" in html and "40% answered · 100% right" in html and "40% answered · 0% right" in html
    assert "never" not in html.split("<tbody>")[1]


def test_each_page_shows_its_learners_last_answers_and_sorting_by_them_reads_everyones(
    client, educator, bank, monkeypatch
):
    monkeypatch.setattr("tutor.cohorts.selectors.cohort_table.LEARNERS_PER_PAGE", 2)
    cohort, users = cohort_with(educator, bank, 3, answered=False)
    days = {users[0]: 5, users[1]: 1, users[2]: 3}  # days ago each last answered
    now = timezone.now()
    bulk_answers([(u.pk, bank.risk_questions[0].pk, True, now - dt.timedelta(days=d)) for u, d in days.items()])
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])

    second = client.get(url, {"page": "2"})
    recent_first = client.get(url, {"sort": "-last_active"})

    (row,) = second.context["table_rows"]
    assert row.name == "learner-002"
    assert row.last_active_iso.startswith((now - dt.timedelta(days=3)).date().isoformat())
    assert names_in_table(recent_first) == ["learner-001", "learner-002"]
    assert all(r.last_active_iso for r in recent_first.context["table_rows"])


@pytest.mark.parametrize("learners", [3, 30])
def test_dashboard_queries_do_not_grow_with_the_cohort(client, educator, bank, django_assert_num_queries, learners):
    cohort, _ = cohort_with(educator, bank, learners)
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])
    client.get(url)  # warm the catalog; completions are recorded on answers, not here

    # session user; cohort (with its co-teachers' names); assignments; learners' names; module progress;
    # completions; the page's learners' last answers
    sort = f"-assignment-{cohort.assignments.get(title='Risks').pk}"
    with django_assert_num_queries(7):
        response = client.get(url, {"sort": sort, "page": "1"})
    assert response.status_code == 200
    # sorted by last answer: every learner's last answer comes with their names, none for the page afterwards
    with django_assert_num_queries(6):
        response = client.get(url, {"sort": "-last_active", "page": "1"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("sort", "queries"),
    [
        ("name", 4),  # names; answer counts; completions; the page's last answers
        ("-last_active", 3),  # names with every last answer (to sort by them); answer counts; completions
    ],
)
def test_the_table_reads_its_learners_as_plain_rows_and_draws_them_without_another_query(
    educator, bank, django_assert_num_queries, sort, queries
):
    cohort, users = cohort_with(educator, bank, 3)
    assignments = list(cohort.assignments.all())

    with django_assert_num_queries(queries):
        page = cohort_page(
            cohort=cohort, snapshot=catalog(), now=timezone.now(), assignments=assignments, sort=sort, page_number=1
        )
    with django_assert_num_queries(0):
        html = [row.html for row in page.table_rows]

    assert all(isinstance(row.membership, MemberLine) for row in page.page.object_list)  # plain rows, not models
    assert len(html) == 3 and all(row.last_active_iso for row in page.table_rows)
    assert sorted(row.name for row in page.table_rows) == sorted(u.get_full_name() or u.username for u in users)
    assert {row.url.rstrip("/").rsplit("/", 1)[1] for row in page.table_rows} == {str(u.pk) for u in users}


@pytest.mark.parametrize(("first", "last"), [("Ada", "Lovelace"), ("", "Lovelace"), ("Ada", ""), ("", "")])
def test_the_tables_plain_learner_names_read_as_the_users_do(first, last):
    user = UserFactory(first_name=first, last_name=last)
    name = MemberLine(user.pk, user.username, first, last)

    assert (name.get_full_name(), name.get_username()) == (user.get_full_name(), user.get_username())


# The row as the dashboard's template drew it before rows were written in Python (TableRow.html).
ROW_AS_THE_TEMPLATE_DREW_IT = """<tr>
  <th scope="row"><a href="{{ row.url }}">{{ row.name }}</a></th>
  <td data-label="Last active">{% if row.last_active_iso %}<time datetime="{{ row.last_active_iso }}">{{ row.last_active_label }}</time>{% else %}<span class="muted">never</span>{% endif %}</td>
  <td data-label="Overdue">{% if row.overdue %}<span class="tag tag-bad">{{ row.overdue }}</span>{% else %}0{% endif %}</td>
  {% for c in row.cells %}<td data-label="{{ c.column }}"><span class="tag status-tag {{ c.tag_class }}">{{ c.label }}{% if c.completed_iso %} <time datetime="{{ c.completed_iso }}">{{ c.completed_label }}</time>{% endif %}</span>{% if c.late %} <span class="tag">late</span>{% endif %}<span class="status-figures">{{ c.figures }}</span></td>{% endfor %}
</tr>"""  # noqa: E501


@pytest.mark.parametrize(
    "row",
    [
        TableRow(
            name="Ada <Lovelace> & co",
            url="/educator/cohorts/1/learners/2/",
            last_active_iso="2026-12-01T10:00:00+00:00",
            last_active_label="1 Dec 2026",
            overdue=2,
            cells=(
                StatusCell(
                    "Risks & safety",
                    "Complete",
                    "status-complete tag-good",
                    "100% answered · 90% right",
                    "2026-11-30T09:00:00+00:00",
                    "30 Nov",
                    True,
                ),
                StatusCell('History "1"', "Overdue", "status-overdue tag-bad", "nothing answered yet"),
            ),
        ),
        TableRow(name="Bo", url="/x/", last_active_iso="", last_active_label="", overdue=0, cells=()),
    ],
)
def test_a_learners_row_is_written_as_the_template_drew_it(row):
    from django.template import engines
    from django.test.html import parse_html

    drawn = engines["django"].from_string(ROW_AS_THE_TEMPLATE_DREW_IT).render({"row": row})

    assert parse_html(row.html) == parse_html(drawn)
    assert "<Lovelace>" not in row.html
    assert ("&lt;Lovelace&gt; &amp; co" in row.html) == ("Lovelace" in row.name)


@pytest.mark.parametrize(
    ("sort", "expected"), [("name", ["zed", "amy-b", "amy-c"]), ("-name", ["amy-c", "amy-b", "zed"])]
)
def test_learners_of_the_same_name_stay_in_username_order_from_page_to_page(
    client, educator, bank, monkeypatch, sort, expected
):
    # The names are read in no order and sorted here: two "Amy Smith"s fall back to their usernames, so the order
    # (and so who is on which page) is the same on every view whatever the database returns first.
    monkeypatch.setattr("tutor.cohorts.selectors.cohort_table.LEARNERS_PER_PAGE", 1)
    cohort = CohortFactory(owner=educator)
    for username, first, last in [("amy-c", "Amy", "Smith"), ("zed", "Al", "Smith"), ("amy-b", "Amy", "Smith")]:
        MembershipFactory(cohort=cohort, learner=UserFactory(username=username, first_name=first, last_name=last))
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])

    pages = [client.get(url, {"sort": sort, "page": str(n)}) for n in (1, 2, 3)]

    hrefs = [page.content.decode().split('<th scope="row"><a href="')[1].split('"')[0] for page in pages]
    users = {u.pk: u.username for u in User.objects.filter(cohort_memberships__cohort=cohort)}
    assert [users[int(href.rstrip("/").rsplit("/", 1)[1])] for href in hrefs] == expected


def test_the_members_reads_go_to_their_tables_alone(educator, bank):
    # The members' answer tallies are found by their memberships (a semi-join), not joined through the users' table,
    # and rows read into dicts are not sorted first.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cohort, _ = cohort_with(educator, bank, 3)
    with CaptureQueriesContext(connection) as captured:
        cohort_page(
            cohort=cohort,
            snapshot=catalog(),
            now=timezone.now(),
            assignments=list(cohort.assignments.all()),
            sort="",
            page_number=1,
        )
    sql = [q["sql"] for q in captured.captured_queries]
    tallies = next(s for s in sql if "progress_moduleanswertally" in s)
    completions = next(s for s in sql if "cohorts_assignmentcompletion" in s)
    last_answers = next(s for s in sql if "study_reviewlog" in s)
    names = next(s for s in sql if "accounts_user" in s and "username" in s)
    assert "accounts_user" not in tallies
    assert all("ORDER BY" not in s for s in (completions, names))
    assert "ORDER BY" not in last_answers.rsplit(")", 1)[1]  # only the subquery's, for each learner's last answer


@pytest.mark.parametrize(
    ("completed", "late", "label"),
    [
        (None, False, ""),
        (dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC), False, "4 Dec"),  # during the due day
        (dt.datetime(2026, 12, 5, 9, 0, tzinfo=dt.UTC), True, "5 Dec"),  # the day after
    ],
)
def test_a_cell_says_late_as_the_status_does_with_its_date_read_once(completed, late, label):
    from tutor.cohorts.completion import Standing
    from tutor.study.prepared import microseconds_since_epoch

    assignment = AssignmentFactory.build(due_on=dt.date(2026, 12, 4))
    us = microseconds_since_epoch(completed) if completed else None
    standing = Standing(assignment, 1, "complete" if completed else "in_progress", 3, 2, 4, us)

    cells = [status_cell(standing, dt.UTC), status_cell(standing, dt.UTC, assignment.due_at)]

    assert standing.completed_at == completed and standing.is_late is late
    assert all(cell.late is late and cell.completed_label == label for cell in cells)
    assert cells[0].label == ("Complete" if completed else "In progress")


@pytest.mark.parametrize("month", range(1, 13))
def test_a_short_date_names_each_month_as_the_calendar_does(month):
    from tutor.cohorts.selectors.cohort_rows import _short_date

    moment = dt.datetime(2026, month, 3, 12, 0, tzinfo=dt.UTC)

    assert _short_date(moment, dt.UTC) == f"3 {calendar.month_abbr[month]} 2026"


def test_a_short_date_is_the_day_in_the_time_zone_shown():
    from tutor.cohorts.selectors.cohort_rows import _short_date

    new_year_in_paris = dt.datetime(2026, 12, 31, 23, 30, tzinfo=dt.UTC)

    assert _short_date(new_year_in_paris, zoneinfo.ZoneInfo("Europe/Paris")) == "1 Jan 2027"
    assert _short_date(new_year_in_paris, dt.UTC) == "31 Dec 2026"


def test_the_dashboard_names_the_co_teachers_in_order_with_no_query_of_their_own(client, educator, bank):
    from bs4 import BeautifulSoup

    from tutor.cohorts.selectors import co_teachers, taught_cohort

    cohort, _ = cohort_with(educator, bank, 2)
    cohort.co_teachers.add(EducatorFactory(username="zed-teacher"), EducatorFactory(username="ana-teacher"))
    client.force_login(educator)

    page = BeautifulSoup(client.get(reverse("cohorts:cohort_dashboard", args=[cohort.pk])).content, "html.parser")
    header = page.select_one(".cohort-head p.muted").get_text(" ", strip=True)
    assert " ".join(header.split()) == "Owner dr-okafor · co-teachers ana-teacher, zed-teacher · 2 learners"

    found = taught_cohort(educator=educator, cohort_id=cohort.pk)
    with CaptureQueriesContext(connection) as naming:
        assert co_teachers(found) == ["ana-teacher", "zed-teacher"]
    assert not naming.captured_queries
    alone = CohortFactory(owner=EducatorFactory())
    assert co_teachers(taught_cohort(educator=alone.owner, cohort_id=alone.pk)) == []
    assert co_teachers(cohort) == ["ana-teacher", "zed-teacher"]  # a cohort read elsewhere: one query


# The links to the pages of learners as the dashboard's template drew them before they were written in Python.
PAGE_LINKS_AS_THE_TEMPLATE_DREW_THEM = """{% if page.paginator.num_pages > 1 %}
<nav class="pagination" aria-label="Pages of learners">
<p>Learners {{ page.start_index }}\u2013{{ page.end_index }} of {{ learner_count }}</p>
<ul>
{% if page.has_previous %}<li><a href="?sort={{ sort }}&amp;page={{ page.previous_page_number }}" rel="prev">Previous<span class="visually-hidden"> page</span></a></li>{% endif %}
{% for number in page.paginator.page_range %}<li>{% if number == page.number %}<a aria-current="page" href="?sort={{ sort }}&amp;page={{ number }}"><span class="visually-hidden">Page </span>{{ number }}</a>{% else %}<a href="?sort={{ sort }}&amp;page={{ number }}"><span class="visually-hidden">Page </span>{{ number }}</a>{% endif %}</li>{% endfor %}
{% if page.has_next %}<li><a href="?sort={{ sort }}&amp;page={{ page.next_page_number }}" rel="next">Next<span class="visually-hidden"> page</span></a></li>{% endif %}
</ul>
</nav>
{% endif %}"""  # noqa: E501


@pytest.mark.parametrize(
    ("learners", "number", "sort"),
    [
        (500, 1, "name"),
        (500, 5, "-assignment-12"),
        (500, 10, "-name"),
        (51, 2, "overdue"),
        (50, 1, "name"),
        (0, 1, "name"),
    ],
)
def test_the_links_to_pages_of_learners_are_written_as_the_template_drew_them(learners, number, sort):
    from django.core.paginator import Paginator
    from django.template import engines
    from django.test.html import parse_html

    from tutor.cohorts.selectors.cohort_rows import page_links
    from tutor.cohorts.selectors.cohort_table import LEARNERS_PER_PAGE

    page = Paginator(list(range(learners)), LEARNERS_PER_PAGE).get_page(number)
    drawn = engines["django"].from_string(PAGE_LINKS_AS_THE_TEMPLATE_DREW_THEM)
    context = {"page": page, "sort": sort, "learner_count": learners}

    written = page_links(page, sort)

    assert parse_html(written) == parse_html(drawn.render(context))
    assert (written == "") == (learners <= LEARNERS_PER_PAGE)
    if learners > LEARNERS_PER_PAGE:
        assert f'aria-current="page" href="?sort={sort}&amp;page={number}"' in written


def dashboard_seen(response) -> tuple:
    """What the dashboard shows of the whole cohort and its page: the summaries, the overdue panel and the rows."""
    context = response.context
    return (
        [(a.title, counts) for a, counts in context["assignment_summaries"]],
        [(g.assignment.title, g.count, [(n.name, n.percent) for n in g.named]) for g in context["overdue_groups"]],
        [row.html for row in context["table_rows"]],
        context["learner_count"],
    )


def test_another_look_at_an_unchanged_cohort_reuses_what_was_worked_out_for_all_its_learners(
    client, educator, bank, monkeypatch
):
    monkeypatch.setattr("tutor.cohorts.selectors.cohort_table.LEARNERS_PER_PAGE", 2)
    cohort, _ = cohort_with(educator, bank, 5)
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])
    worked_out = mock.patch.object(cohort_table, "standings_from", wraps=cohort_table.standings_from)

    cells = mock.patch.object(cohort_rows, "status_cell", wraps=cohort_rows.status_cell)

    with worked_out as standings_from, cells as drawn:
        first = client.get(url)
        again = client.get(url)
        second_page = client.get(url, {"page": "2"})
        by_name_descending = client.get(url, {"sort": "-name"})

    assert standings_from.call_count == 2  # once for the table by name, once sorted the other way
    assert drawn.call_count == 2 * 2 * 3  # each cell of two assignments, for the two learners of pages 1, 2 and 5
    assert dashboard_seen(again) == dashboard_seen(first)
    assert names_in_table(second_page) == ["learner-002", "learner-003"]
    assert names_in_table(by_name_descending) == ["learner-004", "learner-003"]


def change_an_answer(cohort, users, bank, answer):
    answer(users[1], bank.risk_questions[2], "a", timezone.now())


def change_a_name(cohort, users, bank, answer):
    User.objects.filter(pk=users[4].pk).update(first_name="Aaron")


def change_a_completion(cohort, users, bank, answer):
    from tutor.cohorts.models import AssignmentCompletion

    risks = cohort.assignments.get(title="Risks")
    AssignmentCompletion.objects.create(
        assignment=risks, learner=users[0], completed_at=timezone.now(), recorded_at=timezone.now()
    )


def change_the_members(cohort, users, bank, answer):
    MembershipFactory(cohort=cohort, learner=UserFactory(username="learner-new"))
    cohort.memberships.filter(learner=users[3]).delete()


def change_an_assignment(cohort, users, bank, answer):
    cohort.assignments.filter(title="Risks").update(title="Risks and safety", target_accuracy=50)


def change_the_time_past_a_due_date(cohort, users, bank, answer):
    cohort.assignments.filter(title="Risks").update(due_on=timezone.now().date())
    timezone_now = timezone.now
    due = cohort.assignments.get(title="Risks").due_at
    return mock.patch.object(
        cohort_table_views.timezone, "now", lambda: max(timezone_now(), due + dt.timedelta(minutes=1))
    )


@pytest.mark.parametrize(
    "change",
    [
        change_an_answer,
        change_a_name,
        change_a_completion,
        change_the_members,
        change_an_assignment,
        change_the_time_past_a_due_date,
    ],
)
def test_any_change_to_what_the_dashboard_reads_shows_at_once(client, educator, bank, answer, change):
    cohort, users = cohort_with(educator, bank, 5)
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])
    if change is change_the_time_past_a_due_date:
        cohort.assignments.filter(title="Risks").update(due_on=timezone.now().date())
    before = dashboard_seen(client.get(url))

    later = change(cohort, users, bank, answer) or nullcontext()
    with later:
        after = dashboard_seen(client.get(url))
        forget_catalog()  # a new catalog: nothing kept, everything worked out again
        worked_out_afresh = dashboard_seen(client.get(url))

    assert after == worked_out_afresh
    assert after != before


def test_a_pages_last_answers_are_read_for_each_look(client, educator, bank, answer):
    cohort, users = cohort_with(educator, bank, 3)
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])
    client.get(url)
    answered_again = timezone.now()
    # The same answer, right again: the learner's tallies, and so what is kept for the whole cohort, are unchanged.
    answer(users[0], bank.risk_questions[0], "a", answered_again)

    with mock.patch.object(cohort_table, "standings_from", wraps=cohort_table.standings_from) as standings_from:
        rows = client.get(url).context["table_rows"]

    assert standings_from.call_count == 0
    (row,) = [r for r in rows if r.name == users[0].username]
    assert row.last_active_iso == answered_again.isoformat()


def test_kept_cells_are_drawn_again_in_another_time_zone(client, educator, bank):
    from tutor.cohorts.models import AssignmentCompletion

    cohort, users = cohort_with(educator, bank, 2)
    risks = cohort.assignments.get(title="Risks")
    completed = dt.datetime(2026, 11, 30, 22, 30, tzinfo=dt.UTC)
    AssignmentCompletion.objects.create(
        assignment=risks, learner=users[0], completed_at=completed, recorded_at=completed
    )
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])

    def completion_shown():
        (row,) = [r for r in client.get(url).context["table_rows"] if r.name == users[0].username]
        (cell,) = [c for c in row.cells if c.completed_iso]
        return cell.completed_iso, cell.completed_label

    in_utc = completion_shown()
    with timezone.override(zoneinfo.ZoneInfo("Pacific/Auckland")):
        in_auckland = completion_shown()

    assert in_utc == ("2026-11-30T22:30:00+00:00", "30 Nov")
    assert in_auckland == ("2026-12-01T11:30:00+13:00", "1 Dec")
