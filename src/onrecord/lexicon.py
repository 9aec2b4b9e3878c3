"""Word lists the stages share: reporting cues, titles, speaker nouns."""

QUOTE_CHARS = "\"“”„«»"

# Lemmas of verbs that report speech. Inflected forms are made below so that the parse
# stage can pick sentences with a plain lowercase lookup before anything is tagged.
SPEECH_VERBS = """
say tell add argue announce suggest explain warn insist state note claim declare assert stress emphasize
emphasise acknowledge admit confirm deny reply respond write tweet urge predict promise vow pledge remark
comment observe maintain contend concede recall reiterate reveal disclose report estimate complain caution
conclude counter agree object propose demand recommend ask answer testify allege charge shout yell
announce boast concede lament mention point predict proclaim quip retort scoff sneer speculate tout
underscore acknowledge affirm assure concur vow pledge threaten swear whisper exclaim joke muse recount
elaborate clarify continue chant post
""".split()

# Cues whose direct object can be the content: "he suggested the easing of sanctions".
OBJECT_CONTENT_VERBS = {"suggest", "propose", "recommend", "demand", "urge"}
# Cues whose infinitive is the content: "she vowed to fight for every vote".
INFINITIVE_CONTENT_VERBS = {"vow", "pledge", "promise", "threaten", "swear"}

IRREGULAR = {
    "say": ["said", "says", "saying"],
    "tell": ["told", "tells", "telling"],
    "write": ["wrote", "writes", "writing", "written"],
    "admit": ["admits", "admitted", "admitting"],
    "quip": ["quips", "quipped", "quipping"],
    "concur": ["concurs", "concurred", "concurring"],
}


def inflections(lemma: str) -> list[str]:
    """The forms a regular English verb takes: warn -> warns, warned, warning."""
    if lemma in IRREGULAR:
        return [lemma, *IRREGULAR[lemma]]
    if lemma.endswith("e"):
        return [lemma, lemma + "s", lemma + "d", lemma[:-1] + "ing"]
    if lemma.endswith("y") and lemma[-2] not in "aeiou":
        return [lemma, lemma[:-1] + "ies", lemma[:-1] + "ied", lemma + "ing"]
    third_person = lemma + ("es" if lemma.endswith(("s", "sh", "ch", "x")) else "s")
    return [lemma, third_person, lemma + "ed", lemma + "ing"]


# "call" and "describe" report speech only with what is called for or a quoted verdict
# ("called it “a disgrace”"): they are matched apart from the other verbs.
CUE_LEMMA_OF = {form: lemma for lemma in [*SPEECH_VERBS, "call", "describe"] for form in inflections(lemma)} | {"swore": "swear", "sworn": "swear"}
CUE_FORMS = set(CUE_LEMMA_OF) | {"according"}

# Words that may precede a name without being part of it.
TITLES = {
    "president", "vice", "prime", "minister", "secretary", "chairman", "chairwoman", "chair", "governor", "gov",
    "gov.", "senator", "sen", "sen.", "rep", "rep.", "representative", "mayor", "mr", "mr.", "mrs", "mrs.",
    "ms", "ms.", "miss", "dr", "dr.", "prof", "prof.", "professor", "gen", "gen.", "general", "judge", "justice",
    "king", "queen", "prince", "princess", "pope", "chancellor", "leader", "former", "late", "the", "chief",
    "executive", "ceo", "director", "spokesman", "spokeswoman", "spokesperson", "ambassador", "commissioner",
    "lt", "lt.", "col", "col.", "sgt", "sgt.", "capt", "capt.", "adm", "adm.", "sir", "dame", "lord", "lady",
    "rev", "rev.", "father", "sheikh", "premier", "speaker", "coach", "manager", "candidate", "nominee",
    "treasurer", "councillor", "councilor", "councilman", "councilwoman", "alderman", "deputy", "attorney",
    "engineer", "inspector", "superintendent", "sheriff", "detective", "officer", "sergeant", "captain",
    "admiral", "marshal", "colonel", "lieutenant", "major", "commander", "bishop", "cardinal", "rabbi", "imam",
    "dean", "principal", "economist", "analyst", "lawyer", "emperor", "empress", "duke", "duchess", "count",
    "mp", "mla", "mep", "congressman", "congresswoman", "assemblyman", "assemblywoman", "delegate", "founder",
}
MALE_TITLES = {"mr", "mr.", "sir", "king", "prince", "lord", "father", "chairman", "spokesman", "congressman",
               "councilman", "assemblyman", "businessman"}
FEMALE_TITLES = {"mrs", "mrs.", "ms", "ms.", "miss", "queen", "princess", "lady", "dame", "chairwoman", "spokeswoman",
                 "congresswoman", "councilwoman", "assemblywoman", "businesswoman"}
# Nouns written beside a name that tell a gender: 'His sister, Dara Nguyen,', 'Tom Reyes, her husband,'.
MALE_NOUNS = MALE_TITLES | {"brother", "husband", "son", "uncle", "nephew", "widower", "boyfriend", "grandfather", "grandson",
                            "stepfather", "stepson", "actor", "man", "boy"}
FEMALE_NOUNS = FEMALE_TITLES | {"sister", "wife", "mother", "daughter", "aunt", "niece", "widow", "girlfriend", "grandmother",
                                "granddaughter", "stepmother", "stepdaughter", "actress", "woman", "girl"}

MALE_PRONOUNS = {"he", "him", "his", "himself"}
FEMALE_PRONOUNS = {"she", "her", "hers", "herself"}

