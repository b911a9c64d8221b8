"""Settings -> Provider keys: the pages, the forms and the live key checks. The keys themselves
are stored and opened by avatarapp.keys, which knows nothing of providers; everything here that
differs between providers is read from generation.providers.registry."""
