from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The three roles; each is a group of the same name."""

    OFFICIAL = "Official", _("Official")
    SECRETARIAT = "Secretariat", _("Secretariat")
    READER = "Reader", _("Reader")


class User(AbstractUser):
    """A person who signs in; an official acts for exactly one party."""

    party = models.ForeignKey(
        "priorities.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("party"),
        help_text=_("The party an official acts for. Empty for the secretariat and readers."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.pk and self.is_official and self.party_id is None:
            raise ValidationError({"party": _("An official must act for a party.")})

    @cached_property
    def role_names(self):
        return frozenset(self.groups.values_list("name", flat=True))

    @property
    def is_secretariat(self):
        return self.is_active and (self.is_superuser or Role.SECRETARIAT in self.role_names)

    @property
    def is_official(self):
        return self.is_active and Role.OFFICIAL in self.role_names

    @property
    def is_reader(self):
        return self.is_active and Role.READER in self.role_names

    @property
    def acting_party_id(self):
        """The party this user files for, or None when the user is not an official of one."""
        return self.party_id if self.is_official else None
