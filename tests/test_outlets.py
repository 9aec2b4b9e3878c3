"""One outlet per publisher: the spellings of the corpora's outlets meet, look-alike names stay apart, the result
does not depend on order, and the user's outlets file joins, parts and names outlets, or says in one line why not."""

import random
import subprocess
import sys

import pytest

from onrecord.aliases import load_outlets
from onrecord.errors import InputError
from onrecord.link.outlets import (
    OutletEntry,
    fold_outlets,
    outlet_key,
    registered_domain,
    same_outlet,
)

# The "source" of the polnear corpus, the BBC and Reuters corpora's sources, and hosts of the extraction benchmark.
POLNEAR = {"breitbart": 136, "huff-post": 132, "nyt": 132, "politico": 132, "usa-today": 132, "wash-post": 132,
           "west-journal": 132}

OUTLETS = {
    "The New York Times": ["nyt", "NYTimes", "The New York Times", "nytimes.com", "www.nytimes.com", "New York Times",
                           "NY Times", "https://www.nytimes.com/2016/11/09/us/politics/election.html"],
    "The Washington Post": ["Washington Post", "washingtonpost.com", "wash-post", "The Washington Post"],
    "Huffington Post": ["huff-post", "HuffPost", "Huffington Post", "huffingtonpost.com"],
    "USA TODAY": ["usa-today", "USA TODAY", "usatoday.com", "www.usatoday.com"],
    "Reuters": ["Reuters", "reuters.com", "www.reuters.com"],
    "BBC News": ["BBC News", "bbc.co.uk", "BBC", "news.bbc.co.uk", "www.bbc.com"],
    "Breitbart News": ["breitbart", "Breitbart News", "breitbart.com"],
    "POLITICO": ["politico", "POLITICO", "politico.com"],
    "The Western Journal": ["west-journal", "The Western Journal", "westernjournal.com"],
}


def spellings_of(outlets: dict[str, list[str]]) -> dict[str, int]:
    return {spelling: 1 + len(spelling) % 3 for spellings in outlets.values() for spelling in spellings}


@pytest.mark.parametrize("name, key", [
    ("The New York Times", "newyorktimes"), ("New York Times", "newyorktimes"), ("NYTimes", "nytimes"),
    ("NY Times", "nytimes"), ("N.Y. Times", "nytimes"), ("nytimes.com", "nytimes"), ("www.nytimes.com", "nytimes"),
    ("wash-post", "washpost"), ("USA TODAY", "usatoday"), ("usa-today", "usatoday"), ("BBC News", "bbc"),
    ("news.bbc.co.uk", "bbc"), ("Breitbart News", "breitbart"), ("thehill.com", "hill"), ("The Hill", "hill"),
    ("apnews.com", "ap"), ("hosted.ap.org", "ap"), ("Barron's", "barrons"), ("www.barrons.com", "barrons"),
    ("Süddeutsche Zeitung", "suddeutschezeitung"), ("The News", "news"), ("", ""), ("   ", ""), ("!!", ""), (None, ""),
])
def test_outlet_key_folds_spelling(name, key):
    assert outlet_key(name) == key


@pytest.mark.parametrize("a, b", [
    ("nyt", "The New York Times"), ("nytimes.com", "New York Times"), ("NY Times", "The New York Times"),
    ("nyt", "NYTimes"), ("wash-post", "Washington Post"), ("huff-post", "Huffington Post"),
    ("HuffPost", "huffingtonpost.com"), ("west-journal", "The Western Journal"), ("usa-today", "usatoday.com"),
    ("BBC", "bbc.co.uk"), ("Reuters", "www.reuters.com"), ("AP", "Associated Press"), ("AP", "apnews.com"),
])
def test_same_outlet(a, b):
    assert same_outlet(a, b) and same_outlet(b, a)


