"""The API's one error shape, and how the workflow's refusals map onto HTTP statuses."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from reports.exceptions import Conflict, EditConflict


def exception_handler(exc, context):
    """One error shape everywhere: ``{"detail": "...", "errors": {"field": ["..."]}}``.

    The workflow's refusals become 403 (not permitted) and 409 (wrong state, stale version);
    a model's ValidationError becomes 400 with its field errors.
    """
    if isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    if isinstance(exc, Conflict):
        body = {"detail": exc.message, "errors": {}}
        if isinstance(exc, EditConflict):
            body["changes"] = exc.changes
        return Response(body, status=status.HTTP_409_CONFLICT)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = flatten_errors(response.data)
        response.data = {"detail": str(_("The request has invalid fields.")), "errors": errors}
    else:
        response.data = {"detail": response.data.get("detail", ""), "errors": {}}
    return response


def flatten_errors(errors, prefix=""):
    """Nested errors as one level: ``{"indicator_values.0.value": ["..."]}``."""
    if isinstance(errors, dict):
        flat = {}
        for key, value in errors.items():
            flat.update(flatten_errors(value, f"{prefix}{key}."))
        return flat
    name = prefix.rstrip(".") or "non_field_errors"
    if isinstance(errors, list) and all(isinstance(error, str) for error in errors):
        return {name: [str(error) for error in errors]}
    if isinstance(errors, list):
        flat = {}
        for index, error in enumerate(errors):
            if error:
                flat.update(flatten_errors(error, f"{prefix}{index}."))
        return flat
    return {name: [str(errors)]}
