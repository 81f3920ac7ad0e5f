"""The learner's dashboard: statistics against hand-computed histories, empty states, exports, deletion, queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import zoneinfo
from collections.abc import Iterable
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import QuestionFactory, UserFactory, fixed_clock
from tutor.accounts.models import User
from tutor.catalog.snapshot import catalog
from tutor.progress import selectors
from tutor.progress.charts import bar_chart, calendar_heatmap, day_label, table_rows
from tutor.progress.rollups import rebuild_study_days_of
from tutor.study.models import Card, Flag, MemoryState, PracticeTest, ProblemReport, Rating, ReviewLog
from tutor.study.review import review_timing
from tutor.study.scheduler import Memory
from tutor.study.services import record_answer

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def make_log(learner, card, *, at, correct=True, state_before=MemoryState.REVIEW, interval=5.0, first=True, ms=1000):
    return ReviewLog(
        learner=learner,
        card=card,
        question_id=card.question_id,
        question_revision=1,
        attempt=f"a-{learner.pk}-{card.pk}-{at.timestamp()}-{state_before}-{interval}",
        answer={"choice": "a"},
        correct=correct,
        score=1.0 if correct else 0.0,
        rating=Rating.GOOD if correct else Rating.AGAIN,
        reviewed_at=at,
        duration_ms=ms,
        state_before=state_before,
        state_after=MemoryState.REVIEW,
        stability_after=10,
        difficulty_after=5,
        due_after=at + dt.timedelta(days=10),
        scheduled_days=10,
        card_before={},
        elapsed_days=interval,
        interval_days_before=interval,
        first_review_of_day=first,
    )


def bulk_logs(logs) -> None:
    """Write answers in bulk, as the demo seeder does, then roll them up into study days as it does."""
    logs = ReviewLog.objects.bulk_create(logs)
    rebuild_study_days_of(User.objects.filter(pk__in={log.learner_id for log in logs}))


def make_card(learner, question=None, **fields):
    now = fields.pop("now", timezone.now())
    defaults = dict(
        state=MemoryState.REVIEW,
        stability=10.0,
        difficulty=5.0,
        due=now + dt.timedelta(days=3),
        last_review=now - dt.timedelta(days=1),
        reps=2,
        created_at=now - dt.timedelta(days=5),
    )
    defaults.update(fields)
    card = Card.objects.create(learner=learner, question=question or QuestionFactory(), **defaults)
    card.last_review_days = card.last_review.timestamp() / 86400 if card.last_review else None
    card.save()
    return card


# --- Pure pieces ----------------------------------------------------------------------------------------------


def test_streaks_count_consecutive_days_and_allow_today_to_be_unstudied():
    today = dt.date(2026, 11, 24)
    days = [dt.date(2026, 11, d) for d in (1, 2, 3, 4, 10, 11, 22, 23)]

    assert selectors.streaks(days, today) == selectors.Streaks(current=2, longest=4)
    assert selectors.streaks([*days, today], today).current == 3
    assert selectors.streaks([dt.date(2026, 11, 20)], today).current == 0
    assert selectors.streaks([], today) == selectors.Streaks(0, 0)


def test_study_days_follow_the_learners_time_zone():
    """23:30 in New York on 23 Nov is 04:30 UTC on 24 Nov: it belongs to the learner's 23rd."""
    learner = UserFactory(time_zone="America/New_York")
    card = make_card(learner)
    late_evening = dt.datetime(2026, 11, 24, 4, 30, tzinfo=UTC)
    next_morning = dt.datetime(2026, 11, 24, 14, 0, tzinfo=UTC)
    bulk_logs([make_log(learner, card, at=late_evening), make_log(learner, card, at=next_morning, interval=1)])

    days = selectors.daily_activity(learner=learner)

    assert sorted(days) == [dt.date(2026, 11, 23), dt.date(2026, 11, 24)]
    assert selectors.streaks(days, dt.date(2026, 11, 24)).current == 2
    in_utc = UserFactory(time_zone="UTC")
    card_utc = make_card(in_utc)
    bulk_logs([make_log(in_utc, card_utc, at=late_evening), make_log(in_utc, card_utc, at=next_morning, interval=1)])
    assert sorted(selectors.daily_activity(learner=in_utc)) == [dt.date(2026, 11, 24)]


