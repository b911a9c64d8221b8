"""The admin shows who has which second factor, never its secret: allauth's own Authenticator
admin would show the TOTP key and the recovery-code seed on each row's page."""

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin

admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorWithoutSecretsAdmin(AuthenticatorAdmin):
    exclude = ("data",)
