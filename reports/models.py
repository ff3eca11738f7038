import time
import uuid
from functools import partial
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from simple_history.models import HistoricalRecords

from ammtc_tracker.logs import log_transition
from priorities.models import Activity, Consultation, Indicator, Party, WorkPlan
from reports.exceptions import Conflict, NotPermitted


class ReportingCycleQuerySet(models.QuerySet):
    def with_accepted_reports(self):
        """Cycles with at least one accepted report, the most recent first."""
        accepted = ProgressReport.objects.filter(
            cycle=models.OuterRef("pk"), status=ProgressReport.Status.ACCEPTED
        )
        return self.filter(models.Exists(accepted)).order_by("-period_start", "-id")

    def open_on(self, day):
        """Cycles that have opened by ``day`` and are not closed, the most recently opened first."""
        return self.filter(opens_on__lte=day, closed_at__isnull=True).order_by("-opens_on", "-id")


def cycle_changed(sender, instance, **kwargs):
    """A cycle was saved or deleted (a ``post_save``/``post_delete`` receiver): its plan's
    figures change (``priorities.figures_version``)."""
    WorkPlan.objects.filter(pk=instance.work_plan_id).figures_changed()


def consultations_changed(sender, instance, action="post_", reverse=False, **kwargs):
    """The consultations a cycle feeds changed (``m2m_changed``), or a consultation was deleted
    (``post_delete``): the status answer names a cycle's consultations, and is cached whole.
    From the consultation's side the cycles it fed may be gone already, so every plan's figures
    change; these are rare edits by the secretariat."""
    if not action.startswith("post_"):  # m2m_changed also says pre_add, pre_remove, pre_clear
        return
    if isinstance(instance, ReportingCycle) and not reverse:
        WorkPlan.objects.filter(pk=instance.work_plan_id).figures_changed()
    else:
        WorkPlan.objects.all().figures_changed()


def report_changed(report):
    """Call in the transaction that changes ``report``: the figures of its plan change."""
    WorkPlan.objects.filter(reporting_cycles=report.cycle_id).figures_changed()


