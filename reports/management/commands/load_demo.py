import os

from django.core.management.base import BaseCommand, CommandError

from reports.demo import DEMO_ACCOUNTS, DemoRefused, load_demo


class Command(BaseCommand):
    help = (
        "Add the illustrative demo data set (sample activities, cycles, reports and four demo "
        "accounts). The password comes from DEMO_PASSWORD, or is made up and printed."
    )

    def handle(self, *args, **options):
        try:
            _users, password = load_demo(password=os.environ.get("DEMO_PASSWORD") or None)
        except DemoRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(self.style.SUCCESS("Demo data loaded (all activities are SAMPLE data)."))
        self.stdout.write("Demo accounts, log in at http://127.0.0.1:8000/accounts/login/ :")
        for username, description, _role, _party in DEMO_ACCOUNTS:
            self.stdout.write(f"  {username:<12} {description}")
        self.stdout.write(f"  password: {password}")
