"""Cohort pages: what they show, bad input answered with a message and a 4xx, and fixed query counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.cohorts.factories import AssignmentFactory, CohortFactory, MembershipFactory, bulk_answers
from tests.factories import EducatorFactory, MisconceptionFactory, UserFactory
from tutor.accounts.models import User
from tutor.catalog.snapshot import catalog
from tutor.cohorts.models import Assignment, AssignmentCompletion, Cohort, Membership

pytestmark = pytest.mark.django_db
SOON = timezone.localdate() + dt.timedelta(days=60)  # within the forms' five-year horizon


@pytest.fixture
def educator():
    return EducatorFactory(username="dr-rivera")


@pytest.fixture
def cohort(educator):
    return CohortFactory(owner=educator, name="Spring 2027", join_code="K7QM4XPA")


def text_of(response) -> str:
    return " ".join(response.content.decode().split())


# --- Learners ------------------------------------------------------------------------------------------------


def test_a_learner_joins_by_link_after_seeing_the_cohort_then_leaves(client, cohort, bank):
    learner = UserFactory()
    client.force_login(learner)

    shown = client.get(reverse("cohorts:cohort_join") + "?code=k7qm-4xpa")
    assert "Join <strong>Spring 2027</strong>, taught by dr-rivera?" in shown.content.decode()
    assert not Membership.objects.exists()  # a GET never joins

    joined = client.post(reverse("cohorts:cohort_join"), {"code": "K7QM4XPA"}, follow=True)
    assert Membership.objects.filter(cohort=cohort, learner=learner).exists()
    assert "You joined Spring 2027" in text_of(joined)
    assert "Leave Spring 2027" in text_of(joined)

    left = client.post(reverse("cohorts:cohort_leave", args=[cohort.pk]), follow=True)
    assert not Membership.objects.exists()
    assert "You left Spring 2027" in text_of(left)


@pytest.mark.parametrize(
    ("code", "message"),
    [("", "Enter the code your educator gave you."), ("WRONG123", "No cohort has this code"), ("x" * 40, "at most 32")],
)
def test_a_bad_code_gets_a_message_next_to_the_field(client, cohort, code, message):
    client.force_login(UserFactory())

    response = client.post(reverse("cohorts:cohort_join"), {"code": code})

    assert response.status_code == 400
    assert message in response.content.decode()
    assert 'aria-invalid="true"' in response.content.decode()


def test_the_learners_cohorts_page_lists_assignments_with_status_and_due_date(client, cohort, bank, answer):
    learner = MembershipFactory(cohort=cohort).learner
    AssignmentFactory(cohort=cohort, title="Risks first", module_slugs=["risks"], due_on=dt.date(2099, 12, 4))
    answer(learner, bank.risk_questions[0], "a", timezone.now())
    client.force_login(learner)

    html = text_of(client.get(reverse("cohorts:cohort_list")))

    assert "Risks first" in html
    assert "In progress" in html
    assert 'Due <time datetime="2099-12-04">Fri 4 Dec 2099</time>' in html
    assert "<strong>1</strong> of 5 questions answered" in html
    assert "New cohort" not in html  # learners cannot create cohorts


def test_study_now_on_an_assignment_focuses_study_on_its_modules(client, cohort, bank):
    learner = MembershipFactory(cohort=cohort).learner
    AssignmentFactory(cohort=cohort, title="Both", module_slugs=["risks", "history"], due_on=dt.date(2099, 12, 4))
    client.force_login(learner)

    html = client.get(reverse("cohorts:cohort_list")).content.decode()

    link = f"{reverse('study:study')}?module=risks&amp;module=history"
    assert f'<a href="{link}">Study now</a>' in html
    studied = client.get(link.replace("&amp;", "&"))
    assert studied.context["queue"].new_count == 8 and studied.context["focused"]


def test_the_progress_page_shows_the_learners_assignments_or_nothing(client, cohort, bank):
    """The progress page is composed by the cohorts app's view, which passes the assignments in."""
    learner = MembershipFactory(cohort=cohort).learner
    AssignmentFactory(cohort=cohort, title="Risks first", module_slugs=["risks"], due_on=dt.date(2099, 1, 1))

    client.force_login(learner)
    html = client.get(reverse("cohorts:progress_dashboard")).content.decode()
    client.force_login(UserFactory())
    nobody = client.get(reverse("cohorts:progress_dashboard")).content.decode()

    assert "Your assignments" in html and "Risks first" in html and "Not started" in html
    assert "Your assignments" not in nobody


