"""An official files a report with the keyboard alone: every control is reached in the order
of the page, and the focused element always shows a focus ring."""

import pytest
from playwright.sync_api import expect

from reports.models import ProgressReport
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  return {
    key: element.id || element.getAttribute("name") || element.textContent.trim(),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shown: box.width > 0 && box.height > 0 && box.bottom > 0 && box.top < innerHeight,
  };
}"""


def tab(page):
    """Press Tab; return what took focus, after checking that it can be seen to have it."""
    page.keyboard.press("Tab")
    focused = page.evaluate(FOCUSED)
    assert focused["ring"], f"{focused['key']} has no visible focus ring"
    assert focused["shown"], f"{focused['key']} has focus but is off screen"
    return focused["key"]


def tab_to(page, key, limit=30):
    """Tab until ``key`` has focus; return every key passed on the way, in order."""
    passed = []
    for _press in range(limit):
        passed.append(tab(page))
        if passed[-1] == key:
            return passed
    raise AssertionError(f"{key} not reached with Tab; passed {passed}")


def test_an_official_files_a_report_with_the_keyboard_alone(new_page, official_id, activity, cycle):
    page = new_page(width=1280)
    page.goto("/accounts/login/")
    # The login form starts in the user name field (autofocus).
    assert page.evaluate(FOCUSED) == {"key": "id_username", "ring": True, "shown": True}
    page.keyboard.type("official.id")
    assert tab(page) == "id_password"
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    assert tab(page) == "Skip to content"
    header = tab_to(page, "My reporting")
    assert header[0] == "AMMTC Tracker" and "Work plan" in header
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("My reporting")
    tab_to(page, "Start 2.1")
    page.keyboard.press("Enter")
    expect(page.locator("#report-form")).to_be_visible()

    indicator = activity.indicators.get()
    order = tab_to(page, "id_implementation_status")
    assert order[0] == "Skip to content"
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_implementation_status")).to_have_value("in_progress")
    assert tab(page) == "id_percent_complete"
    page.keyboard.type("40")
    assert tab(page) == "id_achievements"
    page.keyboard.type("Trained 25 investigators.")
    rest = tab_to(page, "submit")
    assert rest == [
        "id_challenges",
        "id_next_steps",
        f"id_indicator_{indicator.pk}_value",
        f"id_indicator_{indicator.pk}_note",
        "id_files",
        "save",
        "submit",
    ]
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("25")
    tab_to(page, "submit")
    page.keyboard.press("Enter")
    expect(page.locator(".messages")).to_contain_text("submitted to the secretariat")
    report = ProgressReport.objects.get()
    assert (report.status, report.percent_complete) == ("submitted", 40)
    assert report.indicator_values.get().value == 25
