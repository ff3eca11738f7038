from django.core.management.base import BaseCommand

from priorities.reference import load_reference


class Command(BaseCommand):
    help = (
        "Load the verified reference facts: parties, the 2023-2027 work plan, its priority areas "
        "and the consultations. Safe to run again; rows edited since are kept and reported."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--overwrite",
            action="store_true",
            help="Replace rows that differ from the reference with the reference values.",
        )

    def handle(self, *args, overwrite, **options):
        result = load_reference(overwrite=overwrite)
        for label in result.created:
            self.stdout.write(f"created  {label}")
        for label in result.updated:
            self.stdout.write(self.style.WARNING(f"replaced {label}"))
        for label in result.kept:
            self.stdout.write(self.style.WARNING(f"kept     {label}"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Reference data: {len(result.created)} created, {len(result.updated)} replaced, "
                f"{result.unchanged} unchanged, {len(result.kept)} kept as edited."
            )
        )
        if result.kept:
            self.stdout.write(
                "Rows kept as edited differ from the reference; --overwrite replaces them."
            )
