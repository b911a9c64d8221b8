"""The built-in renderer's drawing: a flat-illustration portrait drawn with Pillow from a look (the
words a persona holds) and a scene (what a style asks for). Plain Python with no Django and no
project imports, so the persona pages (live previews) and the generation pipeline (the "builtin"
provider, generation/providers/builtin.py) both use it. `portrait` is the entry point; the other
modules each draw or read one thing (face, hair, clothes, backdrop, light; words and colours)."""
