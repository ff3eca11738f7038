"""Files written to the storage inside a database transaction are removed if it rolls back.

The storage (a folder, an S3 bucket) and the database cannot share one transaction: a file is
written first, then the row that names it. If anything after the write fails (another file
refused, a check, the connection dropped, the commit itself) the rows roll back, and without
this the file would stay in the storage with nothing pointing at it. Writing the file after the
commit instead would be worse: a failed write would leave a row, and a new version of the
report, pointing at nothing.

``atomic_with_files()`` is ``transaction.atomic()`` that deletes again the files written inside
it (through ``remove_on_rollback``) when it exits with an exception. Nested blocks hand their
files to the enclosing one, which decides. A process killed between the write and the commit
still leaves a file behind; those are harmless (never served) and found by comparing the
storage with the database.
"""

import logging
import threading
from contextlib import contextmanager

from django.db import transaction

logger = logging.getLogger(__name__)
_blocks = threading.local()  # Django's connections are per thread, and so are transactions


@contextmanager
def atomic_with_files(using=None):
    outer = getattr(_blocks, "files", None)
    files = _blocks.files = []
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        _delete(files)
        raise
    finally:
        _blocks.files = outer
    if outer is not None:
        outer.extend(files)


def remove_on_rollback(storage, name):
    """Note a file just written, to delete it if the enclosing ``atomic_with_files`` fails."""
    files = getattr(_blocks, "files", None)
    if files is None:
        storage.delete(name)
        raise RuntimeError("Write files to the storage inside atomic_with_files().")
    files.append((storage, name))


def _delete(files):
    for storage, name in files:
        try:
            storage.delete(name)
        except Exception:
            # The original error matters more; the file is unreferenced and never served.
            logger.exception("Could not delete %s after a rolled-back transaction", name)
