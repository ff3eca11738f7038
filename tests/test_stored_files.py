"""Files written inside atomic_with_files() are deleted again if the transaction rolls back."""

import contextlib
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from ammtc_tracker.stored_files import atomic_with_files, remove_on_rollback


def write(name):
    stored = default_storage.save(name, ContentFile(b"evidence"))
    remove_on_rollback(default_storage, stored)
    return stored


def test_files_of_a_block_that_commits_are_kept(db):
    with atomic_with_files():
        name = write("kept.pdf")
    assert default_storage.exists(name)


def test_files_of_an_inner_block_go_when_the_outer_block_fails(db):
    with contextlib.suppress(RuntimeError), atomic_with_files():
        with atomic_with_files():
            name = write("inner.pdf")
        assert default_storage.exists(name)
        raise RuntimeError("a later step failed")
    assert not default_storage.exists(name)


def test_files_of_a_failed_inner_block_go_even_when_the_outer_block_commits(db):
    with atomic_with_files():
        with contextlib.suppress(RuntimeError), atomic_with_files():
            name = write("inner.pdf")
            raise RuntimeError("this step failed and was handled")
        kept = write("outer.pdf")
    assert not default_storage.exists(name)
    assert default_storage.exists(kept)


def test_a_file_written_outside_a_block_is_refused_and_removed(settings):
    with pytest.raises(RuntimeError, match="inside atomic_with_files"):
        write("loose.pdf")
    assert not list(Path(settings.MEDIA_ROOT).rglob("*.pdf"))
