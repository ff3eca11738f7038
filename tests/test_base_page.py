"""What every page carries: a skip link to the content, the favicon, the stylesheet and script
of the app itself (no CDN)."""

import lxml.html
from django.contrib.staticfiles import finders


def test_every_page_starts_with_a_skip_link_to_its_content_and_has_a_favicon(client, reference):
    page = lxml.html.fromstring(client.get("/").content.decode())
    first_link = page.cssselect("body a")[0]
    assert (first_link.text, first_link.get("href")) == ("Skip to content", "#main")
    assert page.get_element_by_id("main").tag == "main"
    icon = page.cssselect("link[rel=icon]")[0].get("href")
    assert icon == "/static/favicon.svg"
    assert finders.find("favicon.svg")
    scripts = [s.get("src") for s in page.cssselect("script")]
    assert scripts == ["/static/js/app.js"]
