"""What every rule compares texts by: their words, and a hash that is the same in every process."""

import hashlib
import re
import unicodedata


def words(text: str) -> list[str]:
    """Lower-case words, with Unicode forms, hyphens and apostrophes evened out ('Jong-un' -> 'jong', 'un')."""
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).casefold())


def stable_hash(*parts: str | bytes) -> int:
    """A signed 64-bit hash that is the same in every process and run (Python's hash() is not)."""
    data = b"\x1f".join(part.encode("utf-8") if isinstance(part, str) else part for part in parts)
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big", signed=True)
