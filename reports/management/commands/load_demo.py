import os
import secrets
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.demo import DEMO_ACCOUNTS, DemoRefused, load_demo


class Command(BaseCommand):
    help = (
        "Add the illustrative demo data set (sample activities, cycles, reports and four demo "
        "accounts), then print the accounts, their password and where to log in. The password "
        "comes from DEMO_PASSWORD, else from --password-file (made up and kept there the first "
        "time), else it is made up."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--url",
            default="http://127.0.0.1:8000",
            help="Where the app is served; the printed login link names it.",
        )
        parser.add_argument(
            "--password-file",
            type=Path,
            help="Keep the made-up password in this file, so that it stays the same next time.",
        )

    def handle(self, *args, url, password_file, **options):
        password = os.environ.get("DEMO_PASSWORD") or _kept_password(password_file)
        try:
            _users, password = load_demo(password=password)
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(self.style.SUCCESS("Demo data loaded (all activities are SAMPLE data)."))
        self.stdout.write(f"Demo accounts, log in at {url.rstrip('/')}/accounts/login/ :")
        for username, description, _role, _party in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {description}")
        self.stdout.write(f"  password: {password}")


def _kept_password(path):
    """The password kept in ``path``, made up and written there (for its owner only) if absent."""
    if path is None:
        return None
    if path.exists():
        return path.read_text(encoding="utf-8").strip() or None
    password = secrets.token_urlsafe(12)
    path.touch(mode=0o600)
    path.write_text(password + "\n", encoding="utf-8")
    return password