def test_an_invite_link_makes_the_visitor_an_educator(client):
    from tutor.cohorts.models import EducatorInvite

    invite = EducatorInvite.objects.create()
    learner = UserFactory()
    client.force_login(learner)

    assert "Become an educator" in client.get(invite.get_absolute_url()).content.decode()
    response = client.post(invite.get_absolute_url())

    assert response.status_code == 302
    learner.refresh_from_db()
    assert learner.is_educator
    used = client.post(invite.get_absolute_url())  # an educator now: nothing more happens
    assert used.status_code == 200
    gone = UserFactory()
    client.force_login(gone)
    assert client.get(invite.get_absolute_url()).status_code == 410


# --- Educators -----------------------------------------------------------------------------------------------


def test_creating_a_cohort_then_seeing_its_code_and_link(client, educator):
    client.force_login(educator)

    response = client.post(reverse("cohorts:cohort_create"), {"name": "  Autumn   group ", "description": "Therapists"})

    cohort = Cohort.objects.get()
    assert cohort.name == "Autumn group" and cohort.owner == educator
    assert response.url == reverse("cohorts:cohort_dashboard", args=[cohort.pk])
    html = client.get(response.url).content.decode()
    assert cohort.join_code in html
    assert f"http://testserver/cohorts/join/?code={cohort.join_code}" in html
    assert "No learners yet" in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": ""}, "Give the cohort a name."),
        ({"name": "A", "co_teachers": "nobody-here"}, "No educator has the username nobody-here."),
        ({"name": "A", "co_teachers": "dr-rivera"}, "You already teach this cohort"),
    ],
)
def test_a_bad_cohort_form_gets_a_message_next_to_the_field(client, educator, data, message):
    client.force_login(educator)

    response = client.post(reverse("cohorts:cohort_create"), data)

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Cohort.objects.exists()


def test_co_teachers_are_named_by_username(client, educator, cohort):
    colleague = EducatorFactory(username="dr-okafor")
    UserFactory(username="just-a-learner")
    client.force_login(educator)

    client.post(reverse("cohorts:cohort_edit", args=[cohort.pk]), {"name": "Spring 2027", "co_teachers": "DR-OKAFOR"})
    refused = client.post(
        reverse("cohorts:cohort_edit", args=[cohort.pk]), {"name": "X", "co_teachers": "just-a-learner"}
    )

    assert list(cohort.co_teachers.all()) == [colleague]
    assert refused.status_code == 400


def test_rotating_the_code_from_the_dashboard(client, educator, cohort):
    client.force_login(educator)

    last_day = timezone.localdate() + dt.timedelta(days=400)
    response = client.post(
        reverse("cohorts:cohort_rotate_code", args=[cohort.pk]), {"expires_on": last_day}, follow=True
    )

    cohort.refresh_from_db()
    assert cohort.join_code != "K7QM4XPA" and cohort.join_code_expires_on == last_day
    assert f"New join code: {cohort.join_code}" in text_of(response)
    assert f"Works until the end of {last_day.day} {last_day:%b %Y}" in text_of(response)


def test_rotating_with_a_past_day_is_refused_next_to_the_field(client, educator, cohort):
    client.force_login(educator)

    response = client.post(reverse("cohorts:cohort_rotate_code", args=[cohort.pk]), {"expires_on": "2001-01-01"})

    assert response.status_code == 400
    assert "Choose today or a later day." in response.content.decode()
    cohort.refresh_from_db()
    assert cohort.join_code == "K7QM4XPA"


def assignment_post(**overrides):
    today = timezone.localdate()
    data = {
        "modules": ["risks"],
        "title": "",
        "opens_on": today.isoformat(),
        "due_on": (today + dt.timedelta(days=7)).isoformat(),
        "target_accuracy": "80",
        "exam_pass_mark": "",
    }
    return {**data, **overrides}


