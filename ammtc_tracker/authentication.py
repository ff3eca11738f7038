import copy

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ammtc_tracker.generations import API_TOKENS
from ammtc_tracker.models import ApiToken, User
from ammtc_tracker.throttles import FailedTokenThrottle
from priorities.models import Party

# A token's last use is written at most once a minute, when its cache entry is read again.
LAST_USED_SECONDS = 60


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>`` with a personal token from the profile page.

    A token stops working when revoked, when its owner is deactivated or changes password, and
    when it expires (API_TOKEN_MAX_AGE_DAYS). Failed attempts are throttled per address.

    The token, with its owner and the owner's party, is kept in the cache under the API tokens'
    generation (``ammtc_tracker.generations``), which every save or delete of a token, a user
    or a party renews: a revoked token is refused at the next request, and a request with a
    known token costs one cache round trip (the token and the failure counters) and no query.
    """

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        throttle = FailedTokenThrottle()
        digest = _digest(parts)
        entry = _entry_key(digest) if digest else None
        found = API_TOKENS.lookup(entry, throttle.keys(request))
        throttle.check(found.others)
        try:
            return self._authenticate(parts, digest, entry, found)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise

    def _authenticate(self, parts, digest, entry, found):
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after 'Token ', once."))
        if digest is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid."))
        token = found.value
        if token is not None:
            # The password cannot have changed while the entry is good (a change renews it).
            refusal = token.refusal(password_checked=True)
            if refusal:
                raise exceptions.AuthenticationFailed(refusal)
            return token.user, token
        token = ApiToken.objects.select_related("user__party").filter(digest=digest).first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or was revoked."))
        refusal = token.refusal()
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        # Once a minute at most, when the entry is read again: not on every request.
        now = timezone.now()
        last_used = token.last_used_at
        if last_used is None or (now - last_used).total_seconds() > LAST_USED_SECONDS:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
        API_TOKENS.store(entry, found, _without_secrets(token))
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword


def _digest(parts):
    """The stored digest of the key in ``Token <key>``; None if there is no readable key."""
    try:
        return ApiToken.hash(parts[1].decode()) if len(parts) == 2 else None
    except UnicodeError:
        return None


def _entry_key(digest):
    return f"api-token:{digest}"


def _without_secrets(token):
    """A copy of ``token`` for the cache, without its owner's password hash or its fingerprint
    of it: neither is needed while the entry is good, and neither belongs in a shared cache.
    Left deferred, a field read later is read from the database, and a save leaves it alone."""
    token = copy.deepcopy(token)
    del token.__dict__["password_fingerprint"]
    del token.user.__dict__["password"]
    return token


def renew_api_tokens(sender, action="post_", **kwargs):
    if action.startswith("post_"):  # m2m_changed also says pre_add, pre_remove, pre_clear
        API_TOKENS.renew()


def connect():
    """Renew the API tokens' generation whenever a token, a user, a user's groups or
    permissions, or a party changes: what the cached token entries hold."""
    for model in (ApiToken, User, Party):
        for signal in (post_save, post_delete):
            signal.connect(renew_api_tokens, sender=model, dispatch_uid=f"api-tokens-{model}")
    for through in (User.groups.through, User.user_permissions.through):
        m2m_changed.connect(renew_api_tokens, sender=through, dispatch_uid=f"api-tokens-{through}")
