"""Errors that carry a one-line message for the user."""


class OnRecordError(Exception):
    """Base class: ``str(error)`` is a complete one-line message."""


class InputError(OnRecordError):
    """An input could not be read as an article; the message names it and says why."""

    def __init__(self, source: str, reason: str):
        super().__init__(source, reason)  # both in args, so the error survives pickling between processes
        self.source = source
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


class ModelError(OnRecordError):
    """The spaCy pipeline asked for is not installed or cannot be used."""


class NotFound(OnRecordError):
    """The store holds no article, person, statement or story by that id."""


class BadRequest(OnRecordError):
    """A question the store cannot answer as asked; the message quotes the question and nothing of the store."""


class InvalidSearch(BadRequest):
    """A full-text query SQLite cannot parse."""


class AmbiguousId(BadRequest):
    """An id prefix shared by several articles."""
