"""The HTML page, parsed with lxml."""

import base64
import hashlib

import lxml.html
from django.utils.html import escape

from reports.exports import render
from reports.exports.html import STYLE_DIGEST
from tests.reports.conftest import FORMULA, SCRIPT


def read(document):
    return lxml.html.fromstring(render(document, "html"))


def texts(page, path):
    return [element.text_content().strip() for element in page.xpath(path)]


def test_the_page_names_the_meeting_and_holds_every_area_and_activity(
    document_of, django_assert_num_queries
):
    document = document_of("technical")
    with django_assert_num_queries(0):
        page = read(document)
    assert page.xpath("//h1")[0].text_content() == (
        "Progress report on the implementation of the work plan"
    )
    assert "For the 99th SOMTC+Japan" in page.get_element_by_id("meeting").text_content()
    assert texts(page, "//section[@class='area']/h2") == [
        "1. Terrorism",
        "2. Cybercrime",
        "3. Illicit drug trafficking",
        "4. Piracy and armed robbery at sea",
        "5. Trafficking in persons",
    ]
    assert len(page.xpath("//article[@class='activity']")) == 5
    nobody = page.get_element_by_id("activity-4.1")
    assert texts(nobody, ".//p[@class='no-report']") == ["No report"]


def test_typed_markup_is_escaped_and_no_script_runs(document_of):
    html = render(document_of("technical"), "html").decode()
    page = lxml.html.fromstring(html)
    assert page.xpath("//script") == []
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    achievements = page.get_element_by_id("activity-1.1").xpath(".//dd")[0].text_content()
    assert achievements == f"Trained 25 investigators. {SCRIPT}"
    assert escape(FORMULA) in html  # shown as typed, inert in a page


def test_each_chart_has_its_numbers_in_a_table(document_of, meeting, secretariat):
    page = read(document_of("technical", include_pending=True))
    charts = page.xpath("//img[@class='chart']")
    assert len(charts) == 2
    assert all(img.get("src").startswith("data:image/svg+xml;base64,") for img in charts)
    svg = base64.b64decode(charts[0].get("src").split(",", 1)[1]).decode()
    assert "in progress" in svg
    table = page.get_element_by_id("status-table")
    first = [cell.text_content() for cell in table.xpath(".//tbody/tr[1]/*")]
    assert first[:3] == ["1. Terrorism", "1", "2"]
    rates = page.get_element_by_id("rates")
    assert texts(rates, ".//tbody/tr/th") == ["Indonesia", "Japan", "Thailand", "All parties"]
    pending = page.xpath("//span[@class='pending']")
    assert [span.text_content() for span in pending] == ["pending review"]


def test_the_page_prints_on_a4_with_a_break_before_each_area(document_of):
    page = read(document_of("strategic"))
    style = page.xpath("//style")[0].text_content()
    assert "@page { size: A4" in style
    assert "section.area, section.annex, section.changes { break-before: page; }" in style
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert digest == STYLE_DIGEST  # the hash the preview's content security policy allows


def test_the_summary_lists_key_points_and_counts_what_changed(document_of):
    page = read(document_of("strategic"))
    assert texts(page, "//section[@id='area-3']//ul[@class='achievements']/li") == [
        "3.1 Activity 3.1 (Japan; completed, 100%): Handbook published."
    ]
    changes = page.get_element_by_id("changes").text_content()
    assert "reported for the first time: 2" in changes
    assert page.xpath("//table[@id='changes-table']") == []
    assert page.get_element_by_id("sample-warning") is not None