class ReportingCycle(models.Model):
    """The annual call for progress reports on a work plan."""

    work_plan = models.ForeignKey(
        WorkPlan,
        on_delete=models.PROTECT,
        related_name="reporting_cycles",
        verbose_name=_("work plan"),
    )
    title = models.CharField(_("title"), max_length=200)
    period_start = models.DateField(_("period covered: from"))
    period_end = models.DateField(_("period covered: to"))
    opens_on = models.DateField(_("opens on"))
    deadline = models.DateField(_("deadline"))
    closed_at = models.DateTimeField(
        _("closed at"),
        null=True,
        blank=True,
        help_text=_("A closed cycle accepts no more submissions, except from parties granted one."),
    )
    consultations = models.ManyToManyField(
        Consultation,
        blank=True,
        related_name="reporting_cycles",
        verbose_name=_("consultations it feeds"),
    )

    history = HistoricalRecords()
    objects = ReportingCycleQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start"]
        verbose_name = _("reporting cycle")
        verbose_name_plural = _("reporting cycles")
        constraints = [
            models.UniqueConstraint(
                fields=["work_plan", "title"],
                name="reportingcycle_title_unique_in_plan",
                violation_error_message=_("This work plan already has a cycle with this title."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="reportingcycle_period_in_order",
                violation_error_message=_("The period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("opens_on")),
                name="reportingcycle_deadline_after_opening",
                violation_error_message=_("The deadline cannot be before the cycle opens."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_closed(self):
        return self.closed_at is not None

    def is_past_deadline(self, day=None):
        return (day or timezone.localdate()) > self.deadline

    def days_left(self, day=None):
        return (self.deadline - (day or timezone.localdate())).days

    def previous(self):
        """The cycle of the same plan that covered the period before this one, if any."""
        return (
            ReportingCycle.objects.filter(
                work_plan_id=self.work_plan_id, period_start__lt=self.period_start
            )
            .order_by("-period_start")
            .first()
        )

    def check_accepts_reports_from(self, party):
        """Raise Conflict, saying why and whom to contact, if ``party`` may not file now."""
        contact = settings.SECRETARIAT_CONTACT
        if timezone.localdate() < self.opens_on:
            raise Conflict(
                _("%(cycle)s opens on %(day)s. Contact %(contact)s if you need it sooner.")
                % {"cycle": self, "day": date_format(self.opens_on), "contact": contact}
            )
        if self.is_closed and not self.waivers.filter(party=party).exists():
            raise Conflict(
                _(
                    "%(cycle)s was closed on %(day)s and accepts no more reports. Contact "
                    "%(contact)s to ask for a waiver for %(party)s."
                )
                % {
                    "cycle": self,
                    "day": date_format(timezone.localdate(self.closed_at)),
                    "contact": contact,
                    "party": party,
                }
            )

    def accepts_reports_from(self, party):
        try:
            self.check_accepts_reports_from(party)
        except Conflict:
            return False
        return True


class SubmissionWaiver(models.Model):
    """Leave for one party to file in a cycle after the cycle was closed."""

    cycle = models.ForeignKey(
        ReportingCycle, on_delete=models.CASCADE, related_name="waivers", verbose_name=_("cycle")
    )
    party = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        related_name="submission_waivers",
        verbose_name=_("party"),
    )
    reason = models.TextField(_("reason"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="granted_waivers",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        ordering = ["cycle", "party"]
        verbose_name = _("late-submission waiver")
        verbose_name_plural = _("late-submission waivers")
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "party"],
                name="submissionwaiver_once_per_party",
                violation_error_message=_("This party already has a waiver for this cycle."),
            )
        ]

    def __str__(self):
        return f"{self.party} / {self.cycle}"


class ProgressReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The reports ``user`` may see: the one access rule every screen and endpoint starts from.

        The secretariat sees all; an official sees every report of their own party and the
        accepted reports of the others; a reader sees accepted reports only.
        """
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_secretariat:
            return self
        accepted = Q(status=ProgressReport.Status.ACCEPTED)
        if user.acting_party_id:
            return self.filter(accepted | Q(party_id=user.acting_party_id))
        if user.is_reader:
            return self.filter(accepted)
        return self.none()

    def visibility_key(self, user):
        """What ``visible_to(user)`` depends on, as a string: users with the same key see the
        same reports, so figures cached for one may be shown to the other."""
        if not user.is_authenticated or not user.is_active:
            return "none"
        if user.is_secretariat:
            return "all"
        if user.acting_party_id:
            return f"party-{user.acting_party_id}"
        if user.is_reader:
            return "accepted"
        return "none"

    def statuses_visible_to(self, user):
        """The workflow states of the reports ``visible_to(user)`` may return (no query)."""
        if not user.is_authenticated or not user.is_active:
            return set()
        if user.is_secretariat or user.acting_party_id:
            return set(ProgressReport.Status.values)
        if user.is_reader:
            return {ProgressReport.Status.ACCEPTED}
        return set()

    def accepted(self):
        return self.filter(status=ProgressReport.Status.ACCEPTED)

    def awaiting_review(self):
        """Submitted reports, the oldest first (the progressreport_review_queue index)."""
        return self.filter(status=ProgressReport.Status.SUBMITTED).order_by("submitted_at", "id")

    def in_list_order(self):
        """The order of the report lists, which the progressreport_list_order index serves."""
        return self.order_by("-cycle_id", "activity_id", "party_id")


class ProgressReport(models.Model):
    """One party's report on one activity in one reporting cycle."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("submitted")
        RETURNED = "returned", _("returned")
        ACCEPTED = "accepted", _("accepted")

    class Implementation(models.TextChoices):
        NOT_STARTED = "not_started", _("not started")
        IN_PROGRESS = "in_progress", _("in progress")
        COMPLETED = "completed", _("completed")
        DELAYED = "delayed", _("delayed")
        SUSPENDED = "suspended", _("suspended")
        CANCELLED = "cancelled", _("cancelled")

    class Action(models.TextChoices):
        CREATE = "create", _("create")
        SUBMIT = "submit", _("submit")
        ACCEPT = "accept", _("accept")
        RETURN = "return", _("return")
        REOPEN = "reopen", _("reopen")

    # The state machine: action -> (states it may start from, state it leads to).
    TRANSITIONS = {
        Action.SUBMIT: ({Status.DRAFT, Status.RETURNED}, Status.SUBMITTED),
        Action.ACCEPT: ({Status.SUBMITTED}, Status.ACCEPTED),
        Action.RETURN: ({Status.SUBMITTED}, Status.RETURNED),
        Action.REOPEN: ({Status.ACCEPTED}, Status.RETURNED),
    }
    REVIEW_ACTIONS = frozenset({Action.ACCEPT, Action.RETURN, Action.REOPEN})
    ACTIONS_NEEDING_A_REASON = frozenset({Action.RETURN, Action.REOPEN})
    EDITABLE = (Status.DRAFT, Status.RETURNED)
    # What the author writes; everything else belongs to the workflow.
    CONTENT_FIELDS = (
        "implementation_status",
        "percent_complete",
        "achievements",
        "challenges",
        "next_steps",
    )
    # What a submission needs (a draft may lack any of it), with what to say when it is missing.
    REQUIRED_TO_SUBMIT = {
        "implementation_status": _("Choose the implementation status."),
        "percent_complete": _("Give the percent complete (0-100)."),
        "achievements": _("Describe what was achieved."),
    }

    cycle = models.ForeignKey(
        ReportingCycle, on_delete=models.PROTECT, related_name="reports", verbose_name=_("cycle")
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="reports", verbose_name=_("activity")
    )
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="reports", verbose_name=_("party")
    )
    status = models.CharField(
        _("workflow status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    implementation_status = models.CharField(
        _("implementation status"), max_length=12, choices=Implementation.choices, blank=True
    )
    percent_complete = models.PositiveSmallIntegerField(
        _("percent complete"),
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    achievements = models.TextField(_("achievements"), blank=True)
    challenges = models.TextField(_("challenges"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="written_reports",
        verbose_name=_("written by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="submitted_reports",
        verbose_name=_("submitted by"),
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    is_late = models.BooleanField(
        _("late"), default=False, help_text=_("Submitted after the cycle's deadline.")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reviewed_reports",
        verbose_name=_("reviewed by"),
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    version = models.PositiveIntegerField(
        _("version"), default=1, help_text=_("How many times the report was saved.")
    )

    history = HistoricalRecords()
    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        # The order of every report list, served by an index (progressreport_list_order): the
        # latest cycle first, then activities and parties in the order they were entered. An
        # order through the related tables (period, activity code, party name) sorted every
        # visible report for each page of a list.
        ordering = ["-cycle_id", "activity_id", "party_id"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        indexes = [
            models.Index(fields=["-cycle", "activity", "party"], name="progressreport_list_order"),
            # The review queue, oldest first.
            models.Index(
                fields=["submitted_at", "id"],
                condition=Q(status="submitted"),
                name="progressreport_review_queue",
            ),
            # The figures of one cycle (reports.figures), read from the index alone.
            models.Index(
                fields=["cycle", "status"],
                include=[
                    "id",
                    "activity",
                    "party",
                    "implementation_status",
                    "percent_complete",
                    "is_late",
                ],
                name="progressreport_cycle_figures",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "activity", "party"],
                name="progressreport_one_per_party_activity_cycle",
                violation_error_message=_(
                    "This party already has a report on this activity in this cycle."
                ),
            ),
            models.CheckConstraint(
                condition=Q(percent_complete__gte=0, percent_complete__lte=100)
                | Q(percent_complete__isnull=True),
                name="progressreport_percent_in_range",
                violation_error_message=_("Percent complete must be between 0 and 100."),
            ),
        ]

    def __str__(self):
        return f"{self.activity.code} / {self.party} / {self.cycle}"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def days_late(self):
        """Whole days between the cycle's deadline and the submission, in the site's time zone."""
        if self.submitted_at is None or not self.is_late:
            return 0
        return (timezone.localdate(self.submitted_at) - self.cycle.deadline).days

    @property
    def current_evidence(self):
        """The files attached now. Filtered in Python, so that a prefetch of ``evidence_files``
        serves it without another query."""
        return [evidence for evidence in self.evidence_files.all() if not evidence.is_removed]

    def timeliness_display(self):
        """'on time' or 'late by 3 days', in words for everyone (not a colour or an icon)."""
        if self.submitted_at is None:
            return ""
        if not self.is_late:
            return str(_("on time"))
        days = self.days_late
        return ngettext("late by %(days)d day", "late by %(days)d days", days) % {"days": days}

    def check_editable_by(self, user):
        """Raise unless ``user`` may change what this report says now."""
        if not user.is_authenticated or user.acting_party_id != self.party_id:
            raise NotPermitted(
                _("Only an official of %(party)s may change this report.") % {"party": self.party}
            )
        if not self.is_editable:
            raise Conflict(
                _("This report is %(status)s and can no longer be changed.")
                % {"status": self.get_status_display()}
            )

    def is_editable_by(self, user):
        try:
            self.check_editable_by(user)
        except (NotPermitted, Conflict):
            return False
        return True

    def last_return(self):
        """The step that returned the report to its party, while it is returned; else None."""
        if self.status != self.Status.RETURNED:
            return None
        return (
            self.transitions.filter(to_status=self.Status.RETURNED)
            .select_related("actor")
            .order_by("-at", "-id")
            .first()
        )

    def allowed_actions(self, user):
        """The transitions ``user`` may start from this state, for buttons and API links."""
        return [action for action in self.TRANSITIONS if self._refusal(action, user) is None]

    @transaction.atomic
    def transition(self, action, *, by, comment=""):
        """Move the report along the workflow, as ``by``, and record the step in the timeline."""
        started = time.monotonic()
        locked = ProgressReport.objects.select_for_update().get(pk=self.pk)
        refusal = locked._refusal(action, by)
        if refusal:
            raise refusal
        if action in self.ACTIONS_NEEDING_A_REASON and not comment.strip():
            raise ValidationError({"comment": _("Give a reason; the official will see it.")})
        if action == self.Action.SUBMIT:
            locked.check_complete()
            self.cycle.check_accepts_reports_from(self.party)
        from_status = locked.status
        self._apply(locked, action, by, comment)
        transaction.on_commit(
            partial(
                log_transition,
                report_id=self.pk,
                action=action,
                actor_id=by.pk,
                from_status=from_status,
                to_status=locked.status,
                started=started,
            )
        )
        self.refresh_from_db()
        return self

    def _refusal(self, action, user):
        """The exception that refuses ``action`` by ``user`` now, or None if it is allowed."""
        sources, _target = self.TRANSITIONS[action]
        label = self.Action(action).label
        if not user.is_authenticated:
            return NotPermitted(_("Log in first."))
        if action in self.REVIEW_ACTIONS:
            if not user.is_secretariat:
                return NotPermitted(
                    _("Only the secretariat may %(action)s a report.") % {"action": label}
                )
            if self.submitted_by_id == user.pk:
                # Segregation of duties: whatever their roles, nobody reviews their own filing.
                return NotPermitted(
                    _(
                        "You submitted this report, so another member of the secretariat must "
                        "%(action)s it."
                    )
                    % {"action": label}
                )
        elif user.acting_party_id != self.party_id:
            return NotPermitted(
                _("Only an official of %(party)s may submit this report.") % {"party": self.party}
            )
        if self.status not in sources:
            return Conflict(
                _("Cannot %(action)s a report that is %(status)s.")
                % {"action": label, "status": self.get_status_display()}
            )
        return None

    def _apply(self, locked, action, by, comment):
        now = timezone.now()
        from_status = locked.status
        locked.status = self.TRANSITIONS[action][1]
        fields = ["status", "version", "updated_at"]
        if action == self.Action.SUBMIT:
            locked.submitted_by, locked.submitted_at = by, now
            locked.is_late = self.cycle.is_past_deadline()
            fields += ["submitted_by", "submitted_at", "is_late"]
        else:
            locked.reviewed_by, locked.reviewed_at = by, now
            fields += ["reviewed_by", "reviewed_at"]
        locked.version += 1
        locked.updated_at = now
        locked._history_user = by
        locked.save(update_fields=fields)
        report_changed(locked)
        locked.transitions.create(
            from_status=from_status,
            to_status=locked.status,
            action=action,
            actor=by,
            comment=comment.strip(),
        )

    def check_complete(self):
        """Raise ValidationError naming every field a reviewer needs and the report lacks, or
        that contradicts another (the web form and the API submit through this one check)."""
        errors = {
            name: message
            for name, message in self.REQUIRED_TO_SUBMIT.items()
            if getattr(self, name) in (None, "") or not str(getattr(self, name)).strip()
        }
        if self.implementation_status == self.Implementation.CANCELLED:
            # A cancelled activity has no percent complete (see below).
            errors.pop("percent_complete", None)
        inconsistency = self._percent_contradicting_status()
        if inconsistency:
            errors["percent_complete"] = inconsistency
        missing = [indicator.name for indicator in self.unreported_indicators()]
        if missing:
            errors["indicator_values"] = _(
                "Give a value or a 'not measured' note for: %(names)s."
            ) % {"names": ", ".join(missing)}
        if errors:
            raise ValidationError(errors)

    def _percent_contradicting_status(self):
        """The message if percent complete contradicts the implementation status, else None."""
        status, percent = self.implementation_status, self.percent_complete
        if status == self.Implementation.NOT_STARTED and percent:
            return _(
                "The implementation status is 'not started' but percent complete is %(percent)s: "
                "set percent complete to 0, or choose another implementation status."
            ) % {"percent": percent}
        if status == self.Implementation.COMPLETED and percent is not None and percent < 100:
            return _(
                "The implementation status is 'completed' but percent complete is %(percent)s: "
                "set percent complete to 100, or choose another implementation status."
            ) % {"percent": percent}
        if status == self.Implementation.CANCELLED and percent is not None:
            return _(
                "The implementation status is 'cancelled': leave percent complete empty, or "
                "choose another implementation status."
            )
        return None

    def unreported_indicators(self):
        """The activity's indicators that have neither a value nor a 'not measured' note."""
        values = {v.indicator_id: v for v in self.indicator_values.all()}
        return [
            indicator
            for indicator in self.activity.indicators.all()
            if not (values.get(indicator.pk) and values[indicator.pk].is_reported)
        ]


class IndicatorValue(models.Model):
    """What a report says of one indicator of its activity."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="indicator_values",
        verbose_name=_("report"),
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="values", verbose_name=_("indicator")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2, null=True, blank=True)
    note = models.TextField(
        _("note"), blank=True, help_text=_("Required when the indicator was not measured.")
    )

    history = HistoricalRecords()

    class Meta:
        # By the columns: "report" would add the report's own ordering, and its joins, to every
        # prefetch of a page's values (the same in the other child models of a report).
        ordering = ["report_id", "indicator_id"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator"],
                name="indicatorvalue_once_per_report",
                violation_error_message=_("This report already has a value for this indicator."),
            )
        ]

    def __str__(self):
        return f"{self.indicator}: {self.value if self.value is not None else self.note}"

    @property
    def is_reported(self):
        return self.value is not None or bool(self.note.strip())


class ReportTransition(models.Model):
    """One step of a report's workflow: who moved it, when, from where to where, and why."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.CASCADE,
        related_name="transitions",
        verbose_name=_("report"),
    )
    from_status = models.CharField(
        _("from"), max_length=10, choices=ProgressReport.Status.choices, blank=True
    )
    to_status = models.CharField(_("to"), max_length=10, choices=ProgressReport.Status.choices)
    action = models.CharField(_("action"), max_length=10, choices=ProgressReport.Action.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="report_transitions",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["report_id", "at", "id"]
        verbose_name = _("report transition")
        verbose_name_plural = _("report transitions")

    def __str__(self):
        return f"{self.report_id}: {self.from_status or '-'} -> {self.to_status}"


def evidence_path(instance, filename):
    # The stored name never comes from the user; only the checked extension is kept.
    return f"evidence/{instance.report_id}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class EvidenceFileQuerySet(models.QuerySet):
    def current(self):
        """The files attached now: removed files are kept (row and bytes) but no longer shown."""
        return self.filter(removed_at__isnull=True)


class EvidenceFile(models.Model):
    """A document attached to a report as evidence."""

    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        related_name="evidence_files",
        verbose_name=_("report"),
    )
    file = models.FileField(_("file"), upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="uploaded_evidence",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), default=timezone.now)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="removed_evidence",
        verbose_name=_("removed by"),
    )
    removed_at = models.DateTimeField(_("removed at"), null=True, blank=True)

    history = HistoricalRecords()
    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        ordering = ["report_id", "uploaded_at", "id"]
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(
                condition=Q(removed_at__isnull=True, removed_by__isnull=True)
                | Q(removed_at__isnull=False, removed_by__isnull=False),
                name="evidencefile_removal_recorded",
                violation_error_message=_("A removed file records who removed it and when."),
            )
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_removed(self):
        return self.removed_at is not None


class SubmittedReportManager(models.Manager.from_queryset(ProgressReportQuerySet)):
    def get_queryset(self):
        return super().get_queryset().awaiting_review()


class SubmittedReport(ProgressReport):
    """The secretariat's review queue: submitted reports, oldest first."""

    objects = SubmittedReportManager()

    class Meta:
        proxy = True
        verbose_name = _("report awaiting review")
        verbose_name_plural = _("review queue")


class DocumentFrozen(NotPermitted):
    """An issued document is the record of what a meeting was given: it never changes."""


class IssuedDocumentQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Documents given to a meeting: every signed-in user with a role may read them."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_secretariat or user.is_official or user.is_reader:
            return self
        return self.none()

    def update(self, **kwargs):
        raise DocumentFrozen(_("An issued document cannot be changed."))

    def delete(self):
        raise DocumentFrozen(_("An issued document cannot be deleted."))


def issued_document_path(instance, filename):
    # A random name: the stored file is never overwritten by a later issue.
    return f"issued/{instance.consultation_id}/{uuid.uuid4().hex}{PurePath(filename).suffix}"


class IssuedDocument(models.Model):
    """A consultation document as it was given to the meeting, kept byte for byte."""

    class Level(models.TextChoices):
        TECHNICAL = "technical", _("progress report (technical, SOMTC+Japan)")
        STRATEGIC = "strategic", _("summary (strategic, AMMTC+Japan)")

    class Format(models.TextChoices):
        HTML = "html", _("web page (HTML)")
        DOCX = "docx", _("Word (DOCX)")
        XLSX = "xlsx", _("Excel (XLSX)")
        CSV = "csv", _("CSV of the activity rows")

    consultation = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("consultation"),
    )
    cycle = models.ForeignKey(
        ReportingCycle,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("reporting cycle"),
    )
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    format = models.CharField(_("format"), max_length=4, choices=Format.choices)
    # A meeting may be given the same document in more than one language.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.ALL_LANGUAGES, default=settings.LANGUAGE_CODE
    )
    include_pending = models.BooleanField(
        _("includes reports pending review"),
        default=False,
        help_text=_("Submitted reports not yet accepted were included, marked pending review."),
    )
    file = models.FileField(_("file"), upload_to=issued_document_path, max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="issued_documents",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)

    objects = IssuedDocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_at", "-id"]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")

    def __str__(self):
        return f"{self.consultation.name}: {self.filename}"

    def save(self, *args, **kwargs):
        if self.pk is not None or kwargs.get("force_update"):
            raise DocumentFrozen(_("An issued document cannot be changed."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DocumentFrozen(_("An issued document cannot be deleted."))


class SentReminder(models.Model):
    """An e-mail sent by ``send_reminders``, kept so that no later run sends it again."""

    class Kind(models.TextChoices):
        DEADLINE = "deadline", _("deadline reminder")
        REVIEW_DIGEST = "review_digest", _("review digest")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    cycle = models.ForeignKey(
        ReportingCycle,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sent_reminders",
        verbose_name=_("cycle"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="sent_reminders",
        verbose_name=_("recipient"),
    )
    occasion = models.CharField(
        _("occasion"),
        max_length=20,
        help_text=_("Days before the deadline, 'after' it, or the day of a digest."),
    )
    email = models.EmailField(_("sent to"))
    listed = models.TextField(_("listed"), help_text=_("What the e-mail listed, one per line."))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("sent reminder")
        verbose_name_plural = _("sent reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "cycle", "recipient", "occasion"],
                condition=Q(cycle__isnull=False),
                name="sentreminder_once_per_cycle_occasion",
                violation_error_message=_("This reminder was already sent to this person."),
            ),
            models.UniqueConstraint(
                fields=["kind", "recipient", "occasion"],
                condition=Q(cycle__isnull=True),
                name="sentreminder_once_per_occasion",
                violation_error_message=_("This digest was already sent to this person."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.occasion} -> {self.email}"
