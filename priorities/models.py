import uuid

from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from simple_history.models import HistoricalRecords

from ammtc_tracker.generations import FIGURES
from priorities.dates import DatePrecision, format_partial_date, partial_date_is_normalised
from priorities.names import area_title, party_name, plan_title


class PartyQuerySet(models.QuerySet):
    def members_on(self, day):
        """ASEAN Member States that had joined by ``day``."""
        return self.filter(kind=Party.Kind.MEMBER_STATE, member_since__lte=day)


class Party(models.Model):
    """A State or body that takes part in the work plan."""

    class Kind(models.TextChoices):
        MEMBER_STATE = "member_state", _("ASEAN Member State")
        DIALOGUE_PARTNER = "dialogue_partner", _("Dialogue partner")
        ASEAN_BODY = "asean_body", _("ASEAN body")

    code = models.CharField(
        _("code"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2,4}$", _("Use 2 to 4 capital letters."))],
        help_text=_("ISO 3166-1 alpha-2 for a State (ID, JP); a short code for a body (ASEC)."),
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("ASEAN's short name."))
    iso_name = models.CharField(_("ISO 3166-1 name"), max_length=100, blank=True)
    official_name = models.CharField(_("official name"), max_length=150, blank=True)
    alpha3 = models.CharField(
        _("ISO 3166-1 alpha-3"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}$", _("Use 3 capital letters."))],
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    member_since = models.DateField(_("ASEAN member since"), null=True, blank=True)
    member_since_precision = models.CharField(
        _("member since: known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )

    history = HistoricalRecords()
    objects = PartyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["alpha3"],
                condition=~Q(alpha3=""),
                name="party_alpha3_unique",
                violation_error_message=_("Another party has this alpha-3 code."),
            ),
            models.CheckConstraint(
                condition=Q(member_since__isnull=True) | Q(kind="member_state"),
                name="party_membership_only_for_member_states",
                violation_error_message=_("Only an ASEAN Member State has a membership date."),
            ),
            models.CheckConstraint(
                condition=partial_date_is_normalised("member_since", "member_since_precision"),
                name="party_member_since_normalised",
                violation_error_message=_(
                    "A membership date known only to the month or year must be the 1st."
                ),
            ),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        """The short name in the active language (priorities/names.py)."""
        return party_name(self.code, self.name)

    @property
    def member_since_display(self):
        return format_partial_date(self.member_since, self.member_since_precision)

    def is_member_on(self, day):
        return self.member_since is not None and self.member_since <= day


class Consultation(models.Model):
    """One meeting of SOMTC+Japan (technical level) or AMMTC+Japan (strategic level)."""

    class Series(models.TextChoices):
        SOMTC_JAPAN = "somtc_japan", _("SOMTC+Japan")
        AMMTC_JAPAN = "ammtc_japan", _("AMMTC+Japan")

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("in person")
        ONLINE = "online", _("online")

    series = models.CharField(_("series"), max_length=20, choices=Series.choices)
    ordinal = models.PositiveSmallIntegerField(
        _("ordinal"), null=True, blank=True, help_text=_("8 for the 8th; empty if not known.")
    )
    is_preparatory = models.BooleanField(
        _("preparatory session"),
        default=False,
        help_text=_("A SOMTC+Japan session held just before AMMTC+Japan to prepare it."),
    )
    date = models.DateField(_("date"))
    date_precision = models.CharField(
        _("date known to the"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    format = models.CharField(
        _("format"), max_length=10, choices=Format.choices, default=Format.IN_PERSON
    )
    city = models.CharField(_("city"), max_length=100, blank=True)
    host = models.ForeignKey(
        Party,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_consultations",
        verbose_name=_("host"),
    )
    co_chairs = models.ManyToManyField(
        Party, blank=True, related_name="co_chaired_consultations", verbose_name=_("co-chairs")
    )
    outcome = models.TextField(_("what it decided"), blank=True)
    sources = models.TextField(_("sources"), blank=True)
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_(
            "An invented meeting for the demo data, shown as SAMPLE everywhere; never a real "
            "consultation."
        ),
    )

    history = HistoricalRecords(m2m_fields=[co_chairs])

    class Meta:
        ordering = ["-date", "series"]
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        constraints = [
            models.UniqueConstraint(
                fields=["series", "ordinal"],
                condition=Q(ordinal__isnull=False, is_preparatory=False),
                name="consultation_ordinal_unique_in_series",
                violation_error_message=_("This series already has a meeting with this ordinal."),
            ),
            models.CheckConstraint(
                condition=partial_date_is_normalised("date", "date_precision"),
                name="consultation_date_normalised",
                violation_error_message=_(
                    "A date known only to the month or year must be the 1st of it."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.name}, {self.date_display}"

    @property
    def name(self):
        """'8th AMMTC+Japan', or 'SOMTC+Japan (preparatory)' when the ordinal is not known."""
        name = self.get_series_display()
        if self.ordinal:
            # Translators: %(nth)s is "8th" in the language's words, %(n)s the bare number: a
            # translation may use either ("AMMTC+Jepang ke-8", "第8回...").
            # xgettext:no-python-format
            name = pgettext("consultation", "%(nth)s %(series)s") % {
                "nth": ordinal(self.ordinal),
                "n": self.ordinal,
                "series": name,
            }
        if self.is_preparatory:
            name = _("%(name)s (preparatory)") % {"name": name}
        if self.is_sample:
            name = _("%(name)s (SAMPLE)") % {"name": name}
        return name

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)

    @property
    def level(self):
        if self.series == self.Series.SOMTC_JAPAN:
            return _("technical level (senior officials)")
        return _("strategic level (ministers)")

    @property
    def place_display(self):
        if self.format == self.Format.ONLINE:
            return _("online")
        return self.city


class WorkPlanQuerySet(models.QuerySet):
    def figures_changed(self):
        """Give these plans a new figures version, in the transaction that changes something
        their figures count: no figure cached under the old version is read again
        (``reports.figures``). A random value, so that no two databases share one. The cached
        API answers that skip reading the version follow the figures generation instead."""
        FIGURES.renew()
        return self.update(figures_version=uuid.uuid4())


class WorkPlan(models.Model):
    """A multi-year ASEAN-Japan work plan to combat transnational crime."""

    title = models.CharField(_("title"), max_length=200)
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    description = models.TextField(_("description"), blank=True)
    agreed_at = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="agreed_work_plans",
        verbose_name=_("agreed at"),
    )
    adopted_at = models.ForeignKey(
        Consultation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="adopted_work_plans",
        verbose_name=_("adopted at"),
    )
    renews = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="renewed_by",
        verbose_name=_("renews"),
    )
    sources = models.TextField(_("sources"), blank=True)
    # Renewed by every change to what the plan's figures count: the key of their cache.
    figures_version = models.UUIDField(default=uuid.uuid4, editable=False)

    history = HistoricalRecords(excluded_fields=["figures_version"])
    objects = WorkPlanQuerySet.as_manager()

    class Meta:
        ordering = ["-first_year", "title"]
        verbose_name = _("work plan")
        verbose_name_plural = _("work plans")
        constraints = [
            models.UniqueConstraint(
                fields=["title", "first_year", "last_year"],
                name="workplan_title_period_unique",
                violation_error_message=_("A work plan with this title and period exists."),
            ),
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="workplan_years_in_order",
                violation_error_message=_("The last year cannot be before the first year."),
            ),
        ]

    def __str__(self):
        return f"{self.display_title} {self.first_year}-{self.last_year}"

    @property
    def display_title(self):
        """The title in the active language (priorities/names.py)."""
        return plan_title(self.title)


class PriorityAreaQuerySet(models.QuerySet):
    def with_activity_counts(self):
        return self.annotate(activity_count=models.Count("activities"))


class PriorityArea(models.Model):
    """One of the priority areas of a work plan, numbered as the plan numbers them."""

    work_plan = models.ForeignKey(
        WorkPlan,
        on_delete=models.PROTECT,
        related_name="priority_areas",
        verbose_name=_("work plan"),
    )
    number = models.PositiveSmallIntegerField(_("number"), validators=[MinValueValidator(1)])
    code = models.SlugField(
        _("code"), max_length=40, blank=True, help_text=_("A stable key, e.g. CYBERCRIME.")
    )
    title = models.CharField(_("title"), max_length=200)
    focus = models.TextField(
        _("focus"), blank=True, help_text=_("The sub-areas the plan names, one per line.")
    )

    history = HistoricalRecords()
    objects = PriorityAreaQuerySet.as_manager()

    class Meta:
        ordering = ["work_plan", "number"]
        verbose_name = _("priority area")
        verbose_name_plural = _("priority areas")
        constraints = [
            models.UniqueConstraint(
                fields=["work_plan", "number"],
                name="priorityarea_number_unique_in_plan",
                violation_error_message=_(
                    "This work plan already has a priority area with this number."
                ),
            ),
            models.CheckConstraint(
                condition=Q(number__gte=1),
                name="priorityarea_number_positive",
                violation_error_message=_("Priority areas are numbered from 1."),
            ),
        ]

    def __str__(self):
        return f"{self.number}. {self.display_title}"

    @property
    def display_title(self):
        """The title in the active language (priorities/names.py)."""
        return area_title(self.code, self.title)

    @property
    def focus_items(self):
        return [line.strip() for line in self.focus.splitlines() if line.strip()]


# The widest number a code can hold: codes have at most 20 characters and at least one dot.
CODE_NUMBER_WIDTH = 18


def code_sort_key(code):
    """The key that puts activity codes in the plan's order, 1.2 before 1.10: each number
    zero-padded to the same width, so that comparing keys as text compares the numbers
    (``"1.10"`` -> ``"000000000000000001.000000000000000010"``). Stored on ``Activity.sort_key``
    for the database to sort on; Python sorts of codes use it too."""
    return ".".join(part.zfill(CODE_NUMBER_WIDTH) for part in code.split("."))


class ActivityQuerySet(models.QuerySet):
    def for_party(self, party):
        """Activities the party leads or takes part in (subqueries, so no row is doubled).

        IN, not EXISTS: PostgreSQL hashes the party's ids either way and, in the plan's order,
        still stops after a page's rows (activity_plan_order_idx); but its estimate for an OR
        of EXISTS was 140 times higher at 50x (166,000 against 1,200), enough to turn on JIT
        compilation: My reporting's count took 15 ms instead of 8 (issue 14)."""
        leads = Activity.lead_parties.through.objects.filter(party=party)
        takes_part = Activity.participating_parties.through.objects.filter(party=party)
        return self.filter(
            Q(pk__in=leads.values("activity_id")) | Q(pk__in=takes_part.values("activity_id"))
        )

    def bulk_create(self, objs, *args, **kwargs):
        """Sets each activity's ``sort_key`` as ``save()`` does."""
        objs = list(objs)
        for activity in objs:
            activity.sort_key = code_sort_key(activity.code)
        return super().bulk_create(objs, *args, **kwargs)


class Activity(models.Model):
    """A planned activity under a priority area."""

    work_plan = models.ForeignKey(
        WorkPlan,
        on_delete=models.PROTECT,
        related_name="activities",
        editable=False,
        help_text=_("Always the priority area's work plan; kept here so codes are unique in it."),
    )
    priority_area = models.ForeignKey(
        PriorityArea,
        on_delete=models.PROTECT,
        related_name="activities",
        verbose_name=_("priority area"),
    )
    code = models.CharField(
        _("code"),
        max_length=20,
        validators=[RegexValidator(r"^\d+(\.\d+)+$", _("Use numbers and dots, e.g. 2.3."))],
        help_text=_("Starts with the priority area's number, e.g. 2.3."),
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    lead_parties = models.ManyToManyField(
        Party, related_name="led_activities", blank=True, verbose_name=_("lead parties")
    )
    participating_parties = models.ManyToManyField(
        Party,
        related_name="participating_activities",
        blank=True,
        verbose_name=_("participating parties"),
    )
    planned_start = models.DateField(_("planned start"), null=True, blank=True)
    planned_end = models.DateField(_("planned end"), null=True, blank=True)
    expected_outcome = models.TextField(_("expected outcome"), blank=True)
    # Derived from the code on every save and bulk create: the plan's order (code_sort_key).
    sort_key = models.CharField(max_length=200, editable=False, default="")
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Illustrative data, not an activity of the published plan."),
    )

    # Who leads and who takes part decides who must report: a change to either is recorded too.
    history = HistoricalRecords(
        m2m_fields=[lead_parties, participating_parties], excluded_fields=["sort_key"]
    )
    objects = ActivityQuerySet.as_manager()

    class Meta:
        # A code starts with its priority area's number (clean()): its key orders the areas too.
        ordering = ["sort_key", "id"]
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        # A page of a list in the plan's order reads these and stops after its rows (issue 14):
        # every activity (the API list), and one plan's (its page, My reporting, the documents).
        indexes = [
            models.Index(fields=["sort_key", "id"], name="activity_order_idx"),
            models.Index(fields=["work_plan", "sort_key", "id"], name="activity_plan_order_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["work_plan", "code"],
                name="activity_code_unique_in_plan",
                violation_error_message=_("This work plan already has an activity with this code."),
            ),
            models.CheckConstraint(
                condition=Q(planned_end__gte=models.F("planned_start"))
                | Q(planned_end__isnull=True)
                | Q(planned_start__isnull=True),
                name="activity_planned_dates_in_order",
                violation_error_message=_("The planned end cannot be before the planned start."),
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.title}"

    def save(self, *args, **kwargs):
        self._derive_work_plan()
        self.sort_key = code_sort_key(self.code)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "code" in update_fields:
            kwargs["update_fields"] = {*update_fields, "sort_key"}
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        if self.priority_area_id is None:
            return
        self._derive_work_plan()
        if self.code and not self.code.startswith(f"{self.priority_area.number}."):
            raise ValidationError(
                {
                    "code": _("The code must start with the priority area's number (%(n)s.).")
                    % {"n": self.priority_area.number}
                }
            )

    def _derive_work_plan(self):
        # Derived, never chosen: clean() needs it before the unique check, save() before writing.
        self.work_plan_id = self.priority_area.work_plan_id


class Indicator(models.Model):
    """A measure of an activity's progress, with its baseline and target."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("activity")
    )
    name = models.CharField(_("name"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    baseline = models.DecimalField(
        _("baseline"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    target = models.DecimalField(
        _("target"), max_digits=14, decimal_places=2, null=True, blank=True
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["activity", "id"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "name"],
                name="indicator_name_unique_in_activity",
                violation_error_message=_("This activity already has an indicator with this name."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name
