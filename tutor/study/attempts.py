"""One-time attempt tokens: each rendered question carries one, so a replayed answer is recognised, not doubled.

A token is signed (so it cannot be forged or pointed at another question) and names the learner, the question,
the practice item if any, and a random nonce; the review log stores the nonce under a unique constraint.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing

SALT = "tutor.study.attempt"
MAX_AGE_SECONDS = 7 * 24 * 3600


class BadAttempt(Exception):
    """The token is missing, tampered with, expired or someone else's."""


@dataclass(frozen=True)
class Attempt:
    question_id: int
    nonce: str
    practice_item_id: int | None = None


def issue_attempt(*, learner_id: int, question_id: int, practice_item_id: int | None = None) -> str:
    payload = {"u": learner_id, "q": question_id, "n": secrets.token_urlsafe(16)}
    if practice_item_id is not None:
        payload["p"] = practice_item_id
    return signing.dumps(payload, salt=SALT, compress=False)


def read_attempt(token: str | None, *, learner_id: int) -> Attempt:
    if not token:
        raise BadAttempt("This answer came without its question token. Reload the question and answer again.")
    try:
        payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    except signing.SignatureExpired as error:
        raise BadAttempt("This question was shown too long ago. Here it is again.") from error
    except signing.BadSignature as error:
        raise BadAttempt("This answer could not be matched to a question. Reload the page and try again.") from error
    if not isinstance(payload, dict) or payload.get("u") != learner_id:
        raise BadAttempt("This answer could not be matched to a question. Reload the page and try again.")
    return Attempt(question_id=payload["q"], nonce=payload["n"], practice_item_id=payload.get("p"))
