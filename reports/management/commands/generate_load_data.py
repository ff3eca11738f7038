import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from reports.loadgen import LoadDataRefused, activity_count, generate


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic SAMPLE data for load tests: at scale 1, 200 activities, "
        "the 12 reference parties, 5 reporting cycles and about 5,000 reports in a realistic mix "
        "of workflow states, with their timelines and history. Refused on a database holding "
        "real reports or load data already."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale", type=float, default=1.0, help="Multiplies every count (default 1)."
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="The same seed gives the same data (default 0)."
        )

    def handle(self, *args, scale, seed, **options):
        if scale <= 0:
            raise CommandError("--scale must be greater than 0.")
        started = time.monotonic()
        with tqdm(
            total=activity_count(scale), unit="activity", file=sys.stderr, desc="Load data"
        ) as bar:
            try:
                result = generate(scale=scale, seed=seed, progress=bar.update)
            except LoadDataRefused as refusal:
                raise CommandError(str(refusal)) from None
        for name, number in result.counts.items():
            self.stdout.write(f"  {name:<24} {number:>10,}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Load data at scale {scale:g} generated in {time.monotonic() - started:.1f} s "
                "(all of it SAMPLE data)."
            )
        )
