"""What is known of names without parsing: spelling-insensitive keys (shared by the entities stage and
the store), the first-name gender table, and the titles and roles written before a name."""

import re
import unicodedata
from functools import lru_cache

from .lexicon import ROLE_WORDS, TITLES


@lru_cache(maxsize=65536)
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


# A given name is taken as female (male) when at least three times as many of Faker's locales list it
# among their female (male) given names as the other way round: 'Hillary' and 'Jordan' are left unknown.
GENDER_MAJORITY = 3


def given_name_gender(word: str) -> str | None:
    """'female', 'male' or None for a given name, from the first-name table."""
    female, male = given_name_table().get(word.lower(), (0, 0))
    if female >= GENDER_MAJORITY * male and female:
        return "female"
    if male >= GENDER_MAJORITY * female and male:
        return "male"
    return None


def is_given_name(word: str) -> bool:
    return word.lower() in given_name_table()


@lru_cache(maxsize=1)
def given_name_table() -> dict[str, tuple[int, int]]:
    """Given name -> (locales listing it as female, as male), from the lists Faker (MIT) ships for
    its locales. Read once per process from the installed package; nothing is fetched."""
    import importlib
    import pkgutil

    import faker.providers.person as providers

    counts: dict[str, list[int]] = {}
    for module in pkgutil.iter_modules(providers.__path__):
        provider = importlib.import_module(f"{providers.__name__}.{module.name}").Provider
        for side, names in enumerate((getattr(provider, "first_names_female", ()), getattr(provider, "first_names_male", ()))):
            for name in {n.lower() for n in names}:
                counts.setdefault(name, [0, 0])[side] += 1
    return {name: (female, male) for name, (female, male) in counts.items()}


HONORIFICS = {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "miss", "dr", "dr.", "the", "former", "late", "sir", "dame"}


def name_pattern(name: str) -> str:
    """A regular expression for the name as written, across any spaces or line breaks."""
    return r"\s+".join(re.escape(part) for part in name.split())


def roles(text: str, names: set[str]) -> dict[str, set[str]]:
    """The titles and roles the article writes before each full name: 'South Korean President', 'Gyeonggi Gov.'."""
    found: dict[str, set[str]] = {}
    for name in names:
        if len(name.split()) < 2:
            continue
        for match in re.finditer(name_pattern(name), text, re.IGNORECASE):
            if role := role_before(text[max(0, match.start() - 100):match.start()]):
                found.setdefault(name, set()).add(role)
    return found


def role_before(before: str, loose: bool = False) -> str | None:
    """The run of title words and capitalised words just before a name, if it holds a title;
    ``loose`` also takes lower-case role words ('former chief of staff')."""
    if not before.endswith(" "):
        return None
    words = before.rsplit("\n", 1)[-1].split()[-6:]
    role: list[str] = []
    for word in reversed(words):
        if word[-1] in ",;:()\"“”" or (word.endswith(".") and word.lower() not in TITLES):
            break
        if word.lower() in TITLES or word[:1].isupper() or loose and (word.lower() in ROLE_WORDS or word == "of" and role):
            role.insert(0, word)
        else:
            break
    while role and role[0].lower() in ("the", "a", "an", "of"):
        role.pop(0)
    if any(w.lower() in TITLES and w.lower() not in HONORIFICS or loose and w.lower() in ROLE_WORDS for w in role):
        return " ".join(role)
    return None
