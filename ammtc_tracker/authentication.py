from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from ammtc_tracker.models import ApiToken
from ammtc_tracker.throttles import FailedTokenThrottle


class ApiTokenAuthentication(authentication.BaseAuthentication):
    """``Authorization: Token <key>`` with a personal token from the profile page.

    A token stops working when revoked, when its owner is deactivated or changes password, and
    when it expires (API_TOKEN_MAX_AGE_DAYS). Failed attempts are throttled per address.
    """

    keyword = "Token"

    def authenticate(self, request):
        parts = authentication.get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        throttle = FailedTokenThrottle()
        throttle.check(request)
        try:
            return self._authenticate(parts)
        except exceptions.AuthenticationFailed:
            throttle.record_failure()
            raise

    def _authenticate(self, parts):
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after 'Token ', once."))
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(_("The token is not valid.")) from None
        token = ApiToken.objects.select_related("user__party").filter(digest=ApiToken.hash(key))
        token = token.first()
        if token is None:
            raise exceptions.AuthenticationFailed(_("The token is not valid or was revoked."))
        refusal = token.refusal()
        if refusal:
            raise exceptions.AuthenticationFailed(refusal)
        # One write per minute at most, not one per request.
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        return self.keyword
