from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from tutor.accounts.forms import DeleteAccountForm, SignUpForm
from tutor.accounts.services import create_account
from tutor.web.errors import error_response
from tutor.web.next_url import safe_next_url
from tutor.web.throttle import client_ip, over_limit


class LogInView(auth_views.LoginView):
    """Django's log-in, with the app's one rule for `next` (a POST-only page sends you to the page it belongs to)."""

    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        candidate = self.request.POST.get(self.redirect_field_name, self.request.GET.get(self.redirect_field_name))
        return safe_next_url(self.request, candidate, "")


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("catalog:home")
    next_url = safe_next_url(request, request.POST.get("next") or request.GET.get("next"), "")
    form = SignUpForm(request.POST or None)
    if request.method == "POST":
        if over_limit(
            action="sign-up", keys=[client_ip(request)], limit=settings.SIGN_UP_LIMIT_PER_HOUR, window_seconds=3600
        ):
            return error_response(
                request, 429, "Too many accounts were made from your network in the last hour. Try again later."
            )
        if form.is_valid():
            user = create_account(
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
                email=form.cleaned_data.get("email", ""),
                time_zone=form.cleaned_data.get("time_zone", ""),
            )
            login(request, user, backend="tutor.accounts.backends.CachedUserBackend")
            if form.zone_fell_back:
                messages.info(
                    request,
                    "Your browser reported a time zone the tutor does not know, so the site's is used. "
                    "You can choose yours in Settings.",
                )
            return redirect(next_url or reverse("catalog:home"))
    status = 400 if request.method == "POST" else 200
    return render(request, "registration/sign_up.html", {"form": form, "next": next_url}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def delete_my_account(request: HttpRequest) -> HttpResponse:
    # Cohorts point at their owner, so an educator's account is settled with them (cohorts stand above accounts:
    # imported here, where the page is composed, never from accounts' models or services).
    from tutor.cohorts.selectors import owned_cohort_handovers
    from tutor.cohorts.services import delete_educator_account

    handovers = owned_cohort_handovers(request.user)
    to_delete = [h.cohort.name for h in handovers if h.successor is None]
    form = DeleteAccountForm(request.POST or None, user=request.user, cohorts_to_delete=to_delete)
    context = {"form": form, "handovers": handovers}
    if request.method == "POST":
        if form.is_valid():
            user = request.user
            # Delete first, then log out: a failure leaves the person signed in with everything as it was.
            delete_educator_account(user=user, delete_unshared_cohorts=bool(form.cleaned_data.get("delete_cohorts")))
            logout(request)
            messages.success(request, "Your account and all your data have been deleted.")
            return redirect("catalog:home")
        return render(request, "registration/delete_account.html", context, status=400)
    return render(request, "registration/delete_account.html", context)
