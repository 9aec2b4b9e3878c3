"""onrecord: who said what, on the record."""

from .errors import InputError, ModelError, OnRecordError
from .extract import extract, extract_article
from .model import Article, Statement

__all__ = ["extract", "extract_article", "Article", "Statement", "OnRecordError", "InputError", "ModelError"]
