"""Forms for cohorts: every input is validated here, and every problem gets a message next to its field and a 4xx."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils.safestring import SafeString

from tutor.accounts.models import Role, User
from tutor.cohorts.models import DEFAULT_TARGET_ACCURACY, Assignment, Cohort
from tutor.cohorts.selectors import AttemptKind
from tutor.web.field_groups import field_group

# How far ahead a chosen date may lie. A course runs for months, not decades; the bound also keeps a typing slip
# (9999-12-31) out of the database. Past dates have their own rules (an assignment may have opened long ago).
DATE_HORIZON = dt.timedelta(days=5 * 365)
OUT_OF_RANGE = "Choose a day within five years from today."


def within_horizon(day: dt.date | None, today: dt.date) -> bool:
    return day is None or day <= today + DATE_HORIZON


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "date-input", **(attrs or {})}, format="%Y-%m-%d")


class CohortForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=120,
        help_text="What learners will see, for example “Spring 2027 therapist training”.",
        error_messages={"required": "Give the cohort a name."},
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="A line for learners about who the cohort is for.",
    )
    co_teachers = forms.CharField(
        label="Co-teachers (optional)",
        max_length=1000,
        required=False,
        help_text="Usernames of other educators who teach the cohort with you, separated by commas. They see "
        "everything you see.",
    )

    def __init__(self, *args, owner: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the cohort a name.")
        return name

    def clean_co_teachers(self) -> list[User]:
        names = list(dict.fromkeys(n.strip() for n in self.cleaned_data["co_teachers"].split(",") if n.strip()))
        if not names:
            return []
        if len(names) > 20:
            raise forms.ValidationError("List at most 20 co-teachers.")
        any_of = Q()
        for name in names:
            any_of |= Q(username__iexact=name)
        found = {u.username.lower(): u for u in User.objects.filter(any_of, role=Role.EDUCATOR)}
        unknown = [n for n in names if n.lower() not in found]
        if unknown:
            raise forms.ValidationError(
                "No educator has the username %(names)s. Co-teachers need an educator account.",
                params={"names": ", ".join(unknown)},
            )
        if self.owner.username.lower() in found:
            raise forms.ValidationError("You already teach this cohort: list only the other educators.")
        return list(found.values())

    @classmethod
    def initial_for(cls, cohort: Cohort) -> dict:
        return {
            "name": cohort.name,
            "description": cohort.description,
            "co_teachers": ", ".join(sorted(t.username for t in cohort.co_teachers.all())),
        }


class JoinCohortForm(forms.Form):
    code = forms.CharField(
        label="Join code",
        max_length=32,
        help_text="The eight letters and digits your educator gave you, for example K7QM4XPA (upper or lower case).",
        error_messages={"required": "Enter the code your educator gave you."},
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}),
    )


class JoinCodeForm(forms.Form):
    expires_on = forms.DateField(
        label="Last day the new code works (optional)",
        required=False,
        widget=DateInput(),
        help_text="Leave empty for a code that works until you change it.",
        error_messages={"invalid": "Enter a date, such as 2027-03-31."},
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today

    @property
    def expires_on_field_group(self) -> SafeString:
        """The date field, drawn once while empty: the cohort dashboard shows it on every visit."""
        return field_group(self, "expires_on")

    def clean_expires_on(self) -> dt.date | None:
        day = self.cleaned_data["expires_on"]
        if day is not None and day < self.today:
            raise forms.ValidationError("Choose today or a later day.")
        if not within_horizon(day, self.today):
            raise forms.ValidationError(OUT_OF_RANGE)
        return day


class AssignmentForm(forms.Form):
    modules = forms.MultipleChoiceField(
        label="Modules",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one module."},
        help_text="Assigned modules join each learner's daily study straight away.",
    )
    title = forms.CharField(
        label="Title (optional)",
        max_length=160,
        required=False,
        help_text="Leave empty to use the modules' titles.",
    )
    opens_on = forms.DateField(
        label="Open date",
        widget=DateInput(),
        error_messages={"required": "Choose the day the assignment opens.", "invalid": "Enter a date."},
        help_text="Practice exams count from this day.",
    )
    due_on = forms.DateField(
        label="Due date",
        widget=DateInput(),
        error_messages={"required": "Choose the day it is due.", "invalid": "Enter a date."},
        help_text="Due by the end of this day.",
    )
    target_accuracy = forms.IntegerField(
        label="Accuracy target (%)",
        min_value=50,
        max_value=100,
        initial=DEFAULT_TARGET_ACCURACY,
        help_text="Complete when every question has been answered at least once and, in each module, at least this "
        "share of the latest answers is right.",
        error_messages={
            "required": "Enter a target between 50 and 100.",
            "invalid": "Enter a whole number between 50 and 100.",
            "min_value": "Enter a target of at least %(limit_value)s%%.",
            "max_value": "A target cannot be above %(limit_value)s%%.",
        },
    )
    exam_pass_mark = forms.IntegerField(
        label="Practice exam pass mark (%, optional)",
        min_value=1,
        max_value=100,
        required=False,
        help_text="If set, learners must also pass an exam-mode practice test over these modules with at least "
        "this score, taken after the open date.",
        error_messages={
            "invalid": "Enter a whole number between 1 and 100, or leave it empty.",
            "min_value": "Enter a pass mark of at least %(limit_value)s%%.",
            "max_value": "A pass mark cannot be above %(limit_value)s%%.",
        },
    )

    exam_min_questions = forms.IntegerField(
        label="Questions an exam needs (optional)",
        min_value=1,
        max_value=500,
        required=False,
        help_text="An exam counts only with at least this many questions, drawn from all the assigned modules. "
        "Empty: 20, or every question of the modules when they have fewer.",
        error_messages={
            "invalid": "Enter a whole number of questions, or leave it empty.",
            "min_value": "An exam needs at least %(limit_value)s question.",
            "max_value": "Enter at most %(limit_value)s questions.",
        },
    )

    def __init__(self, *args, module_choices: list[tuple[str, str]], today: dt.date, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = module_choices
        self.today = today
        self.editing = editing

    def clean_title(self) -> str:
        return " ".join(self.cleaned_data["title"].split())

    def clean(self):
        cleaned = super().clean()
        for name in ("opens_on", "due_on"):
            if not within_horizon(cleaned.get(name), self.today) and name in self.changed_data:
                self.add_error(name, OUT_OF_RANGE)
        opens_on, due_on = cleaned.get("opens_on"), cleaned.get("due_on")
        if opens_on and due_on and due_on < opens_on:
            self.add_error("due_on", "The due date must be on or after the open date.")
        elif due_on and due_on < self.today and (not self.editing or "due_on" in self.changed_data):
            self.add_error("due_on", "This day has passed: choose today or a later day.")
        if not cleaned.get("title") and cleaned.get("modules"):
            titles = dict(self.fields["modules"].choices)
            cleaned["title"] = ", ".join(titles[slug] for slug in cleaned["modules"])[:160]
        return cleaned

    @classmethod
    def initial_for(cls, assignment: Assignment) -> dict:
        return {
            "modules": list(assignment.module_slugs),
            "title": assignment.title,
            "opens_on": assignment.opens_on,
            "due_on": assignment.due_on,
            "target_accuracy": assignment.target_accuracy,
            "exam_pass_mark": assignment.exam_pass_mark,
            "exam_min_questions": assignment.exam_min_questions,
        }


class DashboardSortForm(forms.Form):
    sort = forms.ChoiceField(required=False, error_messages={"invalid_choice": "Choose a column to sort by."})

    def __init__(self, *args, keys: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort"].choices = [("", "Name"), *[(key, key) for key in keys]]


class ItemAnalysisForm(forms.Form):
    attempts = forms.ChoiceField(
        label="Count",
        required=False,
        choices=AttemptKind.choices,
        help_text="First attempts show what learners knew before any feedback; latest attempts, what they answer now.",
        error_messages={"invalid_choice": "Choose first or latest attempts."},
    )

    @property
    def attempts_field_group(self) -> SafeString:
        """The attempts field, drawn once for each choice (and for none) rather than on every visit."""
        return field_group(self, "attempts")