def test_first_review_of_day_uses_the_learners_calendar():
    zone = zoneinfo.ZoneInfo("Europe/Warsaw")
    memory = Memory(
        state=MemoryState.REVIEW,
        stability=3,
        difficulty=5,
        due=dt.datetime(2026, 11, 25, tzinfo=UTC),
        last_review=dt.datetime(2026, 11, 23, 23, 30, tzinfo=UTC),
    )

    same_local_day = review_timing(memory=memory, answered_at=dt.datetime(2026, 11, 24, 8, 0, tzinfo=UTC), zone=zone)
    next_local_day = review_timing(memory=memory, answered_at=dt.datetime(2026, 11, 24, 23, 30, tzinfo=UTC), zone=zone)

    assert not same_local_day.first_review_of_day  # 00:30 and 09:00 in Warsaw are both 24 Nov (in UTC they are not)
    assert next_local_day.first_review_of_day
    assert same_local_day.interval_days_before == pytest.approx(1 + 0.5 / 24)
    assert review_timing(
        memory=Memory(), answered_at=dt.datetime(2026, 11, 24, tzinfo=UTC), zone=zone
    ).first_review_of_day


def test_true_retention_counts_first_daily_reviews_of_review_cards_split_young_and_mature():
    learner = UserFactory(time_zone="UTC")
    now = dt.datetime(2026, 11, 24, 18, 0, tzinfo=UTC)
    day_start = dt.datetime(2026, 11, 24, tzinfo=UTC)
    card = make_card(learner, now=now)
    logs = [
        make_log(learner, card, at=now - dt.timedelta(hours=2), correct=True, interval=3),  # today, young, pass
        make_log(learner, card, at=now - dt.timedelta(hours=3), correct=False, interval=30),  # today, mature, fail
        make_log(learner, card, at=now - dt.timedelta(days=3), correct=True, interval=30),  # week, mature, pass
        make_log(learner, card, at=now - dt.timedelta(days=20), correct=False, interval=4),  # month, young, fail
        make_log(learner, card, at=now - dt.timedelta(days=100), correct=True, interval=21),  # all, mature, pass
        # Not counted: a learning-step answer, and a second review of the day.
        make_log(learner, card, at=now - dt.timedelta(hours=1), correct=False, state_before=MemoryState.LEARNING),
        make_log(learner, card, at=now - dt.timedelta(minutes=30), correct=False, interval=3, first=False),
    ]
    bulk_logs(logs)

    rows = {row.key: row for row in selectors.true_retention(learner=learner, now=now, day_start=day_start)}

    assert (rows["today"].young.passed, rows["today"].young.total) == (1, 1)
    assert (rows["today"].mature.passed, rows["today"].mature.total) == (0, 1)
    assert (rows["week"].overall.passed, rows["week"].overall.total) == (2, 3)
    assert (rows["month"].young.passed, rows["month"].young.total) == (1, 2)
    assert (rows["all"].mature.passed, rows["all"].mature.total) == (2, 3)
    assert rows["all"].overall.rate == pytest.approx(3 / 5)


