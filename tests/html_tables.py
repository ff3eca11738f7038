"""Reading a rendered page as a person reads it: the cells of a table, the links in it."""

import lxml.html


def page(response):
    return lxml.html.fromstring(response.content.decode())


def rows(response, xpath):
    """The text of each cell (header or data) of every row under the table(s) at ``xpath``,
    with whitespace collapsed."""
    tables = page(response).xpath(xpath)
    assert tables, f"no element at {xpath}"
    return [
        [" ".join(cell.text_content().split()) for cell in row.xpath("./th|./td")]
        for table in tables
        for row in table.xpath(".//tr")
    ]


def links(response, xpath):
    """(text, href) of every link under the element(s) at ``xpath``."""
    return [
        (" ".join(a.text_content().split()), a.get("href"))
        for element in page(response).xpath(xpath)
        for a in element.xpath(".//a")
    ]
