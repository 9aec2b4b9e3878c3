"""Read stage: paths -> Articles (plain UTF-8 text files)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from .errors import InputError
from .model import Article

MAX_ARTICLE_BYTES = 5 * 1024 * 1024  # far above any real article; protects memory and time
TEXT_SUFFIXES = (".txt",)


def expand_paths(paths: list[str]) -> Iterator[str | InputError]:
    """Yield the files named or found under folders, or an error for each path that yields none."""
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in TEXT_SUFFIXES)
            if not found:
                yield InputError(raw, "folder holds no .txt files")
            yield from (str(p) for p in found)
        elif path.exists():
            yield raw
        else:
            yield InputError(raw, "no such file or folder")


def read_article(path: str) -> Article:
    """Read one plain-text article; its first non-empty line is the headline."""
    try:
        size = Path(path).stat().st_size
        if size > MAX_ARTICLE_BYTES:
            raise InputError(path, f"file is {size / 1e6:.1f} MB, over the {MAX_ARTICLE_BYTES // 2**20} MiB limit for one article")
        data = Path(path).read_bytes()
    except OSError as error:
        raise InputError(path, f"cannot read: {error.strerror or error}") from None
    return Article(text=decode_text(path, data), source=path)


def decode_text(source: str, data: bytes) -> str:
    """Decode UTF-8 bytes exactly (no newline translation, so offsets match the file)."""
    if not data.strip():
        raise InputError(source, "file is empty")
    if b"\x00" in data[:8192]:
        raise InputError(source, "binary file (contains NUL bytes), not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(source, f"not UTF-8 text (invalid byte 0x{data[error.start]:02x} at offset {error.start})") from None
