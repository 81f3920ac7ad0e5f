from __future__ import annotations

from django import forms
from django.contrib.auth.forms import UserCreationForm

from tutor.accounts.models import User


class SignUpForm(UserCreationForm):
    """Sign-up for a new learner: a username, an optional email and a password typed twice."""

    email = forms.EmailField(required=False, help_text="Optional. Used only to help you recover your account.")

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")
