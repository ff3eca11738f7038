"""Evidence and issued documents in S3-compatible object storage (STORAGE_BACKEND=s3): stored,
issued and downloaded through the real django-storages and boto3 code, over HTTP to moto's S3
server, behind the same access checks as on the filesystem."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from priorities.models import Consultation
from reports.models import EvidenceFile
from reports.services import issue_document, start_report
from tests.factories import make_cycle, make_report
from tests.reports.test_report_form import form_data

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n" + bytes(range(256)) * 100 + b"\n%%EOF\n"


@pytest.fixture
def object_storage(settings, s3):
    options = s3.env()
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": options["S3_BUCKET"],
                "endpoint_url": options["S3_ENDPOINT_URL"],
                "region_name": options["S3_REGION"],
                "addressing_style": "path",
                "access_key": options["AWS_ACCESS_KEY_ID"],
                "secret_key": options["AWS_SECRET_ACCESS_KEY"],
                "file_overwrite": False,
                "default_acl": None,
            },
        },
    }
    return s3


def test_evidence_saved_with_a_report_is_stored_in_the_bucket_and_served_to_its_party(
    client, official_id, official_jp, activity, cycle, object_storage, settings, tmp_path
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    client.force_login(official_id)
    data = {**form_data(report), "files": [SimpleUploadedFile("minutes.pdf", PDF)], "save": "1"}

    response = client.post(f"/reports/{report.pk}/edit/", data)

    assert response.status_code == 302
    evidence = EvidenceFile.objects.get(report=report)
    assert evidence.sha256 == hashlib.sha256(PDF).hexdigest()
    stored = object_storage.client().get_object(
        Bucket=object_storage.bucket, Key=evidence.file.name
    )
    assert stored["Body"].read() == PDF
    assert not any(tmp_path.rglob("*.pdf")), "nothing was written to MEDIA_ROOT"

    download = client.get(f"/reports/{report.pk}/files/{evidence.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    client.force_login(official_jp)
    assert client.get(f"/reports/{report.pk}/files/{evidence.pk}/").status_code == 404


def test_evidence_uploaded_through_the_api_is_stored_in_the_bucket(
    api, official_id, reader, activity, cycle, object_storage
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)

    response = api(official_id).post(
        f"/api/v1/reports/{report.pk}/files/",
        {"file": SimpleUploadedFile("minutes.pdf", PDF)},
        format="multipart",
    )

    assert response.status_code == 201, response.content
    key = EvidenceFile.objects.get(pk=response.json()["id"]).file.name
    assert key in object_storage.object_keys()
    download = api(official_id).get(response.json()["download_url"])
    assert b"".join(download.streaming_content) == PDF
    assert api(reader).get(response.json()["download_url"]).status_code == 404


def test_an_issued_document_is_kept_in_the_bucket_and_downloaded_byte_for_byte(
    client, plan, official_id, secretariat, reader, activity, object_storage
):
    cycle = make_cycle(plan)
    make_report(official_id, activity, cycle, "accepted", secretariat)
    meeting = Consultation.objects.filter(series=Consultation.Series.SOMTC_JAPAN).first()
    cycle.consultations.add(meeting)

    document = issue_document(
        consultation=meeting, cycle=cycle, level="technical", file_format="docx", user=secretariat
    )

    stored = (
        object_storage.client()
        .get_object(Bucket=object_storage.bucket, Key=document.file.name)["Body"]
        .read()
    )
    assert hashlib.sha256(stored).hexdigest() == document.sha256
    client.force_login(reader)
    response = client.get(f"/consultations/{meeting.pk}/documents/{document.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == stored
