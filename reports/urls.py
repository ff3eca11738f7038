from django.urls import path

from reports import (
    converters,  # noqa: F401  (registers the action converters)
    views,
)

urlpatterns = [
    path("my-reporting/", views.my_reporting, name="my_reporting"),
    path("plan/activities/", views.activity_list, name="activity_list"),
    path("my-reporting/workbook/", views.workbook_download, name="workbook_download"),
    path("my-reporting/workbook/upload/", views.workbook_upload, name="workbook_upload"),
    path("my-reporting/workbook/preview/", views.workbook_preview, name="workbook_preview"),
    path("my-reporting/workbook/confirm/", views.workbook_confirm, name="workbook_confirm"),
    path(
        "cycles/<int:cycle_id>/activities/<int:activity_id>/start/",
        views.start,
        name="report_start",
    ),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/discard/", views.report_discard, name="report_discard"),
    path("reports/<int:pk>/<action:action>/", views.report_transition, name="report_transition"),
    path(
        "reports/<int:pk>/files/<int:file_id>/",
        views.evidence_download,
        name="evidence_download",
    ),
    path(
        "consultations/<int:pk>/documents/",
        views.consultation_documents,
        name="consultation_documents",
    ),
    path(
        "consultations/<int:pk>/documents/<int:document_id>/",
        views.issued_document,
        name="issued_document",
    ),
    path("cycles/<int:pk>/changes/", views.cycle_changes, name="cycle_changes"),
]
