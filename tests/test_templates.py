"""Templates stay readable: no line longer than 120 characters."""

from django.conf import settings

MAX_LINE = 120


def test_no_template_line_is_longer_than_120_characters():
    templates = sorted((settings.BASE_DIR / "templates").rglob("*.html"))
    assert templates, "no template found: the check would pass on nothing"
    too_long = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}: {len(line)} characters"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if len(line) > MAX_LINE
    ]
    assert not too_long, f"template lines longer than {MAX_LINE} characters:\n" + "\n".join(
        too_long
    )
