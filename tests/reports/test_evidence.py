"""Evidence files: the type is read from the content, and only those who may see the report
may download them."""

import hashlib
import io

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import EvidenceFile
from reports.services import start_report
from tests.factories import make_report
from tests.reports.test_report_form import form_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


def word_document():
    document = docx.Document()
    document.add_paragraph("Attendance list: 40 investigators.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(client, report, *files, **overrides):
    data = {**form_data(report, **overrides), "files": list(files), "save": "1"}
    return client.post(f"/reports/{report.pk}/edit/", data)


def test_an_allowed_file_is_stored_with_its_size_and_checksum(client, official_id, activity, cycle):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    content = word_document()
    response = upload(client, report, SimpleUploadedFile("attendance.docx", content))
    assert response.status_code == 302
    stored = EvidenceFile.objects.get(report=report)
    assert stored.original_name == "attendance.docx"
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.uploaded_by == official_id
    assert stored.content_type.endswith("wordprocessingml.document")

    download = client.get(f"/reports/{report.pk}/files/{stored.pk}/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)
    assert body == content
    assert docx.Document(io.BytesIO(body)).paragraphs[0].text.startswith("Attendance list")
    assert 'attachment; filename="attendance.docx"' in download["Content-Disposition"]


def test_several_files_can_be_attached_at_once(client, official_id, activity, cycle):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    response = upload(
        client, report, SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("photo.png", PNG)
    )
    assert response.status_code == 302
    assert sorted(report.evidence_files.values_list("original_name", flat=True)) == [
        "a.pdf",
        "photo.png",
    ]


def test_a_file_whose_content_does_not_match_its_name_is_refused_and_nothing_is_lost(
    client, official_id, activity, cycle
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    response = upload(
        client,
        report,
        SimpleUploadedFile("report.pdf", PNG),
        achievements="Typed before the upload failed",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "The content of report.pdf is not a .pdf file, whatever its name says." in html
    assert "Typed before the upload failed</textarea>" in html
    assert "Files were not saved; please choose them again." in html
    assert not EvidenceFile.objects.exists()


def test_a_file_of_a_type_not_accepted_is_refused(client, official_id, activity, cycle):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    response = upload(client, report, SimpleUploadedFile("run.exe", b"MZ\x90\x00" + b"\0" * 60))
    assert response.status_code == 400
    assert "run.exe is not an accepted type." in response.content.decode()


def test_a_file_over_the_size_limit_is_refused(client, settings, official_id, activity, cycle):
    settings.EVIDENCE_MAX_BYTES = 100
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    response = upload(client, report, SimpleUploadedFile("big.pdf", PDF + b"\0" * 200))
    assert response.status_code == 400
    assert (
        "big.pdf is 245\xa0bytes; a file may be 100\xa0bytes at most." in response.content.decode()
    )


def test_files_are_served_only_to_those_who_may_see_the_report(
    client, official_id, official_jp, secretariat, reader, activity, cycle
):
    upload = SimpleUploadedFile("minutes.pdf", PDF)
    report = make_report(official_jp, activity, cycle, "submitted", files=[upload])
    evidence = report.evidence_files.get()
    url = f"/reports/{report.pk}/files/{evidence.pk}/"
    expected = {official_jp: 200, secretariat: 200, official_id: 404, reader: 404}
    for user, status in expected.items():
        client.force_login(user)
        assert client.get(url).status_code == status, user
    client.logout()
    assert client.get(url).status_code == 302

    report.transition("accept", by=secretariat)
    for user in (official_id, reader):
        client.force_login(user)
        assert client.get(url).status_code == 200


def test_a_file_id_of_another_report_is_not_found(
    client, official_id, official_jp, activity, cycle
):
    from reports.services import attach_evidence

    mine = make_report(official_id, activity, cycle)
    theirs = make_report(official_jp, activity, cycle)
    evidence = attach_evidence(
        report=theirs, user=official_jp, upload=SimpleUploadedFile("x.pdf", PDF)
    )
    client.force_login(official_id)
    assert client.get(f"/reports/{mine.pk}/files/{evidence.pk}/").status_code == 404


def test_attaching_a_file_through_the_api_is_a_new_version_of_the_report(
    api, official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    response = api(official_id).post(
        f"/api/v1/reports/{report.pk}/files/",
        {"file": SimpleUploadedFile("minutes.pdf", PDF)},
        format="multipart",
    )
    assert response.status_code == 201
    report.refresh_from_db()
    assert report.version == 3
    latest = report.history.first()
    assert (latest.version, latest.history_user) == (3, official_id)


def test_a_file_cannot_land_on_a_report_submitted_in_between(api, official_id, activity, cycle):
    """The upload locks the report and checks it is still editable, as a save does."""
    report = make_report(official_id, activity, cycle)
    client = api(official_id)
    report.transition("submit", by=official_id)
    response = client.post(
        f"/api/v1/reports/{report.pk}/files/",
        {"file": SimpleUploadedFile("late.pdf", PDF)},
        format="multipart",
    )
    assert (response.status_code, response.data["detail"]) == (
        409,
        "This report is submitted and can no longer be changed.",
    )
    assert not report.evidence_files.exists()


def test_an_official_removes_a_file_which_stays_on_the_record(
    client, official_id, secretariat, activity, cycle
):
    report = make_report(official_id, activity, cycle, files=[SimpleUploadedFile("a.pdf", PDF)])
    evidence = report.evidence_files.get()
    client.force_login(official_id)
    response = upload(client, report, **{f"remove_{evidence.pk}": "on"})
    assert response.status_code == 302
    evidence.refresh_from_db()
    assert (evidence.removed_by, evidence.is_removed) == (official_id, True)
    assert evidence.file.read() == PDF  # the bytes are kept
    assert "a.pdf" not in client.get(f"/reports/{report.pk}/").content.decode()
    assert client.get(f"/reports/{report.pk}/files/{evidence.pk}/").status_code == 404
    client.force_login(secretariat)
    download = client.get(f"/reports/{report.pk}/files/{evidence.pk}/")
    assert b"".join(download.streaming_content) == PDF


def test_an_official_replaces_a_file_in_one_save(client, official_id, activity, cycle):
    report = make_report(official_id, activity, cycle, files=[SimpleUploadedFile("a.pdf", PDF)])
    old = report.evidence_files.get()
    client.force_login(official_id)
    replacement = SimpleUploadedFile("attendance.png", PNG)
    version = report.version
    assert upload(client, report, **{f"replace_{old.pk}": replacement}).status_code == 302
    report.refresh_from_db()
    assert report.version == version + 1
    assert [f.original_name for f in report.current_evidence] == ["attendance.png"]
    old.refresh_from_db()
    assert old.removed_by == official_id


def test_a_replacement_of_the_wrong_type_is_refused_and_the_old_file_stays(
    client, official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle, files=[SimpleUploadedFile("a.pdf", PDF)])
    old = report.evidence_files.get()
    client.force_login(official_id)
    response = upload(client, report, **{f"replace_{old.pk}": SimpleUploadedFile("b.pdf", PNG)})
    assert response.status_code == 400
    assert "The content of b.pdf is not a .pdf file" in response.content.decode()
    assert [f.original_name for f in report.evidence_files.current()] == ["a.pdf"]


def test_files_cannot_be_removed_once_the_report_is_submitted(official_id, activity, cycle):
    import pytest

    from reports.exceptions import Conflict
    from reports.services import save_report

    report = make_report(
        official_id, activity, cycle, "submitted", files=[SimpleUploadedFile("a.pdf", PDF)]
    )
    with pytest.raises(Conflict):
        save_report(
            report=report,
            user=official_id,
            content={},
            expected_version=report.version,
            removed_files=[report.evidence_files.get().pk],
        )
    assert report.evidence_files.current().count() == 1


def test_the_api_lists_only_the_files_attached_now(api, client, official_id, activity, cycle):
    report = make_report(
        official_id,
        activity,
        cycle,
        files=[SimpleUploadedFile("a.pdf", PDF), SimpleUploadedFile("b.png", PNG)],
    )
    client.force_login(official_id)
    removed = report.evidence_files.get(original_name="a.pdf")
    assert upload(client, report, **{f"remove_{removed.pk}": "on"}).status_code == 302
    data = api(official_id).get(f"/api/v1/reports/{report.pk}/").data
    assert [f["name"] for f in data["files"]] == ["b.png"]
    assert (
        api(official_id).get(f"/api/v1/reports/{report.pk}/files/{removed.pk}/").status_code == 404
    )


def test_removing_a_file_twice_records_the_first_removal_only(official_id, activity, cycle):
    from reports.services import save_report

    report = make_report(official_id, activity, cycle, files=[SimpleUploadedFile("a.pdf", PDF)])
    evidence = report.evidence_files.get()

    def remove():
        return save_report(
            report=report,
            user=official_id,
            content={},
            expected_version=report.version,
            removed_files=[evidence.pk],
        )

    report = remove()
    first = EvidenceFile.objects.get(pk=evidence.pk).removed_at
    report = remove()  # the same form sent again
    evidence.refresh_from_db()
    assert evidence.removed_at == first
    assert evidence.history.filter(removed_at__isnull=False).count() == 1


def test_a_file_of_another_report_cannot_be_removed_through_this_one(
    official_id, plan, activity, cycle
):
    import pytest
    from django.core.exceptions import ValidationError

    from reports.services import save_report
    from tests.factories import make_activity

    other = make_report(
        official_id,
        make_activity(plan, "2.5", leads=["ID"]),
        cycle,
        files=[SimpleUploadedFile("b.pdf", PDF)],
    )
    report = make_report(official_id, activity, cycle)
    foreign = other.evidence_files.get().pk
    with pytest.raises(ValidationError) as error:
        save_report(
            report=report,
            user=official_id,
            content={},
            expected_version=report.version,
            removed_files=[foreign],
        )
    assert error.value.message_dict == {
        "files": [f"File {foreign} is not attached to this report."]
    }
    assert other.evidence_files.current().count() == 1
