"""Content Credentials (C2PA) and the IPTC "made by AI" marking, read and written.

A library like `catalog` and `painter`: plain Python over c2pa-python, cryptography and the image
bytes, with no Django and no project imports, so the image processes (no Django in them), the
web views and the benchmark can all use it.

- `reading.summarise`: what a provider's file says about itself (issuer, software, actions).
- `signing.sign`: our manifest on an exported copy, the provider's (or the parent's) file as
  its ingredient.
- `xmp.with_digital_source_type`: the IPTC DigitalSourceType in XMP, for tools that do not read
  C2PA.
- `devchain`: the development-only test certificate chain.
"""
