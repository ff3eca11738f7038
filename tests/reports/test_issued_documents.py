"""Issued documents: made by one service, never changed or deleted, downloadable byte for byte
by officials and readers after the reports in them change."""

import hashlib
import io

import pytest
from docx import Document

from reports.exceptions import Conflict, NotPermitted
from reports.models import DocumentFrozen, IssuedDocument, ProgressReport
from reports.services import issue_document, save_report


def issue(meeting, user, file_format="docx", **options):
    return issue_document(
        consultation=meeting.somtc,
        cycle=meeting.cycle,
        level="technical",
        file_format=file_format,
        user=user,
        **options,
    )


def stored(document):
    with document.file.open("rb") as file:
        return file.read()


def download(client, document):
    response = client.get(f"/consultations/{document.consultation_id}/documents/{document.pk}/")
    assert response.status_code == 200
    return response, b"".join(response.streaming_content)


def test_issuing_stores_the_document_with_its_hash_and_who_issued_it(meeting, secretariat):
    document = issue(meeting, secretariat, include_pending=True)
    content = stored(document)
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert (document.consultation, document.cycle, document.level, document.format) == (
        meeting.somtc,
        meeting.cycle,
        "technical",
        "docx",
    )
    assert (document.issued_by, document.include_pending) == (secretariat, True)
    assert document.filename == "progress-report-this-year.docx"
    texts = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "Japan (pending review)" in texts


def test_an_issued_document_stays_byte_identical_after_its_reports_change(
    meeting, secretariat, official_id, client, reader
):
    document = issue(meeting, secretariat)
    given = stored(document)
    report = ProgressReport.objects.get(
        cycle=meeting.cycle, activity=meeting.activities["1.1"], party__code="ID"
    )
    report.transition(ProgressReport.Action.REOPEN, by=secretariat, comment="Correct it.")
    save_report(
        report=report,
        user=official_id,
        content={"achievements": "Rewritten after the meeting.", "percent_complete": 90},
        expected_version=report.version,
    )
    report.refresh_from_db()
    report.transition(ProgressReport.Action.SUBMIT, by=official_id)
    report.transition(ProgressReport.Action.ACCEPT, by=secretariat)

    client.force_login(reader)
    response, content = download(client, document)
    assert content == given
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert response["Content-Disposition"] == (
        'attachment; filename="progress-report-this-year.docx"'
    )
    texts = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "Trained 25 investigators." in texts and "Rewritten after the meeting." not in texts
    again = issue(meeting, secretariat)
    assert "Rewritten after the meeting." in "\n".join(
        p.text for p in Document(io.BytesIO(stored(again))).paragraphs
    )
    assert again.sha256 != document.sha256
    assert again.file.name != document.file.name


def test_an_issued_document_cannot_be_changed_or_deleted(meeting, secretariat):
    document = issue(meeting, secretariat, file_format="csv")
    document.level = "strategic"
    with pytest.raises(DocumentFrozen, match="cannot be changed"):
        document.save()
    with pytest.raises(DocumentFrozen, match="cannot be deleted"):
        document.delete()
    with pytest.raises(DocumentFrozen):
        IssuedDocument.objects.filter(pk=document.pk).update(level="strategic")
    with pytest.raises(DocumentFrozen):
        IssuedDocument.objects.all().delete()
    document.refresh_from_db()
    assert document.level == "technical"
    assert IssuedDocument.objects.count() == 1


def test_the_admin_offers_no_change_and_no_delete(meeting, secretariat, superuser, client):
    document = issue(meeting, secretariat, file_format="csv")
    client.force_login(superuser)
    base = f"/admin/reports/issueddocument/{document.pk}"
    page = client.get(f"{base}/change/")
    assert page.status_code == 200
    assert b'name="level"' not in page.content
    assert client.post(f"{base}/change/", {"level": "strategic"}).status_code == 403
    assert client.post(f"{base}/delete/", {"post": "yes"}).status_code == 403
    assert client.get("/admin/reports/issueddocument/add/").status_code == 403
    document.refresh_from_db()
    assert document.level == "technical"


def test_only_the_secretariat_issues_and_only_to_a_meeting_the_cycle_feeds(
    meeting, official_id, secretariat
):
    with pytest.raises(NotPermitted, match="Only the secretariat"):
        issue(meeting, official_id)
    meeting.cycle.consultations.remove(meeting.somtc)
    with pytest.raises(Conflict, match="This year does not feed the 99th SOMTC\\+Japan"):
        issue(meeting, secretariat)
    assert IssuedDocument.objects.count() == 0


def test_officials_and_readers_list_and_download_a_meetings_documents(
    meeting, secretariat, official_jp, reader, client
):
    document = issue(meeting, secretariat, file_format="xlsx")
    for user in (official_jp, reader):
        client.force_login(user)
        page = client.get(f"/consultations/{meeting.somtc.pk}/documents/")
        assert page.status_code == 200
        html = page.content.decode()
        assert f'href="/consultations/{meeting.somtc.pk}/documents/{document.pk}/"' in html
        assert "This year" in html
        _response, content = download(client, document)
        assert content == stored(document)
    home = client.get("/").content.decode()
    assert f'href="/consultations/{meeting.somtc.pk}/documents/"' in home


def test_a_document_is_not_served_to_strangers_or_under_another_meeting(
    meeting, secretariat, client
):
    document = issue(meeting, secretariat, file_format="csv")
    url = f"/consultations/{meeting.somtc.pk}/documents/{document.pk}/"
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(secretariat)
    other = f"/consultations/{meeting.ammtc.pk}/documents/{document.pk}/"
    assert client.get(other).status_code == 404
