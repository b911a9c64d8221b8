from django.urls import path

from avatarapp.workspaces import views

app_name = "workspaces"

urlpatterns = [
    path("", views.workspace_list, name="list"),
    path("<uuid:workspace_id>/switch/", views.switch, name="switch"),
    path("<uuid:workspace_id>/members/", views.members, name="members"),
    path("<uuid:workspace_id>/rename/", views.rename, name="rename"),
    path("<uuid:workspace_id>/leave/", views.leave, name="leave"),
    path("<uuid:workspace_id>/two-factor/", views.require_two_factor, name="require_two_factor"),
    path("<uuid:workspace_id>/invitations/", views.invite, name="invite"),
    path(
        "<uuid:workspace_id>/invitations/<int:invitation_id>/revoke/",
        views.revoke_invitation,
        name="revoke_invitation",
    ),
    path(
        "<uuid:workspace_id>/members/<int:membership_id>/role/",
        views.change_role,
        name="change_role",
    ),
    path(
        "<uuid:workspace_id>/members/<int:membership_id>/remove/",
        views.remove_member,
        name="remove_member",
    ),
]
