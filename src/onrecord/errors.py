"""Errors that carry a one-line message for the user."""


class OnRecordError(Exception):
    """Base class: ``str(error)`` is a complete one-line message."""


class InputError(OnRecordError):
    """An input could not be read as an article; the message names it and says why."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class ModelError(OnRecordError):
    """The spaCy pipeline asked for is not installed or cannot be used."""
