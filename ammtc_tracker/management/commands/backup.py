from django.core.management.base import BaseCommand, CommandError

from ammtc_tracker.backups import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup (database dump, every stored file, a manifest of SHA-256 "
        "checksums) into one tar file."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", default="backups", help="Folder for the tar file.")

    def handle(self, *args, output, **options):
        try:
            outcome = create_backup(output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        seconds = outcome.seconds
        self.stdout.write(
            f"{outcome.path}: {outcome.tables} tables, {outcome.rows} rows, {outcome.files} files, "
            f"{outcome.bytes} bytes in {seconds['total']:.2f} s (database "
            f"{seconds['database']:.2f} s, files {seconds['files']:.2f} s)"
        )
        if outcome.missing:
            raise CommandError(
                f"The database refers to {len(outcome.missing)} files missing from the storage "
                f"(listed in the manifest; the rest was backed up): {', '.join(outcome.missing)}"
            )
