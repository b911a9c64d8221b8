"""{% load catalog_names %}: `{{ image.model_id|model_name }}` reads "GPT Image 2" (catalog.names),
`{{ image.provider|provider_name }}` reads "Black Forest Labs" (the provider registry)."""

from __future__ import annotations

from django import template

from catalog import model_name
from generation.providers.registry import display_name

register = template.Library()
register.filter("model_name", model_name)
register.filter("provider_name", display_name)
