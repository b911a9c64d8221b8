from django.apps import AppConfig


class KeysConfig(AppConfig):
    name = "avatarapp.keys"
    label = "keys"
    verbose_name = "Provider keys"
