"""JWT authentication that loads the profile and the sync change counter with the user:
nearly every endpoint needs the user's time zone or units, and the day timeline keys its
cache on the counter; one join each saves a query on every request."""

from django.contrib.auth import get_user_model
from drf_spectacular.contrib.rest_framework_simplejwt import SimpleJWTScheme
from rest_framework_simplejwt.authentication import JWTAuthentication as BaseJWTAuthentication
from rest_framework_simplejwt.exceptions import AuthenticationFailed, InvalidToken
from rest_framework_simplejwt.settings import api_settings

from apps.common.prepared import PkLookup


class JWTAuthentication(BaseJWTAuthentication):
    def get_user(self, validated_token):
        try:
            user_id = validated_token[api_settings.USER_ID_CLAIM]
        except KeyError:
            raise InvalidToken("Token contained no recognizable user identification") from None
        if self.user_model._meta.pk.name != api_settings.USER_ID_FIELD:  # not our set-up
            return super().get_user(validated_token)
        user = _user_with_profile_and_counter(user_id)
        if user is None:
            raise AuthenticationFailed("User not found", code="user_not_found")
        if not api_settings.USER_AUTHENTICATION_RULE(user):
            raise AuthenticationFailed("User is inactive", code="user_inactive")
        return user


# Compiled once: this runs on every authenticated request (apps/common/prepared.py).
_user_with_profile_and_counter = PkLookup(
    lambda: get_user_model().objects.select_related("profile", "change_counter")
)


class JWTAuthenticationScheme(SimpleJWTScheme):
    """Documents the subclass above as the same bearer-JWT scheme (drf-spectacular matches
    extensions by exact class); defined here so it registers whenever the class is loaded."""

    target_class = "apps.api.authentication.JWTAuthentication"