def test_assigning_a_module_names_it_after_the_module_and_puts_it_in_study(client, educator, cohort, bank):
    learner = MembershipFactory(cohort=cohort).learner
    client.force_login(educator)

    response = client.post(reverse("cohorts:assignment_create", args=[cohort.pk]), assignment_post())

    assignment = Assignment.objects.get()
    assert response.url == assignment.get_absolute_url()
    assert assignment.title == "Risks and safety" and assignment.exam_pass_mark is None
    learner.refresh_from_db()
    assert learner.modules_required == ["risks"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"modules": []}, "Choose at least one module."),
        ({"modules": ["no-such-module"]}, "Select a valid choice"),
        ({"due_on": "2001-01-01", "opens_on": "2000-12-01"}, "This day has passed"),
        ({"due_on": "not a date"}, "Enter a date."),
        ({"opens_on": str(SOON + dt.timedelta(days=31)), "due_on": str(SOON)}, "The due date must be on or after"),
        ({"target_accuracy": "101"}, "A target cannot be above 100%."),
        ({"target_accuracy": "eighty"}, "Enter a whole number between 50 and 100."),
        ({"exam_pass_mark": "0"}, "Enter a pass mark of at least 1%."),
    ],
)
def test_a_bad_assignment_gets_a_message_next_to_the_field(client, educator, cohort, bank, overrides, message):
    client.force_login(educator)

    response = client.post(reverse("cohorts:assignment_create", args=[cohort.pk]), assignment_post(**overrides))

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Assignment.objects.exists()


def test_dashboard_shows_status_percentages_overdue_and_last_active(client, educator, cohort, bank, answer):
    ahead = MembershipFactory(cohort=cohort, learner=UserFactory(username="ahead")).learner
    behind = MembershipFactory(cohort=cohort, learner=UserFactory(username="behind")).learner
    late = AssignmentFactory(
        cohort=cohort,
        title="History",
        module_slugs=["history"],
        opens_on=dt.date(2020, 1, 1),
        due_on=dt.date(2020, 2, 1),
    )
    AssignmentFactory(cohort=cohort, title="Risks", module_slugs=["risks"], due_on=dt.date(2099, 1, 1))
    at = timezone.now() - dt.timedelta(days=1)
    for question in bank.history_questions:
        answer(ahead, question, "a", at)
    answer(ahead, bank.risk_questions[0], "a", at)
    client.force_login(educator)

    response = client.get(reverse("cohorts:cohort_dashboard", args=[cohort.pk]))
    html = text_of(response)

    rows = {row.learner.username: row for row in response.context["page"].object_list}
    assert [s.label for s in rows["ahead"].statuses] == ["Complete", "In progress"]
    assert [s.label for s in rows["behind"].statuses] == ["Overdue", "Not started"]
    assert rows["ahead"].last_active == at and rows["behind"].last_active is None
    assert "20% answered" in html and "100% answered" in html
    assert AssignmentCompletion.objects.get(assignment=late).learner == ahead
    overdue = html.split('id="overdue-title"')[1].split("</section>")[0]
    assert "behind" in overdue and "ahead" not in overdue
    assert f'href="{reverse("cohorts:cohort_learner", args=[cohort.pk, behind.pk])}"' in html


def test_dashboard_sorts_by_any_column_and_refuses_unknown_keys(client, educator, cohort, bank, answer):
    for name, answered in (("bea", 2), ("al", 0), ("cy", 5)):
        learner = MembershipFactory(cohort=cohort, learner=UserFactory(username=name)).learner
        for question in bank.risk_questions[:answered]:
            answer(learner, question, "a", timezone.now())
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks"], due_on=dt.date(2099, 1, 1))
    client.force_login(educator)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])

    def order(sort):
        response = client.get(url, {"sort": sort})
        return [row.learner.username for row in response.context["page"].object_list]

    assert order("name") == ["al", "bea", "cy"]
    assert order("-name") == ["cy", "bea", "al"]
    assert order(f"assignment-{assignment.pk}") == ["al", "bea", "cy"]
    assert order(f"-assignment-{assignment.pk}") == ["cy", "bea", "al"]
    page = client.get(url, {"sort": "name"}).content.decode()
    assert 'aria-sort="ascending"' in page and "?sort=-name" in page
    bad = client.get(url, {"sort": "password"})
    assert bad.status_code == 400 and "Choose a column to sort by." in bad.content.decode()


