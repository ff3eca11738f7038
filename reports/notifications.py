"""E-mails that tell people a report needs them: the party's officials when the secretariat
returns, accepts or reopens its report, the secretariat when a report is submitted.

``services.move_report`` sends them once the transition's transaction has committed; the state
machine (``ProgressReport.transition``) sends nothing. Every e-mail is plain text with an
absolute link (``SITE_URL``) to the page where the reader acts.
"""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from ammtc_tracker.models import Role, User
from reports.models import ProgressReport

Action = ProgressReport.Action

# action -> (e-mail template, the page the officials act on)
TO_OFFICIALS = {
    Action.RETURN: ("report_returned", "report_edit"),
    Action.ACCEPT: ("report_accepted", "report_detail"),
    Action.REOPEN: ("report_reopened", "report_edit"),
}


def absolute_url(path):
    if not settings.SITE_URL:
        raise ImproperlyConfigured("Set SITE_URL: e-mails link to the site by its address.")
    return settings.SITE_URL + path


def officials_of(party_ids):
    """The active officials of these parties who have an e-mail address."""
    return (
        User.objects.filter(is_active=True, party_id__in=party_ids, role=Role.OFFICIAL)
        .exclude(email="")
        .select_related("party")
        .order_by("party_id", "username")
    )


def secretariat_members():
    """The active members of the secretariat (and superusers) who have an e-mail address."""
    return (
        User.objects.filter(Q(is_superuser=True) | Q(role=Role.SECRETARIAT), is_active=True)
        .exclude(email="")
        .order_by("username")
    )


def report_moved(report_id, action, comment=""):
    """E-mail whoever must act now that the report was moved by ``action``."""
    report = ProgressReport.objects.select_related("activity", "party", "cycle").get(pk=report_id)
    if action == Action.SUBMIT:
        if settings.SUBMISSION_NOTICES != "each":
            return
        recipients = secretariat_members()
        template = "report_submitted"
        link = reverse("admin:reports_submittedreport_change", args=[report.pk])
    else:
        recipients = officials_of([report.party_id])
        template, page = TO_OFFICIALS[action]
        link = reverse(page, args=[report.pk])
    context = {"report": report, "comment": comment, "link": absolute_url(link)}
    send([email(template, user, context) for user in recipients])


def email(template, recipient, context):
    """One plain-text e-mail to ``recipient`` from ``reports/email/<template>.txt``, whose first
    line is the subject."""
    context = {
        **context,
        "recipient": recipient,
        "profile_link": absolute_url(reverse("profile")),
        "contact": settings.SECRETARIAT_CONTACT,
    }
    with translation.override(language_of(recipient)):
        text = render_to_string(f"reports/email/{template}.txt", context)
    subject, _, body = text.partition("\n")
    return EmailMessage(
        subject=f"[AMMTC Tracker] {subject.strip()}", body=body.strip() + "\n", to=[recipient.email]
    )


def language_of(recipient):
    """The language ``recipient`` chose, if the app still offers it; else the default."""
    if recipient.language in dict(settings.LANGUAGES):
        return recipient.language
    return settings.LANGUAGE_CODE


def send(messages):
    if messages:
        get_connection().send_messages(messages)


def choices_for(user):
    """What e-mails ``user`` receives, in words, for their profile page."""
    days = ", ".join(str(d) for d in settings.REMINDER_DAYS_BEFORE)
    choices = []
    if user.acting_party_id:
        party = user.party.display_name
        choices += [
            _("When the secretariat returns, accepts or reopens a report of %(party)s.")
            % {"party": party},
            _(
                "Reminders %(days)s days before a cycle's deadline, and once after it, while a "
                "report of %(party)s is missing, a draft or returned."
            )
            % {"days": days, "party": party},
        ]
    if user.is_secretariat:
        choices.append(
            {
                "each": _("An e-mail for each report submitted for review."),
                "daily": _("A daily digest of the reports waiting for review."),
                "off": _("No e-mail about submitted reports (SUBMISSION_NOTICES is off)."),
            }[settings.SUBMISSION_NOTICES]
        )
    return choices