class _Text(HTMLParser):
    """The text of each element with an id, spaces collapsed."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: dict[str, str] = {}
        self.open: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ("br", "img", "input", "meta", "link", "hr", "rect", "path", "line"):
            self.open.append((tag, dict(attrs).get("id")))

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()[0] == tag:
                break

    def handle_data(self, data):
        for _, element_id in self.open:
            if element_id:
                self.texts[element_id] = self.texts.get(element_id, "") + data

    def of(self, element_id: str) -> str:
        return " ".join(self.texts.get(element_id, "").split())


class _TableCells(HTMLParser):
    """The cells of the page's tables, keyed by (table caption, row header, the cell's data-label)."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: dict[tuple[str, str, str], str] = {}
        self.caption = self.row = self.label = ""
        self.into: str | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "caption":
            self.into, self.caption = "caption", ""
        elif tag == "th" and dict(attrs).get("scope") == "row":
            self.into, self.row = "row", ""
        elif tag == "td":
            self.into, self.label = "cell", dict(attrs).get("data-label", "")
            self.cells[(self.caption, self.row, self.label)] = ""

    def handle_endtag(self, tag):
        if tag in ("caption", "th", "td"):
            self.into = None

    def handle_data(self, data):
        if self.into == "caption":
            self.caption += data
        elif self.into == "row":
            self.row += data
        elif self.into == "cell":
            self.cells[(self.caption, self.row, self.label)] += data


def test_the_retention_table_shows_each_periods_young_mature_and_overall_cells(client):
    learner = UserFactory(time_zone="UTC")
    now = timezone.now()
    card = make_card(learner, now=now)
    bulk_logs(
        [
            make_log(learner, card, at=now - dt.timedelta(days=3), correct=True, interval=30),
            make_log(learner, card, at=now - dt.timedelta(days=3, hours=1), correct=False, interval=30, first=True),
            make_log(learner, card, at=now - dt.timedelta(days=100), correct=True, interval=3),
        ]
    )
    client.force_login(learner)

    parser = _TableCells()
    parser.feed(client.get(reverse("cohorts:progress_dashboard")).content.decode())
    caption = "True retention by period, for young and mature questions"
    cells = {(row, label): " ".join(text.split()) for (c, row, label), text in parser.cells.items() if c == caption}

    assert cells[("Today", "Young")] == cells[("Today", "All")] == "no reviews"
    assert cells[("Last 7 days", "Mature")] == "50% (1 of 2)"
    assert cells[("Last 7 days", "Young")] == "no reviews"
    assert cells[("All time", "Young")] == "100% (1 of 1)"
    assert cells[("All time", "All")] == "66% (2 of 3)"
    assert {label for _, label in cells} == {"Young", "Mature", "All"} and len(cells) == 12


def test_true_retention_without_reviews_has_no_rate():
    learner = UserFactory()
    now = timezone.now()

    rows = selectors.true_retention(learner=learner, now=now, day_start=now)

    assert all(row.overall.rate is None for row in rows)


def test_forecast_puts_overdue_cards_today_and_counts_30_days():
    learner = UserFactory(time_zone="UTC")
    today = timezone.now().astimezone(UTC).date()
    noon = dt.datetime.combine(today, dt.time(12), tzinfo=UTC)
    for due in (
        noon - dt.timedelta(days=2),
        noon,
        noon + dt.timedelta(days=1),
        noon + dt.timedelta(days=29),
        noon + dt.timedelta(days=31),
    ):
        make_card(learner, due=due)

    forecast = selectors.due_forecast(learner=learner, snapshot=catalog(), today=today)

    assert len(forecast) == 30
    assert forecast[0] == (today, 2)
    assert forecast[1] == (today + dt.timedelta(days=1), 1)
    assert forecast[29] == (today + dt.timedelta(days=29), 1)
    assert sum(n for _, n in forecast) == 4


def test_recall_distribution_buckets_seen_questions():
    learner = UserFactory()
    now = timezone.now()
    make_card(learner, stability=100, last_review=now)  # recall 1.0
    make_card(learner, stability=1, last_review=now - dt.timedelta(days=600))  # recall about 37%

    buckets = selectors.recall_distribution(learner=learner, snapshot=catalog(), now=now)

    assert buckets[9][2] == 1
    assert sum(count for *_, count in buckets[:5]) == 1


