from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "avatarapp.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        # Connects the login receiver that starts a session's clocks.
        from avatarapp.workspaces import session_limits  # noqa: F401
