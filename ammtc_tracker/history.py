"""Admin history pages (django-simple-history), made safe for every model that keeps history."""

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin


class HistoryAdmin(SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose pages answer 404, not 500, for an id that is not one."""

    def history_view(self, request, object_id, extra_context=None):
        self._check_id(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._check_id(object_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def _check_id(self, object_id):
        try:
            self.model._meta.pk.to_python(unquote(object_id))
        except ValidationError:
            raise Http404 from None


class ReadOnlyHistoryMixin:
    """For a HistoryAdmin of rows that change only through the workflow (or the account rules):
    their history can be read, never reverted.

    django-simple-history's ``revert_disabled()`` only hides the button: ``history_form_view``
    still saves a POST from anyone who may view the object, writing a whole old version over
    the live row without the workflow (no timeline step, no version check, no rights check).
    """

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(["GET", "HEAD"])
        return super().history_form_view(request, object_id, version_id, extra_context)