def test_heatmap_and_bar_chart_geometry():
    today = dt.date(2026, 11, 24)
    activity = {
        today: selectors.DayActivity(today, 8, 0),
        today - dt.timedelta(days=1): selectors.DayActivity(today, 2, 0),
    }

    heat = calendar_heatmap(activity, today)
    chart = bar_chart([("a", 0), ("b", 7), ("c", 3)])

    assert len(heat.cells) == 90
    assert heat.cells[-1].level == 4 and heat.cells[-2].level == 1 and heat.cells[0].level == 0
    assert (heat.total_reviews, heat.days_studied) == (10, 2)
    assert chart.y_max == 10
    assert chart.bars[1].height > chart.bars[2].height > chart.bars[0].height == 0


# --- Pages ----------------------------------------------------------------------------------------------------


def test_dashboard_needs_a_login(client):
    response = client.get(reverse("cohorts:progress_dashboard"))

    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_a_new_learner_sees_a_friendly_start_not_empty_charts(client):
    client.force_login(UserFactory())
    QuestionFactory()

    response = client.get(reverse("cohorts:progress_dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Your progress starts with your first answer" in html
    main = html[html.index("<main") : html.index("</main>")]
    assert "<svg" not in main  # no empty charts (the header's search icon is not a chart)
    assert "Modules" in html


def test_dashboard_with_history_has_labelled_charts_and_tables(client):
    learner = UserFactory()
    client.force_login(learner)
    question = QuestionFactory()
    record_answer(
        learner=learner,
        question=catalog().questions[question.pk],
        answer={"choice": "a"},
        attempt="x",
        clock=fixed_clock(timezone.now()),
        duration_ms=90_000,
    )

    html = client.get(reverse("cohorts:progress_dashboard")).content.decode()

    assert html.count('role="img"') == 3
    assert 'aria-labelledby="heatmap-title heatmap-summary"' in html
    assert "answered 1 question" in html
    assert "1 / 1" in html  # seen / total in the module table
    assert "100%" in html  # latest answer right
    assert "True retention" in html and "no reviews" in html
    assert '2 minutes</span> <span class="stat-label">spent answering this week' in html
    assert "not timed" not in html


def bulk_history(learner, questions, reviews: int) -> None:
    now = timezone.now()
    cards = [make_card(learner, q, now=now) for q in questions]
    bulk_logs(
        make_log(
            learner,
            cards[n % len(cards)],
            at=now - dt.timedelta(hours=n * 3),
            correct=n % 4 != 0,
            interval=float(n % 40),
            first=True,
        )
        for n in range(reviews)
    )


@pytest.mark.parametrize("reviews", [10, 20_000])
def test_dashboard_queries_do_not_grow_with_history(client, django_assert_num_queries, reviews):
    learner = UserFactory()
    questions = [QuestionFactory() for _ in range(10)]
    bulk_history(learner, questions, reviews)
    client.force_login(learner)
    client.get(reverse("cohorts:progress_dashboard"))  # warm the catalog

    # learner; their cards (module table, forecast, recall chart, updated questions); recent study days; all-time
    # totals of study days; misconceptions (none); no query for assignments: no module is required of them
    with django_assert_num_queries(5):
        response = client.get(reverse("cohorts:progress_dashboard"))
    assert response.status_code == 200


def local_noon(day: dt.date, zone) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(12), tzinfo=zone)


def long_history(learner, *, days_ago: Iterable[int], today: dt.date) -> None:
    """Answers on each of the days so many days before `today` (the learner's), written in bulk and rolled up:
    one to three a day, right and wrong, young and mature, timed and not."""
    card = make_card(learner)
    bulk_logs(
        make_log(
            learner,
            card,
            at=local_noon(today - dt.timedelta(days=n), learner.zone) + dt.timedelta(minutes=k),
            correct=(n + k) % 3 != 0,
            interval=(3.0, 30.0)[(n + k) % 2],
            first=k == 0,
            ms=None if (n + k) % 5 == 0 else 20_000 + n,
        )
        for n in days_ago
        for k in range(1 + n % 3)
    )


def figures_from_every_day(learner, today: dt.date) -> dict:
    """The dashboard's study-day figures as they were worked out from every study day of the learner."""
    days = selectors.study_days(learner=learner)
    activity = selectors.daily_activity(learner=learner, days=days)
    this_week = [a for d, a in activity.items() if d >= today - dt.timedelta(days=6)]
    since = {"today": today, "week": today - dt.timedelta(days=6), "month": today - dt.timedelta(days=29)}
    retention = []
    for key, label in selectors.RETENTION_PERIODS:
        counted = [d for d in days if key not in since or d.day >= since[key]]
        retention.append(
            selectors.RetentionRow(
                key=key,
                label=label,
                young=selectors.RetentionCell(
                    sum(d.young_passed for d in counted), sum(d.young_total for d in counted)
                ),
                mature=selectors.RetentionCell(
                    sum(d.mature_passed for d in counted), sum(d.mature_total for d in counted)
                ),
            )
        )
    return {
        "has_history": bool(activity),
        "heatmap": calendar_heatmap(activity, today),
        "streaks": selectors.streaks(activity.keys(), today),
        "retention": retention,
        "time_all": selectors.study_time(sum(a.milliseconds for a in activity.values())),
        "time_week": selectors.study_time(sum(a.milliseconds for a in this_week)),
        "untimed_week": sum(a.reviews - a.timed for a in this_week),
        "reviews_all": sum(a.reviews for a in activity.values()),
        "reviews_today": activity[today].reviews if today in activity else 0,
    }


@pytest.mark.parametrize("studied_today", [False, True])
def test_a_history_longer_than_the_calendar_shows_the_same_figures_as_every_day_would(client, studied_today):
    """400 days: a 150-day streak long before the calendar's 90 days, short runs, then a month up to yesterday."""
    learner = UserFactory(time_zone="America/New_York")
    today = timezone.now().astimezone(learner.zone).date()
    recent_month = range(30, -1 if studied_today else 0, -1)
    days_ago = [*range(399, 249, -1), *(n for n in range(240, 60, -1) if n % 3), *recent_month]
    long_history(learner, days_ago=days_ago, today=today)
    client.force_login(learner)

    response = client.get(reverse("cohorts:progress_dashboard"))

    expected = figures_from_every_day(learner, today)
    assert {key: response.context[key] for key in expected} == expected
    current = 31 if studied_today else 30
    assert expected["streaks"] == selectors.Streaks(current=current, longest=150)
    assert expected["retention"][3].overall.total > expected["retention"][2].overall.total > 0
    page = _Text()
    page.feed(response.content.decode())
    assert f"Current streak: {current} days; longest: 150." in page.of("heatmap-summary")


@pytest.mark.parametrize("days", [10, 400])
def test_dashboard_queries_do_not_grow_with_the_days_studied(client, django_assert_num_queries, days):
    learner = UserFactory()
    today = timezone.now().astimezone(learner.zone).date()
    long_history(learner, days_ago=range(days), today=today)
    client.force_login(learner)
    client.get(reverse("cohorts:progress_dashboard"))  # warm the catalog

    with django_assert_num_queries(5) as queries:  # no assignments: no module is required of them
        response = client.get(reverse("cohorts:progress_dashboard"))

    assert response.status_code == 200
    assert response.context["streaks"].longest == days
    # Only the calendar's days come back one by one, whatever the history; the rest is summed in the database.
    assert len(response.context["heatmap"].studied_cells) == min(days, selectors.RECENT_DAYS)
    assert sum(1 for q in queries.captured_queries if "progress_studyday" in q["sql"]) == 2


def test_csv_export_round_trips_every_answer(client):
    learner = UserFactory()
    other = UserFactory()
    question = QuestionFactory(qid="risk-001")
    view = catalog().questions[question.pk]
    for n, choice in enumerate("aab"):
        record_answer(
            learner=learner,
            question=view,
            answer={"choice": choice},
            attempt=f"t{n}",
            clock=fixed_clock(timezone.now() + dt.timedelta(minutes=n)),
        )
    record_answer(
        learner=other, question=view, answer={"choice": "a"}, attempt="other", clock=fixed_clock(timezone.now())
    )
    client.force_login(learner)

    response = client.get(reverse("progress:export_reviews_csv"))

    body = b"".join(response.streaming_content).decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert body.startswith("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    assert len(rows) == 3
    assert [r["answer"] for r in rows] == ["a", "a", "b"]
    assert [r["correct"] for r in rows] == ["True", "True", "False"]
    assert rows[0]["question_id"] == "risk-001"
    assert dt.datetime.fromisoformat(rows[0]["reviewed_at"]) <= dt.datetime.fromisoformat(rows[2]["reviewed_at"])


def test_json_export_holds_everything_about_the_learner_and_nothing_of_others(client):
    learner, other = UserFactory(), UserFactory()
    question = QuestionFactory(qid="hist-001")
    view = catalog().questions[question.pk]
    record_answer(
        learner=learner, question=view, answer={"choice": "a"}, attempt="mine", clock=fixed_clock(timezone.now())
    )
    record_answer(
        learner=other, question=view, answer={"choice": "b"}, attempt="theirs", clock=fixed_clock(timezone.now())
    )
    Flag.objects.create(learner=learner, question=question)
    ProblemReport.objects.create(learner=learner, question=question, question_revision=1, text="Typo in B")
    client.force_login(learner)

    data = json.loads(client.get(reverse("progress:export_json")).content)

    assert data["account"]["username"] == learner.username
    assert len(data["cards"]) == 1 and data["cards"][0]["question"] == "hist-001"
    assert len(data["reviews"]) == 1 and data["reviews"][0]["answer"] == "a"
    assert data["flags"][0]["question"] == "hist-001"
    assert data["problem_reports"][0]["text"] == "Typo in B"


def test_deleting_an_account_needs_the_password_and_removes_only_that_learners_data(client):
    learner, other = UserFactory(), UserFactory()
    question = QuestionFactory()
    view = catalog().questions[question.pk]
    for person in (learner, other):
        record_answer(
            learner=person,
            question=view,
            answer={"choice": "a"},
            attempt=f"x{person.pk}",
            clock=fixed_clock(timezone.now()),
        )
        Flag.objects.create(learner=person, question=question)
        ProblemReport.objects.create(learner=person, question=question, question_revision=1, text="report")
        PracticeTest.objects.create(learner=person, mode="tutor", pool="all", title="t", created_at=timezone.now())
    client.force_login(learner)

    wrong = client.post(reverse("accounts:delete_account"), {"password": "nope", "confirm": "on"})
    assert wrong.status_code == 400 and "That is not your password." in wrong.content.decode()
    unconfirmed = client.post(reverse("accounts:delete_account"), {"password": "correct horse battery"})
    assert unconfirmed.status_code == 400 and "Tick the box" in unconfirmed.content.decode()
    assert User.objects.filter(pk=learner.pk).exists()

    done = client.post(reverse("accounts:delete_account"), {"password": "correct horse battery", "confirm": "on"})

    assert done.status_code == 302
    assert not User.objects.filter(pk=learner.pk).exists()
    for model in (Card, ReviewLog, Flag, ProblemReport, PracticeTest):
        assert not model.objects.filter(learner_id=learner.pk).exists(), model.__name__
        assert model.objects.filter(learner_id=other.pk).count() == 1, model.__name__
    assert client.get(reverse("cohorts:progress_dashboard")).status_code == 302  # logged out


def test_study_time_reads_in_words_and_answers_without_timing_are_named(client):
    assert selectors.study_time(0) == "no time"
    assert selectors.study_time(20_000) == "under a minute"
    assert selectors.study_time(90_000) == "2 minutes"
    assert selectors.study_time(60_000) == "1 minute"
    assert selectors.study_time(125 * 60_000) == "2 h 05 min"
    learner = UserFactory()
    client.force_login(learner)
    question = QuestionFactory()
    now = timezone.now()
    for n, ms in enumerate([40_000, None, None]):
        record_answer(
            learner=learner,
            question=catalog().questions[question.pk],
            answer={"choice": "a"},
            attempt=f"t{n}",
            clock=fixed_clock(now),
            duration_ms=ms,
        )

    html = client.get(reverse("cohorts:progress_dashboard")).content.decode()

    assert "1 minute</span>" in html
    assert "2 answers not timed" in html


def test_charts_have_weekday_labels_months_inside_the_chart_and_plain_coordinates():
    today = dt.date(2026, 11, 29)  # a Sunday: the last column is full, a month may start in it
    activity = {today - dt.timedelta(days=n): selectors.DayActivity(today, 1200 + n, 0) for n in range(60)}

    heat = calendar_heatmap(activity, today)
    chart = bar_chart([(f"{n} Dec", 1234 + n) for n in range(30)], tick_every=7)
    heat_svg, chart_svg = str(heat.svg()), str(chart.svg(chart_id="f", title="Due <soon>"))

    assert [label for _, label in heat.weekday_labels] == ["Mon", "Wed", "Fri", "Sun"]
    assert all(x + 3 * 17 <= heat.width for x, _ in heat.month_labels)
    assert ">Mon</text>" in heat_svg and "Sun 29 Nov 2026: 1200 answers" in heat_svg
    assert "1,2" not in heat_svg + chart_svg  # numbers never localised with separators inside SVG
    assert "Due &lt;soon&gt;" in chart_svg
    assert 'text-anchor="end">28 Dec</text>' in chart_svg  # the last label ends at the edge, never cut off
    assert chart_svg.count("<text") == len(chart.gridlines) + 5  # gridline values and a label every 7th bar


@pytest.mark.parametrize(
    ("options", "label"),
    [
        ({}, "Tue 24 Nov"),
        ({"weekday": False}, "24 Nov"),
        ({"year": True}, "Tue 24 Nov 2026"),
        ({"weekday": False, "year": True}, "24 Nov 2026"),
    ],
)
def test_day_labels_read_as_the_date_filter_would_write_them(options, label):
    day = dt.date(2026, 11, 24)

    assert day_label(day, **options) == label
    for n in range(366):  # every weekday and month name, against the C library's English names
        other = day + dt.timedelta(days=n)
        assert day_label(other, year=True) == f"{other:%a} {other.day} {other:%b %Y}"


def test_chart_tables_are_rows_of_escaped_labels_and_counts():
    today = dt.date(2026, 11, 24)
    activity = {
        today: selectors.DayActivity(today, 8, 0),
        today - dt.timedelta(days=2): selectors.DayActivity(today, 1, 0),
    }
    chart = bar_chart([("<10%", 3), ("10-20%", 0)])

    def cells(html: str) -> list[list[str]]:
        rows = re.findall(r"<tr>(.*?)</tr>", html)
        return [re.findall(r"<td>(.*?)</td>", row) for row in rows]

    assert cells(str(table_rows([("a & b", 1234)]))) == [["a &amp; b", "1234"]]
    assert cells(str(calendar_heatmap(activity, today).table_rows())) == [
        ["Sun 22 Nov 2026", "1"],
        ["Tue 24 Nov 2026", "8"],
    ]
    assert cells(str(chart.table_rows())) == [["&lt;10%", "3"], ["10-20%", "0"]]
    assert str(table_rows([])) == ""
