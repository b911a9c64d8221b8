"""The refusals of the persona services: each message is a sentence a user can act on."""


class PersonaError(Exception):
    """A refused change. The message is a sentence a user can act on."""
