"""DOCX (python-docx): a title page naming the consultation and the cycle, a Heading 1 per
priority area (and Heading 2 per activity) that Word's navigation pane lists, real Word tables,
the charts as PNG images, and "Page N of M" in the footer. Built on python-docx's default
template, so Word and LibreOffice open and edit it as any document."""

import io
import re
from xml.sax.saxutils import escape

from django.utils.translation import get_language, to_locale
from django.utils.translation import gettext as _
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Emu, Mm, Pt, RGBColor

from reports import charts
from reports.exports.ooxml import rewritten
from reports.exports.text import (
    NOTHING,
    change_label,
    counted_note,
    indicator_heading,
    party_label,
    percent,
    period,
    plain_number,
    reading_text,
    sample_warning,
    xml_safe,
)

WARNING = RGBColor(0xA3, 0x33, 0x33)
CHART_WIDTH = Cm(13)


def render(document):
    word = Document()
    bulk = _Bulk()
    _page_setup(word, document)
    _title_page(word, document)
    _overview(word, document)
    for area in document.areas:
        _area(word, document, area, bulk)
    _changes(word, document, bulk)
    if document.is_technical:
        _paragraph(word, _("Annex: compliance"), "Heading1")
        _rates(word, document)
    _language(word)
    word.core_properties.title = xml_safe(f"{document.title}: {document.cycle_title}")
    word.core_properties.created = document.prepared_at
    word.core_properties.modified = document.prepared_at
    buffer = io.BytesIO()
    word.save(buffer)
    return bulk.spliced(buffer.getvalue())


class _Bulk:
    """The long parts of a document (every activity of an area, every change), written into the
    saved file's ``word/document.xml`` as text where a marker paragraph stands, instead of
    parsed into python-docx's tree: a tree of every report's paragraphs took over 250 MB and a
    third of a document's time at 10x (issue 14)."""

    def __init__(self):
        self.parts = []

    def add(self, word, pieces):
        """Stand-in for ``pieces`` (WordprocessingML strings, made when the file is written)."""
        marker = f"ammtc-bulk-{len(self.parts)}"
        _append_xml(word, _p_xml((marker, "")))
        self.parts.append((marker, pieces))

    def spliced(self, content):
        if not self.parts:
            return content
        return rewritten(content, lambda name, _xml: name == "word/document.xml", self._write)

    def _write(self, stream, xml):
        end = 0
        for marker, pieces in self.parts:
            found = re.compile(
                rb"<w:p>\s*<w:r>\s*<w:t>" + marker.encode() + rb"</w:t>\s*</w:r>\s*</w:p>"
            ).search(xml, end)
            stream.write(xml[end : found.start()])
            for piece in pieces:
                # The document's root declares the namespace each piece declares for itself.
                stream.write(piece.replace(f" {W}", "").encode())
            end = found.end()
        stream.write(xml[end:])


def _language(word):
    """The document's language (Word's proofing and screen readers): the active language, for
    Latin and East Asian text alike."""
    tag = to_locale(get_language() or "en").replace("_", "-")
    word.core_properties.language = tag
    defaults = word.styles.element.find(qn("w:docDefaults"))
    run_defaults = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    lang = run_defaults.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        run_defaults.append(lang)
    for attribute in ("w:val", "w:eastAsia"):
        lang.set(qn(attribute), tag)


def _page_setup(word, document):
    section = word.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(20)
    section.top_margin = section.bottom_margin = Mm(20)
    word.styles["Normal"].font.size = Pt(10)
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run(_("Page") + " ")
    _field(footer, "PAGE")
    footer.add_run(" " + _("of") + " ")
    _field(footer, "NUMPAGES")
    if document.is_sample:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = header.add_run(_("SAMPLE DATA: not a report of the published work plan"))
        run.bold = True
        run.font.color.rgb = WARNING


def _paragraph(word, text, style_id):
    """A paragraph in one of the default template's styles, named by its id: looking a style
    up by name reads every style of the document, for each paragraph."""
    paragraph = word.add_paragraph()
    paragraph._p.style = style_id
    if text:
        paragraph.add_run(text)
    return paragraph


