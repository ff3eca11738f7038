"""A Japanese browser gets the app in Japanese; an official switches to Bahasa Indonesia with
the switcher, sees the change and its ``lang``, and finds it again on another browser."""

import pytest
from playwright.sync_api import expect

from ammtc_tracker.models import User
from tests.browser.axe import assert_accessible
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _log_in(page, button):
    page.goto("/accounts/login/")
    page.fill("#id_username", "official.id")
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    expect(page.get_by_role("button", name=button)).to_be_visible()


def test_an_official_switches_language_and_keeps_it(browser, live_server, reference):
    japanese = browser.new_context(base_url=live_server.url, locale="ja-JP")
    page = japanese.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.get_by_role("link", name="ログイン")).to_be_visible()
    _log_in(page, "ログアウト")

    switcher = page.get_by_label("言語")
    expect(switcher).to_have_value("ja")
    switcher.select_option("id")
    page.get_by_role("button", name="言語を変更").click()
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    expect(page.get_by_role("link", name="Pelaporan Saya")).to_be_visible()
    expect(page.get_by_label("Bahasa")).to_have_value("id")
    assert_accessible(page, "the dashboard in Bahasa Indonesia")
    assert User.objects.get(username="official.id").language == "id"
    japanese.close()

    # Another browser, set to English: the account's choice wins once signed in.
    english = browser.new_context(base_url=live_server.url, locale="en-GB")
    page = english.new_page()
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    _log_in(page, "Keluar")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    english.close()
