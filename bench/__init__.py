"""`make bench`: the generation pipeline against a bare client on the provider emulator, and the
list pages with many images. Not part of `make test`; see README's Benchmark section."""
