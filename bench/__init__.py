"""`make bench`: the generation pipeline against a bare client on the provider emulator, and the
list pages with many images (QUALITY.md section 12). Not part of `make test`; see README."""
