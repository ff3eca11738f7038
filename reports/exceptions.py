"""The workflow's refusals; views and the API turn each kind into one HTTP status."""

from django.core.exceptions import PermissionDenied


class WorkflowError(Exception):
    """A request the reporting workflow refuses; the message says why."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class NotPermitted(WorkflowError, PermissionDenied):
    """The user's role or party may not do this (403, through Django's PermissionDenied)."""


class Conflict(WorkflowError):
    """The report or cycle is not in a state that allows this (409)."""


class EditConflict(Conflict):
    """Someone else saved the report after this user loaded it."""

    def __init__(self, message, changes):
        super().__init__(message)
        self.changes = changes


class RowRefused(Conflict):
    """One row of an uploaded workbook could not be saved, so none was."""

    def __init__(self, message, *, row, code, cause):
        super().__init__(message)
        self.row, self.code, self.cause = row, code, cause
