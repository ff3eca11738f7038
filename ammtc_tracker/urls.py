from csp.decorators import csp_update
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from ammtc_tracker import api, health, views
from priorities import api as priorities_api
from reports import api as reports_api

# Swagger UI sets inline styles; its page alone allows them.
api_docs = csp_update({"style-src": ["'self'", "'unsafe-inline'"]})(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)


class Router(DefaultRouter):
    """DRF's router with its API root at /api/v1/, which also lists the status summary; no
    format suffixes (``?format=`` chooses the format)."""

    include_format_suffixes = False

    def get_api_root_view(self, api_urls=None):
        names = {prefix: f"{basename}-list" for prefix, _viewset, basename in self.registry}
        return self.APIRootView.as_view(api_root_dict={**names, "status": "api-status"})


router = Router()
router.register("parties", priorities_api.PartyViewSet)
router.register("work-plans", priorities_api.WorkPlanViewSet)
router.register("priority-areas", priorities_api.PriorityAreaViewSet)
router.register("activities", reports_api.ActivityViewSet)
router.register("indicators", priorities_api.IndicatorViewSet)
router.register("consultations", priorities_api.ConsultationViewSet)
router.register("cycles", reports_api.ReportingCycleViewSet)
router.register("reports", reports_api.ProgressReportViewSet, basename="report")

handler500 = health.server_error

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("accounts/profile/", views.profile, name="profile"),
    path("language/", views.set_language, name="set_language"),
    path("accounts/tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("api/v1/", include(router.urls)),
    path("api/v1/status/", reports_api.StatusView.as_view(), name="api-status"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    re_path(r"^api/", api.not_found),
    path("", views.home, name="home"),
    path("", include("priorities.urls")),
    path("", include("reports.urls")),
]
