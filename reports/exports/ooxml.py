"""Office Open XML files (DOCX, XLSX) as the zip archives they are."""

import io
import zipfile


def rewritten(content, chosen, write):
    """``content`` (a saved DOCX or XLSX) with each part that ``chosen(name, xml)`` picks written
    anew by ``write(stream, xml)``, streamed into the new archive; every other part as it was."""
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            xml = source.read(item)
            if chosen(item.filename, xml):
                info = zipfile.ZipInfo(item.filename, item.date_time)
                info.compress_type = zipfile.ZIP_DEFLATED
                with target.open(info, "w") as stream:
                    write(stream, xml)
            else:
                target.writestr(item, xml)
    return buffer.getvalue()
