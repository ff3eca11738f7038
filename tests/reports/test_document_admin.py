"""The secretariat's document desk in the admin: prepare, preview, download, issue."""

import io

import pytest
from docx import Document
from openpyxl import load_workbook

from reports.exports.html import STYLE_HASH
from reports.models import IssuedDocument


def desk(meeting, page="", on="cycle"):
    if on == "cycle":
        return f"/admin/reports/reportingcycle/{meeting.cycle.pk}/documents/{page}"
    return f"/admin/priorities/consultation/{meeting.somtc.pk}/documents/{page}"


def choice(meeting, **overrides):
    return {
        "cycle": meeting.cycle.pk,
        "consultation": meeting.somtc.pk,
        "level": "technical",
        "format": "docx",
        **overrides,
    }


def test_both_change_pages_link_to_the_desk(meeting, secretariat, client):
    client.force_login(secretariat)
    cycle_page = client.get(f"/admin/reports/reportingcycle/{meeting.cycle.pk}/change/")
    assert f'href="{desk(meeting)}" id="prepare-documents"' in cycle_page.content.decode()
    meeting_page = client.get(f"/admin/priorities/consultation/{meeting.somtc.pk}/change/")
    assert f'href="{desk(meeting, on="meeting")}"' in meeting_page.content.decode()


def test_the_desk_offers_the_choices_with_sensible_defaults(meeting, secretariat, client):
    client.force_login(secretariat)
    page = client.get(desk(meeting, on="meeting"))
    assert page.status_code == 200
    form = page.context["form"]
    assert form.initial["level"] == "technical"  # SOMTC+Japan: the progress report
    assert form.initial["cycle"] == meeting.cycle
    ammtc = client.get(f"/admin/priorities/consultation/{meeting.ammtc.pk}/documents/")
    assert ammtc.context["form"].initial["level"] == "strategic"
    labels = dict(form.fields["achievements"].choices)
    ticked = form.initial["achievements"]
    assert [labels[pk].split(" · ")[1] for pk in ticked] == [
        "1.1 Activity 1.1",
        "3.1 Activity 3.1",
        "5.1 Activity 5.1",
    ]
    assert len(form.initial["challenges"]) == 1


def test_the_preview_is_the_html_document_with_its_stylesheet_allowed(meeting, secretariat, client):
    client.force_login(secretariat)
    response = client.get(desk(meeting, "preview/"), choice(meeting, include_pending="on"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert STYLE_HASH in response["Content-Security-Policy"]
    html = response.content.decode()
    assert "<h1>Progress report on the implementation of the work plan</h1>" in html
    assert '<span class="pending">pending review</span>' in html


@pytest.mark.parametrize(
    ("file_format", "content_type", "extension"),
    [
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("csv", "text/csv; charset=utf-8", "csv"),
        ("html", "text/html; charset=utf-8", "html"),
    ],
)
def test_a_draft_downloads_in_each_format(
    meeting, secretariat, client, file_format, content_type, extension
):
    client.force_login(secretariat)
    response = client.get(desk(meeting, "download/"), choice(meeting, format=file_format))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response["Content-Disposition"] == (
        f'attachment; filename="progress-report-this-year.{extension}"'
    )
    if file_format == "xlsx":
        assert load_workbook(io.BytesIO(response.content)).sheetnames[0] == "Summary"
    assert IssuedDocument.objects.count() == 0  # a draft is not issued


def test_the_key_points_chosen_are_the_ones_the_summary_shows(meeting, secretariat, client):
    client.force_login(secretariat)
    candidates = client.get(desk(meeting)).context["form"].fields["achievements"].choices
    handbook = next(pk for pk, label in candidates if "3.1" in label)
    response = client.get(
        desk(meeting, "download/"),
        choice(
            meeting,
            level="strategic",
            chosen_for=meeting.cycle.pk,
            achievements=[handbook],
        ),
    )
    bullets = [
        p.text
        for p in Document(io.BytesIO(response.content)).paragraphs
        if p.style.name == "List Bullet"
    ]
    assert bullets == ["3.1 Activity 3.1 (Japan; completed, 100%): Handbook published."]


def test_issuing_asks_to_confirm_then_stores_the_document(meeting, secretariat, client):
    client.force_login(secretariat)
    confirm = client.get(desk(meeting, "issue/"), choice(meeting, format="xlsx"))
    assert confirm.status_code == 200
    html = confirm.content.decode()
    assert "99th SOMTC+Japan" in html and "Excel (XLSX)" in html
    assert '<input type="hidden" name="format" value="xlsx">' in html
    assert IssuedDocument.objects.count() == 0
    response = client.post(desk(meeting, "issue/"), choice(meeting, format="xlsx"), follow=True)
    document = IssuedDocument.objects.get()
    assert (document.format, document.issued_by, document.consultation) == (
        "xlsx",
        secretariat,
        meeting.somtc,
    )
    assert response.redirect_chain[-1][0] == (
        f"/admin/priorities/consultation/{meeting.somtc.pk}/change/"
    )
    page = response.content.decode()
    assert (
        f"Issued {document.filename} to the 99th SOMTC+Japan (SHA-256 {document.sha256})." in page
    )
    # The consultation's page lists it, with the link to the stored file.
    assert f'href="/consultations/{meeting.somtc.pk}/documents/{document.pk}/"' in page


def test_issuing_needs_a_consultation(meeting, secretariat, client):
    client.force_login(secretariat)
    response = client.post(desk(meeting, "issue/"), choice(meeting, consultation=""), follow=True)
    assert "Choose the consultation the document is issued to." in response.content.decode()
    assert IssuedDocument.objects.count() == 0


def test_a_bad_choice_is_named(meeting, secretariat, client):
    client.force_login(secretariat)
    response = client.get(
        desk(meeting, "preview/"), choice(meeting, level="ministerial"), follow=True
    )
    assert "Level: Select a valid choice. ministerial is not one of the available choices." in (
        response.content.decode()
    )


@pytest.mark.parametrize("page", ["", "preview/", "download/", "issue/"])
def test_officials_and_readers_may_not_prepare_or_issue(meeting, official_id, reader, client, page):
    for user in (official_id, reader):
        client.force_login(user)
        for on in ("cycle", "meeting"):
            assert client.get(desk(meeting, page, on), choice(meeting)).status_code == 403
            assert client.post(desk(meeting, page, on), choice(meeting)).status_code == 403
    client.logout()
    response = client.get(desk(meeting, page), choice(meeting))
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    assert IssuedDocument.objects.count() == 0
