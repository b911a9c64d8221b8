"""The Generate estimate says in words what will happen ("8 portraits, at most
$0.33, about 40 s; Maya with OpenAI key ...fc68"), re-prices every model tile when the settings
change, and a model whose provider has no key is refused beside the Models choice instead of
collapsing the panel to the wrong message."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import reverse

from generation.models import Job
from generation.offer import dom_id
from generation.templatetags.keys_tags import key_mask
from personas.models import Persona
from tests.conftest import World
from tests.generation.conftest import finished_in, generate_form, make_persona
from tests.keys.factories import openai_key, store_key
from tests.markup import attribute, find, find_all, text

ESTIMATE = reverse("generation:estimate")
NO_OPENAI_KEY = (
    "There is no usable OpenAI key in this workspace. Add one under Settings -> Provider keys, "
    "or choose another model (the built-in renderer needs no key)."
)


@pytest.fixture
def editor(in_team: Callable[[str], Client]) -> Client:
    return in_team("editor")


def estimate_of(client: Client, form: dict[str, object]) -> str:
    response = client.post(ESTIMATE, form, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    return response.content.decode()


def sentence(fragment: str) -> str:
    return text(find(fragment, "p", **{"class": "estimate-sentence"}))


def test_the_estimate_says_what_will_happen_in_words(
    editor: Client, world: World, persona: Persona
) -> None:
    key = store_key(world.membership("owner"), openai_key() + "fc68", label="Acme OpenAI")
    leo = make_persona(world.membership("editor"), name="Leo Park")
    form = generate_form(
        persona,
        personas=[str(persona.pk), str(leo.pk)],
        models=["gpt-image-2", "builtin"],
        per_combination="2",
    )
    fragment = estimate_of(editor, form)
    assert key_mask(key) == "sk-…fc68"
    assert sentence(fragment) == (
        "8 portraits, at most $0.039, about 60 s; Leo Park and Mia Chen with OpenAI key "
        "sk-…fc68 (Acme OpenAI) and the built-in renderer."
    )
    assert "Saved as “2 personas - Corporate, " in text(find(fragment, id="estimate"))


def test_the_built_in_renderer_is_free_and_its_time_is_the_workspaces_own(
    editor: Client, world: World, persona: Persona
) -> None:
    finished_in(world.membership("editor"), persona, "builtin", 3, 4, 9)
    fragment = estimate_of(editor, generate_form(persona, name="Launch day"))
    assert sentence(fragment) == "1 portrait, free, about 4 s; Mia Chen with the built-in renderer."
    assert "Saved as “Launch day”." in text(find(fragment, id="estimate"))


def test_a_model_without_a_key_is_refused_beside_models_not_by_collapsing_the_panel(
    editor: Client, persona: Persona
) -> None:
    """Everything picked, one model without a key: the panel says so, and not "Pick personas,
    styles and models to see the price" above the key message."""
    form = generate_form(persona, models=["gpt-image-2", "gpt-image-2.6-flare"])
    fragment = estimate_of(editor, form)
    summary = text(find(fragment, id="estimate"))
    assert f"Models: {NO_OPENAI_KEY}" in summary
    assert summary.count(NO_OPENAI_KEY) == 1  # one sentence for two models of one provider
    assert "Pick" not in summary
    assert "disabled" in dict(find(fragment, "button", id="generate-button").attributes)

    page = editor.post(reverse("generation:generate"), form).content.decode()
    assert text(find(page, id="id_models_error")) == NO_OPENAI_KEY
    assert not Job.objects.exists()


def test_every_models_price_follows_the_chosen_settings(editor: Client, persona: Persona) -> None:
    def price(quality: str, resolution: str = "1K") -> str:
        form = generate_form(persona, quality=quality, resolution=resolution)
        fragment = estimate_of(editor, form)
        summary = find(fragment, id="settings-summary")
        assert attribute(summary, "hx-swap-oob") == "true"
        assert text(summary) == f"1 per combination, 1:1, {resolution}, {quality} quality"
        span = find(fragment, id=f"{dom_id('gpt-image-2')}-price")
        assert attribute(span, "hx-swap-oob") == "true"
        return text(span)

    assert price("low") == "$0.0062 an image · about 60 s"
    assert price("high") == "$0.22 an image · about 60 s"
    fragment = estimate_of(editor, generate_form(persona, resolution="4K"))
    flux = text(find(fragment, id=f"{dom_id('flux-2-pro')}-price"))
    assert flux == "cannot make 4K · about 15 s"


def test_the_page_itself_prices_the_tiles_at_the_posted_settings(
    editor: Client, persona: Persona
) -> None:
    form = generate_form(persona, quality="high", per_combination="9")  # 9: refused
    page = editor.post(reverse("generation:generate"), form).content.decode()
    assert text(find(page, id=f"{dom_id('gpt-image-2')}-price")).startswith("$0.22 an image")
    assert find_all(page, id="settings-summary")[0]  # once: the page is not a fragment
    assert "hx-swap-oob" not in page
    settings = find(page, "details", **{"class": "card generate-settings"})
    assert "open" in dict(settings.attributes)  # the refused setting is in view


def test_a_link_to_a_model_without_a_key_opens_without_it_and_says_why(
    editor: Client, persona: Persona
) -> None:
    query = urlencode({"persona": persona.pk, "model": ["gpt-image-2", "builtin"]}, doseq=True)
    page = editor.get(f"{reverse('generation:generate')}?{query}").content.decode()
    assert NO_OPENAI_KEY in [text(p) for p in find_all(page, "p", **{"class": "alert"})]
    assert "checked" not in dict(find(page, "input", name="models", value="gpt-image-2").attributes)
    assert "checked" in dict(find(page, "input", name="models", value="builtin").attributes)
