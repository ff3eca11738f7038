"""The app speaks only languages whose catalog is complete, and says which one it speaks."""

import lxml.html
import pytest
from django.conf import settings
from django.utils import translation

from ammtc_tracker.languages import complete_languages

CANDIDATES = [("en", "English"), ("id", "Bahasa Indonesia"), ("ja", "日本語")]
HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _catalog(locale_dir, code, body):
    path = locale_dir / code / "LC_MESSAGES" / "django.po"
    path.parent.mkdir(parents=True)
    path.write_text(HEADER + body, encoding="utf-8")


def test_a_language_with_an_untranslated_or_fuzzy_entry_is_not_offered(tmp_path):
    _catalog(tmp_path, "id", 'msgid "Log in"\nmsgstr ""\n')
    _catalog(tmp_path, "ja", '#, fuzzy\nmsgid "Log in"\nmsgstr "ログイン"\n')
    languages = complete_languages(CANDIDATES, default="en", locale_dir=tmp_path)
    assert languages == [("en", "English")]


def test_a_language_without_a_catalog_is_not_offered_and_a_complete_one_is(tmp_path):
    _catalog(tmp_path, "ja", 'msgid "Log in"\nmsgstr "ログイン"\n')
    languages = complete_languages(CANDIDATES, default="en", locale_dir=tmp_path)
    assert languages == [("en", "English"), ("ja", "日本語")]


def _page(client, path, **headers):
    page = lxml.html.fromstring(client.get(path, **headers).content.decode())
    return page.get("lang"), page.cssselect("header a[href='/accounts/login/']")[0].text


def test_a_browser_in_a_language_not_offered_gets_english_under_lang_en(
    client, reference, settings
):
    settings.LANGUAGES = [("en", "English")]
    lang, login_link = _page(client, "/", HTTP_ACCEPT_LANGUAGE="id,en;q=0.5")
    assert (lang, login_link) == ("en", "Log in")
    lang, login_link = _page(client, "/", HTTP_ACCEPT_LANGUAGE="ja")
    assert (lang, login_link) == ("en", "Log in")


@pytest.mark.parametrize("code", ["id", "ja"])
def test_html_lang_names_the_language_the_page_is_shown_in(client, reference, code):
    lang, login_link = _page(client, "/", HTTP_ACCEPT_LANGUAGE=code)
    assert lang in dict(settings.LANGUAGES)
    with translation.override(lang):
        assert login_link == translation.gettext("Log in")


@pytest.fixture
def all_languages(settings):
    settings.LANGUAGES = settings.ALL_LANGUAGES


def test_the_switcher_keeps_a_signed_in_users_choice_on_the_account(
    login, official_id, all_languages
):
    client = login(official_id)
    response = client.post("/language/", {"language": "ja", "next": "/plan/"})
    assert (response.status_code, response["Location"]) == (302, "/plan/")
    official_id.refresh_from_db()
    assert official_id.language == "ja"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ja"
    # Another browser (no cookie, an English Accept-Language) gets the account's language.
    other = type(client)()
    other.force_login(official_id)
    page = lxml.html.fromstring(other.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert page.get("lang") == "ja"


def test_a_language_not_offered_is_not_kept(login, official_id, settings):
    settings.LANGUAGES = [("en", "English")]
    login(official_id).post("/language/", {"language": "ja", "next": "/"})
    official_id.refresh_from_db()
    assert official_id.language == ""


def test_every_page_has_a_labelled_language_switcher(client, reference, all_languages):
    page = lxml.html.fromstring(client.get("/plan/").content.decode())
    form = page.cssselect("form.language")[0]
    assert form.get("action") == "/language/"
    select = form.cssselect("select[name=language]")[0]
    assert page.cssselect(f"label[for={select.get('id')}]")[0].text == "Language"
    assert [o.get("value") for o in select.cssselect("option")] == ["en", "id", "ja"]


def test_the_admin_has_the_switcher_too(login, secretariat, all_languages):
    page = lxml.html.fromstring(login(secretariat).get("/admin/").content.decode())
    assert page.cssselect("#user-tools form.language select[name=language]")


@pytest.mark.parametrize(
    ("code", "day"), [("en", "29 Dec 2026"), ("id", "29 Des 2026"), ("ja", "2026年12月29日")]
)
def test_dates_follow_the_language(code, day):
    import datetime

    from django.utils.formats import date_format

    with translation.override(code):
        assert date_format(datetime.date(2026, 12, 29)) == day