def test_drilldown_shows_the_learners_module_progress_and_removal_works(client, educator, cohort, bank, answer):
    learner = MembershipFactory(cohort=cohort, learner=UserFactory(username="sam")).learner
    for n, question in enumerate(bank.risk_questions[:4]):
        answer(learner, question, "a" if n else "b", timezone.now())
    client.force_login(educator)

    response = client.get(reverse("cohorts:cohort_learner", args=[cohort.pk, learner.pk]))

    progress = {p.module.slug: p for p in response.context["progress"]}
    assert (progress["risks"].seen, progress["risks"].right_latest) == (4, 3)
    assert "4 / 5" in text_of(response) and "75%" in text_of(response)

    removed = client.post(reverse("cohorts:cohort_remove_learner", args=[cohort.pk, learner.pk]), follow=True)
    assert not Membership.objects.exists()
    assert "sam was removed from Spring 2027" in text_of(removed)


def test_the_drilldown_and_the_learners_own_dashboard_show_the_same_rounded_down_accuracy(
    client, educator, cohort, bank, answer
):
    learner = MembershipFactory(cohort=cohort, learner=UserFactory(username="sam")).learner
    for choice, question in zip("aab", bank.risk_questions, strict=False):
        answer(learner, question, choice, timezone.now())

    client.force_login(educator)
    drilldown = text_of(client.get(reverse("cohorts:cohort_learner", args=[cohort.pk, learner.pk])))
    client.force_login(learner)
    own = text_of(client.get(reverse("cohorts:progress_dashboard")))

    assert "66%" in drilldown and "66%" in own  # 2 of 3 right is 66.7%: rounded down on both pages
    assert "67%" not in drilldown and "67%" not in own


def test_assignment_page_shows_results_and_the_forecast_with_its_explanation(client, educator, cohort, bank, answer):
    learner = MembershipFactory(cohort=cohort).learner
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks"], due_on=dt.date(2099, 1, 1))
    answer(learner, bank.risk_questions[0], "a", timezone.now())
    client.force_login(educator)

    response = client.get(assignment.get_absolute_url())
    html = text_of(response)

    assert "Recall forecast" in html and "would recall a question picked at random" in html
    assert "1 of 5" in html
    (forecast,) = response.context["forecast"]
    assert forecast.recall_now == pytest.approx(forecast.recall_now) and 0 < forecast.recall_now <= 0.2


def test_item_analysis_page_and_a_bad_filter(client, educator, cohort, bank, answer):
    learner = MembershipFactory(cohort=cohort).learner
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    answer(learner, bank.history_questions[0], "c", timezone.now())
    client.force_login(educator)
    url = reverse("cohorts:item_analysis", args=[assignment.pk])

    html = text_of(client.get(url))
    latest = client.get(url, {"attempts": "latest"})
    bad = client.get(url, {"attempts": "best"})

    assert "history-error-c" in html and "History: question 1?" in html
    assert "1 of 3 questions attempted" in html
    assert latest.status_code == 200 and latest.context["kind"] == "latest"
    assert bad.status_code == 400 and "Choose first or latest attempts." in bad.content.decode()
    # The field is drawn once per choice: each visit still shows its own choice, and only a refused one an error.
    again = client.get(url)

    def chosen(response) -> list[str]:
        return re.findall(r'<option value="(\w*)" selected>', response.content.decode())

    assert chosen(latest) == ["latest"] and chosen(again) == []
    assert chosen(client.get(url, {"attempts": "first"})) == ["first"]
    assert "Choose first or latest attempts." not in again.content.decode()


def test_item_analysis_names_misconceptions_in_words(client, educator, cohort, bank, answer):
    learner = MembershipFactory(cohort=cohort).learner
    MisconceptionFactory(
        slug="history-error-c", label="The ban followed harm to patients", corrects=bank.history_questions[0].section
    )
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["history"])
    answer(learner, bank.history_questions[0], "c", timezone.now())
    client.force_login(educator)

    html = client.get(reverse("cohorts:item_analysis", args=[assignment.pk])).content.decode()
    csv = b"".join(client.get(reverse("cohorts:item_analysis_csv", args=[assignment.pk])).streaming_content).decode()

    assert html.count("The ban followed harm to patients") == 2  # the cohort summary and the question's row
    assert ">history-error-c<" not in html
    assert "The ban followed harm to patients" in csv


