"""Nothing half-written: a save with files, a transition, an issued document and an import that
fail in the middle (the storage refusing a file, the database connection killed by the server)
leave no orphan file, no status without its timeline step, no version raised without the change.

The connection is killed for real: a second connection locks the table the work writes to next,
waits until the work is blocked on that lock, and ends its backend with pg_terminate_backend.
"""

import errno
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction

from priorities.models import Consultation, Party
from priorities.reference import load_reference
from reports.models import EvidenceFile, IssuedDocument, ProgressReport, ReportTransition
from reports.services import issue_document, save_report, start_report
from tests.factories import complete_content, make_cycle, make_report
from tests.reports.test_report_form import form_data

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
needs_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="kills a connection with pg_terminate_backend"
)


class RefusingStorage(FileSystemStorage):
    """The filesystem, refusing any upload named refused*: a full disk, a bucket that says no."""

    def _save(self, name, content):
        if Path(content.name).name.startswith("refused"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return super()._save(name, content)


def stored_files():
    return sorted(p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file())


def history_count(report):
    return report.history.count()


def test_a_save_whose_second_file_the_storage_refuses_leaves_nothing(
    client, official_id, activity, cycle, settings
):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "tests.reports.test_faults.RefusingStorage"},
    }
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    versions = history_count(report)
    client.force_login(official_id)
    client.raise_request_exception = False
    files = [SimpleUploadedFile("minutes.pdf", PDF), SimpleUploadedFile("refused.pdf", PDF)]

    response = client.post(
        f"/reports/{report.pk}/edit/",
        {**form_data(report, achievements="Not saved"), "files": files, "save": "1"},
    )

    assert response.status_code == 500
    report.refresh_from_db()
    assert (report.version, report.achievements) == (1, "")
    assert history_count(report) == versions
    assert not EvidenceFile.objects.filter(report=report).exists()
    assert stored_files() == [], "the first file, written before the refusal, is gone"


def run_until_blocked(work):
    """Start ``work`` in a thread with its own connection; return (thread, errors, its pid)."""
    errors = []

    def run():
        try:
            work()
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        with connection.cursor() as cursor:
            # Inside a transaction the activity view is a snapshot unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            blocked = cursor.fetchall()
        if blocked:
            return thread, errors, blocked[0][0]
        time.sleep(0.02)
    thread.join(10)
    raise AssertionError(f"the work never reached the locked table: {errors}")


def kill_midway(work, table):
    """Run ``work`` until it waits to write ``table``, then kill its database connection."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE MODE")
        thread, errors, pid = run_until_blocked(work)
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    thread.join(10)
    assert not thread.is_alive()
    [error] = errors
    assert isinstance(error, OperationalError)
    assert "terminating connection" in str(error)


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_save_cut_off_after_its_file_was_stored_leaves_no_file_and_no_new_version(
    official_id, activity, cycle
):
    report = start_report(user=official_id, activity=activity, cycle=cycle)
    versions = history_count(report)

    kill_midway(
        lambda: save_report(
            report=report,
            user=official_id,
            content=complete_content(),
            expected_version=report.version,
            files=[SimpleUploadedFile("minutes.pdf", PDF)],
        ),
        table="reports_evidencefile",
    )

    report.refresh_from_db()
    assert (report.version, report.achievements) == (1, "")
    assert history_count(report) == versions
    assert not report.indicator_values.exists()
    assert not EvidenceFile.objects.filter(report=report).exists()
    assert stored_files() == []


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_transition_cut_off_before_its_timeline_step_leaves_the_status_unchanged(
    official_id, activity, cycle
):
    report = make_report(official_id, activity, cycle)
    steps, versions = report.transitions.count(), history_count(report)

    kill_midway(
        lambda: report.transition(ProgressReport.Action.SUBMIT, by=official_id),
        table="reports_reporttransition",
    )

    report.refresh_from_db()
    assert (report.status, report.version, report.submitted_at) == ("draft", 2, None)
    assert ReportTransition.objects.filter(report=report).count() == steps
    assert history_count(report) == versions


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_import_cut_off_midway_writes_nothing(reference):
    # Parties are loaded before consultations: the edited party is put back first.
    Party.objects.filter(code="ID").update(name="Edited locally")
    Consultation.objects.update(outcome="Edited locally")
    history = Party.history.count()

    kill_midway(lambda: load_reference(overwrite=True), table="priorities_consultation")

    assert Party.objects.get(code="ID").name == "Edited locally"
    assert set(Consultation.objects.values_list("outcome", flat=True)) == {"Edited locally"}
    assert Party.history.count() == history


@needs_postgresql
@pytest.mark.django_db(transaction=True)
def test_an_issue_cut_off_after_its_file_was_stored_leaves_no_document_and_no_file(
    plan, official_id, secretariat, activity
):
    cycle = make_cycle(plan)
    make_report(official_id, activity, cycle, "accepted", secretariat)
    meeting = Consultation.objects.filter(series=Consultation.Series.SOMTC_JAPAN).first()
    cycle.consultations.add(meeting)

    kill_midway(
        lambda: issue_document(
            consultation=meeting,
            cycle=cycle,
            level="technical",
            file_format="docx",
            user=secretariat,
        ),
        table="reports_issueddocument",
    )

    assert not IssuedDocument.objects.exists()
    assert stored_files() == []
