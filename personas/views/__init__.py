"""Persona pages, split by area: personas, reference images, styles, built-in portraits."""
