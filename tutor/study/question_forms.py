"""A question's answer form, rendered once per content revision.

The form depends only on the question (and where it is posted), except for two values that change with every
request: the CSRF token and the one-time attempt token. The form is rendered once with a slot for each and kept
with the catalog snapshot (so a content load replaces it); each request fills in its own tokens.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from tutor.catalog.snapshot import CatalogSnapshot, QuestionView
from tutor.study.forms import AnswerForm
from tutor.web.csrf import response_csrf_token

# Letters and digits only, so that no escaping changes them on the way through the template.
CSRF_SLOT = "csrfslot0a8d2f6e4c1b9e7d"
ATTEMPT_SLOT = "attemptslot5b3c9a1f7e2d8c4a"


def question_form_html(
    *, request: HttpRequest, snapshot: CatalogSnapshot, question: QuestionView, answer_url: str, attempt: str
) -> SafeString:
    """The unanswered form of `question`, posting to `answer_url`, carrying this request's tokens."""

    def render() -> str:
        form = AnswerForm(question, initial={"attempt": ATTEMPT_SLOT})
        context = {"question": question, "form": form, "answer_url": answer_url, "csrf_token": CSRF_SLOT}
        return render_to_string("study/_question_form.html", context)

    html = snapshot.rendered(("question_form", question.id, question.revision, answer_url), render)
    # The tokens are URL-safe (letters, digits, "-", "_", ":"), so they need no escaping inside an attribute.
    return mark_safe(html.replace(CSRF_SLOT, response_csrf_token(request)).replace(ATTEMPT_SLOT, attempt))
