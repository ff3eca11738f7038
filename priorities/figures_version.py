"""The plan's side of the figures version (``WorkPlan.figures_changed``).

``reports.figures`` caches its counts under the plan's figures version, so every change to
something a figure counts or names must renew it in the same transaction. Reports renew it in
their workflow (``reports``); the plan is edited by the admin, the plan import, the reference
loader and the shell, all through model saves and deletes, so its models renew it on
``post_save``, ``post_delete`` and ``m2m_changed``: an invalidation no writer can forget, and no
workflow (nothing else happens in these handlers). Bulk writes (``bulk_create``, ``update``)
send no signal: the code that makes them calls ``figures_changed`` itself (the load generator).
"""

from django.db.models.signals import m2m_changed, post_delete, post_save

from priorities.models import Activity, Indicator, Party, PriorityArea, WorkPlan


def _plans_of(instance):
    """The plans whose figures ``instance`` feeds; a party is named in every plan's."""
    if isinstance(instance, WorkPlan):
        return WorkPlan.objects.filter(pk=instance.pk)
    if isinstance(instance, (PriorityArea, Activity)):
        return WorkPlan.objects.filter(pk=instance.work_plan_id)
    if isinstance(instance, Party):
        return WorkPlan.objects.all()
    # An indicator, or a row of an activity's lead or participating parties.
    return WorkPlan.objects.filter(activities=instance.activity_id)


def renew_figures_version(sender, instance, action="post_", **kwargs):
    if action.startswith("post_"):  # m2m_changed also says pre_add, pre_remove, pre_clear
        _plans_of(instance).figures_changed()


def connect():
    models = [
        WorkPlan,
        PriorityArea,
        Activity,
        Indicator,
        Party,
        Activity.lead_parties.through,
        Activity.participating_parties.through,
    ]
    for model in models:
        for signal in (post_save, post_delete):
            signal.connect(renew_figures_version, sender=model, dispatch_uid=f"figures-{model}")
    for through in (Activity.lead_parties.through, Activity.participating_parties.through):
        m2m_changed.connect(renew_figures_version, sender=through, dispatch_uid=f"m2m-{through}")
