"""The Word documents, read back with python-docx."""

import io

from docx import Document
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from reports.exports import render
from reports.figures import status_by_area
from reports.models import ProgressReport
from tests.reports.conftest import FORMULA, SCRIPT


def read(document):
    return Document(io.BytesIO(render(document, "docx")))


def headings(word, style):
    return [p.text for p in word.paragraphs if p.style.name == style]


def table_after(word, text):
    """The first table after the paragraph reading ``text``, as lists of cell texts."""
    found = False
    for block in word.iter_inner_content():
        if isinstance(block, Paragraph) and block.text == text:
            found = True
        elif found and isinstance(block, Table):
            return [[cell.text for cell in row.cells] for row in block.rows]
    raise AssertionError(f"no table after {text!r}")


def test_the_somtc_report_has_a_title_page_naming_the_meeting_and_the_cycle(
    document_of, meeting, django_assert_num_queries
):
    document = document_of("technical")
    with django_assert_num_queries(0):
        word = read(document)
    title_page = [p.text for p in word.paragraphs[:8]]
    assert "Progress report on the implementation of the work plan" in title_page
    assert any(text.startswith("This year, period covered: ") for text in title_page)
    assert any("For the 99th SOMTC+Japan, technical level" in text for text in title_page)
    assert word.core_properties.title.endswith(": This year")


def test_priority_areas_and_activities_are_real_headings(document_of):
    word = read(document_of("technical"))
    assert headings(word, "Heading 1") == [
        "Overview",
        "1. Terrorism",
        "2. Cybercrime",
        "3. Illicit drug trafficking",
        "4. Piracy and armed robbery at sea",
        "5. Trafficking in persons",
        "What changed since the last consultation",
        "Annex: compliance",
    ]
    assert headings(word, "Heading 2") == [
        f"{code} Activity {code} (SAMPLE)" for code in ("1.1", "2.1", "3.1", "4.1", "5.1")
    ]


def test_an_activitys_table_holds_baseline_target_and_each_partys_values(document_of):
    word = read(document_of("technical"))
    rows = table_after(word, "Lead: Indonesia. Taking part: Japan.")
    assert rows == [
        ["Party", "Implementation status", "Percent complete", "Indicator 1 (people)"],
        ["Baseline", "", "", ""],
        ["Target", "", "", "10"],
        ["Indonesia", "in progress", "40%", "25"],
    ]


def test_a_pending_report_is_marked_wherever_it_appears(document_of):
    word = read(document_of("technical", include_pending=True))
    rows = table_after(word, "Lead: Indonesia. Taking part: Japan.")
    assert rows[-1] == ["Japan (pending review)", "in progress", "20%", "7"]
    assert "Japan (pending review)" in headings(word, "Heading 3")
    changes = table_after(word, "Compared with Last year, per activity and party:")
    assert changes[0] == ["Change", "Activity and party"]
    text = "\n".join(p.text for p in word.paragraphs)
    assert "each of the latter is marked “pending review”" in text


def test_the_senior_officials_get_every_change_after_the_counts(document_of):
    """The long parts (activities, every change) are written into the file as text: they read
    back as real paragraphs and tables, in their place, with nothing left of the markers."""
    word = read(document_of("technical", include_pending=True))
    blocks = list(word.iter_inner_content())
    tables = [
        [[cell.text for cell in row.cells] for row in block.rows]
        for block in blocks
        if isinstance(block, Table)
    ]
    changes = next(table for table in tables if table[0][:3] == ["Activity", "Party", "Change"])
    assert ["1.1 Activity 1.1", "Japan (pending review)"] in [row[:2] for row in changes[1:]]
    assert tables.index(changes) < len(tables) - 1  # the compliance annex follows
    assert not any("ammtc-bulk" in p.text for p in word.paragraphs)


def test_an_activity_without_a_report_says_so(document_of):
    word = read(document_of("technical"))
    texts = [p.text for p in word.paragraphs]
    after = texts[texts.index("4.1 Activity 4.1 (SAMPLE)") + 2]
    assert after == "No report"
    assert "No report from: Indonesia, Thailand" in texts


def test_typed_markup_and_formulas_are_plain_text(document_of):
    word = read(document_of("technical"))
    text = "\n".join(p.text for p in word.paragraphs)
    assert f"Achievements: Trained 25 investigators. {SCRIPT}" in text
    assert f"Challenges: {FORMULA}" in text
    xml = word.element.xml
    assert "<script>" not in xml  # escaped as &lt;script&gt; inside a w:t
    assert "w:instrText" not in xml  # no field was made of the text


def test_the_footer_numbers_the_pages_and_the_charts_are_images(document_of):
    word = read(document_of("technical"))
    footer = word.sections[0].footer._element
    instructions = [f.get(qn("w:instr")) for f in footer.iter(qn("w:fldSimple"))]
    assert instructions == ["PAGE", "NUMPAGES"]
    images = [part for part in word.part.package.parts if part.content_type == "image/png"]
    assert len(images) == 2  # status by area, reporting per party
    assert len(word.inline_shapes) == 2
    section = word.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_the_ministers_summary_counts_equal_the_somtc_reports(document_of, meeting, secretariat):
    for pending in (False, True):
        technical = read(document_of("technical", include_pending=pending))
        strategic = read(document_of("strategic", include_pending=pending))
        heading = "Reports per priority area by implementation status"
        somtc, ammtc = table_after(technical, heading), table_after(strategic, heading)
        assert somtc == ammtc
        areas = status_by_area(meeting.cycle, secretariat, include_pending=pending)
        assert somtc[0] == ["Priority area", "1", "2", "3", "4", "5", "All"]
        assert somtc[3][1:6] == [str(area.reports) for area in areas]
        in_progress = somtc[5]
        assert in_progress[0] == "in progress"
        assert in_progress[1:6] == [str(area.by_implementation["in_progress"]) for area in areas]


def test_the_ministers_summary_has_key_points_and_no_activity_detail(document_of):
    word = read(document_of("strategic"))
    assert headings(word, "Heading 2") == []
    assert headings(word, "Heading 3").count("Key achievements") == 5
    bullets = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
    assert "3.1 Activity 3.1 (Japan; completed, 100%): Handbook published." in bullets
    assert "5.1 Activity 5.1 (Japan; delayed, 15%): Funding arrived late." in bullets


def test_sample_data_is_marked_on_every_page(document_of):
    word = read(document_of("technical"))
    header = word.sections[0].header.paragraphs[0].text
    assert header == "SAMPLE DATA: not a report of the published work plan"


def test_line_breaks_and_tabs_of_a_report_stay_in_the_document(document_of):
    # An official may write several lines; the same text an official could file on the form.
    ProgressReport.objects.filter(achievements="Venue booked.").update(
        achievements="Venue booked.\nDates:\t1-2 May & <after> the rains "
    )
    word = read(document_of("technical"))
    texts = [p.text for p in word.paragraphs]
    assert "Achievements: Venue booked.\nDates:\t1-2 May & <after> the rains " in texts
