import pytest

from reports.documents import build_document


@pytest.fixture
def document_of(meeting, secretariat):
    """The document of the meeting's cycle at a level, as the secretariat would prepare it."""

    def build(level, *, include_pending=False, consultation=None):
        return build_document(
            cycle=meeting.cycle,
            user=secretariat,
            level=level,
            include_pending=include_pending,
            consultation=consultation or meeting.somtc,
        )

    return build
