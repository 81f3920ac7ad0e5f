from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from tutor.accounts.models import User
from tutor.accounts.time_zones import TimeZoneField


class SignUpForm(UserCreationForm):
    """Sign-up for a new learner: a username, an optional email and a password typed twice."""

    email = forms.EmailField(required=False, help_text="Optional. Used only to help you recover your account.")
    # Filled in by the browser's script with its own time zone, so that study days start at the learner's midnight.
    time_zone = TimeZoneField(widget=forms.HiddenInput)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    @property
    def zone_fell_back(self) -> bool:
        return self.fields["time_zone"].fell_back


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password, so a borrowed open session cannot do it."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(
        label="I understand that my answers, schedule and progress will be deleted and cannot be recovered.",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, user, cohorts_to_delete: list[str] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if cohorts_to_delete:
            # Cohorts nobody else teaches are deleted with the account: only with a tick that names them.
            self.fields["delete_cohorts"] = forms.BooleanField(
                label=f"Also delete {', '.join(cohorts_to_delete)}, with their assignments and memberships.",
                error_messages={"required": "Tick the box to confirm that these cohorts may be deleted."},
            )

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