@pytest.mark.parametrize("a, b", [
    ("Times", "The New York Times"),  # one word of a name is not the name
    ("The Times", "The New York Times"),
    ("The Times", "timesunion.com"),  # nor is a prefix of one word
    ("Post", "The Washington Post"),
    ("Washington", "washingtonpost.com"),
    ("nytimes.com", "nypost.com"),
    ("nyt", "New York Post"),
    ("The Washington Times", "The Washington Post"),
    ("wash-post", "washingtonexaminer.com"),
    ("Fox News", "foxbusiness.com"),
    ("www.latimes.com", "The New York Times"),
    ("New York", "newyorker.com"),  # a run-together name's last word is matched whole
    ("The Washington Times", "washingtonpost.com"),
    ("nyt", "nytimes.com"),  # pairwise, a domain's run-together words are not split; fold_outlets joins them
    ("", ""), (None, "nyt"), ("  ", "The New York Times"),
])
def test_not_same_outlet(a, b):
    assert not same_outlet(a, b) and not same_outlet(b, a)


def test_fold_outlets_names_each_outlet_by_its_most_complete_spelling():
    assert fold_outlets(spellings_of(OUTLETS)) == {
        spelling: outlet for outlet, spellings in OUTLETS.items() for spelling in spellings}


def test_polnear_outlets_stay_seven():
    assert fold_outlets(POLNEAR) == {spelling: spelling for spelling in POLNEAR}


def test_polnear_outlets_meet_their_other_spellings():
    seen = POLNEAR | {"The New York Times": 3, "nytimes.com": 2, "The Washington Post": 1, "HuffPost": 1,
                      "Breitbart News": 4, "USA TODAY": 2, "POLITICO": 1, "westernjournal.com": 1}
    assert fold_outlets(seen) == {
        "breitbart": "Breitbart News", "Breitbart News": "Breitbart News",
        "huff-post": "HuffPost", "HuffPost": "HuffPost",
        "nyt": "The New York Times", "The New York Times": "The New York Times", "nytimes.com": "The New York Times",
        "politico": "POLITICO", "POLITICO": "POLITICO",
        "usa-today": "USA TODAY", "USA TODAY": "USA TODAY",
        "wash-post": "The Washington Post", "The Washington Post": "The Washington Post",
        "west-journal": "west-journal", "westernjournal.com": "west-journal",  # a name over a host
    }


def test_polnear_outlets_meet_their_domains():
    seen = POLNEAR | {"washingtonpost.com": 1, "huffingtonpost.com": 1, "westernjournal.com": 1, "usatoday.com": 1}
    assert fold_outlets(seen) == {spelling: spelling for spelling in POLNEAR} | {
        "washingtonpost.com": "wash-post", "huffingtonpost.com": "huff-post", "westernjournal.com": "west-journal",
        "usatoday.com": "usa-today"}


def test_fold_keeps_look_alike_outlets_apart():
    seen = {"The Times": 4, "Times": 1, "thetimes.co.uk": 2, "The New York Times": 9, "nytimes.com": 1,
            "timesunion.com": 2, "nypost.com": 3, "New York Post": 1, "The Washington Times": 1, "wash-post": 5}
    assert fold_outlets(seen) == {
        "The Times": "The Times", "Times": "The Times", "thetimes.co.uk": "The Times",
        "The New York Times": "The New York Times", "nytimes.com": "The New York Times",
        "timesunion.com": "timesunion.com",
        "nypost.com": "New York Post", "New York Post": "New York Post",
        "The Washington Times": "The Washington Times", "wash-post": "wash-post",
    }


def test_an_abbreviation_of_two_outlets_joins_neither():
    seen = {"AP": 5, "apnews.com": 2, "Associated Press": 3, "Arizona Post": 1}
    assert fold_outlets(seen) == {"AP": "AP", "apnews.com": "AP", "Associated Press": "Associated Press",
                                  "Arizona Post": "Arizona Post"}
    assert fold_outlets({"AP": 5, "apnews.com": 2, "Associated Press": 3}) == dict.fromkeys(
        ["AP", "apnews.com", "Associated Press"], "Associated Press")