# Lower-case words inside a name: 'Pieter van der Berg', 'Ana de la Cruz', 'Omar bin Salman'.
NAME_PARTICLES = {"van", "von", "der", "den", "de", "del", "della", "la", "le", "da", "di", "du", "dos", "das", "bin", "ibn", "al", "el",
                  "ten", "ter", "mac", "mc", "ni", "ní", "nic", "o", "ó", "ua", "bint", "abu", "ben", "ap", "st", "zu", "af"}

# Head nouns of descriptions that name a person without a name: "a ministry spokesman said".
PERSON_NOUNS = set("""
spokesman spokeswoman spokesperson official officials minister president leader aide aides adviser advisers
advisor analyst analysts expert experts lawmaker lawmakers senator diplomat diplomats source sources officer
officers executive executives director chief head member members resident residents witness witnesses
lawyer lawyers attorney prosecutor prosecutors judge police official researcher researchers economist
economists professor scientist scientists doctor doctors critic critics supporter supporters voter voters
man woman people person worker workers farmer farmers investor investors trader traders dealer dealers
manager managers chairman candidate governor mayor secretary ambassador envoy negotiator negotiators
representative representatives commander general colleague colleagues friend friends mother father
""".split())
ORG_NOUNS = set("""
ministry government company firm agency department office committee commission party council court bank
group union association organization organisation administration military army police campaign
board institute authority authorities regime parliament congress senate house newspaper media network
agency corporation exchange union federation league club team embassy statement report study survey
directorate bureau foundation service trust fund charity
""".split())

# Words of a role written around a name ('former chief of staff Lena Fischer', 'Lena Fischer, the
# campaign's chief strategist'), which a later description ('the former chief of staff') can match.
ROLE_WORDS = TITLES | PERSON_NOUNS | set("""
staff strategist spokesperson adviser advisor counsel manager organizer organiser pollster activist
acting interim senior deputy assistant associate campaign press communications policy national regional
headteacher teacher nurse pastor owner founder head co-author author biologist defender striker goalkeeper player
""".split())

# Head nouns of documents: what they "say" is their author's ('Clinton's statement said'), never a person they name.
DOCUMENT_NOUNS = set("""
statement report study survey complaint letter filing lawsuit memo memorandum document poll analysis release
ruling order indictment affidavit motion petition post tweet email video ad advertisement
""".split())

# Nouns by which an article goes on to call the organisation it named last: 'the company said'.
GENERIC_ORG_NOUNS = {"company", "firm", "ministry", "department", "agency", "union", "club", "group", "board",
                     "directorate", "authority", "office", "bureau", "organization", "organisation", "commission",
                     "service", "institute", "council", "foundation", "charity", "association", "fund"}

# Last words of capitalised runs that name places and things, not people: 'Virginia Beach', 'Paris Agreement'.
NOT_SURNAMES = set("""
beach river street avenue road lane drive boulevard park square bridge island islands lake mountain mountains valley
county city state province district airport station stadium arena center centre hall tower building school college
university hospital church cathedral mosque temple museum gallery theatre theater hotel agreement accord act treaty
award prize cup games times post news journal magazine herald tribune gazette review online media press radio
festival fair day week month season street plaza mall market bay harbour harbor port coast falls springs heights
""".split())
# First words of place names, never given names here: 'North Korea', 'New Hampshire', 'San Diego'.
PLACE_PREFIXES = {"north", "south", "east", "west", "northern", "southern", "eastern", "western", "new", "saint", "st.",
                  "san", "santa", "los", "las", "fort", "mount", "lake", "port", "cape", "upper", "lower", "greater", "central"}
# Last words of company names: 'Equatorial Communications Co', 'Mitchell Hutchins Asset Management Inc'.
ORG_SUFFIXES = set("""
inc co corp corporation ltd llc plc ag sa nv bv gmbh spa holdings partners management capital securities
industries enterprises airlines airways motors systems technologies communications resources petroleum
""".split())


def singular(noun: str) -> str:
    """Enough for the speaker nouns: 'officials' -> 'official', 'authorities' -> 'authority', 'analysis' kept."""
    if noun.endswith("ies"):
        return noun[:-3] + "y"
    return noun[:-1] if noun.endswith("s") and not noun.endswith(("ss", "is", "us")) else noun

# Words that carry no content of their own, for telling whether two wordings say the same thing. spaCy's
# stop list would cost the linking code an import of spaCy, and it holds words that matter here: negations,
# numbers and modal verbs like "may" (also a month) are content.
FUNCTION_WORDS = set("""
a an the this that these those it its it's i me my we us our you your he him his she her they them their
and or but if then than so as of to in on at by for with from into onto about over under after before
during through up down out off again further once here there when where why how all any both each few more
most other some such own same too very just also only even still yet already is am are was were be been
being have has had having do does did doing will would shall should can could might must wo 's 're 've 'd
'll said says say told tell what which who whom whose while because until although though whether
""".split())
NEGATIONS = {"not", "no", "never", "nothing", "none", "nobody", "neither", "nor", "cannot", "without", "nowhere"}
NUMBER_WORDS = set("""
zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen
seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand million
billion trillion half third quarter dozen percent per cent
""".split())
DATE_WORDS = set("""
january february march april may june july august september october november december monday tuesday
wednesday thursday friday saturday sunday today tomorrow yesterday week month year spring summer autumn
winter
""".split())
MONTHS_THAT_ARE_VERBS = {"may", "march"}  # a date only when capitalised
