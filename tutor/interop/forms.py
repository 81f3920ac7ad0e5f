"""Forms of the interop pages: every input is checked here, and every problem gets a message and a 4xx."""

from __future__ import annotations

from django import forms

from tutor.catalog.snapshot import CatalogSnapshot
from tutor.interop.exporters import BANK_FORMATS
from tutor.interop.selectors import AnkiSelection
from tutor.interop.services import MAX_IMPORT_BYTES


class AnkiExportForm(forms.Form):
    selection = forms.ChoiceField(
        label="Which questions",
        choices=AnkiSelection.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose which questions to export.",
            "invalid_choice": "Choose one of the options.",
        },
    )
    module = forms.ChoiceField(label="Module", required=False)
    qid = forms.MultipleChoiceField(
        label="Questions", required=False, widget=forms.CheckboxSelectMultiple, help_text="For “Questions I choose”."
    )

    def __init__(self, *args, snapshot: CatalogSnapshot, **kwargs):
        super().__init__(*args, **kwargs)
        self.snapshot = snapshot
        self.fields["module"].choices = [("", "All modules"), *snapshot.module_choices()]
        live = sorted(snapshot.live_questions, key=lambda q: (snapshot.modules[q.module_id].order, q.order))
        self.fields["qid"].choices = [(q.qid, f"{q.qid}: {q.stem[:90]}") for q in live]
        self.fields["qid"].error_messages["invalid_choice"] = "%(value)s is not a question of the bank."

    def clean(self):
        data = super().clean()
        selection = data.get("selection")
        if selection == AnkiSelection.MODULE and not data.get("module"):
            self.add_error("module", "Choose the module to export.")
        if selection == AnkiSelection.CHOSEN and not data.get("qid"):
            self.add_error("qid", "Tick at least one question.")
        return data


class BankExportForm(forms.Form):
    format = forms.ChoiceField(
        label="Format",
        choices=[(f.name, f.label) for f in BANK_FORMATS.values()],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a format.", "invalid_choice": "Choose Moodle XML, QTI or GIFT."},
    )
    module = forms.ChoiceField(label="Module", required=False)

    def __init__(self, *args, snapshot: CatalogSnapshot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["module"].choices = [("", "All modules"), *snapshot.module_choices()]


class MemberImportForm(forms.Form):
    """Upload a file or paste its text; the preview puts the text back in `csv_text` for the confirmation."""

    file = forms.FileField(label="CSV file", required=False, help_text="One username or email address per line.")
    csv_text = forms.CharField(
        label="Or paste the lines",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=MAX_IMPORT_BYTES,
    )

    def clean(self):
        data = super().clean()
        upload = data.get("file")
        if upload:
            if upload.size > MAX_IMPORT_BYTES:
                raise forms.ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // 1000} KB.")
            try:
                data["text"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError as error:
                raise forms.ValidationError(
                    "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again."
                ) from error
        else:
            data["text"] = data.get("csv_text") or ""
        if not data["text"].strip():
            raise forms.ValidationError("Choose a CSV file or paste the usernames and email addresses.")
        return data


class DeepLinkForm(forms.Form):
    target = forms.ChoiceField(
        label="Link to",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose a module or an assignment.", "invalid_choice": "Choose one of the list."},
    )

    def __init__(self, *args, snapshot: CatalogSnapshot, assignments, **kwargs):
        super().__init__(*args, **kwargs)
        modules = [(f"module:{slug}", f"Module: {title}") for slug, title in snapshot.module_choices()]
        tasks = [
            (f"assignment:{a.pk}", f"Assignment: {a.title} ({a.cohort.name}, due {a.due_on:%d %b %Y})")
            for a in assignments
        ]
        self.fields["target"].choices = modules + tasks
