"""Meeting documents in the language the secretariat chooses: fixed text, area and party names
and statuses translated; what officials wrote stays as written."""

import io

from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn

from reports.models import IssuedDocument


def _texts(word):
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return [p.text for p in word.paragraphs] + cells


def test_a_docx_in_bahasa_indonesia_from_the_command(meeting, tmp_path):
    output = tmp_path / "laporan.docx"
    call_command(
        "consolidated_report",
        cycle=meeting.cycle.pk,
        level="technical",
        format="docx",
        output=output,
        language="id",
    )
    word = Document(output)
    texts = _texts(word)
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert "Laporan kemajuan pelaksanaan Rencana Kerja" in texts
    assert headings[:6] == [
        "Gambaran umum",
        "1. Terorisme",
        "2. Kejahatan siber",
        "3. Peredaran gelap narkoba",
        "4. Pembajakan dan perompakan bersenjata di laut",
        "5. Tindak pidana perdagangan orang",
    ]
    assert "Lampiran: kepatuhan" in headings
    assert any("Jepang" in text for text in texts)  # a party, by its Indonesian name
    assert any("Trained 25 investigators." in text for text in texts)  # as the official wrote
    assert "Progress report on the implementation of the work plan" not in texts


def test_the_command_offers_only_complete_languages(meeting, tmp_path, settings):
    from reports.management.commands.consolidated_report import Command

    settings.LANGUAGES = [("en", "English")]
    parser = Command().create_parser("manage.py", "consolidated_report")
    language = next(a for a in parser._actions if a.dest == "language")
    assert language.choices == ["en"]


def test_the_document_desk_downloads_a_docx_in_japanese(meeting, secretariat, client):
    client.force_login(secretariat)
    desk = f"/admin/reports/reportingcycle/{meeting.cycle.pk}/documents/"
    form = client.get(desk).context["form"]
    assert [code for code, _name in form.fields["language"].choices] == ["en", "id", "ja"]
    choice = {
        "cycle": meeting.cycle.pk,
        "consultation": meeting.somtc.pk,
        "level": "technical",
        "format": "docx",
        "language": "ja",
    }
    response = client.get(desk + "download/", choice)
    assert response.status_code == 200
    texts = _texts(Document(io.BytesIO(response.content)))
    assert "作業計画の実施に関する進捗報告" in texts
    assert "1. テロリズム" in texts
    # The desk itself stays in the secretariat's language.
    assert "Prepare documents" in client.get(desk).content.decode()


def test_the_docx_declares_its_language(meeting, tmp_path):
    output = tmp_path / "laporan.docx"
    call_command(
        "consolidated_report",
        cycle=meeting.cycle.pk,
        level="strategic",
        format="docx",
        output=output,
        language="ja",
    )
    word = Document(output)
    assert word.core_properties.language == "ja"
    lang = word.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    assert lang.find(qn("w:rPr")).find(qn("w:lang")).get(qn("w:eastAsia")) == "ja"


def test_an_issued_document_records_and_shows_its_language(meeting, secretariat, reader, client):
    """A meeting can be given the same document in English and in Japanese: the lists say which
    file is which."""
    client.force_login(secretariat)
    desk = f"/admin/reports/reportingcycle/{meeting.cycle.pk}/documents/"
    choice = {
        "cycle": meeting.cycle.pk,
        "consultation": meeting.somtc.pk,
        "level": "technical",
        "format": "docx",
    }
    for language in ("en", "ja"):
        response = client.post(desk + "issue/", {**choice, "language": language})
        assert response.status_code == 302
    issued = IssuedDocument.objects.order_by("id")
    assert [document.language for document in issued] == ["en", "ja"]
    japanese = issued.last()
    assert "作業計画の実施に関する進捗報告" in _texts(Document(japanese.file.open("rb")))
    assert [document.filename for document in issued] == [
        "progress-report-this-year.docx",
        "progress-report-this-year-ja.docx",
    ]
    row = _row_of(client.get(desk).content.decode(), f"{japanese.filename}</a>")
    assert "<td>日本語</td>" in row

    client.force_login(reader)
    page = client.get(f"/consultations/{meeting.somtc.pk}/documents/").content.decode()
    assert page.count("<td>English</td>") == 1
    assert page.count("<td>日本語</td>") == 1


def _row_of(html, text):
    at = html.index(text)
    return html[html.rindex("<tr>", 0, at) : html.index("</tr>", at)]
