"""The admin permissions each role carries: the one source of them (no groups to keep in step).

A user's rights follow from ``User.role``; a superuser may still grant a person extra
permissions or groups, which Django's ModelBackend adds on top.
"""

from django.contrib.auth.backends import BaseBackend

from ammtc_tracker.models import Role

# The secretariat runs the admin: it manages the work plan, cycles, consultations and accounts,
# and reads (never writes) the parties' reports, which change only through the workflow.
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
        "sentreminder": "view",
    },
    "ammtc_tracker": {"user": "view add change", "apitoken": "view change"},
    # Login failures and lockouts, to answer "why can't I log in?"; read-only.
    "axes": {"accessattempt": "view", "accesslog": "view", "accessfailurelog": "view"},
}


def _permission_names(table):
    return frozenset(
        f"{app}.{action}_{model}"
        for app, models in table.items()
        for model, actions in models.items()
        for action in actions.split()
    )


ROLE_PERMISSIONS = {
    Role.SECRETARIAT: _permission_names(SECRETARIAT_PERMISSIONS),
    Role.OFFICIAL: frozenset(),
    Role.READER: frozenset(),
}


class RoleBackend(BaseBackend):
    """Grants each active user the permissions of their role; authenticates no one."""

    def get_all_permissions(self, user_obj, obj=None):
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return frozenset()
        return ROLE_PERMISSIONS.get(user_obj.role, frozenset())

    def has_module_perms(self, user_obj, app_label):
        return any(name.startswith(f"{app_label}.") for name in self.get_all_permissions(user_obj))
