from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from avatarapp import views
from avatarapp.workspaces import invitations, mfa

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # Two-factor sign-in: allauth's passkey removal, refused for a member's last second factor
    # while a workspace requires one (avatarapp.workspaces.mfa). Listed first, so it wins.
    path(
        "accounts/2fa/webauthn/keys/<int:pk>/remove/",
        mfa.remove_passkey,
        name="mfa_remove_webauthn",
    ),
    path("accounts/", include("allauth.urls")),
    path("workspaces/", include("avatarapp.workspaces.urls")),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("invitations/<str:token>/accept/", invitations.accept, name="accept_invitation"),
    path("invitations/<str:token>/decline/", invitations.decline, name="decline_invitation"),
    path("personas/", include("personas.urls")),
    path("", include("generation.urls")),
    path("", include("gallery.urls")),
    path("settings/keys/", include("generation.provider_keys.urls")),
    path(f"{settings.ADMIN_URL}", admin.site.urls),
]
