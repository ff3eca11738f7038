"""The secretariat prepares, previews and issues the SOMTC+Japan progress report from the admin,
in a real Chromium; a reader then downloads the issued document from the site."""

import io

import pytest
from docx import Document
from playwright.sync_api import expect

from reports.models import IssuedDocument
from tests.browser.test_reporting_journey import log_in
from tests.reports.conftest import meeting, official_th  # noqa: F401  (the cycle's fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_prepares_previews_and_issues_the_somtc_report(
    new_page,
    meeting,  # noqa: F811  (the fixture imported above)
    secretariat,
    reader,
):
    admin = new_page()
    admin.set_viewport_size({"width": 1280, "height": 900})
    log_in(admin, "secretariat")
    admin.goto(f"/admin/priorities/consultation/{meeting.somtc.pk}/change/")
    admin.get_by_role("link", name="Prepare documents").click()
    expect(admin.locator("#id_level")).to_have_value("technical")
    admin.check("#id_include_pending")
    admin.select_option("#id_format", "docx")

    with admin.expect_popup() as popup:
        admin.get_by_role("button", name="Preview (HTML)").click()
    preview = popup.value
    expect(preview.locator("h1")).to_have_text(
        "Progress report on the implementation of the work plan"
    )
    expect(preview.locator("#meeting")).to_contain_text("99th SOMTC+Japan")
    expect(preview.locator("section.area h2")).to_have_count(5)
    expect(preview.locator("#activity-1\\.1 .pending")).to_have_text("pending review")
    expect(preview.locator("#activity-4\\.1 .no-report")).to_have_text("No report")
    # The print stylesheet is allowed by the page's content security policy.
    border = preview.locator("h2").first.evaluate("h => getComputedStyle(h).borderBottomStyle")
    assert border == "solid"
    preview.close()

    admin.get_by_role("button", name="Issue to the meeting…").click()
    expect(admin.locator("#issue-summary")).to_contain_text("Word (DOCX)")
    expect(admin.locator("#issue-summary")).to_contain_text("included, marked pending review")
    admin.get_by_role("button", name="Issue to the meeting").click()
    expect(admin.locator(".messagelist")).to_contain_text(
        "Issued progress-report-this-year.docx to the 99th SOMTC+Japan"
    )
    document = IssuedDocument.objects.get()
    expect(admin.get_by_role("link", name=document.filename)).to_be_visible()

    visitor = new_page()
    log_in(visitor, "reader")
    visitor.goto(f"/consultations/{meeting.somtc.pk}/documents/")
    with visitor.expect_download() as download:
        visitor.locator("#issued-documents a").first.click()
    with open(download.value.path(), "rb") as downloaded, document.file.open("rb") as stored:
        content = downloaded.read()
        assert content == stored.read()
    headings = [p.text for p in Document(io.BytesIO(content)).paragraphs]
    assert "Japan (pending review)" in headings
