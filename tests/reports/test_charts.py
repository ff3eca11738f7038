"""Charts are real images drawn from the figures they are given."""

import io
import xml.etree.ElementTree as ET

from django.utils import translation
from PIL import Image

from reports import charts
from reports.figures import AreaStatus, PartyRate


def area(number, **counts):
    return AreaStatus(
        id=number,
        number=number,
        title=f"Area {number}",
        reports=sum(counts.values()),
        average_percent=None,
        by_implementation=counts,
    )


def test_the_status_chart_is_an_svg_with_a_bar_segment_per_count():
    svg = charts.status_by_area_chart([area(1, in_progress=2, completed=1), area(2)])
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    text = svg.decode()
    assert "in progress" in text and "completed" in text  # the legend, as text
    assert charts.data_uri(svg).startswith("data:image/svg+xml;base64,")


def test_the_rate_chart_is_a_png_for_word():
    rates = [PartyRate("ID", "Indonesia", 4, 3, 2, 1), PartyRate("JP", "Japan", 5, 5, 5, 4)]
    png = charts.reporting_rate_chart(rates, image_format="png")
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert image.width > 1000


def test_a_japanese_chart_draws_every_glyph(recwarn):
    """matplotlib warns "Glyph ... missing from font(s)" for each character it cannot draw."""
    with translation.override("ja"):
        png = charts.status_by_area_chart([area(1, in_progress=2, delayed=1)], image_format="png")
        svg = charts.reporting_rate_chart([PartyRate("JP", "日本", 5, 5, 4, 4)])
    missing = [str(w.message) for w in recwarn if "missing from font" in str(w.message)]
    assert not missing, missing[:3]
    assert Image.open(io.BytesIO(png)).format == "PNG"
    assert "提出予定" in svg.decode()  # the legend, in Japanese
