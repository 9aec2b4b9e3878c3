"""Spelling-insensitive keys for names, shared by the speakers stage and the store."""

import re
import unicodedata


def fold(name: str) -> str:
    """'Park Ji-hoon', 'Park Ji Hoon' and 'PARK JI HOON' fold alike."""
    return re.sub(r"[\s\-‐‑.]+", "", name.lower())


def person_key(name: str) -> str:
    """The key a person is stored under: ``fold`` without accents ('José Núñez' -> 'josenunez')."""
    decomposed = unicodedata.normalize("NFKD", fold(name))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def loose_key(name: str) -> str:
    """The key without middle initials: 'Donald J. Trump' -> 'donaldtrump' (a name of two words is its own key)."""
    parts = name.split()
    if len(parts) > 2:
        parts = [parts[0], *(p for p in parts[1:-1] if len(p.strip(".")) > 1), parts[-1]]
    return person_key(" ".join(parts))
