"""The list of progress reports as a file to download: the web list and the API list give the
same file for the same filters."""

from itertools import islice

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone

from reports.exports import FORMATS, report_rows
from reports.models import IndicatorValue

# Reports read per round trip while streaming; the indicator values of each chunk are one
# more query, so the number of queries grows with the chunks, never with the rows.
CHUNK_SIZE = 2000
DOWNLOAD_FORMATS = ("csv", "xlsx")


def report_list_download(reports, file_format):
    """``reports`` (a filtered queryset, already limited to what the user may see) as CSV
    (streamed, so memory stays flat for any number of rows) or XLSX."""
    records = report_records(reports)
    content_type = FORMATS[file_format].content_type
    if file_format == "csv":
        response = StreamingHttpResponse(report_rows.csv_chunks(records), content_type=content_type)
    else:
        response = HttpResponse(report_rows.xlsx_bytes(records), content_type=content_type)
    filename = f"progress-reports-{timezone.localdate():%Y-%m-%d}.{file_format}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def report_records(reports):
    """``(report, values)`` pairs in the queryset's order, as ``reports.exports.report_rows``
    takes them: plain tuples read through a server-side cursor (on PostgreSQL), and the
    indicator values of each chunk of reports in one more query."""
    rows = (
        reports.prefetch_related(None)
        .values_list(*report_rows.REPORT_FIELDS)
        .iterator(chunk_size=CHUNK_SIZE)
    )
    values = IndicatorValue.objects.using(reports.db).order_by("report_id", "indicator_id")
    while chunk := list(islice(rows, CHUNK_SIZE)):
        by_report = {}
        for report_id, *value in values.filter(report_id__in=[row[0] for row in chunk]).values_list(
            "report_id", *report_rows.VALUE_FIELDS
        ):
            by_report.setdefault(report_id, []).append(tuple(value))
        for row in chunk:
            yield row, by_report.get(row[0], ())
