"""ApplicationError: a rule of the domain was broken. Services raise it; views and the API show its message."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions as drf_exceptions
from rest_framework.views import exception_handler


class ApplicationError(Exception):
    def __init__(self, message: str, extra: dict | None = None):
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


def api_exception_handler(exc, context):
    # keep the Chinese reason a view or service gave (DRF's own conversion drops it)
    if isinstance(exc, DjangoPermissionDenied) and exc.args:
        exc = drf_exceptions.PermissionDenied(detail=str(exc.args[0]))
    if isinstance(exc, Http404):  # never the model's English name ("No Campaign matches the given query.")
        exc = drf_exceptions.NotFound(detail=_("页面不存在，或者您无权查看。"))
    if isinstance(exc, DjangoValidationError):
        exc = drf_exceptions.ValidationError(detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, ApplicationError):
        exc = drf_exceptions.ValidationError(detail={"message": exc.message, "extra": exc.extra})
    return exception_handler(exc, context)
