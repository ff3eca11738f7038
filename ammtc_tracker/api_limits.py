"""Page size and request rate of the API. Kept apart from ``api.py`` because DRF imports these
while it is itself being imported."""

from django.conf import settings
from rest_framework import pagination, throttling


class Pagination(pagination.PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class UserThrottle(throttling.UserRateThrottle):
    """Per-user limit (429 with Retry-After), read from settings on each request."""

    def get_rate(self):
        return settings.API_THROTTLE_RATE
