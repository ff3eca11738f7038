"""Page size, the anonymous limit checked before permissions, body parsing and format choice of
the API. Kept apart from ``api.py`` because DRF imports these while it is itself being imported."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, pagination, parsers, permissions, throttling
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from ammtc_tracker.paging import COUNT_LIMIT, EstimatingPaginator
from ammtc_tracker.throttles import AnonThrottle

COUNT_DESCRIPTION = _(
    "How many results the query has: exact up to %(limit)d, above that the database's "
    "estimate (see count_is_exact). Follow next to read every page."
)
COUNT_IS_EXACT_DESCRIPTION = _(
    "False when count is an estimate: the query has more than %(limit)d results."
)


class Pagination(pagination.PageNumberPagination):
    """DRF's page-number paging, strict: ``page`` and ``page_size`` are whole numbers in range or
    a 400 naming the parameter (DRF falls back silently on ``page_size=true``, and answers
    ``page=0`` with 404). A page past the last one is still 404.

    ``count`` is exact up to COUNT_LIMIT results and PostgreSQL's estimate above, which
    ``count_is_exact`` says (``ammtc_tracker.paging``); ``next`` is always exact."""

    django_paginator_class = EstimatingPaginator
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    last_page_strings = ()

    def check_parameters(self, request):
        """Refuse paging parameters out of range, also where the answer is not paged (CSV)."""
        self._checked(request, self.page_query_param, 2**31 - 1)
        self.get_page_size(request)

    def paginate_queryset(self, queryset, request, view=None):
        self.check_parameters(request)
        return super().paginate_queryset(queryset, request, view)

    def get_page_size(self, request):
        size = self._checked(request, self.page_size_query_param, self.max_page_size)
        return size or self.page_size

    @staticmethod
    def _checked(request, name, maximum):
        raw = request.query_params.get(name)
        if raw is None:
            return None
        if not raw.isascii() or not raw.isdigit() or not 1 <= int(raw) <= maximum:
            message = _("Give a whole number from 1 to %(maximum)d.") % {"maximum": maximum}
            raise exceptions.ValidationError({name: [message]})
        return int(raw)

    def get_paginated_response(self, data):
        paginator = self.page.paginator
        return Response(
            {
                "count": paginator.count,
                "count_is_exact": paginator.count_is_exact,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        schema = super().get_paginated_response_schema(schema)
        limit = {"limit": COUNT_LIMIT}
        count = {**schema["properties"].pop("count"), "description": COUNT_DESCRIPTION % limit}
        exact = {"type": "boolean", "description": COUNT_IS_EXACT_DESCRIPTION % limit}
        schema["properties"] = {"count": count, "count_is_exact": exact, **schema["properties"]}
        schema["required"] = ["count", "count_is_exact", "results"]
        return schema

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        bounds = {self.page_query_param: 2**31 - 1, self.page_size_query_param: self.max_page_size}
        for parameter in parameters:
            parameter["schema"].update(minimum=1, maximum=bounds[parameter["name"]])
        return parameters


class JSONParser(parsers.JSONParser):
    """DRF's parser, but JSON nested too deep is a 400: the decoder's RecursionError was a 500."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError(_("JSON parse error - nested too deeply.")) from None


def client_ip(request):
    """The client's address, trusting X-Forwarded-For only as far as TRUSTED_PROXY_COUNT says."""
    return throttling.BaseThrottle().get_ident(request)


class IsAuthenticated(permissions.IsAuthenticated):
    """DRF checks throttles only after permissions, so a request refused with 401 was never
    counted: the anonymous limit is applied here first."""

    def has_permission(self, request, view):
        if request.user and request.user.is_authenticated:
            return True
        throttle = AnonThrottle()
        if not throttle.allow_request(request, view):
            view.throttled(request, throttle.wait())
        return False


class ContentNegotiation(DefaultContentNegotiation):
    """``?format=`` naming a format the address does not offer is a 406 that lists the ones it
    does; DRF answers 404, as if the address did not exist."""

    def select_renderer(self, request, renderers, format_suffix=None):
        asked = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if asked is None or any(renderer.format == asked for renderer in renderers):
            return super().select_renderer(request, renderers, format_suffix)
        if request.method not in ("GET", "HEAD"):
            # A format chooses how a read answers; other methods answer as usual (a method the
            # address does not allow is still a 405).
            return renderers[0], renderers[0].media_type
        formats = ", ".join(renderer.format for renderer in renderers)
        raise exceptions.NotAcceptable(
            _("This address offers these formats: %(formats)s.") % {"formats": formats}
        )
