from django.core.management.base import BaseCommand

from ammtc_tracker.generations import GENERATIONS


class Command(BaseCommand):
    help = (
        "Make the shared cache forget every API token and cached answer: after a change made "
        "without the app's models (SQL, QuerySet.update), so that it counts at the next request."
    )

    def handle(self, *args, **options):
        for generation in GENERATIONS:
            generation.renew()
        self.stdout.write("The API tokens and cached answers will be read again from the database.")
