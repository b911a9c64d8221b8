from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "avatarapp.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        # Connect the signal receivers: session_limits starts a session's clocks at login;
        # two_factor remembers a second factor set up in this session.
        from avatarapp.workspaces import session_limits, two_factor  # noqa: F401
