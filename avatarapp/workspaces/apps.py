from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "avatarapp.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"
