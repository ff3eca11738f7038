from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from ammtc_tracker.models import User
from reports import exports
from reports.documents import Level, build_document
from reports.models import ReportingCycle

# Exit status for a bad argument, as argparse uses for its own errors.
USAGE_ERROR = 2


class Command(BaseCommand):
    help = (
        "Write a reporting cycle's consultation document: the SOMTC+Japan progress report "
        "(technical) or the AMMTC+Japan summary (strategic), as HTML, DOCX, XLSX or CSV. It is "
        "built from every report, as the secretariat sees them; it is a draft, not issued."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, help="The reporting cycle's id.")
        parser.add_argument("--level", choices=Level.values, required=True)
        parser.add_argument("--format", choices=list(exports.FORMATS), required=True)
        parser.add_argument("--output", type=Path, required=True, help="The file to write.")
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="The language of the fixed text (only languages whose catalog is complete).",
        )
        parser.add_argument(
            "--include-pending",
            action="store_true",
            help="Add submitted reports not yet accepted, each marked pending review.",
        )

    def handle(self, *args, **options):
        cycle = ReportingCycle.objects.filter(pk=options["cycle"]).first()
        if cycle is None:
            known = ", ".join(
                f"{pk} ({title})" for pk, title in ReportingCycle.objects.values_list("id", "title")
            )
            raise CommandError(
                f"No reporting cycle has id {options['cycle']}. Cycles: {known or 'none'}.",
                returncode=USAGE_ERROR,
            )
        output = options["output"]
        if not output.parent.is_dir():
            raise CommandError(
                f"Cannot write {output}: {output.parent} is not a folder.", returncode=USAGE_ERROR
            )
        with translation.override(options["language"]):
            document = build_document(
                cycle=cycle,
                user=command_line_secretariat(),
                level=options["level"],
                include_pending=options["include_pending"],
            )
            content = exports.render(document, options["format"])
        output.write_bytes(content)
        self.stdout.write(f"Wrote {output} ({len(content):,} bytes).")


def command_line_secretariat():
    """Whoever runs the command on the server reads every report, as the secretariat does: an
    unsaved superuser stands in for them in the figures' access rule."""
    return User(username="command line", is_superuser=True, is_active=True)
