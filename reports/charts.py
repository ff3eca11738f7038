"""Charts drawn by the app with matplotlib: SVG for pages, PNG for Word documents. Nothing is
fetched from the internet. Wherever a chart appears its numbers are also given as a table, so
the chart never carries a figure the table lacks.

Charts take figures (``reports.figures``) and return bytes; they never query.
"""

import base64
import hashlib
import io

from django.core.cache import cache
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.models import ProgressReport

# Okabe and Ito's palette, told apart with the common colour-vision deficiencies.
IMPLEMENTATION_COLOURS = {
    ProgressReport.Implementation.NOT_STARTED: "#999999",
    ProgressReport.Implementation.IN_PROGRESS: "#0072B2",
    ProgressReport.Implementation.COMPLETED: "#009E73",
    ProgressReport.Implementation.DELAYED: "#E69F00",
    ProgressReport.Implementation.SUSPENDED: "#D55E00",
    ProgressReport.Implementation.CANCELLED: "#000000",
}
RATE_COLOURS = ("#BBBBBB", "#0072B2", "#009E73")
# (colour, marker) of each line of the trend chart, told apart without colour too.
TREND_STYLES = (("#0072B2", "o"), ("#009E73", "s"), ("#E69F00", "^"))


def status_by_area_chart(areas, *, image_format="svg"):
    """One horizontal bar per priority area, a segment per implementation status."""
    figure, axes = _figure(height=0.5 + 0.45 * len(areas))
    # Numeric positions labelled with the area numbers: strings of digits would make
    # matplotlib guess at categorical units (and warn).
    positions = list(range(len(areas)))
    left = [0] * len(areas)
    for status, colour in IMPLEMENTATION_COLOURS.items():
        counts = [area.by_implementation.get(status, 0) for area in areas]
        axes.barh(positions, counts, left=left, color=colour, label=str(status.label))
        left = [start + count for start, count in zip(left, counts, strict=True)]
    axes.set_yticks(positions, [str(area.number) for area in areas])
    axes.invert_yaxis()
    axes.set_ylabel(_("Priority area"))
    axes.set_xlabel(_("Reports"))
    axes.xaxis.get_major_locator().set_params(integer=True)
    axes.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3, frameon=False)
    return _render(figure, image_format)


def reporting_rate_chart(rates, *, image_format="svg"):
    """Per party: reports expected, received and received on time, side by side."""
    figure, axes = _figure(height=3.2)
    positions = range(len(rates))
    width = 0.27
    series = [
        (_("expected"), [rate.expected for rate in rates]),
        (_("received"), [rate.received for rate in rates]),
        (_("on time"), [rate.on_time for rate in rates]),
    ]
    for offset, ((label, values), colour) in enumerate(zip(series, RATE_COLOURS, strict=True)):
        shifted = [p + (offset - 1) * width for p in positions]
        axes.bar(shifted, values, width=width, color=colour, label=label)
    axes.set_xticks(list(positions), [rate.code for rate in rates])
    axes.set_ylabel(_("Reports"))
    axes.yaxis.get_major_locator().set_params(integer=True)
    axes.legend(frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.12))
    return _render(figure, image_format)


def trend_chart(points, *, image_format="svg"):
    """Per cycle, oldest first: the average percent complete of the counted reports, and the
    reporting and on-time rates, each out of 100."""
    figure, axes = _figure(height=2.8)
    positions = list(range(len(points)))
    series = [
        (_("average percent complete"), [point.average_percent for point in points]),
        (_("reporting rate (%)"), [point.reporting_rate for point in points]),
        (_("on-time rate (%)"), [point.on_time_rate for point in points]),
    ]
    for (label, values), (colour, marker) in zip(series, TREND_STYLES, strict=True):
        # A cycle without the figure leaves a gap in the line, not a zero.
        values = [float("nan") if value is None else value for value in values]
        axes.plot(positions, values, color=colour, marker=marker, label=label)
    axes.set_xticks(positions, [point.title for point in points])
    axes.set_ylim(0, 100)
    axes.set_ylabel("%")
    axes.legend(frameon=False, ncol=3, loc="upper center", bbox_to_anchor=(0.5, -0.15))
    return _render(figure, image_format)


def cached_svg(draw, figures):
    """``draw(figures)`` as an SVG, kept in the cache under what it shows (the numbers, the
    labels and the language): the same figures always draw the same chart, and drawing one
    takes a fifth of a second."""
    shown = f"{draw.__name__}|{get_language()}|{figures!r}"
    key = "chart:" + hashlib.sha256(shown.encode()).hexdigest()
    svg = cache.get(key)
    if svg is None:
        svg = draw(figures)
        cache.set(key, svg, timeout=24 * 3600)
    return svg


def data_uri(svg):
    """An SVG chart as an ``<img src>``: the page's content security policy stays strict."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def _figure(height):
    # Imported here: matplotlib takes about a second to import, and most requests draw nothing.
    import matplotlib

    matplotlib.use("Agg")
    # Registers IPAexGothic (shipped in the package, so no system font is needed) for Japanese.
    import matplotlib_fontja  # noqa: F401
    from matplotlib.figure import Figure

    matplotlib.rcParams.update(
        {
            "svg.fonttype": "none",
            "font.size": 9,
            "axes.spines.top": False,
            # Latin text as before; any glyph DejaVu Sans lacks (kana, kanji) from IPAexGothic.
            "font.family": ["DejaVu Sans", "IPAexGothic"],
        }
    )
    figure = Figure(figsize=(6.3, height), layout="constrained")
    axes = figure.add_subplot()
    axes.spines["right"].set_visible(False)
    return figure, axes


def _render(figure, image_format):
    buffer = io.BytesIO()
    options = {"metadata": {"Date": None}} if image_format == "svg" else {"dpi": 200}
    figure.savefig(buffer, format=image_format, **options)
    return buffer.getvalue()
