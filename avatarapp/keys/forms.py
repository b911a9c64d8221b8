"""The add-key and rename forms. The key field is a password input that is never re-rendered
with its value, and no error message ever repeats the key."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys import access
from avatarapp.keys.models import Provider, Region
from avatarapp.keys.services import NewKey
from avatarapp.ssrf import UnsafeURLError, validate_base_url
from avatarapp.workspaces.models import Membership

# One choice per endpoint, so the form needs no script to show a region picker.
ENDPOINTS = {
    "openai": (Provider.OPENAI, ""),
    "bfl": (Provider.BFL, Region.GLOBAL),
    "bfl-eu": (Provider.BFL, Region.EU),
    "bfl-us": (Provider.BFL, Region.US),
    "google": (Provider.GOOGLE, ""),
    "openai_compatible": (Provider.OPENAI_COMPATIBLE, ""),
}
ENDPOINT_CHOICES = [
    ("openai", "OpenAI"),
    ("bfl", "Black Forest Labs (global)"),
    ("bfl-eu", "Black Forest Labs (EU only)"),
    ("bfl-us", "Black Forest Labs (US only)"),
    ("google", "Google Gemini"),
    ("openai_compatible", "OpenAI-compatible server (your own URL)"),
]

# Shapes of real keys. Generous about length, strict about the prefix.
SHAPES = {
    Provider.OPENAI: re.compile(r"sk-[A-Za-z0-9_\-]{20,}"),
    Provider.GOOGLE: re.compile(r"AIza[0-9A-Za-z_\-]{30,}"),
    Provider.BFL: re.compile(r"[A-Za-z0-9_\-]{16,}"),
    Provider.OPENAI_COMPATIBLE: re.compile(r"[\x21-\x7e]{1,}"),
}
SHAPE_HELP = {
    Provider.OPENAI: "An OpenAI key starts with sk- and at least 20 letters, digits, - or _.",
    Provider.GOOGLE: "A Google key starts with AIza followed by about 35 letters, digits, - or _.",
    Provider.BFL: "A Black Forest Labs key is at least 16 letters, digits, - or _.",
    Provider.OPENAI_COMPATIBLE: "The key may contain only printable characters, no spaces.",
}
LOOKS_LIKE = (("sk-", "an OpenAI"), ("AIza", "a Google"), ("bfl_", "a Black Forest Labs"))
PREFIX_OF = {Provider.OPENAI: "sk-", Provider.GOOGLE: "AIza", Provider.BFL: "bfl_"}
MAX_KEY_CHARS = 500


@sensitive_variables("key")
def key_problem(provider: Provider, key: str) -> str | None:
    """Why `key` cannot be a key for `provider`, in a sentence that does not repeat the key."""
    if not key:
        return "Paste the API key."
    if len(key) > MAX_KEY_CHARS:
        return f"That is longer than any API key ({MAX_KEY_CHARS} characters at most)."
    if key.lower().startswith("bearer "):
        return "Paste only the key, without “Bearer”."
    if any(c.isspace() for c in key):
        return "The key has spaces or line breaks inside it. Paste the key alone."
    if provider != Provider.OPENAI_COMPATIBLE:
        for prefix, name in LOOKS_LIKE:
            if key.startswith(prefix) and PREFIX_OF.get(provider) != prefix:
                return (
                    f"That looks like {name} key. Choose that provider instead, or paste your "
                    f"{provider.label} key."
                )
    if not SHAPES[provider].fullmatch(key):
        return f"That does not look like an API key for {provider.label}. {SHAPE_HELP[provider]}"
    return None


class AddKeyForm(forms.Form):
    endpoint = forms.ChoiceField(label="Provider", choices=ENDPOINT_CHOICES)
    label = forms.CharField(
        label="Name",
        max_length=60,
        error_messages={"required": "Give the key a name."},
        help_text="Something your team recognises, e.g. “Marketing OpenAI”.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    api_key = forms.CharField(
        label="API key",
        strip=True,
        error_messages={"required": "Paste the API key."},
        help_text="Stored encrypted. After saving, only its last four characters are shown.",
        # render_value=False: the key is never written back into a page, not even after an error.
        widget=forms.PasswordInput(
            render_value=False,
            attrs={"autocomplete": "off", "spellcheck": "false", "autocapitalize": "off"},
        ),
    )
    base_url = forms.CharField(
        label="Server URL",
        required=False,
        max_length=500,
        help_text="Only for an OpenAI-compatible server, e.g. https://llm.example.com/v1.",
        widget=forms.URLInput(attrs={"autocomplete": "off", "placeholder": "https://"}),
    )
    scope = forms.ChoiceField(label="Who can use it", widget=forms.RadioSelect)

    def __init__(self, *args: Any, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if access.can_add_workspace_key(membership):
            choices.append(("workspace", "The workspace: editors can use it in jobs"))
        if access.can_add_personal_key(membership):
            choices.append(("personal", "Only me: a personal key nobody else sees"))
        scope = self.fields["scope"]
        assert isinstance(scope, forms.ChoiceField)
        scope.choices = choices
        scope.initial = choices[0][0] if choices else None
        # With one choice there is nothing to pick: a hidden field, and a sentence saying why.
        self.only_personal = [c[0] for c in choices] == ["personal"]
        self.fixed_scope = ""
        if len(choices) == 1:
            scope.widget = forms.HiddenInput()
            self.fixed_scope = (
                "Only you will see and use this key; the workspace's own keys are managed by "
                "owners and admins."
                if self.only_personal
                else "Only you use keys in your personal workspace."
            )

    def clean_label(self) -> str:
        label: str = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError("Give the key a name.")
        return label

    @sensitive_variables("data", "key")
    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        endpoint = data.get("endpoint")
        if endpoint is None:
            return data
        provider, region = ENDPOINTS[endpoint]
        key = data.get("api_key") or ""
        problem = key_problem(provider, key)
        if problem and "api_key" not in self.errors:
            self.add_error("api_key", problem)
        base_url = (data.get("base_url") or "").strip()
        if provider == Provider.OPENAI_COMPATIBLE:
            if not base_url:
                self.add_error(
                    "base_url", "Give the server's URL, e.g. https://llm.example.com/v1."
                )
            else:
                try:
                    checked = validate_base_url(
                        base_url, allow_private=settings.ALLOW_PRIVATE_PROVIDER_HOSTS
                    )
                except UnsafeURLError as error:
                    self.add_error("base_url", str(error))
                else:
                    base_url = checked.url.rstrip("/")
        else:
            base_url = ""  # only OpenAI-compatible servers take a URL; ignore a stray one
        data.update(provider=provider, region=region, base_url=base_url)
        return data

    @sensitive_variables("data")
    def new_key(self) -> NewKey:
        data = self.cleaned_data
        return NewKey(
            provider=data["provider"],
            region=data["region"],
            base_url=data["base_url"],
            label=data["label"],
            personal=data["scope"] == "personal",
        )


class RenameForm(forms.Form):
    label = forms.CharField(
        label="Name",
        max_length=60,
        error_messages={"required": "Give the key a name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def clean_label(self) -> str:
        label: str = self.cleaned_data["label"].strip()
        if not label:
            raise forms.ValidationError("Give the key a name.")
        return label
