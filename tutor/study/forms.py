"""Forms: every input a learner sends is validated here, and every problem gets a message and a 4xx."""

from __future__ import annotations

import re

from django import forms

from tutor.accounts.time_zones import TimeZoneField, normalize_zone
from tutor.catalog.snapshot import QuestionView
from tutor.study.models import PracticeMode, PracticePool, Rating

MAX_DURATION_MS = 24 * 3600 * 1000


class MillisecondsField(forms.Field):
    """How long the learner took, as the page's script measured it: ASCII digits only, capped at a day.

    The value is a hint for statistics, never a reason to refuse the answer it comes with, so anything else
    (unicode digits, signs, a 5,000-digit number, garbage) is dropped as unknown rather than answered with a 400.
    """

    widget = forms.HiddenInput
    DIGITS = re.compile(r"[0-9]{1,12}")

    def __init__(self, *, maximum: int, **kwargs):
        super().__init__(required=False, **kwargs)
        self.maximum = maximum

    def to_python(self, value) -> int | None:
        text = value.strip() if isinstance(value, str) else ""
        if not self.DIGITS.fullmatch(text):
            return None
        return min(int(text), self.maximum)


class AnswerForm(forms.Form):
    """The answer to one question; its fields, checks and answer come from the question's type."""

    attempt = forms.CharField(widget=forms.HiddenInput)
    duration_ms = MillisecondsField(maximum=MAX_DURATION_MS)

    def __init__(self, question: QuestionView, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.question = question
        self.fields.update(question.type_spec.form_fields(question))
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "That answer does not belong to this question."
            field.error_messages["invalid_list"] = "That answer does not belong to this question."

    def clean(self):
        cleaned = super().clean()
        self.question.type_spec.clean(self.question, cleaned)
        return cleaned

    def answer(self) -> dict:
        """The validated answer as stored on the review log (see the question's type in tutor/questions)."""
        return self.question.type_spec.answer(self.question, self.cleaned_data)


class RatingForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=Rating.choices, coerce=int, error_messages={"invalid_choice": "Choose Again, Hard, Good or Easy."}
    )


RETENTION_CHOICES = [(f"{r / 100:.2f}", f"{r}%") for r in range(80, 98)]


class StudySettingsForm(forms.Form):
    desired_retention = forms.TypedChoiceField(
        label="How well do you want to remember?",
        choices=RETENTION_CHOICES,
        coerce=float,
        help_text=(
            "Questions come back when your predicted chance of recalling them falls to this level. "
            "Higher means more reviews each day and fewer things forgotten; 90% suits most learners."
        ),
    )
    new_per_day = forms.IntegerField(
        label="New questions per day",
        min_value=0,
        max_value=200,
        help_text="How many questions you have not seen before are introduced each day (0 to 200).",
    )
    modules = forms.MultipleChoiceField(
        label="Modules in your daily study",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Modules an educator assigned to you are always included.",
    )
    time_zone = TimeZoneField(
        label="Your time zone",
        help_text="Your study day starts at midnight here; it decides when today's new questions reset.",
    )

    def __init__(self, *args, module_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = module_choices
        stored = self.initial.get("time_zone", "")
        zone, known = normalize_zone(stored)
        self.initial["time_zone"] = zone
        if not known:
            # A zone saved before the list was unified (or set in the admin): shown as the site's, never unsavable.
            self.fields[
                "time_zone"
            ].help_text = f"“{stored}” is not a time zone we know, so the site's time zone is used. Choose yours here."


class PracticeTestForm(forms.Form):
    modules = forms.MultipleChoiceField(
        label="Modules",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to draw from every module.",
    )
    pool = forms.ChoiceField(label="Which questions", choices=PracticePool.choices, widget=forms.RadioSelect)
    count = forms.IntegerField(label="How many questions", min_value=1, max_value=100, initial=10)
    mode = forms.ChoiceField(label="Mode", choices=PracticeMode.choices, widget=forms.RadioSelect)
    time_limit_minutes = forms.IntegerField(
        label="Time limit in minutes (exam mode, optional)", min_value=1, max_value=300, required=False
    )

    def __init__(self, *args, module_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["modules"].choices = module_choices

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("time_limit_minutes") and cleaned.get("mode") != PracticeMode.EXAM:
            self.add_error("time_limit_minutes", "A time limit applies to exam mode only.")
        return cleaned


class MissedFilterForm(forms.Form):
    STATUS_CHOICES = [("", "All missed"), ("still", "Still missed"), ("since", "Since answered right")]

    module = forms.ChoiceField(label="Module", required=False)
    status = forms.ChoiceField(label="Show", required=False, choices=STATUS_CHOICES)

    def __init__(self, *args, module_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", "All modules"), *module_choices]


REPORT_MAX_CHARS = 4000


class StudyFocusForm(forms.Form):
    """The modules a study session is focused on (`?module=<slug>`, repeatable); none: the whole daily study."""

    module = forms.MultipleChoiceField(
        required=False, error_messages={"invalid_choice": "There is no module called %(value)s to study."}
    )

    def __init__(self, *args, module_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = module_choices


class ProblemReportForm(forms.Form):
    text = forms.CharField(
        label="What is wrong with this question?",
        max_length=REPORT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "data-char-limit": REPORT_MAX_CHARS}),
        help_text=f"For example: a fact that does not match the source, an unclear stem, two defensible answers. "
        f"Up to {REPORT_MAX_CHARS:,} characters.",
        error_messages={
            "required": "Describe the problem in a sentence or two.",
            "max_length": f"Keep the report to {REPORT_MAX_CHARS:,} characters: this one has %(show_value)s. "
            "Shorten it and send it again.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # No `maxlength` in the page: a browser would cut a pasted report silently; the form says so instead.
        self.fields["text"].widget.attrs.pop("maxlength", None)

    def clean_text(self) -> str:
        text = self.cleaned_data["text"].strip()
        if len(text) < 5:
            raise forms.ValidationError("Describe the problem in a sentence or two.")
        return text


class RaiseNewPerDayForm(forms.Form):
    """The offer on an assignment that the daily limit cannot cover: raise the limit to a given number."""

    new_per_day = forms.IntegerField(
        min_value=1,
        max_value=200,
        error_messages={
            "required": "Say how many new questions a day you want.",
            "invalid": "Enter a whole number of new questions a day.",
            "min_value": "Enter at least %(limit_value)s new question a day.",
            "max_value": "Enter at most %(limit_value)s new questions a day.",
        },
    )
