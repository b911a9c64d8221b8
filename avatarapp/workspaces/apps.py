from django.apps import AppConfig


class WorkspacesConfig(AppConfig):
    name = "avatarapp.workspaces"
    label = "workspaces"
    verbose_name = "Workspaces"

    def ready(self) -> None:
        # Connects the signal receiver that remembers a second factor set up in this session.
        from avatarapp.workspaces import two_factor  # noqa: F401
