from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from tutor.accounts.forms import DeleteAccountForm, SignUpForm
from tutor.accounts.services import create_account, delete_account


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = create_account(
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password1"],
            email=form.cleaned_data.get("email", ""),
            time_zone=form.cleaned_data.get("time_zone", ""),
        )
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        return redirect(next_url or reverse("home"))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/sign_up.html", {"form": form, "next": next_url}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete_my_account(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            logout(request)
            delete_account(user=user)
            messages.success(request, "Your account and all your data have been deleted.")
            return redirect("home")
        return render(request, "registration/delete_account.html", {"form": form}, status=400)
    return render(request, "registration/delete_account.html", {"form": form})
