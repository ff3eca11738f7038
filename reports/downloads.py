"""The list of progress reports as a file to download: the web list and the API list give the
same file for the same filters."""

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from reports.exports import FORMATS, report_rows
from reports.models import IndicatorValue

# Reports read per round trip while streaming; the indicator values of each chunk are one
# more query, so the number of queries grows with the chunks, never with the rows.
CHUNK_SIZE = 500
DOWNLOAD_FORMATS = ("csv", "xlsx")


def report_list_download(reports, file_format):
    """``reports`` (a filtered queryset, already limited to what the user may see) as CSV
    (streamed, so memory stays flat for any number of rows) or XLSX."""
    values = IndicatorValue.objects.select_related("indicator").order_by("indicator_id")
    reports = (
        reports.select_related("cycle", "activity__priority_area", "party")
        .prefetch_related(None)
        .prefetch_related(Prefetch("indicator_values", queryset=values))
    )
    stream = reports.iterator(chunk_size=CHUNK_SIZE)
    content_type = FORMATS[file_format].content_type
    if file_format == "csv":
        response = StreamingHttpResponse(report_rows.csv_chunks(stream), content_type=content_type)
    else:
        response = HttpResponse(report_rows.xlsx_bytes(stream), content_type=content_type)
    filename = f"progress-reports-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
