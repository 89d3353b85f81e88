"""django-axes lockout response in the API's problem shape (used outside the token view)."""

from django.http import JsonResponse

from apps.accounts.services import ACCOUNT_LOCKED
from apps.api.problems import problem_response


def lockout_response(request, response=None, credentials=None, *args, **kwargs) -> JsonResponse:
    resp = problem_response(429, detail=ACCOUNT_LOCKED, slug="account-locked")
    resp["Retry-After"] = "900"
    return resp
