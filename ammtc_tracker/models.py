import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import UserManager as BaseUserManager
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    """What a user does; each user has exactly one role, and the role decides their rights."""

    OFFICIAL = "Official", _("Official")
    SECRETARIAT = "Secretariat", _("Secretariat")
    READER = "Reader", _("Reader")


class UserManager(BaseUserManager):
    # ``is_staff`` is not a column here: it follows from the role.
    def create_user(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(username, email, password, **extra_fields)

    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.SECRETARIAT)
        extra_fields["is_superuser"] = True
        return self._create_user(username, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in, in one role; an official acts for exactly one party."""

    role = models.CharField(
        _("role"),
        max_length=12,
        choices=Role.choices,
        default=Role.READER,
        help_text=_(
            "Officials file their party's reports; the secretariat reviews them and runs the "
            "admin; readers see accepted reports."
        ),
    )
    party = models.ForeignKey(
        "priorities.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("party"),
        help_text=_("The party an official acts for. Empty for the secretariat and readers."),
    )
    # Set by the language switcher; applied on every request (ammtc_tracker.middleware) and to
    # the e-mails sent to this user. Empty: the browser's language, else English.
    language = models.CharField(
        _("language"),
        max_length=10,
        blank=True,
        help_text=_("The language of the pages and e-mails; empty follows the browser."),
    )

    # Who changed a role, a party or the active flag, and when; never the password hash.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])
    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="user_role_known"),
            models.CheckConstraint(
                condition=Q(role=Role.OFFICIAL, party__isnull=False)
                | (~Q(role=Role.OFFICIAL) & Q(party__isnull=True)),
                name="user_party_only_for_officials",
                violation_error_message=_(
                    "An official acts for one party; the secretariat and readers for none."
                ),
            ),
        ]

    def __str__(self):
        return self.get_full_name() or self.username

    def clean(self):
        super().clean()
        if self.role == Role.OFFICIAL and self.party_id is None:
            raise ValidationError({"party": _("An official must act for a party.")})
        if self.role != Role.OFFICIAL and self.party_id is not None:
            raise ValidationError(
                {"party": _("Only officials act for a party; leave it empty for this role.")}
            )

    @property
    def is_staff(self):
        """May use the admin (the secretariat's console): follows from the role, not a column."""
        return self.is_active and (self.is_superuser or self.role == Role.SECRETARIAT)

    @property
    def is_secretariat(self):
        return self.is_active and (self.is_superuser or self.role == Role.SECRETARIAT)

    @property
    def is_official(self):
        return self.is_active and self.role == Role.OFFICIAL

    @property
    def is_reader(self):
        return self.is_active and self.role == Role.READER

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
    # Ties the token to the owner's password: a password change refuses every earlier token.
    password_fingerprint = models.CharField(
        _("password fingerprint"), max_length=64, editable=False
    )
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
            user=user,
            name=name,
            prefix=key[: cls.PREFIX_LENGTH],
            digest=cls.hash(key),
            password_fingerprint=user.get_session_auth_hash(),
        )
        return token, key

    @property
    def is_active(self):
        return self.revoked_at is None

    @property
    def expires_at(self):
        days = settings.API_TOKEN_MAX_AGE_DAYS
        return self.created_at + datetime.timedelta(days=days) if days else None

    def refusal(self, *, password_checked=False):
        """Why this token may not be used now (a message), or None if it may;
        ``password_checked``: it was issued with its owner's current password."""
        if not self.is_active or not self.user.is_active:
            return _("The token is not valid or was revoked.")
        if not password_checked and not self._matches_password():
            return _("The token was issued before its owner's password changed; create a new one.")
        if self.expires_at and timezone.now() >= self.expires_at:
            return _("The token has expired; create a new one.")
        return None

    def _matches_password(self):
        # As for sessions: hashes made with SECRET_KEY_FALLBACKS still count after a key rotation.
        hashes = [self.user.get_session_auth_hash(), *self.user.get_session_auth_fallback_hash()]
        return any(constant_time_compare(self.password_fingerprint, h) for h in hashes)

    def revoke(self, *, by):
        """Revoke the token; its owner or the secretariat may."""
        if by != self.user and not by.is_secretariat:
            raise PermissionDenied(_("Only the token's owner or the secretariat may revoke it."))
        if self.revoked_at is None:
            self.revoked_at, self.revoked_by = timezone.now(), by
            self.save(update_fields=["revoked_at", "revoked_by"])
