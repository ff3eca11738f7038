from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reports import reminders


class Command(BaseCommand):
    help = (
        "E-mail officials whose reports for an open cycle are outstanding, at the configured "
        "days before the deadline and once after it (and the secretariat's daily digest when "
        "SUBMISSION_NOTICES=daily). Each e-mail is sent once: safe to run every hour."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Print who would get what; send nothing."
        )

    def handle(self, *args, dry_run=False, **options):
        due = reminders.due_reminders(timezone.localdate())
        if dry_run:
            for reminder in due:
                self.stdout.write(f"Would send to {reminder.describe()}")
            self.stdout.write(f"{len(due)} e-mails would be sent; nothing was sent.")
            return
        sent, failed = 0, 0
        for reminder in due:
            try:
                sent += reminders.send(reminder)
            except OSError as error:  # smtplib's errors are OSErrors
                failed += 1
                self.stderr.write(f"Not sent to {reminder.recipient.email}: {error}")
        self.stdout.write(f"Sent {sent} e-mails.")
        if failed:
            raise CommandError(f"{failed} e-mails could not be sent; the next run tries again.")
