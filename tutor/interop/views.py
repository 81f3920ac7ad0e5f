"""Pages and endpoints of the interop app: Anki and question-bank downloads, a cohort's CSV import, LTI 1.3.

Downloads are reads, so they are GETs that change nothing. The LTI login and launch are the only views exempt from
CSRF: the platform posts them from another site, and the signed id_token, the one-time nonce and the state cookie
are what protect them.
"""

from __future__ import annotations

import contextlib
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.csp import CSP
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from pylti1p3.deep_link_resource import DeepLinkResource

from tutor.catalog.snapshot import catalog
from tutor.cohorts.models import Assignment
from tutor.cohorts.selectors import taught_assignment, taught_cohorts
from tutor.interop import lti, selectors, services
from tutor.interop.exporters import BANK_FORMATS
from tutor.interop.exporters.anki import anki_package
from tutor.interop.forms import AnkiExportForm, BankExportForm, DeepLinkForm, MemberImportForm
from tutor.interop.selectors import AnkiSelection


def _download(content: bytes, *, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Anki ----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def anki_export(request: HttpRequest) -> HttpResponse:
    """The choice of questions (page), or the .apkg when the form is submitted."""
    snapshot = catalog()
    if "selection" not in request.GET:
        initial = {"selection": request.GET.get("preset") or AnkiSelection.MISSED, "module": request.GET.get("module")}
        form = AnkiExportForm(initial=initial, snapshot=snapshot)
        return render(request, "interop/anki_export.html", {"form": form})
    form = AnkiExportForm(request.GET, snapshot=snapshot)
    if not form.is_valid():
        return render(request, "interop/anki_export.html", {"form": form}, status=400)
    data = form.cleaned_data
    questions = selectors.anki_questions(
        learner=request.user,
        snapshot=snapshot,
        selection=data["selection"],
        module_slug=data["module"] or None,
        qids=data["qid"],
    )
    if not questions:
        form.add_error(None, "No questions match this choice yet, so there is nothing to export.")
        return render(request, "interop/anki_export.html", {"form": form}, status=404)
    module = snapshot.module_by_slug(data["module"]) if data["module"] else None
    deck_name = "MDMA-AT Tutor" + (f"::{module.title}" if module else "")
    name = f"mdma-at-{data['selection']}{'-' + module.slug if module else ''}.apkg"
    return _download(anki_package(questions, deck_name=deck_name), filename=name, content_type="application/apkg")


# --- Question banks for LMSs -----------------------------------------------------------------------------------------


@login_required
@require_GET
def bank_export(request: HttpRequest) -> HttpResponse:
    if not selectors.can_export_bank(request.user):
        return render(request, "interop/educators_only.html", status=403)
    snapshot = catalog()
    if "format" not in request.GET:
        form = BankExportForm(initial={"format": "moodle-xml"}, snapshot=snapshot)
        return render(request, "interop/bank_export.html", {"form": form})
    form = BankExportForm(request.GET, snapshot=snapshot)
    if not form.is_valid():
        return render(request, "interop/bank_export.html", {"form": form}, status=400)
    chosen = BANK_FORMATS[form.cleaned_data["format"]]
    slug = form.cleaned_data["module"] or None
    questions = selectors.module_questions(snapshot, slug)
    if not questions:
        form.add_error(None, "This module has no questions to export.")
        return render(request, "interop/bank_export.html", {"form": form}, status=404)
    name = f"mdma-at-{slug or 'all-modules'}.{chosen.extension}"
    return _download(chosen.write(questions), filename=name, content_type=chosen.content_type)


# --- A cohort's members from CSV -------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def member_import(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Upload or paste, see what would happen row by row, then confirm. Nothing is written until the confirmation."""
    cohort = selectors.importable_cohort(educator=request.user, cohort_id=cohort_id)
    if cohort is None:
        return render(request, "interop/educators_only.html", status=404)
    if request.method == "GET":
        return render(request, "interop/member_import.html", {"cohort": cohort, "form": MemberImportForm()})
    form = MemberImportForm(request.POST, request.FILES)
    context = {"cohort": cohort, "form": form}
    if not form.is_valid():
        return render(request, "interop/member_import.html", context, status=400)
    text = form.cleaned_data["text"]
    try:
        if request.POST.get("confirm"):
            now = timezone.now()
            with transaction.atomic():
                plan = services.apply_member_import(educator=request.user, cohort=cohort, text=text, now=now)
                emails = [row.email for row in plan.to_invite]
                join_url = request.build_absolute_uri(cohort.join_path)
                sign_up_url = request.build_absolute_uri(reverse("accounts:sign_up"))
                transaction.on_commit(
                    lambda: services.send_cohort_invites(
                        cohort=cohort, emails=emails, join_url=join_url, sign_up_url=sign_up_url
                    )
                )
            messages.success(
                request,
                f"{len(plan.to_add)} learner(s) added to {cohort.name}; {len(plan.to_invite)} invited by email.",
            )
            return redirect(cohort.get_absolute_url())
        plan = services.plan_member_import(educator=request.user, cohort=cohort, text=text)
    except services.InteropError as error:
        form.add_error(None, str(error))
        plan = None
        with contextlib.suppress(services.InteropError):  # show the rows too, when the file can be read
            plan = services.plan_member_import(educator=request.user, cohort=cohort, text=text)
        return render(request, "interop/member_import.html", {**context, "plan": plan}, status=400)
    context.update(plan=plan, text=text)
    return render(request, "interop/member_import.html", context, status=400 if plan.errors else 200)


# --- LTI 1.3 ---------------------------------------------------------------------------------------------------------


def _refused(request: HttpRequest, message: str, status: int = 400) -> HttpResponse:
    return render(request, "interop/lti_refused.html", {"message": message}, status=status)


@require_GET
def lti_jwks(request: HttpRequest) -> JsonResponse:
    """The tool's public keys, which platforms use to check what the tool signs."""
    return JsonResponse({"keys": [lti.public_jwk(key) for key in selectors.published_keys()]})


@csrf_exempt  # the platform starts the login from its own site (OIDC third-party initiated login)
@require_http_methods(["GET", "POST"])
def lti_login(request: HttpRequest) -> HttpResponse:
    try:
        return lti.login_redirect(request, launch_url=request.build_absolute_uri(reverse("interop:lti_launch")))
    except lti.LaunchRefused as error:
        return _refused(request, str(error))


@csrf_exempt  # the platform posts the id_token from its own site; the token, nonce and state protect it
@require_POST
def lti_launch(request: HttpRequest) -> HttpResponse:
    try:
        launch = lti.validated_launch(request)
    except lti.LaunchRefused as error:
        return _refused(request, str(error), status=403 if "signature" in str(error).lower() else 400)
    data = launch.get_launch_data()
    platform = selectors.platform_for(issuer=data["iss"], client_id=launch.get_client_id())
    now = timezone.now()
    user = services.provision_lti_user(platform=platform, launch_data=data, now=now)
    login(request, user, backend="tutor.accounts.backends.CachedUserBackend")
    if launch.is_deep_link_launch():
        if not user.is_educator:
            return _refused(request, "Only teachers can choose what this tool links to.", status=403)
        return redirect("interop:lti_deep_link", launch_id=launch.get_launch_id())
    custom = data.get(lti.CLAIM_CUSTOM) or {}
    if custom.get("assignment"):
        assignment = (
            Assignment.objects.select_related("cohort").filter(pk=str(custom["assignment"])).first()
            if str(custom["assignment"]).isdigit()
            else None
        )
        if assignment is None:
            return _refused(request, "The assignment this link opens no longer exists. Tell your teacher.", status=404)
        if user.is_educator and taught_assignment(educator=user, assignment_id=assignment.pk):
            return redirect(assignment.get_absolute_url())
        services.enrol_from_launch(platform=platform, learner=user, assignment=assignment, launch_data=data, now=now)
        messages.info(request, f"Assignment: {assignment.title}, due {assignment.due_on:%d %b %Y}.")
        first = assignment.module_slugs[0] if assignment.module_slugs else None
        return redirect(
            reverse("catalog:module_detail", kwargs={"slug": first}) if first else reverse("cohorts:cohort_list")
        )
    if custom.get("module"):
        module = catalog().module_by_slug(str(custom["module"]))
        if module is None:
            return _refused(request, "The module this link opens is not available. Tell your teacher.", status=404)
        return redirect(reverse("catalog:module_detail", kwargs={"slug": module.slug}))
    return redirect("catalog:home")


def _deep_link_assignments(user):
    return list(Assignment.objects.filter(cohort__in=taught_cohorts(user)).select_related("cohort").order_by("due_on"))


@login_required
@require_http_methods(["GET", "POST"])
def lti_deep_link(request: HttpRequest, launch_id: str) -> HttpResponse:
    """A teacher picks a module or one of their assignments; the answer goes back to the platform as a signed JWT."""
    if not launch_id.startswith("lti1p3-launch-"):
        return _refused(request, "This is not an LTI launch.", status=404)
    try:
        launch = lti.restored_launch(request, launch_id)
    except lti.LaunchRefused as error:
        return _refused(request, str(error), status=410)
    data = launch.get_launch_data()
    identity = request.user.lti_identities.filter(issuer=data.get("iss"), sub=str(data.get("sub"))).first()
    if identity is None or not launch.is_deep_link_launch():
        return _refused(request, "This launch belongs to someone else.", status=403)
    snapshot = catalog()
    form = DeepLinkForm(request.POST or None, snapshot=snapshot, assignments=_deep_link_assignments(request.user))
    if request.method == "GET" or not form.is_valid():
        status = 400 if request.method == "POST" else 200
        return render(request, "interop/deep_link.html", {"form": form, "launch_id": launch_id}, status=status)
    kind, _, value = form.cleaned_data["target"].partition(":")
    resource = DeepLinkResource().set_url(request.build_absolute_uri(reverse("interop:lti_launch")))
    if kind == "module":
        resource.set_title(snapshot.module_by_slug(value).title).set_custom_params({"module": value})
    else:
        assignment = get_object_or_404(Assignment, pk=value)
        resource.set_title(assignment.title).set_custom_params({"assignment": str(assignment.pk)})
    deep_link = launch.get_deep_link()
    settings_claim = data["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"]
    return_url = settings_claim["deep_link_return_url"]
    response = render(
        request,
        "interop/deep_link_return.html",
        {"return_url": return_url, "jwt": deep_link.get_response_jwt([resource]), "title": resource.get_title()},
    )
    # This one form posts to the platform: allow its origin as a form target for this response only.
    parts = urlsplit(return_url)
    response._csp_config = {**settings.SECURE_CSP, "form-action": [CSP.SELF, f"{parts.scheme}://{parts.netloc}"]}
    return response
