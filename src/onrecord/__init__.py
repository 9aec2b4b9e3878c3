"""onrecord: who said what, on the record."""

from .errors import InputError, ModelError, OnRecordError
from .model import Article, Statement

__all__ = ["extract", "extract_article", "open_store", "Article", "Statement", "OnRecordError", "InputError", "ModelError"]


def __getattr__(name: str):
    # The pipeline imports spaCy (over a second); the store and its queries do not need it.
    if name in ("extract", "extract_article"):
        from . import pipeline
        return getattr(pipeline, name)
    if name == "open_store":  # the store's modules take a second to import too (datasketch)
        from .access import open_store
        return open_store
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")