def test_unknown_spellings_are_never_grouped():
    assert fold_outlets({"": 3, "  ": 2, "--": 1, "nyt": 1}) == {"": "", "  ": "  ", "--": "--", "nyt": "nyt"}


def test_ties_are_broken_by_count_then_alphabet():
    assert fold_outlets({"The New York Times": 1, "The New york Times": 5})["The New York Times"] == "The New york Times"
    assert fold_outlets({"The New York Times": 2, "The New york Times": 2})["The New york Times"] == "The New York Times"


@pytest.mark.parametrize("seed", range(5))
def test_fold_does_not_depend_on_order(seed):
    seen = spellings_of(OUTLETS) | POLNEAR | {"AP": 5, "Associated Press": 3, "Arizona Post": 1, "The Times": 2}
    entries = [OutletEntry("The New York Times", ["Gray Lady"]), OutletEntry("The Times", [], ["The New York Times"]),
               OutletEntry("Arizona Post", ["azpost"])]
    expected = fold_outlets(seen, entries)
    items = list(seen.items())
    random.Random(seed).shuffle(items)
    random.Random(seed).shuffle(entries)
    assert fold_outlets(dict(items), entries) == expected


def write(tmp_path, text: str) -> str:
    path = tmp_path / "outlets.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


GOOD_FILE = """\
- name: The New York Times
  spellings: [nyt, NYTimes, nytimes.com, Gray Lady]
- name: The Times
  not: [The New York Times]
- name: New York Tribune
  not: [nyt]
- name: The New York Times
  spellings: [NY Times]
"""


def test_load_outlets_reads_entries(tmp_path):
    assert load_outlets(write(tmp_path, GOOD_FILE)) == [
        OutletEntry("The New York Times", ["nyt", "NYTimes", "nytimes.com", "Gray Lady", "NY Times"]),
        OutletEntry("The Times", [], ["The New York Times"]),
        OutletEntry("New York Tribune", [], ["nyt"]),
    ]
    assert load_outlets(write(tmp_path, "")) == []


def test_the_file_joins_parts_and_names(tmp_path):
    entries = load_outlets(write(tmp_path, GOOD_FILE))
    seen = {"Gray Lady": 1, "nyt": 4, "New York Times": 2, "The Times": 3, "Times": 1, "New York Tribune": 1,
            "nytribune.com": 1}
    assert fold_outlets(seen, entries) == {
        "Gray Lady": "The New York Times", "nyt": "The New York Times", "New York Times": "The New York Times",
        "The Times": "The Times", "Times": "The Times",
        "New York Tribune": "New York Tribune", "nytribune.com": "New York Tribune",
    }


def test_not_parts_what_the_rules_would_join():
    seen = {"nyt": 4, "New York Tribune": 1}
    assert fold_outlets(seen) == {"nyt": "New York Tribune", "New York Tribune": "New York Tribune"}
    assert fold_outlets(seen, [OutletEntry("New York Tribune", [], ["nyt"])]) == {
        "nyt": "nyt", "New York Tribune": "New York Tribune"}


def test_not_settles_an_ambiguous_abbreviation():
    seen = {"AP": 5, "Associated Press": 3, "Arizona Post": 1}
    assert fold_outlets(seen, [OutletEntry("Arizona Post", [], ["AP"])]) == {
        "AP": "Associated Press", "Associated Press": "Associated Press", "Arizona Post": "Arizona Post"}


def test_two_named_outlets_are_not_joined_by_a_rule():
    seen = {"nyt": 1, "NY Times": 1, "The New York Times": 1}
    assert fold_outlets(seen) == dict.fromkeys(seen, "The New York Times")
    entries = [OutletEntry("NY Times"), OutletEntry("The New York Times")]
    assert fold_outlets(seen, entries) == {"nyt": "The New York Times", "NY Times": "NY Times",
                                           "The New York Times": "The New York Times"}


