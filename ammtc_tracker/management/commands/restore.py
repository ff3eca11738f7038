from django.core.management.base import BaseCommand, CommandError

from ammtc_tracker.backups import BackupError, restore_backup, verify_backup


class Command(BaseCommand):
    help = (
        "Restore a backup made by `backup` into an empty database and the configured storage, "
        "then check every table and every file against the backup's manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The backup's tar file.")
        parser.add_argument(
            "--verify-only",
            action="store_true",
            help="Only check the backup's checksums; change nothing.",
        )

    def handle(self, *args, file, verify_only, **options):
        try:
            if verify_only:
                manifest = verify_backup(file)
                self.stdout.write(f"{file}: {len(manifest['entries'])} checksums match.")
                return
            outcome = restore_backup(file)
        except (BackupError, FileNotFoundError) as error:
            raise CommandError(str(error)) from None
        seconds = outcome.seconds
        self.stdout.write(
            f"Restored {file}: {outcome.tables} tables and {outcome.rows} rows match the backup's "
            f"fingerprints; {outcome.files} files ({outcome.bytes} bytes) match their checksums. "
            f"{seconds['total']:.2f} s (checksums {seconds['verify']:.2f} s, database "
            f"{seconds['database']:.2f} s, files {seconds['files']:.2f} s)"
        )
        if outcome.missing:
            self.stderr.write(
                f"The backup lacked {len(outcome.missing)} files that the database refers to: "
                f"{', '.join(outcome.missing)}"
            )
