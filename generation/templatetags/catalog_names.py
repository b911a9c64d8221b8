"""{% load catalog_names %}: `{{ image.model_id|model_name }}` reads "GPT Image 2",
`{{ image.provider|provider_name }}` reads "Black Forest Labs" (catalog.names)."""

from __future__ import annotations

from django import template

from catalog import model_name, provider_name

register = template.Library()
register.filter("model_name", model_name)
register.filter("provider_name", provider_name)