def _field(paragraph, instruction):
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in when they lay out."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _title_page(word, document):
    if document.is_sample:
        _warning(word, sample_warning())
    word.add_paragraph(xml_safe(document.plan_title))
    _paragraph(word, xml_safe(document.title), "Title")
    cycle = word.add_paragraph()
    cycle.add_run(xml_safe(document.cycle_title)).bold = True
    cycle.add_run(", " + _("period covered: %(period)s") % {"period": period(document)})
    if document.meeting:
        meeting = document.meeting
        line = _("For the %(meeting)s, %(level)s") % {
            "meeting": meeting.name,
            "level": meeting.level,
        }
        place = ", ".join(part for part in (meeting.place, meeting.date) if part)
        _paragraph(word, xml_safe(f"{line}, {place}"), "Subtitle")
    word.add_paragraph(counted_note(document))
    word.add_paragraph(
        _("Prepared on %(when)s.") % {"when": document.prepared_at.strftime("%Y-%m-%d %H:%M")}
    )
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _warning(word, text):
    run = word.add_paragraph().add_run(text)
    run.bold = True
    run.font.color.rgb = WARNING


def _overview(word, document):
    _paragraph(word, _("Overview"), "Heading1")
    totals = document.totals
    facts = [
        (_("Activities"), totals.activities),
        (_("Activities without a report"), totals.activities_without_report),
        (_("Reports counted"), totals.reports),
        (_("Average percent complete"), percent(totals.average_percent)),
        (_("Reports expected"), totals.expected),
        (_("Reports received"), totals.received),
        (_("Reporting rate"), percent(totals.reporting_rate)),
        (_("On-time rate"), percent(totals.on_time_rate)),
    ]
    if document.include_pending:
        facts.insert(3, (_("of which pending review"), totals.pending))
    _table(word, [_("The plan as a whole"), ""], facts)
    statuses = [area.status for area in document.areas]
    word.add_picture(
        io.BytesIO(charts.status_by_area_chart(statuses, image_format="png")), width=CHART_WIDTH
    )
    _caption(word, _("Reports per priority area by implementation status"))
    _area_overview(word, document)
    if not document.is_technical:
        _rates(word, document)


def _area_overview(word, document):
    """The areas side by side (a column each), so that the table fits the page."""
    totals = document.totals
    areas = [area.status for area in document.areas]
    lines = [
        (_("Activities"), [area.activities for area in areas], totals.activities),
        (
            _("Activities without a report"),
            [area.activities_without_report for area in areas],
            totals.activities_without_report,
        ),
        (_("Reports counted"), [area.reports for area in areas], totals.reports),
    ]
    lines += [
        (label, [area.by_implementation[value] for area in areas], totals.by_implementation[value])
        for value, label in document.status_labels.items()
    ]
    lines.append(
        (
            _("Average percent complete"),
            [percent(area.average_percent) for area in areas],
            percent(totals.average_percent),
        )
    )
    header = [_("Priority area"), *[str(area.number) for area in areas], _("All")]
    _table(word, header, [[label, *values, total] for label, values, total in lines])


def _caption(word, text):
    _paragraph(word, text, "Caption")


def _area(word, document, area, bulk):
    _paragraph(word, xml_safe(area.heading), "Heading1")
    status = area.status
    word.add_paragraph(
        _(
            "Activities: %(activities)s; reports counted: %(reports)s; activities without a "
            "report: %(missing)s; average progress: %(average)s."
        )
        % {
            "activities": status.activities,
            "reports": status.reports,
            "missing": status.activities_without_report,
            "average": percent(status.average_percent) or NOTHING,
        }
    )
    labels = document.status_labels
    if document.is_technical:
        _table(
            word,
            [*[labels[value] for value in status.by_implementation], _("Average percent complete")],
            [[*status.by_implementation.values(), percent(status.average_percent)]],
        )
    else:
        counts = [f"{labels[value]}: {n}" for value, n in status.by_implementation.items() if n]
        word.add_paragraph(
            _("Reports by implementation status: %(counts)s.")
            % {"counts": "; ".join(counts) or NOTHING}
        )
    if document.is_technical:
        width, labels = _column_width(word, 1), _ActivityLabels()
        bulk.add(word, (_activity_xml(activity, width, labels) for activity in area.activities))
    else:
        _key_points(word, area)


class _ActivityLabels:
    """The words every activity of an area repeats, translated once: a translation looked up
    per report took a tenth of a long document's time."""

    def __init__(self):
        self.sample = _("SAMPLE")
        self.parties = _("Lead: %(leads)s. Taking part: %(participants)s.")
        self.no_report = _("No report")
        self.texts = (_("Achievements") + ": ", _("Challenges") + ": ", _("Next steps") + ": ")
        self.missing = _("No report from: %(parties)s")
        self.header = [_("Party"), _("Implementation status"), _("Percent complete")]
        self.baseline, self.target = _("Baseline"), _("Target")


