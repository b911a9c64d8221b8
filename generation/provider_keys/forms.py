"""The add-key and rename forms. The key field is a password input that is never re-rendered
with its value, and no error message ever repeats the key."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from avatarapp.keys import access
from avatarapp.ssrf import UnsafeURLError, validate_base_url
from avatarapp.workspaces.models import Membership
from generation.provider_keys.services import NewKey
from generation.providers.registry import KEYED, ProviderEntry, entry

MAX_KEY_CHARS = 500
MAX_ENTERED_PRICE = Decimal(10)  # no image costs more; a larger figure is a typo


def _endpoints() -> dict[str, tuple[ProviderEntry, str, str]]:
    """One choice per place a key can go, so the form needs no script to show a region picker:
    value -> (provider, region, label). "bfl" is BFL's default region, "bfl-eu" its EU one."""
    choices: dict[str, tuple[ProviderEntry, str, str]] = {}
    for provider in KEYED:
        assert provider.key is not None
        name = provider.key.name
        if provider.takes_base_url:
            name = f"{name} (your own URL)"
        if not provider.regions:
            choices[provider.name] = (provider, "", name)
        for number, region in enumerate(provider.regions):
            value = provider.name if number == 0 else f"{provider.name}-{region.slug}"
            choices[value] = (provider, region.slug, f"{name} ({region.choice})")
    return choices


ENDPOINTS = _endpoints()


def _an(name: str) -> str:
    return f"{'an' if name[:1] in 'AEIOU' else 'a'} {name}"


@sensitive_variables("key")
def _prefixed_for(key: str) -> ProviderEntry | None:
    """The provider whose own prefix `key` starts with (sk-: OpenAI), if any; the longest prefix
    wins, so an OpenRouter key (sk-or-) is never taken for an OpenAI one (sk-)."""
    owners = [p for p in KEYED if p.key and p.key.prefix and key.startswith(p.key.prefix)]
    return max(owners, key=lambda p: len(p.key.prefix if p.key else ""), default=None)


@sensitive_variables("key")
def key_problem(provider: str, key: str) -> str | None:
    """Why `key` cannot be a key for `provider`, in a sentence that does not repeat the key."""
    chosen = entry(provider)
    shape = chosen.key
    assert shape is not None
    if not key:
        return "Paste the API key."
    if len(key) > MAX_KEY_CHARS:
        return f"That is longer than any API key ({MAX_KEY_CHARS} characters at most)."
    if key.lower().startswith("bearer "):
        return "Paste only the key, without “Bearer”."
    if any(c.isspace() for c in key):
        return "The key has spaces or line breaks inside it. Paste the key alone."
    # A server the user runs may take any provider's key (Google's own OpenAI-compatible
    # endpoint takes a Google key), so only keys for a named provider are told "that looks like".
    owner = _prefixed_for(key)
    # A provider whose keys share another's prefix (the gateways' sk- keys, OpenAI's too) takes
    # such keys; a longer prefix of another provider's (sk-or-: OpenRouter) still names it.
    owner_prefix = owner.key.prefix if owner is not None and owner.key is not None else ""
    shared = bool(shape.prefix) and owner_prefix == shape.prefix
    if owner is not None and owner.name != chosen.name and not (chosen.takes_base_url or shared):
        return (
            f"That looks like {_an(owner.display_name)} key. Choose that provider instead, or "
            f"paste your {shape.name} key."
        )
    if not shape.pattern.fullmatch(key):
        return f"That does not look like an API key for {shape.name}. {shape.help}"
    return None


def price_field() -> forms.DecimalField:
    """The workspace's own price per image, on the add form and the key's page."""
    return forms.DecimalField(
        label="Your price per image (USD)",
        required=False,
        min_value=Decimal(0),
        max_value=MAX_ENTERED_PRICE,
        max_digits=10,
        decimal_places=4,
        help_text="Only for your own server or a gateway: what one image costs you through "
        "this key, e.g. 0.012. Estimates and costs use it instead of our price table (a "
        "provider's own reported cost still wins). Empty: our table, or $0 for your own server.",
        error_messages={
            "invalid": "Enter the price as a number of dollars, e.g. 0.012.",
            "min_value": "A price cannot be negative.",
            "max_value": f"Enter at most ${MAX_ENTERED_PRICE} per image.",
            "max_decimal_places": "Use at most 4 decimal places, e.g. 0.0125.",
            "max_digits": "Enter at most 4 decimal places, e.g. 0.0125.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )


class AddKeyForm(forms.Form):
    endpoint = forms.ChoiceField(
        label="Provider", choices=[(value, label) for value, (_, _, label) in ENDPOINTS.items()]
    )
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
    model_name = forms.CharField(
        label="Model on your server",
        required=False,
        max_length=200,
        help_text="Only for an OpenAI-compatible server: the model it runs, e.g. flux-dev. Empty: "
        "“openai-compatible”.",
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    price_per_image = price_field()
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
        provider, region, _label = ENDPOINTS[endpoint]
        key = data.get("api_key") or ""
        problem = key_problem(provider.name, key)
        if problem and "api_key" not in self.errors:
            self.add_error("api_key", problem)
        base_url = (data.get("base_url") or "").strip()
        if provider.takes_base_url:
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
            base_url = ""  # only a server the user runs takes a URL; ignore a stray one
        model_name = (data.get("model_name") or "").strip() if provider.takes_base_url else ""
        if any(c.isspace() or not c.isprintable() for c in model_name):
            self.add_error("model_name", "A model name has no spaces, e.g. flux-dev.")
        # Only providers the workspace prices itself take a price; ignore a stray one.
        price = data.get("price_per_image") if provider.price_entered else None
        data.update(
            provider=provider.name,
            region=region,
            base_url=base_url,
            model_name=model_name,
            price_per_image=price,
        )
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
            model_name=data["model_name"],
            price_per_image_usd=data["price_per_image"],
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


class PriceForm(forms.Form):
    price_per_image = price_field()


MAX_THRESHOLD = Decimal("10000000")  # credits; far above any real account


class ThresholdForm(forms.Form):
    """Issue 19: below how many credits the owners and admins are emailed (BFL keys)."""

    low_balance_threshold = forms.DecimalField(
        label="Email me below this many credits",
        required=False,
        min_value=Decimal(0),
        max_value=MAX_THRESHOLD,
        max_digits=12,
        decimal_places=1,
        help_text="The workspace's owners and admins get one email when the key's credits fall "
        "below this number, and another after the next top-up and fall. Empty: no email.",
        error_messages={
            "invalid": "Enter a number of credits, e.g. 500.",
            "min_value": "The number of credits cannot be negative.",
            "max_value": f"Enter at most {MAX_THRESHOLD:,} credits.",
            "max_decimal_places": "Use at most one decimal place, e.g. 99.5.",
            "max_digits": "Enter at most one decimal place, e.g. 99.5.",
        },
        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
    )
