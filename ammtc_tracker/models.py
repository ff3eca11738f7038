import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils import timezone
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


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiToken(models.Model):
    """A personal token for the REST API; only its SHA-256 digest is stored."""

    # Tokens are 32 random bytes, so a fast hash is as safe as a slow one and lookups stay cheap.
    PREFIX_LENGTH = 8

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name=_("user")
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("prefix"), max_length=PREFIX_LENGTH, editable=False)
    digest = models.CharField(_("digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revoked_api_tokens",
        verbose_name=_("revoked by"),
        editable=False,
    )

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name):
        """Create a token and return ``(token, key)``; the key is shown once and never stored."""
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user, name=name, prefix=key[: cls.PREFIX_LENGTH], digest=cls.hash(key)
        )
        return token, key

    @property
    def is_active(self):
        return self.revoked_at is None

    def revoke(self, *, by):
        """Revoke the token; its owner or the secretariat may."""
        if by != self.user and not by.is_secretariat:
            raise PermissionDenied(_("Only the token's owner or the secretariat may revoke it."))
        if self.revoked_at is None:
            self.revoked_at, self.revoked_by = timezone.now(), by
            self.save(update_fields=["revoked_at", "revoked_by"])
