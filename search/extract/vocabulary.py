"""Word lists the extractors share: titles, speech verbs, roles, and words that
mark a capitalised run as something other than a person or a place.

General English usage, not fitted to any corpus; kept apart from the rules
that use them so the rules stay readable.
"""


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words before a name that make it a person's: "Mr Blair", "President Chirac".
TITLES = _words(
    """
    adm archbishop bishop capt captain chancellor coach col commissioner dame del dr father gen
    general gov governor inspector judge justice king lady lord lt maj mayor minister miss mr
    mrs ms pope president prince princess prof professor queen rep rev secretary sen senator
    sgt sheikh sir
    """
)


# Words that open a sentence or clause, never part of a name.
FUNCTION_WORDS = _words(
    """
    a about according across after also although an and around as at before both but by
    despite during elsewhere even for from her his however if in inside it its last like
    meanwhile my near on only or our outside over since so that the their there these
    this those throughout to under unlike when while with within yet
    """
)


# A word that makes a capitalised run an organisation, event or thing, not a person.
ORG_WORDS = _words(
    """
    act agency airlines airways album army association award awards bank bill board
    budget capital center centre championship championships chronicle club college
    commission committee company conference congress controls corp council court cup day
    department economics exchange federation festival film forum foundation fund games
    gazette government group herald holdings house inc index industries institute
    international journal league ltd magazine mail ministry motors nations navy network
    news observer office online open parliament partners party pictures plc police
    policy post press prize programme radio records report research review securities
    senate service services show sport street studios summit telecom telegraph times
    today treaty tribune trust union university war website week year
    """
)


# Adverbs and time words that open a clause and get capitalised with it ("Now
# Vodafone says", "Still, Ferguson said"): never the start of a name.
OPENERS = _words(
    """
    again already also besides consequently earlier even finally hence here however indeed
    instead later likewise meanwhile moreover nevertheless next nonetheless now once perhaps
    rather said says still then there thereafter thus today tomorrow tonight yesterday
    """
)


# Adjectives that stand before a role or a name: "Former Chelsea boss", "Acting
# Detective Chief Superintendent".
ROLE_MODIFIERS = _words("acting deputy ex former late then veteran famed vice")


# Days, months and feasts: capitalised, never people.
CALENDAR = _words(
    """
    april august christmas december easter february friday january july june march may
    monday november october saturday september sunday thursday tuesday wednesday
    """
)


# Nationality words that may stand before a name: "Russian Igor Andreev".
DEMONYMS = _words(
    """
    afghan african american argentine argentinian asian australian austrian belarusian
    belgian brazilian british bulgarian canadian chinese croatian czech danish dutch
    egyptian english european finnish french german greek hungarian indian iranian iraqi
    irish israeli italian japanese kenyan korean mexican nigerian norwegian pakistani
    palestinian polish portuguese romanian russian saudi scottish serbian spanish
    swedish swiss syrian turkish ukrainian welsh
    """
)


# Words of sports reporting: six or more of them make a story a sports story.
SPORT = _words(
    """
    match matches tournament championship championships league cup coach squad fly-half
    striker midfielder goalkeeper seeded semi-final quarter-final final nations premiership
    slam try tries goal goals defeat victory win wins won beat score scored title season
    captain side fixture kick-off half-time olympic medal
    """
)


# Verbs that attribute speech (a regular-expression alternation).
SPEECH_VERBS = (
    r"said|says|say|told|tells|added|adds|explained|explains|tweeted|tweets|wrote|writes|ask"
    r"ed|asks|stated|states|insisted|insists|argued|argues|warned|warns|claimed|claims|decla"
    r"red|continued|commented|noted|notes|replied|replies|admitted|admits|acknowledged|annou"
    r"nced|posted|predicted|suggested|believes|believed|urged|conceded|stressed|maintained|c"
    r"oncluded|remarked|recalled|revealed|confirmed|agreed|joked|boasted|complained|cautione"
    r"d|described|describes|called|calls|dismissed|dismisses|branded|labelled|hailed|praised"
    r"|welcomed|condemned|criticised|criticized|accused|rejected|denied|saying|adding|tellin"
    r"g|pointed out|went "
    r"on|responded|answered|countered|acknowledges|thinks|think|thought|according to"
)


# Nouns for a person's role: "the Tory leader", "the 22-year-old" (an alternation).
PERSON_ROLES = (
    r"leader|minister|secretary|chancellor|president|premier|chairman|chairwoman|chief|boss|"
    r"manager|coach|star|singer|actor|actress|director|player|striker|winger|captain|judge|a"
    r"uthor|writer|analyst|economist|expert|lawyer|spokesman|spokeswoman|spokesperson|govern"
    r"or|mayor|senator|official|executive|founder|\d+-year-old|veteran|champion|producer|mus"
    r"ician|rapper|comedian|presenter|head|prime minister|foreign secretary|ambassador|envoy|"
    r"commander|colonel|detective|superintendent|midfielder|defender|goalkeeper|speaker|"
    r"delegate|adviser|advisor|aide|candidate|nominee|chair|deputy|doctor|professor"
)
