"""The consultation documents as files: one module per format, each with ``render(document)``
taking a ``reports.documents.ConsultationDocument`` and returning bytes. None of them queries
the database or computes a number; they lay out what the document carries."""

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class FileFormat:
    module: str
    extension: str
    content_type: str


FORMATS = {
    "html": FileFormat("html", "html", "text/html; charset=utf-8"),
    "docx": FileFormat(
        "docx",
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": FileFormat(
        "xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    ),
    "csv": FileFormat("csv", "csv", "text/csv; charset=utf-8"),
}


def render(document, file_format):
    """The document as bytes in ``file_format`` (a key of FORMATS)."""
    # Imported on use: python-docx, openpyxl and matplotlib are slow to import and most
    # requests need none of them.
    module = importlib.import_module(f"reports.exports.{FORMATS[file_format].module}")
    return module.render(document)