def _activity_xml(activity, width, labels):
    """An activity's heading, parties, table of reports and indicators, and each report's
    texts, as WordprocessingML: thousands of activities through python-docx's objects took
    most of a document's time."""
    title = f"{activity.code} {activity.title}"
    if activity.is_sample:
        title += f" ({labels.sample})"
    parties = labels.parties % {
        "leads": ", ".join(activity.leads) or NOTHING,
        "participants": ", ".join(activity.participants) or NOTHING,
    }
    parts = [_p_xml((title, ""), style="Heading2"), _p_xml((parties, ""))]
    if not activity.has_report:
        parts.append(_p_xml((labels.no_report, WARNING_RUN)))
    if activity.reports or activity.indicators:
        parts.append(_activity_table_xml(activity, width, labels))
    for report in activity.reports:
        parts.append(_p_xml((party_label(report), ""), style="Heading3"))
        texts = (report.achievements, report.challenges, report.next_steps)
        for label, text in zip(labels.texts, texts, strict=True):
            parts.append(_p_xml((label, BOLD_RUN), (xml_safe(text) or NOTHING, "")))
    if activity.not_reported_by and activity.has_report:
        missing = labels.missing % {"parties": ", ".join(activity.not_reported_by)}
        parts.append(_p_xml((missing, WARNING_RUN)))
    return "".join(parts)


