"""The consolidated_report command, run as manage.py runs it."""

import io

import pytest
from django.core.management import call_command
from docx import Document
from openpyxl import load_workbook

from reports.management.commands.consolidated_report import Command


def run(*argv):
    """Run the command from an argument list; return (exit status, stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    command = Command(stdout=out, stderr=err)
    try:
        command.run_from_argv(["manage.py", "consolidated_report", *map(str, argv)])
    except SystemExit as exit:
        return exit.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


@pytest.mark.parametrize("file_format", ["html", "docx", "xlsx", "csv"])
def test_each_format_writes_its_file(meeting, tmp_path, file_format):
    output = tmp_path / f"report.{file_format}"
    status, out, _err = run(
        "--cycle", meeting.cycle.pk, "--level", "technical", "--format", file_format,
        "--output", output, "--include-pending",
    )  # fmt: skip
    assert status == 0
    assert out.startswith(f"Wrote {output} (")
    content = output.read_bytes()
    if file_format == "docx":
        headings = [p.text for p in Document(io.BytesIO(content)).paragraphs]
        assert "1.1 Activity 1.1 (SAMPLE)" in headings
        assert "Japan (pending review)" in headings
    elif file_format == "xlsx":
        assert "1 Terrorism" in load_workbook(io.BytesIO(content)).sheetnames
    elif file_format == "csv":
        assert content.decode("utf-8-sig").startswith("Priority area,Code,Activity,")
    else:
        assert b"<h1>Progress report on the implementation of the work plan</h1>" in content


def test_the_summary_can_be_written_too(meeting, tmp_path):
    output = tmp_path / "summary.docx"
    call_command(
        "consolidated_report",
        cycle=meeting.cycle.pk,
        level="strategic",
        format="docx",
        output=output,
    )
    texts = [p.text for p in Document(output).paragraphs]
    assert "Summary of the implementation of the work plan" in texts


def test_an_unknown_cycle_exits_2_naming_the_cycles(meeting, tmp_path):
    output = tmp_path / "x.html"
    status, _out, err = run(
        "--cycle", 999999, "--level", "technical", "--format", "html", "--output", output
    )
    assert status == 2
    assert "No reporting cycle has id 999999. Cycles: " in err
    assert f"{meeting.cycle.pk} (This year)" in err
    assert not output.exists()


@pytest.mark.parametrize(
    ("argument", "value", "message"),
    [
        ("--level", "ministerial", "argument --level: invalid choice: 'ministerial'"),
        ("--format", "pdf", "argument --format: invalid choice: 'pdf'"),
    ],
)
def test_an_unknown_level_or_format_exits_2(meeting, tmp_path, capsys, argument, value, message):
    options = {"--level": "technical", "--format": "html", argument: value}
    argv = ["--cycle", meeting.cycle.pk, "--output", tmp_path / "x"]
    for name, chosen in options.items():
        argv += [name, chosen]
    status, _out, _err = run(*argv)
    assert status == 2
    assert message in capsys.readouterr().err  # argparse's own error, on the process' stderr
    assert not (tmp_path / "x").exists()


def test_an_output_in_a_missing_folder_exits_2(meeting, tmp_path):
    output = tmp_path / "missing" / "x.csv"
    status, _out, err = run(
        "--cycle", meeting.cycle.pk, "--level", "technical", "--format", "csv", "--output", output
    )
    assert status == 2
    assert f"{output.parent} is not a folder" in err
