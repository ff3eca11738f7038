"""URL converters that accept only the workflow's own action names, so anything else is a 404."""

from django.urls import register_converter

from reports.models import ProgressReport


class ActionConverter:
    regex = "|".join(ProgressReport.TRANSITIONS)

    def to_python(self, value):
        return ProgressReport.Action(value)

    def to_url(self, value):
        return str(value)


class ReviewActionConverter(ActionConverter):
    regex = "|".join(sorted(ProgressReport.REVIEW_ACTIONS))


register_converter(ActionConverter, "action")
register_converter(ReviewActionConverter, "review_action")
