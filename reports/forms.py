from django import forms
from django.conf import settings
from django.template.defaultfilters import floatformat
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from priorities.models import Consultation
from reports.evidence import ACCEPT_ATTRIBUTE
from reports.models import IssuedDocument, ProgressReport, ReportingCycle


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; each is checked by the service that stores it."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class ReportForm(forms.ModelForm):
    """What an official writes. Indicator fields are added for the activity's indicators, and a
    remove box and a replace input for each file attached now."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    files = MultipleFileField(
        label=_("Evidence files"),
        required=False,
        help_text=_(
            "Documents that show what was done: an agenda, an attendance list, a report, a "
            "photo. PDF, Office documents or images; 10 MB each at most. You may choose several."
        ),
    )

    class Meta:
        model = ProgressReport
        fields = ProgressReport.CONTENT_FIELDS
        widgets = {
            "percent_complete": forms.NumberInput(attrs={"min": 0, "max": 100, "step": 1}),
            "achievements": forms.Textarea(attrs={"rows": 5}),
            "challenges": forms.Textarea(attrs={"rows": 4}),
            "next_steps": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "implementation_status": _("Where the activity stands at the end of this period."),
            "percent_complete": _(
                "How much of the whole activity is done, from its start to the end of this "
                "reporting period: cumulative over the plan period, not this year alone. A "
                "whole number from 0 to 100: 'not started' is 0, 'completed' is 100; leave it "
                "empty for a cancelled activity."
            ),
            "achievements": _(
                "What was done in this period and what it produced: events held, people "
                "trained, agreements or documents adopted, with numbers and dates."
            ),
            "challenges": _("What slowed or blocked the work, if anything."),
            "next_steps": _("What is planned for the next period."),
        }

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicators = list(indicators)
        self.required_to_submit = set(ProgressReport.REQUIRED_TO_SUBMIT)
        for name in self.required_to_submit:
            self.fields[name].widget.attrs["aria-required"] = "true"
        self._add_indicator_fields()
        self.evidence = self.instance.current_evidence if self.instance.pk else []
        for evidence in self.evidence:
            self.fields[f"remove_{evidence.pk}"] = forms.BooleanField(
                label=_("Remove %(name)s") % {"name": evidence.original_name}, required=False
            )
            self.fields[f"replace_{evidence.pk}"] = forms.FileField(
                label=_("Replace %(name)s with") % {"name": evidence.original_name},
                required=False,
                widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
            )
        if not self.is_bound:
            self.fields["version"].initial = self.instance.version
        # The page's order, which the error summary follows.
        self.order_fields([*ProgressReport.CONTENT_FIELDS, *self._indicator_field_names(), "files"])

    def _indicator_field_names(self):
        for indicator in self.indicators:
            yield f"indicator_{indicator.pk}_value"
            yield f"indicator_{indicator.pk}_note"

    def _add_indicator_fields(self):
        saved = {value.indicator_id: value for value in self.instance.indicator_values.all()}
        for indicator in self.indicators:
            value = saved.get(indicator.pk)
            self.fields[f"indicator_{indicator.pk}_value"] = forms.DecimalField(
                label=_("%(indicator)s: value") % {"indicator": indicator.name},
                required=False,
                max_digits=14,
                decimal_places=2,
                initial=value.value if value else None,
                widget=forms.NumberInput(attrs={"aria-required": "true"}),
                help_text=_("Baseline %(baseline)s, target %(target)s %(unit)s.")
                % {
                    "baseline": _number(indicator.baseline),
                    "target": _number(indicator.target),
                    "unit": indicator.unit,
                },
            )
            self.fields[f"indicator_{indicator.pk}_note"] = forms.CharField(
                label=_("%(indicator)s: note, or why it was not measured")
                % {"indicator": indicator.name},
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
                initial=value.note if value else "",
            )

    def bound_to_saved(self):
        """The same form bound to the saved values, so that errors can be shown beside them."""
        data = {
            name: self[name].value()
            for name, field in self.fields.items()
            if not isinstance(field, forms.FileField | forms.BooleanField)
        }
        bound = ReportForm(data, instance=self.instance, indicators=self.indicators)
        bound.is_valid()
        return bound

    def content_fields(self):
        return [self[name] for name in ProgressReport.CONTENT_FIELDS]

    def indicator_rows(self):
        return [
            (
                indicator,
                self[f"indicator_{indicator.pk}_value"],
                self[f"indicator_{indicator.pk}_note"],
            )
            for indicator in self.indicators
        ]

    def evidence_rows(self):
        return [
            (evidence, self[f"remove_{evidence.pk}"], self[f"replace_{evidence.pk}"])
            for evidence in self.evidence
        ]

    def content(self):
        return {name: self.cleaned_data[name] for name in ProgressReport.CONTENT_FIELDS}

    def indicator_values(self):
        return {
            indicator.pk: (
                self.cleaned_data[f"indicator_{indicator.pk}_value"],
                self.cleaned_data[f"indicator_{indicator.pk}_note"].strip(),
            )
            for indicator in self.indicators
        }

    def removed_files(self):
        return [e.pk for e in self.evidence if self.cleaned_data.get(f"remove_{e.pk}")]

    def replaced_files(self):
        replacements = {e.pk: self.cleaned_data.get(f"replace_{e.pk}") for e in self.evidence}
        return {pk: upload for pk, upload in replacements.items() if upload}

    def add_domain_errors(self, error, report):
        """Show a ValidationError from the model or a service next to the field it names; a
        missing indicator is marked on its own value field."""
        for field, messages in error.message_dict.items():
            if field == "indicator_values":
                self._add_indicator_errors(messages, report)
            else:
                self.add_error(field if field in self.fields else None, messages)

    def _add_indicator_errors(self, messages, report):
        unreported = report.unreported_indicators()
        if not unreported:
            self.add_error(None, messages)
        for indicator in unreported:
            self.add_error(
                f"indicator_{indicator.pk}_value",
                _("Give a value, or say in the note why it was not measured."),
            )

    def error_summary(self):
        """(field id, label, message) for every error, in the order of the page."""
        rows = [(None, None, message) for message in self.non_field_errors()]
        for field in self:
            for message in field.errors:
                rows.append((field.id_for_label, field.label, message))
        return rows


def _number(value):
    return "-" if value is None else floatformat(value, -2)


class ReasonForm(forms.Form):
    comment = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text=_("Required to return or reopen a report; the official sees it."),
    )


class KeyPointField(forms.TypedMultipleChoiceField):
    """Report ids to highlight; ids that are not (or no longer) candidates are ignored by the
    figures, not refused, so that a changed choice of cycle or pending reports never fails."""

    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs):
        super().__init__(coerce=int, required=False, **kwargs)

    def valid_value(self, value):
        return str(value).isdigit()


class DocumentForm(forms.Form):
    """The secretariat's choices for a consultation document: which cycle, for which meeting,
    which level and format, whether pending reports count, and the key points to highlight.

    Filled from the query string, so that the preview, the download and the issue of one
    choice are the same document.
    """

    cycle = forms.ModelChoiceField(queryset=ReportingCycle.objects.none(), label=_("Cycle"))
    consultation = forms.ModelChoiceField(
        queryset=Consultation.objects.none(),
        required=False,
        label=_("Consultation"),
        help_text=_("Named on the title page; needed to issue the document to the meeting."),
    )
    level = forms.ChoiceField(choices=IssuedDocument.Level.choices, label=_("Level"))
    format = forms.ChoiceField(choices=IssuedDocument.Format.choices, label=_("Format"))
    language = forms.ChoiceField(
        choices=lambda: settings.LANGUAGES,
        required=False,
        initial=get_language,
        label=_("Language"),
        help_text=_("The language of the document's fixed text; what officials wrote is as typed."),
    )
    include_pending = forms.BooleanField(
        required=False,
        label=_("Include reports pending review"),
        help_text=_("Submitted reports not yet accepted are added, each marked pending review."),
    )
    # The cycle whose key points were chosen: a choice made for another cycle (or none) means
    # the defaults, which the page then shows ticked.
    chosen_for = forms.IntegerField(required=False, widget=forms.HiddenInput)
    achievements = KeyPointField(label=_("Key achievements (summary)"))
    challenges = KeyPointField(label=_("Key challenges (summary)"))

    def __init__(self, data, *, cycles, consultations, initial=None):
        super().__init__(data, initial=initial)
        self.fields["cycle"].queryset = cycles
        self.fields["consultation"].queryset = consultations

    def offer_key_points(self, cycle, candidates, points):
        """Offer ``candidates`` (figures.key_point_candidates of ``cycle``) as choices, ticking
        the chosen ones, or the defaults (``points``) when none were chosen for this cycle."""
        choices = [(point.report_id, _key_point_label(point)) for point in candidates]
        self.fields["achievements"].choices = choices
        self.fields["challenges"].choices = choices
        if self._chosen_for(cycle):
            return
        defaults = {
            "chosen_for": cycle.pk,
            "achievements": [point.report_id for point in points.achievements],
            "challenges": [point.report_id for point in points.challenges],
        }
        if self.is_bound:
            self.data = self.data.copy()
            for name, value in defaults.items():
                self.data.setlist(name, value if isinstance(value, list) else [value])
        else:
            self.initial.update(defaults)

    def key_point_choice(self, cycle):
        """The chosen report ids, or None for each when the defaults apply."""
        if not self._chosen_for(cycle):
            return {"achievements": None, "challenges": None}
        return {
            "achievements": self.cleaned_data["achievements"],
            "challenges": self.cleaned_data["challenges"],
        }

    def _chosen_for(self, cycle):
        return self.is_bound and self.data.get("chosen_for") == str(cycle.pk)


def _key_point_label(point):
    pending = _(" (pending review)") if point.is_pending else ""
    return (
        f"{point.area_number} · {point.activity_code} {point.activity_title} · "
        f"{point.party_name}{pending} · {point.implementation_label}, "
        f"{point.percent_complete if point.percent_complete is not None else '-'}%"
    )


class WorkbookUploadForm(forms.Form):
    """A filled offline workbook, uploaded for the cycle shown on My reporting."""

    cycle = forms.IntegerField(widget=forms.HiddenInput)
    workbook = forms.FileField(label=_("Filled workbook (.xlsx)"))