@pytest.mark.parametrize("text, reason", [
    ("name: The New York Times\n", "outlets YAML must be a list of entries with a name"),
    ("- spellings: [nyt]\n", "entry 1 has no name"),
    ("- name: '!!'\n", "entry 1 has no name"),
    ("- name: A\n- name: The New York Times\n  spellings: nyt\n",
     "entry 2 (The New York Times): spellings and not must be lists of names"),
    ("- name: The New York Times\n  aliases: [nyt]\n",
     "entry 1 (The New York Times): unknown field 'aliases' (an entry has name, spellings, not)"),
    ("- name: The Times\n  not: [the times]\n", "entry 1 (The Times): not names the outlet itself"),
    ("- name: The Times\n  spellings: ['--']\n", "entry 1 (The Times): '--' has no letters or digits"),
    ("- name: The New York Times\n  spellings: [nyt]\n- name: New York Tribune\n  spellings: [NYT]\n",
     "'NYT' is listed under two outlets, 'The New York Times' and 'New York Tribune'"),
    ("- name: [unclosed\n", "not valid YAML (while parsing a flow sequence)"),
    ("- name: &n The Times\n", "line 1: YAML anchors and aliases (&, *) are not allowed in an outlets file (a few "
                               "lines of them can stand for millions of names); write each name out"),
    ("- name: A\n  spellings: " + "[" * 20 + "]" * 20 + "\n",
     "line 2: YAML nested over 10 deep; an outlets file is a list of entries holding lists of names"),
])
def test_a_bad_file_is_one_line_naming_it(tmp_path, text, reason):
    path = write(tmp_path, text)
    with pytest.raises(InputError) as refused:
        load_outlets(path)
    assert str(refused.value) == f"{path}: {reason}"


def test_a_file_too_big_or_not_text_is_refused(tmp_path):
    path = write(tmp_path, "- name: A\n  spellings: [" + "b, " * 1_100_000 + "c]\n")
    with pytest.raises(InputError, match=r"outlets file is 3\.3 MB, over the 2 MiB limit$"):
        load_outlets(path)
    path = tmp_path / "latin1.yaml"
    path.write_bytes("- name: Le Monde Diplomatique\n  spellings: [Le Monde diplomatique, Mondé]\n".encode("latin-1"))
    with pytest.raises(InputError, match=r"^.*latin1\.yaml: cannot read outlets file \(.*utf-8.*\)$"):
        load_outlets(str(path))


@pytest.mark.parametrize("text, domain", [
    ("https://www.nytimes.com/2016/11/09/us/politics/election.html", "nytimes.com"),
    ("news.bbc.co.uk", "bbc.co.uk"),
    ("www.bbc.com", "bbc.com"),
    ("hosted.ap.org", "ap.org"),
    ("http://user:secret@WWW.Reuters.COM:8080/article?id=1", "reuters.com"),
    ("www.express.co.uk", "express.co.uk"),
    ("profootballtalk.nbcsports.com", "nbcsports.com"),
    ("someone.blogspot.com", "someone.blogspot.com"),  # a blog on a shared host is its own publisher
    ("  nypost.com  ", "nypost.com"),
    ("The New York Times", None), ("nyt", None), ("localhost", None), ("192.168.0.1", None), ("A.P.", None),
    ("", None), ("   ", None),
])
def test_registered_domain(text, domain):
    assert registered_domain(text) == domain


def test_registered_domain_never_uses_the_network(tmp_path):
    """In a fresh process with no sockets and no home to cache in, the bundled suffix list still answers."""
    code = ("import socket\n"
            "def refuse(*args, **kwargs): raise OSError('network used')\n"
            "socket.socket.connect = refuse; socket.create_connection = refuse; socket.getaddrinfo = refuse\n"
            "from onrecord.link.outlets import registered_domain\n"
            "print(registered_domain('https://news.bbc.co.uk/x'), registered_domain('www.nytimes.com'))\n")
    env = {"HOME": str(tmp_path), "XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert (done.stdout, done.stderr) == ("bbc.co.uk nytimes.com\n", "")
    assert not (tmp_path / "cache").exists()
