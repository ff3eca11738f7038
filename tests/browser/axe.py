"""axe-core in the page under test: the accessibility rules of WCAG 2.1 A and AA.

The app's Content-Security-Policy refuses injected script elements, so the vendored source is
evaluated with ``page.evaluate`` (which the policy does not govern) instead of added as a tag.
"""

from functools import cache
from pathlib import Path

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("critical", "serious")


@cache
def _source():
    return AXE.read_text(encoding="utf-8")


def run_axe(page):
    """Every WCAG 2.1 A/AA violation on ``page`` as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(_source())
    results = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    return results["violations"]


def assert_accessible(page, where):
    """No critical or serious violation on ``page``; prints the tally of every impact (-s)."""
    found = run_axe(page)
    tally = dict.fromkeys(("critical", "serious", "moderate", "minor"), 0)
    for violation in found:
        tally[violation["impact"]] += 1
    print(f"axe {where}: " + ", ".join(f"{n} {impact}" for impact, n in tally.items()))
    blocking = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:5]}"
        for v in found
        if v["impact"] in BLOCKING
    ]
    assert not blocking, f"{where} ({page.url}): " + "; ".join(blocking)
