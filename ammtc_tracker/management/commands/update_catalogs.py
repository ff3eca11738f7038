"""``make messages``: the catalogs of every language but English brought up to date with the
text marked in the code and templates, then compiled. New entries come out untranslated: the
language stays switched off (ammtc_tracker/languages.py) until they are translated.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

# Not the interface: tests, the benchmark, deployment files and build output.
IGNORED = ["tests/*", "bench/*", "deploy/*", "docs/*", "staticfiles/*", "media/*", "locale/*"]


class Command(BaseCommand):
    help = "Update locale/<lang>/LC_MESSAGES/django.po from the marked text and compile them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-compile", action="store_true", help="Update the .po files only (no .mo)."
        )

    def handle(self, *args, **options):
        languages = [code for code, _name in settings.ALL_LANGUAGES if code != "en"]
        call_command(
            "makemessages",
            locale=languages,
            ignore_patterns=IGNORED,
            no_obsolete=True,
            add_location="file",
            verbosity=options["verbosity"],
        )
        if not options["no_compile"]:
            call_command(
                "compilemessages",
                locale=languages,
                ignore_patterns=[".venv/*", "*/site-packages/*"],
            )
