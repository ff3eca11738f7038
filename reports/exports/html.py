"""HTML: one page that reads on screen and prints on A4, a page break before each priority
area. Charts are SVG images drawn by the app, each followed by a table of its numbers. Text
typed by users is escaped by the template engine."""

import base64
import hashlib
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.translation import get_language

from reports import charts

# The print stylesheet travels inside the page, so that the file given to a meeting needs
# nothing else; the app serves its preview with this hash in the content security policy.
STYLE = (Path(__file__).parent / "document.css").read_text(encoding="utf-8")
STYLE_DIGEST = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
STYLE_HASH = f"'sha256-{STYLE_DIGEST}'"


def render(document):
    statuses = [area.status for area in document.areas]
    context = {
        "document": document,
        "style": STYLE,
        "language": get_language() or "en",
        "status_chart": charts.data_uri(charts.status_by_area_chart(statuses)),
        "rate_chart": charts.data_uri(charts.reporting_rate_chart(document.rates))
        if document.rates
        else None,
    }
    return render_to_string("reports/documents/document.html", context).encode("utf-8")
