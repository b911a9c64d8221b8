"""{% load compare_tags %}: `{{ image.latency_ms|seconds }}` reads "12.3 s" (gallery.compare)."""

from __future__ import annotations

from django import template

from gallery.compare import seconds

register = template.Library()
register.filter("seconds", seconds)
