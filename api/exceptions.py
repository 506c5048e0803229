"""Errors as JSON, always in one shape: `{"detail": "…"}`, plus `"errors": {"field": ["…"]}`
when some values are not valid (400). A service's ValidationError (the same rule a page shows
beside its field) becomes that 400, with the field names; nothing becomes a 500."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

INVALID = _("Some values are not valid: see “errors”.")


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("Someone else changed this at the same time: read it again and retry.")
    default_code = "conflict"


def _field_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """DRF's nested error detail as {"field": [messages]} ("lines.0.amount" for nested ones)."""
    errors: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = api_settings.NON_FIELD_ERRORS_KEY if key == NON_FIELD_ERRORS else str(key)
            for field, messages in _field_errors(value, f"{prefix}{name}.").items():
                errors.setdefault(field, []).extend(messages)
    elif isinstance(detail, list) and any(isinstance(item, dict | list) for item in detail):
        for index, value in enumerate(detail):
            for field, messages in _field_errors(value, f"{prefix}{index}.").items():
                errors.setdefault(field, []).extend(messages)
    else:
        items = detail if isinstance(detail, list) else [detail]
        field = prefix.rstrip(".") or api_settings.NON_FIELD_ERRORS_KEY
        errors[field] = [str(item) for item in items]
    return errors


def _from_django(error: DjangoValidationError) -> exceptions.ValidationError:
    if hasattr(error, "error_dict"):
        return exceptions.ValidationError(error.message_dict)
    return exceptions.ValidationError({api_settings.NON_FIELD_ERRORS_KEY: error.messages})


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        exc = _from_django(exc)
    elif isinstance(exc, IntegrityError):
        exc = Conflict()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": str(INVALID), "errors": _field_errors(exc.detail)}
    elif not isinstance(response.data, dict) or "detail" not in response.data:
        response.data = {"detail": str(response.data)}
    else:
        response.data = {"detail": str(response.data["detail"])}
    return response
