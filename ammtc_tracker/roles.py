"""The role groups and the model permissions each one carries in the admin."""

from django.contrib.auth.models import Group, Permission

from ammtc_tracker.models import Role

# The secretariat runs the admin: it manages the work plan, cycles and consultations, and reads
# (never writes) the parties' reports, which change only through the workflow.
SECRETARIAT_PERMISSIONS = {
    "priorities": {
        "party": "view add change",
        "workplan": "view add change",
        "priorityarea": "view add change",
        "activity": "view add change delete",
        "indicator": "view add change delete",
        "consultation": "view add change delete",
    },
    "reports": {
        "reportingcycle": "view add change",
        "submissionwaiver": "view add change delete",
        "progressreport": "view",
        "submittedreport": "view",
        "indicatorvalue": "view",
        "reporttransition": "view",
        "evidencefile": "view",
        "issueddocument": "view",
    },
    "ammtc_tracker": {"user": "view add change", "apitoken": "view change"},
}


def sync_role_groups(**kwargs):
    """Create the three role groups and give the secretariat its permissions; idempotent."""
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    wanted = [
        (app, f"{action}_{model}")
        for app, models in SECRETARIAT_PERMISSIONS.items()
        for model, actions in models.items()
        for action in actions.split()
    ]
    permissions = [
        p
        for p in Permission.objects.select_related("content_type")
        if (p.content_type.app_label, p.codename) in wanted
    ]
    Group.objects.get(name=Role.SECRETARIAT).permissions.add(*permissions)
