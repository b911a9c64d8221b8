from __future__ import annotations

from typing import Any

from django import forms

from avatarapp.workspaces.roles import Role, grantable_by


class WorkspaceNameForm(forms.Form):
    name = forms.CharField(
        label="Workspace name",
        max_length=80,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Acme marketing", "autocomplete": "off"}),
    )

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if not name:
            raise forms.ValidationError("Give the workspace a name.")
        return name


def _offer_grantable_roles(field: forms.Field, actor_role: str) -> None:
    """Offer only the roles the actor may give, but accept any role so that the service, not
    the form, explains why a role is refused."""
    assert isinstance(field, forms.ChoiceField)
    field.choices = Role.choices
    field.widget.choices = [(role.value, role.label) for role in grantable_by(actor_role)]


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        help_text="Leave empty for a link anyone you give it to can use once.",
    )
    role = forms.ChoiceField(label="Role", initial=Role.EDITOR)

    def __init__(self, *args: Any, actor_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_grantable_roles(self.fields["role"], actor_role)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label="Role")

    def __init__(self, *args: Any, actor_role: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _offer_grantable_roles(self.fields["role"], actor_role)