def _activity_table_xml(activity, width, labels):
    header = labels.header + [indicator_heading(indicator) for indicator in activity.indicators]
    rows = []
    if activity.indicators:
        rows.append(
            [labels.baseline, "", ""] + [plain_number(i.baseline) for i in activity.indicators]
        )
        rows.append([labels.target, "", ""] + [plain_number(i.target) for i in activity.indicators])
    for report in activity.reports:
        rows.append(
            [party_label(report), report.implementation_label, percent(report.percent_complete)]
            + [reading_text(reading) for reading in report.readings]
        )
    return _table_xml(header, rows, Emu(width // len(header)))


def _key_points(word, area):
    for heading, points, text in (
        (_("Key achievements"), area.achievements, "achievements"),
        (_("Key challenges"), area.challenges, "challenges"),
    ):
        _paragraph(word, heading, "Heading3")
        if not points:
            word.add_paragraph(_("None reported."))
        for point in points:
            paragraph = _paragraph(word, "", "ListBullet")
            paragraph.add_run(xml_safe(f"{point.activity_code} {point.activity_title}")).bold = True
            details = f" ({party_label(point)}; {point.implementation_label}, "
            details += f"{percent(point.percent_complete)}): "
            paragraph.add_run(xml_safe(details + (getattr(point, text) or NOTHING)))


def _changes(word, document, bulk):
    _paragraph(word, _("What changed since the last consultation"), "Heading1")
    if not document.previous_cycle_title:
        word.add_paragraph(
            _("This is the plan's first reporting cycle: there is nothing to compare with.")
        )
        return
    word.add_paragraph(
        xml_safe(
            _("Compared with %(previous)s, per activity and party:")
            % {"previous": document.previous_cycle_title}
        )
    )
    _table(
        word,
        [_("Change"), _("Activity and party")],
        [(change_label(kind), count) for kind, count in document.change_counts.items()],
    )
    # The ministers get the counts; the senior officials every activity and party.
    if not document.is_technical:
        return
    labels = document.status_labels
    rows = [
        [
            f"{change.activity_code} {change.activity_title}",
            party_label(change),
            change_label(change.kind),
            labels.get(change.status_before, ""),
            labels.get(change.status_now, ""),
            percent(change.percent_before),
            percent(change.percent_now),
        ]
        for change in document.changes
    ]
    if rows:
        header = [_("Activity"), _("Party"), _("Change"), _("Status before"), _("Status now")]
        header += [_("Percent before"), _("Percent now")]
        bulk.add(word, [_table_xml(header, rows, _column_width(word, len(header)))])


def _rates(word, document):
    if document.rates:
        png = charts.reporting_rate_chart(document.rates, image_format="png")
        word.add_picture(io.BytesIO(png), width=CHART_WIDTH)
        _caption(word, _("Reporting per party (expected, received, on time)"))
    totals = document.totals
    rows = [
        [
            rate.name,
            rate.expected,
            rate.received,
            rate.on_time,
            percent(rate.reporting_rate),
            percent(rate.on_time_rate),
        ]
        for rate in document.rates
    ]
    rows.append(
        [
            _("All parties"),
            totals.expected,
            totals.received,
            totals.on_time,
            percent(totals.reporting_rate),
            percent(totals.on_time_rate),
        ]
    )
    header = [_("Party"), _("Reports expected"), _("Received"), _("On time")]
    _table(word, [*header, _("Reporting rate"), _("On-time rate")], rows)


def _table(word, header, rows):
    """A Word table with a bold header row that repeats on each page."""
    _append_xml(word, _table_xml(header, rows, _column_width(word, len(header))))


def _column_width(word, columns):
    section = word.sections[-1]
    return Emu((section.page_width - section.left_margin - section.right_margin) // columns)


def _table_xml(header, rows, width):
    """A table in the shape python-docx's ``add_table`` gives (the TableGrid style, columns of
    ``width``, one run per cell), and the empty paragraph after it: filling cells one by one
    through python-docx took most of a long document's time."""
    cell = f'<w:tc><w:tcPr><w:tcW w:type="dxa" w:w="{width.twips}"/></w:tcPr><w:p>'
    parts = [
        f'<w:tbl {W}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:type="auto" w:w="0"/>',
        '<w:tblLook w:firstColumn="1" w:firstRow="1" w:lastColumn="0" w:lastRow="0" '
        'w:noHBand="0" w:noVBand="1" w:val="04A0"/></w:tblPr><w:tblGrid>',
        f'<w:gridCol w:w="{width.twips}"/>' * len(header),
        '</w:tblGrid><w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>',
    ]
    for label in header:
        parts += [cell, _r_xml(str(label), BOLD_RUN), "</w:p></w:tc>"]
    parts.append("</w:tr>")
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row of {len(row)} cells in a table of {len(header)} columns")
        parts.append("<w:tr>")
        for value in row:
            parts += [cell, _r_xml("" if value is None else str(value)), "</w:p></w:tc>"]
        parts.append("</w:tr>")
    parts.append(f"</w:tbl><w:p {W}/>")
    return "".join(parts)


def _append_xml(word, xml):
    """Add body content written as WordprocessingML (each element declaring ``W``) at the end
    of ``word``'s body."""
    fragment = parse_xml(f"<w:body {W}>{xml}</w:body>")
    end = word.element.body[-1]
    assert end.tag == qn("w:sectPr")
    for element in list(fragment):
        end.addprevious(element)


# Each body element written as XML declares the namespace itself: lxml moves an element whose
# nodes refer to a declaration outside it node by node (48 s for a table of 5,000 rows), one that
# carries its own declaration at once, dropping the declaration the document already has.
W = nsdecls("w")
# Run properties: bold, and bold in the warning colour.
BOLD_RUN = "<w:b/>"
WARNING_RUN = f'<w:b/><w:color w:val="{WARNING}"/>'


def _p_xml(*runs, style=None):
    """A paragraph of ``runs``, (text, run properties) pairs, in a style named by its id."""
    style = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    runs = "".join(_r_xml(text, properties) for text, properties in runs)
    return f"<w:p {W}>{style}{runs}</w:p>"


def _r_xml(text, properties=""):
    properties = f"<w:rPr>{properties}</w:rPr>" if properties else ""
    return f"<w:r>{properties}{_run_content(text)}</w:r>"


def _run_content(text):
    """A run's content as python-docx writes it: text in ``w:t``, a tab as ``w:tab``, each line
    break as ``w:br``."""
    text = xml_safe(text)
    if not _BREAKS.search(text):
        return _t_xml(text) if text else ""
    parts = []
    for piece in _BREAKS.split(text):
        if piece == "\t":
            parts.append("<w:tab/>")
        elif piece in ("\r", "\n"):
            parts.append("<w:br/>")
        elif piece:
            parts.append(_t_xml(piece))
    return "".join(parts)


def _t_xml(text):
    space = ' xml:space="preserve"' if text.strip() != text else ""
    return f"<w:t{space}>{escape(text)}</w:t>"


_BREAKS = re.compile(r"([\t\r\n])")
