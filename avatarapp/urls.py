from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from avatarapp import views
from avatarapp.workspaces import invitations

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("workspaces/", include("avatarapp.workspaces.urls")),
    path("invitations/<str:token>/", invitations.invitation, name="invitation"),
    path("invitations/<str:token>/accept/", invitations.accept, name="accept_invitation"),
    path("invitations/<str:token>/decline/", invitations.decline, name="decline_invitation"),
    path("personas/", include("personas.urls")),
    path("", include("generation.urls")),
    path("settings/keys/", include("avatarapp.keys.urls")),
    path(f"{settings.ADMIN_URL}", admin.site.urls),
]