def test_deleting_an_assignment_and_a_cohort(client, educator, cohort, bank):
    learner = MembershipFactory(cohort=cohort).learner
    assignment = AssignmentFactory(cohort=cohort, module_slugs=["risks"])
    User.objects.filter(pk=learner.pk).update(modules_required=["risks"])
    client.force_login(educator)

    assert (
        "Delete Assignment" in client.get(reverse("cohorts:assignment_delete", args=[assignment.pk])).content.decode()
    )
    client.post(reverse("cohorts:assignment_delete", args=[assignment.pk]))
    assert not Assignment.objects.exists()
    learner.refresh_from_db()
    assert learner.modules_required == []

    client.post(reverse("cohorts:cohort_delete", args=[cohort.pk]))
    assert not Cohort.objects.exists()


# --- Query counts --------------------------------------------------------------------------------------------


def build_cohort(size: int, bank) -> tuple[Cohort, Assignment]:
    """A cohort of `size` learners, written in a few bulk statements. Learner i answers the first i % 6 Risks
    questions (all right) and one History question; one in six has completed both assignments already."""
    educator = EducatorFactory()
    cohort = CohortFactory(owner=educator)
    users = User.objects.bulk_create(
        [User(username=f"c{cohort.pk}-learner-{i:04d}", password="!") for i in range(size)]
    )
    Membership.objects.bulk_create(
        [Membership(cohort=cohort, learner=user, joined_at=timezone.now()) for user in users]
    )
    at = timezone.now() - dt.timedelta(days=1)
    rows = []
    for i, user in enumerate(users):
        answered = bank.risk_questions if i % 6 == 5 else bank.risk_questions[: i % 6]
        rows += [(user.pk, q.pk, True, at) for q in answered]
        rows.append((user.pk, bank.history_questions[0].pk, i % 2 == 0, at))
    bulk_answers(rows)
    risks = AssignmentFactory(cohort=cohort, module_slugs=["risks"], due_on=dt.date(2099, 1, 1))
    AssignmentFactory(cohort=cohort, module_slugs=["history"], due_on=dt.date(2099, 1, 1), exam_pass_mark=70)
    return cohort, risks


def queries_for(client, url) -> int:
    client.get(url)  # the first visit stores completions that are due; the second shows the steady state
    catalog()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("page", ["cohorts:cohort_dashboard", "cohorts:assignment_detail", "cohorts:item_analysis"])
def test_cohort_pages_run_the_same_queries_for_3_and_300_learners(client, bank, page):
    counts = {}
    for size in (3, 300):
        cohort, assignment = build_cohort(size, bank)
        client.force_login(cohort.owner)
        target = cohort.pk if page == "cohorts:cohort_dashboard" else assignment.pk
        counts[size] = queries_for(client, reverse(page, args=[target]))

    # Dashboard: the user, the cohort (its co-teachers' names with it), its assignments, its learners' names,
    # module progress, completions, exams (one assignment needs one), the last answers of the page's learners.
    # Assignment page: the user, the assignment, the learners, module progress, completions, the forecast, each
    # learner's recall on the due date. Item analysis: the user, the assignment, the cohort's answer tallies, the
    # stored discrimination indices.
    expected = {"cohorts:cohort_dashboard": 8, "cohorts:assignment_detail": 7, "cohorts:item_analysis": 4}[page]
    assert counts == {3: expected, 300: expected}


def test_a_dashboard_visit_writes_nothing(client, bank):
    """Reads never write: completions are recorded with the answers, not when an educator looks."""
    cohort, _ = build_cohort(12, bank)
    client.force_login(cohort.owner)
    url = reverse("cohorts:cohort_dashboard", args=[cohort.pk])
    catalog()

    with CaptureQueriesContext(connection) as visit:
        response = client.get(url)

    assert response.status_code == 200
    writes = [q["sql"] for q in visit.captured_queries if q["sql"].split()[0] in ("INSERT", "UPDATE", "DELETE")]
    assert [w for w in writes if "django_session" not in w] == []
    assert AssignmentCompletion.objects.count() == 0
