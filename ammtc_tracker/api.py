"""What every endpoint of the REST API shares: CSV, the documented errors in the schema, the JSON
404. The error handler itself is in ``api_errors`` (it knows the workflow's refusals, and the
plan's endpoints, which import this module, must not)."""

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.renderers import BaseRenderer
from rest_framework_csv.renderers import CSVRenderer

from ammtc_tracker.api_renderers import JSONRenderer
from ammtc_tracker.db_routers import read_from_replica
from ammtc_tracker.spreadsheets import spreadsheet_cell


class FlatCSVRenderer(CSVRenderer):
    """CSV with the serializer's columns in order, even with no rows; lists are joined by '; ';
    text that a spreadsheet would run as a formula is neutralised."""

    def render(self, data, media_type=None, renderer_context=None, writer_opts=None):
        renderer_context = renderer_context or {}
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = [self._flatten(row) for row in data] if isinstance(data, list) else [data]
        if rows and isinstance(rows[0], dict):
            renderer_context = {**renderer_context, "header": list(rows[0])}
        return super().render(rows, media_type, renderer_context)

    @staticmethod
    def _flatten(row):
        if not isinstance(row, dict):
            return row
        return {key: spreadsheet_cell(FlatCSVRenderer._cell(value)) for key, value in row.items()}

    @staticmethod
    def _cell(value):
        """Party codes as 'ID; JP'; nested objects (indicator values, files) as JSON."""
        if isinstance(value, list) and not any(isinstance(item, dict | list) for item in value):
            return "; ".join(str(item) for item in value)
        if isinstance(value, dict | list):
            return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        return value


class FileRenderer(BaseRenderer):
    """Bytes made by a module of ``reports.exports``, passed through as they are."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        return data


class CSVFileRenderer(FileRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"


class XLSXFileRenderer(FileRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None


def format_parameter(*formats):
    """The ``format`` query parameter of an operation that answers in several formats."""
    return OpenApiParameter(
        "format",
        str,
        enum=["json", *formats],
        description=str(_("The response's format (or send an Accept header); default json.")),
    )


class JSONErrorsMixin:
    """Errors are always JSON, as documented, even when the client asked for CSV or XLSX."""

    def handle_exception(self, exc):
        response = super().handle_exception(exc)
        renderer = getattr(self.request, "accepted_renderer", None)
        if renderer is not None and renderer.format != "json":
            self.request.accepted_renderer = JSONRenderer()
            self.request.accepted_media_type = JSONRenderer.media_type
        return response


class CSVListMixin(JSONErrorsMixin):
    """Lists also answer in CSV (``?format=csv`` or ``Accept: text/csv``), unpaginated, and read
    from the read replica when there is one."""

    def list(self, request, *args, **kwargs):
        with read_from_replica():
            return super().list(request, *args, **kwargs)

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers.append(FlatCSVRenderer())
        return renderers

    def get_renderer_context(self):
        context = super().get_renderer_context()
        renderer = getattr(self.request, "accepted_renderer", None)
        if renderer and renderer.format == "csv":  # the serializer's fields are not free
            context["header"] = list(self.get_serializer().fields)
        return context

    def paginate_queryset(self, queryset):
        if (
            getattr(self.request, "accepted_renderer", None)
            and self.request.accepted_renderer.format == "csv"
        ):
            self.paginator.check_parameters(self.request)
            return None
        return super().paginate_queryset(queryset)


class RowsListMixin:
    """A list whose JSON pages are read as values (``ammtc_tracker.api_rows``): the view gives
    ``page_values(queryset)``, the rows to page, and ``page_json(rows)``, their JSON. Other
    formats go the serializer's way."""

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format != "json":
            return super().list(request, *args, **kwargs)
        with read_from_replica():
            rows = self.page_values(self.filter_queryset(self.get_queryset()))
            return self.get_paginated_response(self.page_json(self.paginate_queryset(rows)))


ERROR = inline_serializer(
    "Error",
    {
        "detail": serializers.CharField(),
        "errors": serializers.DictField(child=serializers.ListField(child=serializers.CharField())),
    },
)


class AutoSchema(SpectacularAutoSchema):
    """Documents the error responses each operation can give, so clients and tests know them."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code, description in self._error_responses().items():
            responses.setdefault(
                code,
                self._get_response_for_code(
                    OpenApiResponse(ERROR, description), code, ["application/json"], direction
                ),
            )
        return responses

    def _error_responses(self):
        errors = {
            "400": _("Invalid input or query parameters; the errors name each field."),
            "401": _("Not logged in, or the token is not valid or was revoked."),
            "429": _("Too many requests; retry after the seconds in Retry-After."),
        }
        if "{" in self.path:
            errors["404"] = _("No such object, or not one you may see.")
        elif self.method == "GET":
            errors["404"] = _("No such page, or nothing to summarise.")
        if self.method == "GET":
            errors["406"] = _(
                "The format asked for is not offered here; the error lists those that are."
            )
        if self.method != "GET":
            errors["403"] = _("Your role or party may not do this.")
            errors["409"] = _("The object's state does not allow this, or it changed since read.")
        return errors


def strict_request_bodies(result, generator, request, public):
    """Request bodies refuse fields they do not know (``StrictFieldsMixin``), so their schemas
    say ``additionalProperties: false``; a PATCH of a report needs the version it read."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
    if "PatchedProgressReportUpdateRequest" in schemas:
        schemas["PatchedProgressReportUpdateRequest"]["required"] = ["version"]
    return result


class ApiTokenScheme(OpenApiAuthenticationExtension):
    target_class = "ammtc_tracker.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": str(
                _("A personal token from your profile page, sent as 'Token <key>'.")
            ),
        }


@csrf_exempt  # it changes nothing; without this a POST would get CSRF's HTML 403 page
def not_found(request, *args, **kwargs):
    """Any other path under /api/: a JSON 404 like the rest of the API, not the HTML page."""
    return JsonResponse({"detail": str(_("Not found.")), "errors": {}}, status=404)
