"""What `make bench` measures: one row per named figure, with the targets of issue 14.

A figure is a URL fetched as one of the benchmark's users. ``{cycle}`` and ``{report}`` in a path
are filled with the current generated cycle and an accepted report of it. A figure whose path is
None, or whose URL answers 404, is printed as n/a: add the path when the feature lands and the
figure is measured from then on.
"""

from dataclasses import dataclass

# Targets (issue 14).
FLAT_MS_AT_10X = 150  # every list page, API list page, the review queue, the report page
FLAT_GROWTH = 1.5  # ... and at 50x within 1.5x of their time at 1x
AGGREGATE_GROWTH = 3.0  # status, compliance, dashboard, documents' figures: 50x within 3x of 1x
FLOOR_RATIO_AT_1X = 2.5  # API list vs the same SQL in a bare WSGI app
FIRST_BYTE_MS = 1000  # CSV export: first byte in under 1 s at any scale
RSS_GROWTH_MB = 20  # CSV export: worker memory grows less than 20 MB from 1x to 50x
DOCUMENT_MS_AT_10X = 5000  # DOCX and XLSX of one cycle at 10x: under 5 s ...
DOCUMENT_MB_AT_10X = 300  # ... and 300 MB
THROUGHPUT_RATIO_AT_10X = 0.5  # status/ at least half the requests per second of /healthz


# The secretariat's download of a document of the cycle (accepted reports only): the technical
# one lists every activity, so its time grows with the plan; the strategic summary is aggregates.
DOCUMENT_PATH = (
    "/admin/reports/reportingcycle/{{cycle}}/documents/download/"
    "?cycle={{cycle}}&level={level}&format={format}"
)


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    path: str | None
    user: str = "secretariat"  # secretariat | official | anonymous
    auth: str = "token"  # token (API) or session (pages)
    kind: str = "latency"  # latency | export | document
    floor: bool = False  # also time the same SQL in the floor app
    flat: bool = False  # the flat-page targets apply
    aggregate: bool = False  # the aggregate target applies
    note: str = ""


FIGURES = [
    Figure(
        "api.reports",
        "GET /api/v1/reports/?page_size=100",
        "/api/v1/reports/?page_size=100",
        floor=True,
        flat=True,
    ),
    Figure(
        "api.activities",
        "GET /api/v1/activities/?page_size=100",
        "/api/v1/activities/?page_size=100",
        floor=True,
        flat=True,
    ),
    Figure("api.status", "GET /api/v1/status/", "/api/v1/status/", aggregate=True),
    Figure(
        "api.compliance",
        "GET /api/v1/cycles/{id}/compliance/",
        "/api/v1/cycles/{cycle}/compliance/",
        aggregate=True,
    ),
    Figure("page.home", "home page /", "/", user="official", auth="session", flat=True),
    Figure(
        "page.my_reporting",
        "My reporting (official)",
        "/my-reporting/",
        user="official",
        auth="session",
        flat=True,
    ),
    Figure(
        "page.report_list",
        "report list /reports/ (official)",
        "/reports/",
        user="official",
        auth="session",
        flat=True,
    ),
    Figure(
        "page.report",
        "report page /reports/{id}/",
        "/reports/{report}/",
        auth="session",
        flat=True,
    ),
    Figure(
        "admin.review_queue",
        "admin review queue",
        "/admin/reports/submittedreport/",
        auth="session",
        flat=True,
    ),
    Figure(
        "admin.reports",
        "admin reports changelist",
        "/admin/reports/progressreport/",
        auth="session",
        flat=True,
    ),
    Figure(
        "export.csv",
        "reports CSV of one cycle",
        "/api/v1/reports/?cycle={cycle}&format=csv",
        kind="export",
    ),
    Figure(
        "dashboard",
        "dashboard figures (home page, secretariat)",
        "/?cycle={cycle}",
        auth="session",
        aggregate=True,
    ),
    Figure(
        "document.docx",
        "SOMTC document of one cycle, DOCX",
        DOCUMENT_PATH.format(level="technical", format="docx"),
        auth="session",
        kind="document",
    ),
    Figure(
        "document.xlsx",
        "SOMTC document of one cycle, XLSX",
        DOCUMENT_PATH.format(level="technical", format="xlsx"),
        auth="session",
        kind="document",
    ),
    Figure(
        "document.summary",
        "AMMTC summary of one cycle (strategic), DOCX",
        DOCUMENT_PATH.format(level="strategic", format="docx"),
        auth="session",
        aggregate=True,
    ),
]

# Requests per second, side by side: the API's cheapest aggregate against the bare health check.
THROUGHPUT = [
    Figure("throughput.status", "GET /api/v1/status/", "/api/v1/status/"),
    Figure("throughput.healthz", "GET /healthz", "/healthz", user="anonymous", auth="none"),
]
