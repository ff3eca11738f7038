"""docs/openapi.yaml is the schema the code serves: a change to the API's contract is always a
visible diff in a commit (regenerate it with `make schema`)."""

from pathlib import Path

from django.core.management import call_command

SCHEMA_FILE = Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"


def test_the_checked_in_schema_is_the_served_one(tmp_path):
    call_command("spectacular", "--file", str(tmp_path / "openapi.yaml"))
    served = (tmp_path / "openapi.yaml").read_text()
    assert served == SCHEMA_FILE.read_text(), (
        "docs/openapi.yaml differs from the API's schema: run `make schema`, review the diff, "
        "and note the change in the README's API changelog."
    )
