from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from tutor.accounts.models import User


class SignUpForm(UserCreationForm):
    """Sign-up for a new learner: a username, an optional email and a password typed twice."""

    email = forms.EmailField(required=False, help_text="Optional. Used only to help you recover your account.")
    # Filled in by the browser's script with its own time zone, so that study days start at the learner's midnight.
    time_zone = forms.CharField(required=False, widget=forms.HiddenInput, max_length=64)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def clean_time_zone(self) -> str:
        """A zone the browser reported, if it is a real one; otherwise the site's (an empty value)."""
        import zoneinfo

        zone = self.cleaned_data.get("time_zone", "").strip()
        return zone if zone in zoneinfo.available_timezones() else ""


class DeleteAccountForm(forms.Form):
    """Deleting an account asks for the password, so a borrowed open session cannot do it."""

    password = forms.CharField(
        label="Your password", strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )
    confirm = forms.BooleanField(
        label="I understand that my answers, schedule and progress will be deleted and cannot be recovered.",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError("That is not your password.")
        return password
