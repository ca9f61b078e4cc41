"""Article text → transfer-rumour rows (one per claim, as in the shared eval GUIDE.md).

Rule-based and gazetteer-backed, built for speed (no models, a few regexes per sentence):

1. the text is cut into sentences; direct quotes and their speakers are tracked
   (rumour_text.segment);
2. clubs come from the gazetteer, from context ("Mexican outfit Red Sharks Veracruz") and from
   club anaphors ("the English club" = the latest English club named, "The club have ...");
   people are found from context (capitalised name runs, role nouns such as "boss" or
   "striker", "X's agent", "a move for X"), and "Haaland" is resolved to "Erling Haaland";
3. each clause with a stage cue (rumourcrawl/data/lexicons/cues.json, behind a cheap per-stage word gate) becomes
   a frame: who moves (subject, list, relative-clause antecedent, anaphor, or the person already
   in play), which clubs buy or sell, the furthest stage with negation and hedges ("preparing a
   bid" is interest, "no bid yet" no denial), the attributed source, and whether it is background;
   "X dismissed reports that Y ..." gives both the reported claim and the denial;
4. frames are merged into rows: one per (subject, destination), the furthest stage kept, one
   extra row per denier; background never lifts a live claim, an exit whose destination the same
   sentence names is folded into it, and a missing selling club is taken from the person's other rows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from ...paths import package_data
from ..fees import SYMBOL_FEE_RE, WORD_FEE_RE, parse_fee
from ..gazetteer import ClubMention, load_gazetteer, name_key, strip_accents
from ..models import ALL_STAGES, Rumour
from ..rumour_text import SPEECH_VERB_RE, SPEECH_VERBS, Sentence, segment

# ---------------------------------------------------------------------------------------------
# Lexicons, kept as data beside the gazetteers (rumourcrawl/data/lexicons/cues.json). Order inside a
# stage does not matter; the furthest stage found in a clause wins.
# ---------------------------------------------------------------------------------------------
LEXICONS = json.loads(package_data("lexicons", "cues.json").read_text(encoding="utf-8"))
STAGE_CUES: dict[str, list[str]] = LEXICONS["stage_cues"]
# Cues that make the claim an exit (leaving, destination unknown) when no buyer is named.
EXIT_CUES = "|".join(LEXICONS["exit_cues"])
# A new contract, staying put, not for sale.
STAY_CUES = "|".join(LEXICONS["stay_cues"])
LOAN_CUES = "|".join(LEXICONS["loan_cues"])
APPOINTMENT_CUES = "|".join(LEXICONS["appointment_cues"])
NEGATION_RE = re.compile(
    r"\b(?:not|no|never|nothing|without|n't|cannot|nor|neither|yet to|unable to|failed to|avoid|avoids)\b"
    r"[\w\s'-]{0,25}$|n't\s+(?:\w+\s+){0,2}$",
    re.IGNORECASE,
)
# Background, not a live claim.
HISTORICAL_CUES = re.compile(
    r"\balready been linked\b|\bpreviously\b(?! (?:said|stated|claimed|told|admitted|insisted|revealed|indicated))|"
    r"\bsince (?:his|her|their) (?:move|arrival|switch|transfer)\b|\bbefore (?:sealing|joining|moving)\b|"
    r"\bin the past\b|\b(?:came|had come|was|were) (?:so |very )?close to (?:joining|signing|leaving|moving)\b|"
    r"\b(?:almost|nearly) (?:joined|signed|left|moved)\b|\bfor (?:nearly |almost )?(?:two|three|four|five|\d+) years\b|"
    r"^(?:who|which) (?:has |had |have )?(?:already )?(?:joined|signed|moved|arrived|left|was signed|cost|came)\b|"
    r"\bsince (?:the |he |she |his |her )?[\w -]{0,20}(?:took over|joined|arrived|moved|was sacked|"
    r"was dismissed|left|departed|resigned|quit)|"
    r"\b(?:two|three|four|five|six|seven|eight|nine|ten|\d+|a few|several) (?:years|seasons) ago\b",
)  # read on lower-cased text: IGNORECASE makes this long alternation several times slower
# Substrings every branch of HISTORICAL_CUES needs, one of them in the lower-cased text: a cheap gate.
HISTORICAL_GATE_RE = re.compile("linked|previously|since|before|past|close to|almost|nearly|years|ago|who|which")
PAST_SEASON_RE = re.compile(r"\blast (?:season|summer|year|january|window)\b|\bin the close season\b", re.I)
PAST_YEAR_RE = re.compile(
    r"\b(?:in|since|of) (?:(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|the summer of|summer) )?((?:19|20)\d\d)\b"
)
# A denial that names no move: "no bids have been received", "no-one has come to me".
GENERAL_DENIAL_RE = re.compile(
    r"\bno bids?\b|\bany bids?\b|\bany offers?\b|\bnot received\b|"
    r"\bno (?:offers?|enquir\w+|inquir\w+)\b|\bno-one\b|\bno one\b|\bnobody\b(?! from)|"
    r"\bfrom anyone\b|\bany club\b|\bany other club\b",
    re.IGNORECASE,
)
TALKS_DENIAL_RE = re.compile(r"\bnever (?:talked|spoken)\b|\bno talks\b|\bnot (?:talked|spoken)\b", re.IGNORECASE)
CONDITIONAL_EXIT_RE = re.compile(
    r"\b(?:will|would|could|'ll|might|may) (?:\w+ )?(?:leave|quit|go|depart|exit|"
    r"move on)\b[^,;]{0,60}?\b(?:if|unless)\b"
    r"(?! (?:he|she) (?:passes|completes))",
    re.IGNORECASE,
)
CONDITIONAL_START_RE = re.compile(r"^\W*(?:if|unless|should|whether)\b", re.IGNORECASE)

# Attribution.
GENERIC_REPORT_RE = re.compile(
    r"\b(?:according to|say|says|claim|claims|suggest|suggests)?\s*(?P<src>(?:media |press |recent |newspaper |"
    r"weekend )?(?:reports?|Reports(?= in))(?: in (?:the )?[A-Z][a-z]+)?)"
    r"(?:(?: on [A-Z]\w+day| this (?:week|morning)| at the weekend| overnight| yesterday| today))?"
    r"(?= (?:claim|say|said|suggest|state|indicate|report|have|that|linking|link|"
    r"suggesting|claiming|,|\.|$))"
    r"|\b(?:were|was|are|is|been|being) (?P<rep>reported|reportedly|understood to be reported)\b"
    r"|\b(?P<rep2>reportedly)\b|\baccording to (?P<rep3>reports?(?: in [A-Z][a-z]+)?)",
)
# Every verb of OUTLET_CLAIM_RE / OUTLET_AFTER_VERB_RE contains one of these (a cheap gate before them).
OUTLET_VERB_HINTS = (
    "report",
    "claim",
    "say",
    "said",
    "understand",
    "learn",
    "write",
    "wrote",
    "reveal",
    "suggest",
    "state",
    "according to",
)
# "..., reports the Daily Mail", "..., says Sky Sports"
OUTLET_AFTER_VERB_RE = re.compile(
    r",\s+(?:reports|reported|says|said|claims|claimed|writes|wrote|understands|according to)\s+(?:the\s+)?"
    r"(?P<src>[A-Z][\w'’.+&-]*(?: [A-Z][\w'’.+&-]*){0,3})"
)
# Gossip-column attribution in brackets at the end: "... plus add-ons. (Sky Sports)"
PAREN_SOURCE_RE = re.compile(r"\(\s*(?P<src>[A-Z@][^()]{1,40}?)\s*\)\W*$")
OUTLET_CLAIM_RE = re.compile(
    r"(?:(?:the|The) )?(?P<src>[A-Z][\w'’.+&-]*(?: (?:[A-Z][\w'’.+&-]*|de|dello|del|di|on))*)"
    r"(?: newspaper| website| paper| daily| reporter)?(?:,[^,]{1,40},)? (?:has |have |had )?"
    r"(?:reports?|reported|claims?|"
    r"claimed|says?|said|understands|has learnt|has learned|writes|revealed|suggests?|states)\b"
)
# "according to X", "..., per X", and a sentence that opens "As reported by X" (its "As" is not the paper AS);
# "as reported by Le Parisien" mid-sentence credits a detail, not the claim (mp002's gold: the post's own voice).
ACCORDING_TO_RE = re.compile(
    r"(?:according to|\bAs (?:first )?(?:reported|revealed) by|, per) (?:the )?"
    r"(?P<src>[A-Z][\w'’.+&-]*(?: (?:[A-Z][\w'’.+&-]*|de|dello|del|di))*)"
)
QUOTED_IN_RE = re.compile(
    r"quoted (?:in|by) (?P<src>(?:a|an|the) [\w ]{0,30}?(?:newspaper|paper|magazine|daily|radio|TV|television|"
    r"website|press|media)|[A-Z][\w'’.]+(?: [A-Z][\w'’.]+)*)"
)

# People. Letters beyond Latin-1 count too: "Miloš Kerkez", "Dušan Vlahović", "Arda Güler", "Łukasz".
_LATIN_EXTENDED = [chr(code) for code in range(0x100, 0x250)]
UPPER = "A-ZÀ-ÖØ-Þ" + "".join(c for c in _LATIN_EXTENDED if c.isupper())
LOWER = "a-zß-öø-ÿ" + "".join(c for c in _LATIN_EXTENDED if c.islower())
NAME_TOKEN = (
    rf"(?:[{UPPER}](?:[’'][{UPPER}])?[{LOWER}]+(?:[{UPPER}][{LOWER}]+)?"
    rf"(?:-[{UPPER}][{LOWER}]+)*|[{UPPER}]\.)"
)
# A later word of a name may end in a lower-case syllable after a hyphen ("Son Heung-min", "Hwang
# Hee-chan"), unless it is an English compound ("Bayern Munich-bound", "Chelsea-owned").
HYPHEN_SYLLABLE = (
    r"(?:-(?!(?:born|based|bound|owned|led|backed|era|style|like|time|year|old|up|case|one|of|made|level|side|"
    rf"back|run|long|wide|free|half|new|man|men|day|days)\b)[{LOWER}]{{2,5}}\b)?"
)
NAME_PARTICLES = r"(?:van|von|der|den|de|da|di|del|della|dos|das|du|la|le|ten|ter|bin|el|al|mac)"
NAME_PARTICLE_WORDS = frozenset(NAME_PARTICLES[3:-1].split("|"))
NAME_RE = re.compile(rf"{NAME_TOKEN}(?:\s+(?:{NAME_PARTICLES}\s+)*{NAME_TOKEN}{HYPHEN_SYLLABLE}){{0,3}}")
# Capitalised words that are never (part of) a person's name in this register.
NOT_NAME_WORDS = set(
    """the a an but and or so if in on at as for from to with by of he she it they we i you his her their our my
    this that these those there here when while after before since despite although however meanwhile now then
    also last next earlier later former new old assistant sir mr mrs dr monday tuesday wednesday thursday friday
    saturday sunday january february march april may june july august september october november december
    premiership premier league champions cup fa uefa fifa world european europe super final finals copa rey liga
    serie bundesliga ligue championship conference division trophy shield carling carabao fa league one two bbc
    sport sports radio live news tv channel youtube twitter instagram facebook tiktok excl exclusive breaking read
    mailbox deal done official sources source reports report according head global soccer group stadium park road
    lane arena under academy red bull transfer window christmas year summer winter spring autumn england english
    spain spanish france french germany german italy italian portugal portuguese holland dutch netherlands belgium
    belgian brazil brazilian argentina argentine argentinian scotland scottish wales welsh ireland irish northern
    serbia montenegro croatia croatian norway norwegian sweden swedish denmark danish poland polish russia russian
    turkey turkish greece greek mexico mexican usa us american america africa african nigeria nigerian ghana british
    ghanaian senegal senegalese cameroon ivory coast egypt egyptian morocco moroccan algeria japan japanese korea
    korean china chinese australia australian switzerland swiss austria austrian czech slovakia hungary hungarian
    romania romanian bulgaria bulgarian ukraine ukrainian uruguay uruguayan colombia colombian chile chilean
    peru ecuador paraguay venezuela canada canadian saudi arabia qatar london madrid paris rome munich turin
    venezuelan ecuadorian peruvian paraguayan bolivian icelandic finnish slovenian bosnian albanian kosovan
    israeli iranian iraqi tunisian malian guinean congolese jamaican honduran panamanian cuban uzbek armenian
    lithuanian latvian estonian cypriot maltese zambian zimbabwean kenyan gabonese angolan gambian haitian emirati
    lisbon glasgow edinburgh manchester merseyside rio janeiro sao paulo los angeles la new york san
    sebastian belgrade lancashire yorkshire midlands achilles god christ easter champions' europa national
    international under-21 under-21s u21 unicef canal plus city united town county rovers athletic wanderers albion
    profit sustainability rules party fair play financial
    pro sky club clubs football fc player players manager boss coach striker midfielder defender keeper goalkeeper
    winger forward captain skipper chairman president director agent owner chief executive spokesman
    no yes not never well oh ok why what who whom whose which where how all both each every some any many most
    several few other another such only even still just very too more less much little big great good best
    better bad worse worst first second third fourth fifth sixth seventh eighth ninth tenth deadline day days
    spurs reds blues gunners toffees saints hammers magpies villans foxes wolves eagles seagulls cherries bees
    mr. st st. fc. twitter x instagram here go update confirmed medical agreed bid talks loan fee sign signs
    signed interest interested linked done deal understand understood told says said claims claim
    someone somebody anyone anybody everyone everybody nobody nothing something everything
    unless until whether though because considering regarding concerning following including amid amidst among
    amongst without within during against whilst instead perhaps indeed otherwise elsewhere furthermore moreover
    nevertheless nonetheless besides hence thus therefore luckily sadly interestingly surprisingly reportedly
    apparently currently recently previously ultimately initially
    """.split()
)
PLAYER_ROLE_WORDS = "|".join(LEXICONS["role_words"]["player"])
MANAGER_ROLE_WORDS = "|".join(LEXICONS["role_words"]["manager"])
OTHER_ROLE_WORDS = "|".join(LEXICONS["role_words"]["other"])
ROLE_KIND = {}
for _kind, _words in (("other", OTHER_ROLE_WORDS), ("manager", MANAGER_ROLE_WORDS), ("player", PLAYER_ROLE_WORDS)):
    for _word in _words.split("|"):
        ROLE_KIND[_word] = _kind
NAME_THEN_PERSON_NOUN_RE = re.compile(
    r"^[’']s (?:agent|brother|father|representative|future|move|deal|contract|transfer|time|loan|switch|"
    r"departure|arrival|camp|representatives|adviser|wife|form|situation|signature|signing|exit)\b"
)
SOURCE_BEFORE_NAME_RE = re.compile(r"\b(?:according to|reported by|revealed by|via|per)\s+(?:the\s+)?$", re.IGNORECASE)
# ("said no to Chelsea", "says yes to the project" is an answer to a club, not speech)
NAME_THEN_SPEECH_RE = re.compile(rf"^,?\s+(?:has |had |have )?(?:{SPEECH_VERBS})\b(?! (?:no|yes) to\b)")
# "Ademola Lookman has told Atalanta he wants to leave": a player telling his club his own wish moves, he is
# no speaker like an agent or a pundit.
TOLD_CLUB_OWN_WISH_RE = re.compile(
    r",?\s+(?:has |had |have )?(?:told|informed)\s+(?:the club|[A-Z][\w’'.-]*(?:\s+[A-Z][\w’'.-]*){0,3})\s+"
    r"(?:that\s+)?(?:he|she)\s+(?:wants|is|will|would|does|has|intends|plans|hopes|wishes)\b"
)
# After the club so told: "has told Atalanta he wants to leave" is the club he leaves.
WANTS_TO_LEAVE_AFTER_RE = re.compile(
    r"\s+(?:that\s+)?(?:he|she)\s+(?:wants|intends|plans|hopes|wishes|would like|is keen|is determined)\s+to\s+"
    r"(?:leave|depart|quit|exit|move on)\b"
)
# A post's quote head: "Enzo Maresca: “...”", "Ange Postecoglou on Marcus Rashford: “...”".
QUOTE_HEAD_AFTER_NAME_RE = re.compile(r":\s*[“\"]| on [^:“\".]{2,50}:\s*[“\"]")
# "The Ipswich manager will take charge": a coach, so a coach of the last sentence, not its player.
MANAGER_ANAPHOR_RE = re.compile(r"^\W*(?:the|their|our) (?:[\w-]+ ){0,3}(?:manager|boss|coach|head coach)\b", re.I)
ANAPHOR_RE = re.compile(
    r"\b(?:he|him|his|she|her)\b|\b(?:the|their|our) (?:[\w-]+ ){0,3}(?:player|midfielder|striker|defender|keeper|"
    r"goalkeeper|"
    r"winger|forward|full-back|international|youngster|teenager|spaniard|frenchman|brazilian|dutchman|"
    r"german|italian|argentine|portuguese|englishman|scot|welshman|irishman|belgian|croatian|serbian|"
    r"\d+-year-old|star|ace|captain|skipper|man|coach|manager|boss|former [\w ]{1,30}?(?:boss|striker|"
    r"midfielder|manager|coach|defender))\b|[’']s (?:[\w-]+ ){0,3}(?:player|striker|midfielder|defender|keeper|"
    r"winger|forward|star|international|captain|youngster)\b(?! [A-Z])",
    re.IGNORECASE,
)
# What a manager says in the first person is about his own move only with words like these.
OWN_MOVE_RE = re.compile(
    r"\b(?:leave|leaving|join|joining|move|moving|stay|staying|quit|resign|job|manage|"
    r"managing|coach|coaching|go|going|offer|offered|approach|approached|contract|deal|touch|"
    r"contact|contacted)\b"
)
THIRD_PERSON_RE = re.compile(r"\b(?:he|him|his|she|her)\b", re.IGNORECASE)
FIRST_PERSON_RE = re.compile(r"\b(?:I|me|my|I'm|I've|I'd|I’m|I’ve)\b")

# "Bundesliga giants", "Premier League side", "Ligue 1 outfit", "Saudi Pro League club": the league or country
# that describes the club named next.
CLUB_DESCRIPTOR = r"(?:[A-Z][A-Za-z]*|\d)(?: (?:[A-Z][A-Za-z]*|\d)){0,2} (?:club|side|outfit|giants|champions)\s+"
CLUB_TO_BEFORE_RE = re.compile(
    r"(?:\bto|\b(?:re-?)?join(?:s|ing|ed)?|\bfor|\bwith|\bby|\bat|\binto|\bsign for|\bsigning for|\bmove to|"
    r"\bswitch to|\btowards|\bback to|\breturn(?:s|ed|ing)? to|\bin charge (?:of|at)|\bcoach of|\bmanager of|"
    r"\bboss of|\bthan|"
    r"\bagreement with|\bplay for|\bplaying for)\s+(?:the\s+|rivals?\s+|champions\s+|giants?\s+|side\s+|club\s+|"
    + CLUB_DESCRIPTOR
    + r"|(?:[a-z]+ )?(?:outfit|side|club)\s+|(?:Spanish|Italian|German|English) trio\s+)?$"
)
CLUB_FROM_BEFORE_RE = re.compile(
    r"(?:\bfrom|\bleave|\bleaves|\bleaving|\bleft|\bquit|\bquits|\bdepart(?:s|ed|ing)?|\baway from|\bexit|"
    r"\bexit from|\bexit door at|\bout of|"
    r"\bsell|\bselling|\bsold by|\bsacked by|\b(?:rejected|turned down|knocked back|rebuffed) by|"
    r"\bloan from|\bloaned from|\bloan spell (?:at|with)|\bspell (?:at|with)|"
    # "his contract at Chelsea" is where he is, but he will "sign his contract at Liverpool", where he goes
    r"\bcontract at(?<!sign his contract at)(?<!sign her contract at)(?<!sign a contract at)"
    r"(?<!signed a contract at)(?<!a new contract at)|"
    # "nearing the end of his contract with Juventus": where he is
    r"(?<!sign )(?<!signs )(?<!signed )(?<!signing )\b(?:his|her) (?:current |existing )?contract with|"
    r"\bresigned as [\w ]{0,20} of|\bpay|\bpaying|\bpaid to|\bpay to|\boffer(?:ed|s|ing)?|"
    r"\b(?:deal|future|career|time|stay|request|unsettled|unhappy|sale|door|situation) at|"
    # "proposal ready for Napoli": the club that receives it sells
    r"\b(?:proposals?|offers?|bids?) (?:ready|prepared|sent|submitted) (?:for|to))"
    r"\s+(?:the\s+|rivals?\s+|club\s+|(?:[a-z]+ )?(?:outfit|side|club)\s+|" + CLUB_DESCRIPTOR + r")?$"
)
BUYER_NOUN_BEFORE_RE = re.compile(
    r"(?:(?:bids?|offers?|approach(?:es)?|interest|inquiries|enquiries|inquiry|enquiry|proposals?|contact|calls?|"
    r"competition)[’'\"]?\s+"
    # "a bid for Mbeumo rejected by Brentford" names the seller
    r"(?:(?:of|worth) [£€$][\d.,]+m? )?(?:for (?:(?!rejected |turned |knocked |rebuffed )[\w'’-]+ ){1,3})?(?:from|by)"
    r"(?:\s+(?:the\s+)?(?:[\w-]+\s+){0,3}?(?:side|club|outfit|giants|champions|rivals|neighbours))?"
    # "a move from Arsenal" names the seller; "a move by Chelsea" the buyer
    r"|(?:move|switch|deal|talks)\s+(?:for (?:[\w'’-]+ ){1,3})?by)\s+(?:the\s+)?$"
)
MATCH_CONTEXT_BEFORE_RE = re.compile(
    r"\b(?:clash|tie|match|game|draw|derby|final|fixture|meeting|defeat|win|victory|loss|lost|beat|beating|"
    r"beaten|drew|face|facing|faces|play|against|v|vs)\s+(?:\d-\d\s+)?(?:with|against|to|at|over|by|v|vs|"
    r"at home to|away to)?\s*(?:the\s+)?$",
    re.IGNORECASE,
)
# An intended next step ("preparing an official bid", "ready to make an offer", "expected to hold
# talks", "hoping for talks") is interest, not the step itself.
INTENDED_STEP_BEFORE_RE = re.compile(
    r"\b(?:prepar\w*|ready(?:ing)?|plan\w*|poised|set|expected|likely|lining up|consider\w*|weigh\w* up|intend\w*|"
    r"hop(?:e|es|ed|ing)|want\w*|could|may|might|would|will|seek\w*|due|keen|eager)\s+(?:to\s+|for\s+)?"
    r"(?:make|launch|submit|table|lodge|return with|come back with|follow (?:it|this|that) up with|hold|open|begin|"
    r"start|enter|have|test [\w'’]+ resolve with)?"
    r"\s*(?:(?:an?|the|their|his|her|its|fresh|new|further)\b)?\s*(?:(?!(?:and|but|or)\s)[\w£€$.,()-]+\s+){0,2}$"
)
NOT_ONLY_RE = re.compile(r"\bnot (?:the only|alone|just)\b")
NEGATED_DENIAL_BEFORE_RE = re.compile(r"(?:\bnot|\bnever|n[’']t|\bcannot)\s+(?:be\s+|been\s+|being\s+)?$")
NOT_YET_RE = re.compile(r"\b(?:not|n't) yet\b|\byet to\b", re.IGNORECASE)
RAISE_BEFORE_RE = re.compile(r"\b(?:increas|improv|rais|better|sweeten|exceed|go beyond)\w*\s+(?:\w+\s+)?$")
NOT_ENOUGH_AFTER_RE = re.compile(
    r"\w*\s+(?:(?:that|which) (?:is|was|are|were) |)(?:acceptable|good enough|big enough|high enough|enough|"
    r"satisfactory|anywhere near|close to)"
)
DENIED_REPORTS_AFTER_RE = re.compile(
    r"\s+(?:the\s+|recent\s+|newspaper\s+|media\s+|press\s+)*(?:reports?|claims?|suggestions?|speculation|rumou?rs?|"
    r"talk|stories|story)\s+(?:that|of|linking|suggesting|claiming)\b"
)
AMID_REPORTS_RE = re.compile(
    r"\b(?:amid|despite|following|after|over)\s+(?:the\s+|recent\s+|newspaper\s+|media\s+|press\s+)*"
    r"(?:reports?|claims?|suggestions?|speculation|rumou?rs?|talk|stories)\s+(?:that|of|linking|suggesting|claiming)\b"
)
CLUB_SAYS_RE = re.compile(
    r"\s+(?:have\s+|has\s+)?(?:say|says|said|insist|insists|insisted|claim|claims|maintain|"
    r"denied|deny|denies|dismissed|ruled out|played down|"
    r"maintains|stress|stressed|confirmed|confirm|state|stated|told|tell|tells|informed)\b"
)
# Before and after the club of a trailing attribution ("..., Arsenal said."): a comma, and the sentence's end.
TRAILING_BEFORE_RE = re.compile(r",\s*(?:the\s+)?$", re.IGNORECASE)
SENTENCE_END_RE = re.compile(r"\W*")
# Before a club that opens a clause: nothing but punctuation, space and "the".
CLAUSE_OPENER_RE = re.compile(r"[\W_]*(?:the\s+)?", re.IGNORECASE)
# Between a club and a denial cue that it is the subject of: "Manchester United are not interested".
CLUB_IS_BEFORE_CUE_RE = re.compile(r"\s+(?:are|is|were|was|have been|has been|have|has|had)\s+$")
# Before "agreement": the terms of a deal already in force ("his loan agreement", "the existing agreement").
EXISTING_AGREEMENT_BEFORE_RE = re.compile(
    r"(?:(?:['’]s|\bhis|\bher|\btheir)\s+(?:current\s+|existing\s+|original\s+|previous\s+)?loan|"
    r"\b(?:current|existing|original|previous)(?:\s+loan)?)\s+$"
)
HEARSAY_BEFORE_RE = re.compile(r"\b(?:i|we) (?:have |had |'ve )?heard\b|\bi'?m told\b|\bword is\b")
COUNTERPARTY_BEFORE_RE = re.compile(
    r"\b(?:(?:spoken|spoke|speaking|talking|talked) to\s+(?:the\s+)?$)|"
    r"\bnegotiat(?:ing|e|es|ed) with\s+(?:the\s+)?$|"
    r"\b(?:agreement|deal|talks|agreed|negotiations|dialogue|discussions|terms|fee|package|contacts?)"
    r"(?: (?:has been |have been |was |were |is |are )?"
    r"(?:reached|struck|agreed|done|opened|held|continuing|ongoing|underway|advanced|advancing|progressing|"
    r"sealed|signed|completed|closed|in place))?"
    r"(?: (?:in principle|verbally))? with\s+(?:the\s+)?$|"
    # "Liverpool have made formal approach to Bayer Leverkusen for Florian Wirtz": the club asked is the seller.
    r"\b(?:approach|request|bid|offer|proposal|enquiry|inquiry)(?: [\w£€$.,-]+){0,3}? to\s+(?:the\s+)?$",
    re.IGNORECASE,  # a post's line opens with it: "Agreement reached with Borussia Dortmund"
)
TABLE_CONTEXT_BEFORE_RE = re.compile(
    r"\b(?:adrift of|behind|ahead of|clear of|above|below|level with|points (?:off|from|on))\s+(?:the\s+)?"
    r"(?:arch-?\s?rivals?\s+|rivals?\s+|leaders\s+|champions\s+)?$"
)
FORMER_BEFORE_RE = re.compile(r"\b(?:former|ex-?|previous|old|formerly of)\s*(?:club\s+)?$|\bex-$", re.IGNORECASE)
BUYER_VERB_AFTER_RE = re.compile(
    r"^(?:[’']s?)?\s*(?:(?:have|has|are|is|were|was|had|will|would|could|may|might|also|now|still|reportedly|"
    r"all|both|each|then|remain|really|been|be|being|who|not|n't|,|(?:reported|said|understood|believed|thought|"
    r"claimed|rumoured|expected|likely|known) to|to)\s+){0,5}"
    # "Arsenal are likely to make a big sale": a seller
    r"(?:joined the race|join(?:ed)? the race|in the race|in talks|(?:made|make)(?! an? (?:[\w-]+ )?sale)|"
    r"submit|submitted|tabled|launch|"
    r"launched|lodged|bid|bidding|offer|offered|want|wants|wanted|keen|interested|chasing|chase|eye|eyeing|"
    r"track|tracking|monitor|monitoring|target|targeting|plot|plotting|agreed|agree|reached|close|closing|set to "
    r"sign|set to land|signed|sign|completed|complete|approach|approached|contact|contacted|enquired|inquired|"
    r"ready|prepared|willing|view|considering|consider|lead|leading|favourites|hold|holding|opened|open|"
    r"expressed|registered|step up|stepped up|also in|firmly|pushing|push|negotiating|poised|appoint|appointed|"
    r"confident|hopeful|hoping|hope|line up|lining up|identified|earmarked)"
)
SELLER_VERB_AFTER_RE = re.compile(
    r"^(?:[’']s?)?\s*(?:(?:have|has|are|is|were|was|had|will|would|could|also|now|still|reportedly|"
    r"(?:said|believed|understood|thought|reported) to|)\s+){0,3}"
    r"(?:rejected|reject|rebuffed|knocked back|turned down|accepted|accept|are ready to sell|want £|want [£€$]|"
    r"wants? (?:a |an )?(?:fee|figure|sum|price)\b|"
    r"demand|demanding|value|valued|slapped|set to loan|"
    r"(?:prepared|ready|willing|happy|open|wants?|wanted|looking|keen|eager|trying|expected|likely|set|poised) to "
    r"(?:cash in|sell|let|listen|off-?load|get rid of|part ways|move \w+ on)|"
    r"open to cashing in|part(?:ed)? ways with|cash in|ruled out selling|rule out selling|agreed to sell|"
    r"(?:placed|put|added) [\w'’ -]{1,40}? on (?:the|their) transfer list|"
    r"(?:no|any|little) (?:plans?|intention|desire|interest) (?:of|to|in) (?:sell|let|cash|part)\w*|"
    r"(?:will )?not stand in (?:his|her|the) way|"
    r"sacked|dismissed|parted company with|part company with|released|"
    r"want more|want (?:a )?(?:higher|bigger|better|improved)|demand more|"
    r"loan out|loaned out|sold|sell|selling|insist|refuse|refused|are set to loan|"
    r"will pay|say they will pay|agreed to let|agreed to loan|allowed (?!to\b)|"
    r"(?:not |yet )*received (?:an? |any |no )?(?:\w+ )?(?:offers?|bids?|approach(?:es)?|enquir\w+|proposals?)\b)"
)

STAGE_RANK = {stage: rank for rank, stage in enumerate(("speculation", "interest", "talks", "bid", "agreed", "done"))}
SOURCE_TIER_QUOTED_PARTY = 2  # a named player, agent or club official speaking on the record
SOURCE_TIER_DEFAULT = {None: None}


def _compile_cues() -> list[tuple[str, re.Pattern]]:
    compiled = []
    for stage, cues in STAGE_CUES.items():
        # Matched against lower-cased text: much faster than re.IGNORECASE on long alternations.
        compiled.append((stage, re.compile(r"\b(?:" + "|".join(cues) + r")")))
    return compiled


COMPILED_STAGE_CUES = _compile_cues()
# A cheap gate before the stage-cue regexes: every cue above contains at least one word that starts
# with one of these (first four letters of a word, or the whole word when shorter). Most sentences
# of a news article carry no cue at all and skip the eight regex scans, and each stage's regex runs only
# when one of its own words is there. tests/test_rumours.py checks that the gates never hide a cue.
STAGE_GATE_WORDS = {
    "speculation": "weig mull sold offl let doub futu link tipp spec rumo tout earm dest favo coul move swit "
    "tran talk cons seek fron lead pole odds pote poss like prob",
    "interest": "read will prep happ open batt figh scra tug tuss weig want watc scou rule tabs iden pote "
    "poss prim main numb expl stay love swoo lini keen inte eye eyes eyed trac moni targ chas "
    "race line turn purs view shor like admi plot hope hopi deli drea cons ask asks aske requ "
    "kept rada tryi look eage rid ways cash sale avai door suit cont fram conv work trai aimi seek push eyei list comp",
    "talks": "talk spok spea nego appr disc enqu inqu dial held cont soun quot meet work prog tryi",
    "bid": "bid bids bidd offe subm tabl prop laun",
    "agreed": "stay agre pois set take clos here medi verg pers term leav join depa sign way expe near deal new next "
    "fee fees subj gree appr",
    "done": "clau name cont rele sign snap sold land capt comp join rejo appo seal unve resi sack loan pen "
    "char took take left conf offi anno deal exte done brou boug secu move movi retu beat arri acqu part "
    "trig acti exer",
    "denied": "nowh anyw deny deni rule ruli spok talk noth nobo need plan down dism appr rece offe bid "
    "bids neve here leav stay trut foun cont deal inte sale invi true sell sold",
    "collapsed": "turn reje pull coll fell fall call brok walk snub tabl hija withdr deal move tran swit fail",
}
STAGE_GATES = {stage: frozenset(words.split()) for stage, words in STAGE_GATE_WORDS.items()}
CUE_GATE_PREFIXES = frozenset().union(*STAGE_GATES.values())
# The first four letters of each run of letters (a shorter run whole): the keys themselves, no slicing.
GATE_KEY_RE = re.compile(r"(?<![a-z])[a-z]{1,4}")


def cue_word_keys(lowered: str) -> set[str]:
    """The gate keys of a lower-cased sentence: each word's first four letters, and short words whole."""
    keys = set(GATE_KEY_RE.findall(lowered))
    if "no one" in lowered or "no-one" in lowered:
        keys.add("nobo")
    if "withdr" in lowered:
        keys.add("withdr")  # "withdrawn their interest": a longer key than "with", which most sentences have
    return keys


def has_cue_word(lowered: str) -> bool:
    return not CUE_GATE_PREFIXES.isdisjoint(cue_word_keys(lowered))


# These three are matched against lower-cased text (IGNORECASE makes long alternations slow).
NATIONAL_TEAM_NAMES = frozenset(LEXICONS["national_teams"])
NATIONAL_JOB_WORDS = ("national", "manager", "boss", "coach", "job", "post", "hot seat")
NATIONAL_SIDE_RE = re.compile(
    r"\b("
    + "|".join(re.escape(n) for n in sorted(NATIONAL_TEAM_NAMES, key=len, reverse=True))
    + r")(?:['’]s)?\s+(?:national (?:team|side)|manager|boss|head coach|coach|job|post|hot seat)\b"
)
EXIT_RE = re.compile(EXIT_CUES)
STAY_RE = re.compile(STAY_CUES)
LOAN_RE = re.compile(LOAN_CUES)
APPOINTMENT_RE = re.compile(APPOINTMENT_CUES, re.IGNORECASE)
CLAUSE_BOUNDARY_RE = re.compile(
    r";|:\s|,\s+(?:and|but|while|whereas|although|though|after|as(?! well as)|when|who|which|because)\b|"
    r"\s+(?:but|while|whereas|although)\s+|\s[-–—]\s|,\s+with\s+(?=[A-Z])|\s+and\s+(?=(?:he|she|they|it|the club)\b)|"
    # "..., Lewis Miley and Elliot Anderson are both highly rated": a comma before a new subject and its verb
    r",\s+(?=(?:[A-Z][\w'’-]+\s+){1,3}(?:and\s+(?:[A-Z][\w'’-]+\s+){1,3})?(?:is|are|has|have|was|were)\s)|"
    # "... chasing a loan deal for Broja and PA understands Fornals has permission ...": a new report
    r"\s+and\s+(?=(?:[A-Z][\w'’-]+\s+){1,3}(?:understands|reports|revealed|reveals|claims|says)\s)|"
    # "sacked Lopetegui and appointed Potter": the second verb has a mover of its own
    r"\s+and\s+(?=(?:have\s+|has\s+)?(?:appointed|named|hired|installed)\s+[A-Z])|"
    # "poised to join Sunderland after turning down Stoke", "after deals were sorted for ...": a new event.
    r"\s+when\s+(?=(?:he|she|they|it|the)\b)|"
    r"\s+as\s+(?=(?:[A-Z][\w'’-]+\s+){1,3}(?:looks|seeks|bids|tries|aims|plans|prepares|wants|continues|attempts|"
    r"hopes)\b)|"
    r"\s+after\s+(?=(?:turning|losing|rejecting|failing|refusing|snubbing|leaving|missing|deals?\b|[A-Z]))|"
    # "Osei, who joined Leverkusen in 2022, has agreed terms": the comma before the verb ends the relative clause.
    r",\s+(?=(?:has|have|had|is|was|are|were|will|would|could|can|may|might|remains?)\b)|"
    r",\s+(?=(?:raising|sparking|fuelling|fueling|prompting|casting)\b)"
)
# A spaced dash (the clause boundary above) and the longest aside two of them may bracket.
DASH_RE = re.compile(r"\s[-–—]\s")
DASH_ASIDE_MAX = 80
RELATIVE_WORDS = ("who ", "whose ", "which ", "whom ")
MID_SENTENCE_CAPITAL_RE = re.compile(r"(?<=[a-z,;] )([A-ZÀ-Þ][a-zß-ÿ'’-]+)")
LOWER_WORD_RE = re.compile(r"(?<![\w'’])[a-z][a-z'’-]+")  # words written in lower case
NEXT_CAPITAL_RE = re.compile(r" ([A-ZÀ-Þ][a-zß-ÿ'’-]+)\b")
PREVIOUS_CAPITAL_RE = re.compile(r"\b([A-ZÀ-Þ][a-zß-ÿ'’-]+) $")
MANAGER_IN_CHARGE_RE = re.compile(
    r"\b(?:in|take|taken|took|takes) (?:temporary |caretaker |interim )?charge\b|\bappointed\b|\btake over\b"
)
VACANCY_RE = re.compile(
    r"\b(?:shortlist|short-list|candidates?|frontrunners?|front-runners?|in the running|"
    r"favourite for the (?:job|post|position|role|vacancy)|"
    r"(?:for|with) the (?:vacant )?(?:job|post|hot seat|vacancy|managerial role)|"
    r"replacement|successor|vacancy|vacant|favourite to (?:become|be named|replace|succeed))\b"
)
FORMER_CLUB_BEFORE_RE = re.compile(r"\b(?:former|ex-?)\s")
# "clubs keen on him, including Ajax", "linked with Premier League rivals such as Arsenal": the list is of buyers.
SUITOR_LIST_BEFORE_RE = re.compile(
    r"\b(?:clubs|sides|teams|suitors|rivals|admirers|outfits)\b[^.;:]{0,80}?\b(?:including|includes?|such as|"
    r"among them|led by)\s+(?:the\s+)?"
    r"(?:[\w ]{0,30}?(?:giants|sides?|clubs?|champions|rivals|outfits?|powerhouses?)\s+)?$"
)
CLUB_STAFF_AFTER_RE = re.compile(r"\s+(?:people|officials|chiefs|hierarchy|board|scouts|directors|bosses)\b")
LEFT_CLUB_VERB_RE = re.compile(
    r"\b(?:sacked|sack|dismissed|axed|fired|released|resigned|quit|left(?! it\b)|parted company|"
    # "Wolves left it late to announce the arrival of X": no one left
    r"part company|without a manager|departure of|exit of)\b"
)
UNMET_STAY_BEFORE_RE = re.compile(
    r"(?:\bif (?:he|she|they) (?:does not|doesn[’']t|do not|don[’']t|fails? to)|\bunless (?:he|she|they)|"
    r"\bfails? to|\brefus\w+ to)\s+(?:\w+\s+){0,2}$"
)
# A stage cue of selling ("Chelsea are willing to sell X", "... X is up for sale"): the club before it sells.
SELL_CUE_START_RE = re.compile(
    r"(?:ready|willing|prepared|happy|open|trying|looking|keen|eager) to (?:off-?load|sell|let|get rid|cash in|"
    r"move \w+ on|part ways|listen)|up for sale|get rid of|cash(?:ing)? in on|available (?:for|on a free)|exit door|"
    r"(?:potential|possible|likely|probable) (?:departure|exit|sale)"
)
RECEIVED_RE = re.compile(r"\breceiv\w*|\bhad (?:no|any)\b|\bfor sale\b|\bsell\w*|\bsold\b")
MANAGER_NOUN_RE = re.compile(rf"\b(?:{MANAGER_ROLE_WORDS})\b", re.IGNORECASE)
BOSS_WORD_RE = re.compile(r"\b(?:boss|manager|head coach|coach|chairman|president|director|owner|chief executive)\b")
NEGATIVE_WORD_RE = re.compile(r"\b(?:not|no|never|nothing|den(?:y|ies|ied)|rul(?:e|ed|es) out|dismiss\w*)\b|n't\b")
THE_CLUB_START_RE = re.compile(
    r"\W*((?:The|the) club)"
    r" (?:have|has|are|is|were|was|will|would|had)\b"
)
THEY_CLUB_RE = re.compile(
    r"\b([Tt]hey)(?:['’]re| are| have| had| were| will| would| could| also| now| still| remain)\b"
)
CLUB_ANAPHOR_COUNTRY = {
    "english": "eng",
    "premiership": "eng",
    "premier league": "eng",
    "championship": "eng",
    "london": "eng",
    "merseyside": "eng",
    "midlands": "eng",
    "north-east": "eng",
    "lancashire": "eng",
    "yorkshire": "eng",
    "scottish": "sco",
    "spl": "sco",
    "spanish": "es",
    "la liga": "es",
    "italian": "it",
    "serie a": "it",
    "german": "de",
    "bundesliga": "de",
    "french": "fr",
    "ligue 1": "fr",
    "portuguese": "pt",
    "dutch": "nl",
    "turkish": "tr",
    "greek": "gr",
    "brazilian": "br",
    "mexican": "mx",
}
# "leave the club" in a sentence that named the club before: that club (see _club_anaphors)
LEAVE_THE_CLUB_RE = re.compile(
    r"\b(?:leave|leaves|leaving|left|depart|departs|departing|exit|exits|exiting|quit) (the club)\b"
)
CLUB_ANAPHOR_RE = re.compile(
    r"\bthe (?P<adj>"
    + "|".join(sorted("SPL" if k == "spl" else k.title() for k in CLUB_ANAPHOR_COUNTRY))
    + r")(?: (?:trio|duo))? (?:club|side|outfit|giants|champions|team|heavyweights|aristocrats)\b"
)
# "Mexican outfit Red Sharks Veracruz", "Championship side Exeter City", "non-league club Canvey Island"
CONTEXT_CLUB_RE = re.compile(
    r"\b(?:[A-Z][a-z]+(?: [A-Z][a-z]+)?|Serie [AB]|La Liga|Ligue [12]|League (?:One|Two)|SPL|MLS|non-league|"
    r"lower-league|top-flight) (?:outfit|side|club|giants|champions|minnows|strugglers) "
    r"(?P<club>[A-Z][\w'’.-]+(?: (?:de |del |do |da )?[A-Z][\w'’.-]+){0,3})"
)
# "Lineker has suggested Arsenal should pursue Alvarez", "Amorim has told United to sign Mbeumo": who urges a
# club to buy is no mover.
ADVOCATE_AFTER_RE = re.compile(
    r"[’']?\s+(?:has\s+|have\s+|had\s+)?(?:also\s+)?(?:told|urged|urges|advised|advises|suggested|suggests|wants|"
    r"wanted|believes|believed|thinks|thought|feels|reckons|says|said|insists|insisted|claims|claimed|tipped|tips)\s+"
    r"(?:that\s+)?(?:the\s+)?(?:[A-Z][\w'’.-]*\s+){1,3}(?:should|must|could|would|ought to|to|need to|needs to)\s+"
    r"(?:\w+\s+)?(?:sign|bring|buy|land|move for|go for|pursue|target|make a move|recruit)\b"
)
# A verb of buying and the capital that starts its object (ArticleAnalyser._signs_someone).
SIGNS_AFTER_RE = re.compile(
    r"\s+(?:has\s+|had\s+)?(?:signed|signs|landed|lands|bought|buys)\s+(?!(?:for|with|as|on|a|an|his|her|new)\b)"
    r"(?:[\w-]+\s+){0,4}?[A-Z]"
)
# "Mick McCarthy's side", "Alonso's immediate replacement", "Wenger's support": the name modifies a noun.
POSSESSIVE_NOT_MOVER_RE = re.compile(
    r"[’']s (?:[\w-]+ ){0,2}?(?:side|team|men|squad|club|players|charges|replacement|successor|predecessor|"
    r"assistant|number two|teammate|team-mate|team mate|compatriot|right-hand man|relationship|support|style|decision|"
    r"view|views|comments|goal|header|strike|performance|departure from the dug-?out|reign|tenure|regime)\b"
)
TRANSFER_OBJECT_BEFORE_RE = re.compile(
    r"\b(?:move|bid|offer|deal|swoop|approach|interest|enquiry|inquiry|fee|sign|signing|signed|sell|selling|sold|"
    r"loan|track|tracking|monitor|monitoring|want|wants|target|targeting|eye|eyes|eyeing|chase|chasing|"
    r"linked with|replace|replacing|capture|land) (?:for )?$"
)
OUTLET_WORDS_AFTER_RE = re.compile(r"(?: [A-Z][\w'’]+){1,2}")
# "worked with Crouch at Portsmouth", "began his career at Celtic": a club in the person's past.
PAST_AT_BEFORE_RE = re.compile(
    r"\b(?:worked|played|spent (?:\w+ ){1,2}(?:years|seasons)|began (?:his|her) career|started (?:his|her) career|"
    r"came through the ranks)(?: [\w'’-]+){0,3} at\s+(?:the\s+)?$"
)
# A manager open to selling speaks for his club about the player in play.
SELLER_BOSS_RE = re.compile(
    r"\blisten to offers\b|\b(?:willing|ready|prepared|happy) to (?:sell|let)\b|"
    r"\bstand in (?:his|her|the) way\b|\bcash in\b"
)
NAME_AND_RE = re.compile(r",?\s+(?:and|or|&)\s+")
LIST_JOIN_RE = re.compile(r"\s*(?:,|&|and|,\s*and)\s*")
# Between two names or clubs of one list ("Mendy, Garcia and Alaba", "Rangers and the Fulham"): one unit.
LISTED_GAP_RE = re.compile(
    # "Ajax, PSV and FC Utrecht, alongside Italian powerhouses Inter Milan": a described member is still listed.
    r"\s*(?:,|,?\s*and|,?\s*or|,?\s*as well as|,?\s*alongside|&)\s*(?:the\s+)?"
    r"(?:(?:current\s+)?[A-Z][a-z]+\s+(?:giants|powerhouses|champions|side|outfit)\s+)?"
)
RELATIVE_START_RE = re.compile(r"^\W*(?:who|which|whose)\b")
OBJECT_BEFORE_RE = re.compile(
    r"\b(?:to|by|with|under|than|over|replace|replacing|replaces|behind|alongside|ahead of|like|beat|beating|"
    r"replacement for|successor to|alternative to|cover for|instead of|upgrade on|"
    r"succeed|succeeding|partner|partnering)\s+(?:[\w'’-]+\s+){0,3}$"
)
# "willing to sell Christian Pulisic", "let Kalvin Phillips leave": the name after is the one sold.
SOLD_OBJECT_BEFORE_RE = re.compile(
    r"\b(?:sell|selling|offload|off-load|offloading|cash in on|cashing in on|get rid of|let|letting)\s+"
    r"(?:[\w'’-]+\s+){0,3}$"
)
REPLACED_VERBS = r"replace|replacing|replaces|replacement for|successor to|succeed|succeeding"
TAKE_OVER_FROM = r"(?:take|took|taking|takes) over from"
REPLACED_BEFORE_RE = re.compile(rf"\b(?:{REPLACED_VERBS})\s+(?:[\w'’-]+\s+){{0,3}}$")
# REPLACED_BEFORE_RE on text as written, and "take over from", right before a name.
REPLACED_OR_TAKEN_OVER_BEFORE_RE = re.compile(
    rf"\b(?:{REPLACED_VERBS}|{TAKE_OVER_FROM})\s+(?:[\w'’-]+\s+){{0,3}}$", re.IGNORECASE
)
ARROW_RE = re.compile(r"➡️?|→|\s->\s")
OPTION_TO_BUY_RE = re.compile(
    r"\b(?:option|obligation) to (?:buy|purchase|make (?:the|it) permanent)|\bbuy(?:-| )(?:back )?(?:option|clause)",
    re.IGNORECASE,
)
CONTRACT_LENGTH_RE = re.compile(
    r"\b(?P<len>(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|eighteen|\d+)"
    r"(?:-and-a-half|\.5)?[- ](?:year|month|season)s?)[- ](?:contract|deal|extension|agreement)",
    re.IGNORECASE,
)
ADD_ONS_RE = re.compile(
    r"(?:plus|with|and|\+)\s*(?P<addon>(?:[£€$]\s?[\d.,]+\s?(?:m|million|bn|k)?|[\d.,]+\s?(?:m|million))\s*"
    r"(?:in )?(?:add-ons|bonuses|variables|add ons))",
    re.IGNORECASE,
)
# A transfer list under a heading ("Liverpool's arrivals" / "Departures:"), one line a player:
# "- Florian Wirtz: Bayer Leverkusen - £116 million." or "Florian Wirtz (Bayer Leverkusen) £116m".
TRANSFER_LIST_HEADING_RE = re.compile(
    r"^(?:(?P<club>[^:]{2,40}?)(?:[’']s?)?\s+)?(?:confirmed\s+|summer\s+|january\s+)?"
    r"(?P<direction>arrivals|signings|incomings|ins|departures|outgoings|exits|outs|transfers (?:in|out)|"
    r"players (?:in|out)|in|out)\s*:?$",
    re.IGNORECASE,
)
# The words a heading ends with (before "\s*:?"): a cheap test before the heading regex, which backtracks
# through the first 40 characters of every sentence that is no heading.
TRANSFER_LIST_HEADING_ENDS = tuple("arrivals signings incomings ins departures outgoings exits outs in out".split())
TRANSFER_LIST_LINE_RE = re.compile(
    r"^[-•*–]?\s*(?P<name>[^:()\[\]–—]{3,50}?)\s*(?::|\s[–—-]\s|\(|\[)\s*(?P<club>[^()\[\]:–—]{2,45}?)\s*"
    r"(?:\)|\]|\s[–—-]\s|,|$)\s*(?P<rest>.*)$"
)
WHATEVER_FEE_RE = re.compile(
    r"\b(?:whatever (?:amount|fee|it takes)[\w ]{0,20}|undisclosed fee|nominal fee|free transfer)", re.IGNORECASE
)
# A manager's title after a name, not a possessive ("the manager's first signing").
MANAGER_TITLE = r"(?:head coach|manager|boss|coach)\b(?![’']s\b)"
# "X has been appointed Newcastle manager", "X was sacked as Southampton boss", "X, named as head coach",
# "X will be new Brazil head coach", "X will become the manager of Brazil",
# "X will sign in this week as new Al Hilal head coach": a few lower-case words (the verb) may stand between
# the name and "as"; "new" may come before or after the club.
AS_MANAGER_AFTER_RE = re.compile(
    r"^\W*(?:[a-z][\w'’-]*\s+){0,5}?(?:(?:appointed|named|installed|confirmed|unveiled|sacked|"
    r"dismissed|axed|become|becomes|became|becoming|be)(?:\s+as)?|as)\s+(?:the\s+|their\s+|its\s+|his\s+)?"
    r"(?:new\s+|next\s+|permanent\s+|interim\s+|caretaker\s+)?(?:[A-Z][\w'’.-]+\s+){0,3}"
    r"(?:new\s+|permanent\s+|interim\s+|caretaker\s+|national\s+)?" + MANAGER_TITLE
)
# What only a manager is said to have: "Carrick's side", "Slot's men", "Arteta refused to discuss targets in
# his press conference" (a player's is his unveiling or farewell).
MANAGER_AFTER_NAME_RE = re.compile(
    r"['’]s (?:side|men|charges|squad)\b|[^.;:!?\"“”]{0,80}\b(?:in|at|during) his (?:weekly |pre-match |post-match )?"
    r"press conference\b|"
    # "Graham Potter was sacked in April" (players are released, not sacked)
    r"\s+(?:was|has been|had been|got|is being|were)\s+(?:sacked|axed|fired)\b|"
    # "Nuno Espírito Santo, new West Ham head coach": the title in apposition
    r",\s+(?:the\s+)?(?:new|next)\s+(?:[A-Z][\w'’.-]+\s+){0,3}" + MANAGER_TITLE + r"|"
    # "make Luis Enrique their next permanent boss", "name X its new head coach"
    r"\s+(?:their|its)\s+(?:next\s+|new\s+)?(?:permanent\s+|interim\s+|caretaker\s+)?" + MANAGER_TITLE + r"|"
    # "since Benitez took over at Liverpool", "Jurgen Klopp, the favourite to take over at the Bernabeu": a job at
    # a club or ground ("took over the club" is an owner's, "take charge of the game" a referee's)
    r"\s+(?:has\s+|had\s+|will\s+|would\s+|could\s+)?(?:took|takes|take|taken|taking)\s+(?:over|charge)\s+at\b|"
    r",\s+(?:who\s+is\s+)?the\s+(?:[a-z-]+\s+)?(?:favourite|front-?runner)\s+to\s+take\s+(?:over|charge)\b|"
    # "Mourinho, who previously managed Chelsea, Manchester United and Tottenham"
    r",? who (?:has |had |previously |formerly |once |also )*(?:managed|coached|was (?:in charge|the manager|"
    r"manager|head coach|boss))\b|"
    # "in talks with Oliver Glasner over the vacant head coach role"
    r"\s+(?:over|about|for|regarding)\s+the\s+(?:vacant\s+|empty\s+|vacated\s+)?"
    r"(?:managerial|head[- ]coach|manager(?:['’]s)?|coaching|boss(?:['’]s)?)\s+"
    r"(?:role|job|position|post|vacancy|seat)\b"
)
SACKED_BEFORE_RE = re.compile(r"\b(?:sack|sacked|sacking|axed|fired)\s+$")  # "after they sacked Xabi Alonso"
APPOINTED_BEFORE_RE = re.compile(
    r"\b(?:appointed|named|installed|unveiled|confirmed|become|becomes|becoming|became)(?:\s+as)?\s+(?:the\s+)?"
    r"(?:new\s+)?$"
)
CLUB_DEAL_VERBS = (
    "signed|signs|signing|bought|brought|landed|captured|recruited|added|sold|loaned|released|announced|announce|"
    "announcing|confirmed|confirm|completed|complete|unveiled|unveil|secured|secure|securing|snapped|agreed|agree"
)
# Between a club and a role noun, a word that ends the club's noun phrase ("Burnley signed forward X").
CLUB_ROLE_GAP_BREAK_RE = re.compile(
    rf"[.;:!?]|\b(?:from|to|by|with|for|and|have|has|are|is|were|was|{CLUB_DEAL_VERBS})\b"
)
AFFILIATION_AFTER_RE = re.compile(
    rf"(?:[’']s)?\s+(?:(?!(?:as|to|for|with|their|the|a|an|and|in|on|at|is|was|were|are|has|have|"
    # a verb ends the club's noun phrase: "Burnley signed forward Marcus Edwards" is Burnley's new forward
    rf"who|will|would|{CLUB_DEAL_VERBS})\b)"
    rf"(?:[\w-]+|\d+-year-old)\s+){{0,3}}(?:{PLAYER_ROLE_WORDS}|{MANAGER_ROLE_WORDS}|"
    rf"{OTHER_ROLE_WORDS})s?\b",
    re.IGNORECASE,
)
POSSESSIVE_GAP_RE = re.compile(r"^[’']s\s*$|^\s+$")
# Contexts used by ArticleAnalyser._club_roles (before = text before a club, after = text after it).
STATEMENT_VIA_BEFORE_RE = re.compile(r"\b(?:through|via|on behalf of|statement from)\s+(?:the\s+)?$")
NOBODY_FROM_BEFORE_RE = re.compile(r"\b(?:nobody|no-one|no one|anyone|anybody|nothing) from\s+(?:the\s+)?$")
BETWEEN_BEFORE_RE = re.compile(r"\bbetween\s+(?:the\s+)?$")
BETWEEN_AND_BEFORE_RE = re.compile(r"\bbetween\s+(?:the\s+)?[\w&' -]{2,40}?\s+and\s+(?:the\s+)?$")
# "Norwich and Slavia Prague have reached agreement for X", "Chelsea and Benfica have agreed a deal": two clubs
# as the subject of a deal name the buyer first (every such sentence of the unlocked labelled texts does).
CLUB_PAIR_GAP_RE = re.compile(r"\s*(?:and|&)\s+(?:the\s+)?")
CLUB_PAIR_DEAL_AFTER_RE = re.compile(
    r"(?:[’']s?)?\s*(?:(?:have|has|are|is|were|had|will|now|also|already|finally|still|both|been|close to|set to|"
    r"about to|reportedly)\s+)*(?:agreed|agree|reached|reaching|in (?:advanced |direct |formal )?talks|in contact|"
    r"talking|negotiating|finali[sz]ing|resolving|working on|discussing|exchanging|sign(?:ing)? (?:all )?(?:the )?"
    r"documents|completed|opened talks|holding talks|held talks)\b"
)
SELL_REFUSAL_RE = re.compile(r"\b(?:not|never|won't|won’t|refuse to|refused to) sell\b|\bnot selling\b")
NEW_TITLE_BEFORE_RE = re.compile(r"\b(?:new|next)\s+$")
NEW_TITLE_AFTER_RE = re.compile(r"^(?:[’']s)?\s+(?:head coach|manager|boss|coach)\b")
AS_BEFORE_RE = re.compile(r"\bas\s+(?:the\s+)?(?:new\s+|next\s+|permanent\s+)?$")
LINKED_WITH_BEFORE_RE = re.compile(
    r"\blinked with\s+(?:a move to\s+)?"
    r"(?:the\s+)?(?:[\w ]{0,25}(?:trio|giants|side|club)\s+)?$"
)
LINKING_WITH_BEFORE_RE = re.compile(r"\blinking (?:him|her|me) with\s+(?:the\s+)?$")
WITH_BEFORE_RE = re.compile(r"\bwith\s+(?:the\s+)?$")
CLUB_POSSESSIVE_BUYER_AFTER_RE = re.compile(
    r"^[’']s\s+(?:\w+\s+){0,2}(?:bid|offer|approach|interest|move|pursuit|swoop|chase|attempt|advances|target)"
)
FAVOURITES_AFTER_RE = re.compile(r"^\s+(?:the favourites|favourites|are favourites|lead the race)")
SHORT_POST_TO_RE = re.compile(  # "Cher Ndour to Fiorentina, here we go!" / "X to Y ✅"
    r"^(?P<name>[^,.:!?]{3,40}?)\s+(?:to|➡️|->|→)\s+(?P<club>[^,.:!?]{3,40}?)(?=[,.!:]|\s+(?:here|deal|done|"
    r"✅|🚨|on loan)|\s*$)"
)


# ---------------------------------------------------------------------------------------------
# People
# ---------------------------------------------------------------------------------------------
@dataclass
class Person:
    name: str
    role: str = "player"  # player | manager | other
    role_votes: dict = field(default_factory=dict)
    club: str | None = None  # current club, when the article says it ("Man City striker X")
    mentions: int = 0
    speech_mentions: int = 0  # mentions as "X said" / "said X"
    source_mentions: int = 0  # mentions as "according to X" / "via X": who reports, not who moves

    @property
    def surname_key(self) -> str:
        return name_key(self.name)[-1] if name_key(self.name) else ""


@dataclass
class Mention:
    person: Person
    start: int
    end: int


class PersonRegistry:
    """The people of one article, so that "Haaland" finds "Erling Haaland"."""

    def __init__(self) -> None:
        self.people: list[Person] = []
        self.by_token: dict[str, list[Person]] = {}
        self.by_key: dict[tuple[str, ...], Person] = {}

    def lookup(self, name: str) -> Person | None:
        key = name_key(name)
        if not key:
            return None
        exact = self.by_key.get(key)
        if exact is not None:
            return exact
        if len(key) == 1:
            candidates = self.by_token.get(key[0], [])
            if candidates:
                return max(candidates, key=lambda p: (p.mentions, len(p.name)))
        else:  # "Fran Garcia" after "Francisco Garcia"? only when the surname and initial agree
            for person in self.by_token.get(key[-1], []):
                pkey = name_key(person.name)
                if pkey[-1] == key[-1] and pkey[0][:1] == key[0][:1] and len(pkey) >= len(key):
                    return person
                if len(pkey) > len(key) and pkey[-len(key) :] == key:
                    return person  # "Ten Hag", "De Bruyne": the surname with its particle, after the full name
        return None

    def add(self, name: str) -> Person:
        found = self.lookup(name)
        if found and len(name_key(found.name)) >= len(name_key(name)):
            found.mentions += 1
            return found
        if found:  # a longer form of a name seen short first
            found.name = name
            found.mentions += 1
            self._index(found)
            return found
        person = Person(name, mentions=1)
        self.people.append(person)
        self._index(person)
        return person

    def _index(self, person: Person) -> None:
        key = name_key(person.name)
        self.by_key.setdefault(key, person)
        tokens = {key[-1]} if key else set()
        if len(key) > 1:
            tokens.add(key[0])
            if len(key) > 2:  # "van der Sar" → "sar"; "Jose Antonio Reyes" → "reyes"
                tokens.add(key[-2])
        for token in tokens:
            bucket = self.by_token.setdefault(token, [])
            if person not in bucket:
                bucket.append(person)


# ---------------------------------------------------------------------------------------------
# Per-sentence analysis
# ---------------------------------------------------------------------------------------------
@dataclass
class SentenceInfo:
    sentence: Sentence
    clubs: list[ClubMention]
    mentions: list[Mention]
    speaker: Person | None = None
    source: str | None = None
    source_tier: int | None = None
    paren_source: str | None = None  # "(Sky Sports)" standing alone after this sentence
    cue_stages: tuple[str, ...] | None = None  # stages whose cue regex matches the sentence (set by _stage_cues)
    word_keys: set[str] | None = None  # cue_word_keys of the lower-cased sentence (set by _stage_cues)


@dataclass
class Claim:
    subject: Person
    to_club: str | None
    from_club: str | None
    kind: str
    stage: str
    source: str | None
    source_tier: int | None
    evidence: str
    fee: str | None = None
    historical: bool = False
    extra: dict = field(default_factory=dict)
    order: int = 0
    sentence: int = -1  # index of the sentence the frame came from


# A capitalised word before one of these names an organisation: "Marinakis Group", "Glazer Family Partnership".
ORGANISATION_WORDS = frozenset(
    "group holdings capital partners partnership consortium investments investment ventures foundation "
    "family limited ltd plc inc stadium stadion arena".split()
)
VENUE_FIRST_WORDS = frozenset("estadio estádio stadio stade stadion".split())  # "Estadio da Luz" is no person


def _strip_non_name_tokens(tokens: list[str]) -> list[str]:
    while tokens and (tokens[0].casefold().strip(".") in NOT_NAME_WORDS or tokens[0].endswith(".")):
        tokens = tokens[1:]
    while tokens and tokens[-1].casefold().strip(".") in NOT_NAME_WORDS:
        if len(tokens) > 2 and tokens[-2].casefold() in NAME_PARTICLE_WORDS:
            break  # "Enzo Le Fee": after a particle the word is a surname
        tokens = tokens[:-1]
    return tokens


# A club's last word alone ("City agreed a deal"); not when the next word is capitalised ("United States").
GENERIC_SHORT_CLUB_RE = re.compile(r"\b(City|United|Town|County|Athletic|Albion|Wanderers)\b(?! [A-Z])")
PREVIOUS_NAME_WORD_RE = re.compile(r"[A-ZÀ-Þ][\w'’-]*[^\W\d_]\s+$")
TITLE_WORD_RE = re.compile(r"\b[^\W\d_]{4,}\b")


def _is_title_case(text: str) -> bool:
    """Most words of four letters or more capitalised, as in "Chelsea Star Joins Dortmund In £24m Deal"."""
    words = TITLE_WORD_RE.findall(text)
    return len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _name_candidates(text: str, clubs: list[ClubMention]) -> list[tuple[int, int, str]]:
    """Runs of capitalised words that are not clubs or common words: (start, end, name)."""
    if clubs:
        parts = []
        last = 0
        for club in clubs:
            start = max(last, club.start)
            parts.append(text[last:start])
            parts.append("#" * (club.end - start))
            last = max(last, club.end)
        parts.append(text[last:])
        masked_text = "".join(parts)
    else:
        masked_text = text
    found = []
    for match in NAME_RE.finditer(masked_text):
        raw = match.group(0)
        tokens = raw.split()
        if tokens[0].casefold() in VENUE_FIRST_WORDS:
            continue
        organisation = max((i for i, t in enumerate(tokens) if i and t.casefold() in ORGANISATION_WORDS), default=0)
        if organisation:
            tokens = tokens[organisation + 1 :]  # "Marinakis Group", "Etihad Stadium": no person
        kept = _strip_non_name_tokens(tokens)
        if not kept:
            continue
        # Split on inner common words ("Wenger The Gunners") by keeping the longest clean run.
        runs, current = [], []
        for token in kept:
            word = token.casefold()
            after_particle = len(current) > 1 and current[-1].casefold() in NAME_PARTICLE_WORDS  # "Enzo Le Fee"
            if word in NOT_NAME_WORDS and word not in NAME_PARTICLE_WORDS and not after_particle:
                if current:
                    runs.append(current)
                current = []
            else:
                current.append(token)
        if current:
            runs.append(current)
        offset = match.start()
        for run in runs:
            name = " ".join(run)
            if len(name) < 2 or name.endswith("."):
                continue
            start = text.find(run[0], offset)
            if start < 0:
                continue
            end = start + len(name)
            if text[start:end] != name:  # whitespace differed; fall back to the token span
                end = text.find(run[-1], start) + len(run[-1])
                name = " ".join(text[start:end].split())
            found.append((start, end, name))
            offset = end
    return found


QUOTED_RUN_RE = re.compile(b"\x01+")


def _blank_quotes(text: str, mask: bytes) -> str:
    """The text with its quoted characters blanked out (same length), so offsets still line up."""
    parts = []
    last = 0
    for run in QUOTED_RUN_RE.finditer(mask):
        parts.append(text[last : run.start()])
        parts.append(" " * (run.end() - run.start()))
        last = run.end()
    parts.append(text[last:])
    return "".join(parts)


def _role_word(words: list[str]) -> str | None:
    """The role noun that the last one or two words form ("striker", "head coach", "strikers"), if any."""
    for n in (2, 1):
        if len(words) >= n:
            phrase = " ".join(words[-n:]).lower()
            for candidate in (phrase, phrase[:-1] if phrase.endswith("s") else None):
                if candidate and candidate in ROLE_KIND:
                    return candidate
            if n == 1 and "-" in phrase:  # "ex-striker"
                tail = phrase.rsplit("-", 1)[1]
                for candidate in (tail, tail[:-1] if tail.endswith("s") else None):
                    if candidate and candidate in ROLE_KIND:
                        return candidate
    return None


def _role_before(text: str, start: int) -> tuple[str | None, str | None]:
    """The role noun right before a name ("Roma defender", "Arsenal boss"): (role kind, the noun).

    A dict lookup on the last words before the name (also "striker and captain Tom"), instead of a
    regex search over the window: this runs once per name mention."""
    window = text[max(0, start - 60) : start]
    if not window or not (window[-1].isspace() or start == 0):
        return None, None
    words = window.split()
    if words and words[-1].endswith(",") and window.endswith(", "):
        words[-1] = words[-1][:-1]  # "Chelsea's sporting directors, Paul Winstanley and Laurence Stewart"
    role_word = _role_word(words)
    if role_word is None and len(words) >= 3 and words[-2] in ("and", "&"):
        role_word = _role_word(words[:-2])
    if role_word is None:
        return None, None
    return ROLE_KIND.get(role_word, "player"), role_word


class ArticleAnalyser:
    def __init__(self, text: str, title: str | None, published: str | None, outlet: str | None) -> None:
        self.gazetteer = load_gazetteer()
        self.title = title or ""
        self.published = published
        self.outlet = outlet
        self.year = int(published[:4]) if published and published[:4].isdigit() else None
        self.sentences = segment(text)
        self.registry = PersonRegistry()
        self.infos: list[SentenceInfo] = []
        self.club_counts: dict[str, int] = {}
        self.claims: list[Claim] = []
        self.short_article = len(text) < 500  # a journalist's post: every sentence is about the one move
        self._name_runs: dict[tuple, list[tuple[int, int, str]]] = {}
        self._lower_words: set[str] | None = None
        self._proper_nouns: set[str] | None = None

    def name_candidates(self, text: str, clubs: list[ClubMention]) -> list[tuple[int, int, str]]:
        """`_name_candidates`, computed once per sentence and set of clubs (discovery and the candidate step's
        weak people both ask), less a first word that is no name (`is_common_word`). The list is shared:
        callers must not change it."""
        key = (text, tuple((club.start, club.end) for club in clubs))
        found = self._name_runs.get(key)
        if found is None:
            found = []
            for start, end, name in _name_candidates(text, clubs):
                first, _, rest = name.partition(" ")
                if rest and self.is_common_word(first):
                    start = text.index(rest, start)
                    name = rest
                found.append((start, end, name))
            self._name_runs[key] = found
        return found

    def lower_words(self) -> set[str]:
        """The words the text writes in lower case somewhere (found once per text)."""
        if self._lower_words is None:
            self._lower_words = set(LOWER_WORD_RE.findall("\n".join(s.text for s in self.sentences)))
        return self._lower_words

    def is_common_word(self, word: str) -> bool:
        """A word that the text also writes in lower case and never capitalises mid-sentence outside a Title
        Case headline: "Considering Caicedo", "Referee Graham Poll" (not "Will" of "striker Will Dickson",
        capitalised mid-sentence)."""
        if word.casefold() in NAME_PARTICLE_WORDS or word.casefold() not in self.lower_words():
            return False
        if self._proper_nouns is None:
            self._proper_nouns = self._mid_sentence_capitals(
                [s.text for s in self.sentences if not _is_title_case(s.text)]
            )
        return word not in self._proper_nouns

    # -- pass 1: clubs and people -----------------------------------------------------------
    def discover(self) -> None:
        proper_nouns = self._mid_sentence_capitals()
        title_clubs = self.gazetteer.find_clubs(self.title) if self.title else []
        title_candidates = {n for _, _, n in _name_candidates(self.title, title_clubs)} if self.title else set()
        pending: list[tuple[SentenceInfo, list[tuple[int, int, str]]]] = []
        recent_clubs: list[str] = []
        subject_clubs: list[str] = []
        subject_of: dict[tuple[int, int], str] = {}  # (paragraph, sentence index) -> the club it is about
        gazetteer_clubs = [self.gazetteer.find_clubs(sentence.text) for sentence in self.sentences]
        plain_kept = [
            self._drop_name_parts(sentence.text, clubs)
            for sentence, clubs in zip(self.sentences, gazetteer_clubs, strict=True)
        ]
        # Clubs the text names as clubs somewhere, for _club_not_surname.
        settled = {club.canonical for clubs in plain_kept for club in clubs}

        def club_not_surname(text: str, club: ClubMention, before: re.Match) -> bool:
            return self._club_not_surname(text, club, before, settled, proper_nouns)

        for sentence, found, clubs in zip(self.sentences, gazetteer_clubs, plain_kept, strict=True):
            # club_not_surname can only keep a club the plain pass dropped: read again only where it dropped one.
            if len(clubs) < len(found):
                clubs = self._drop_name_parts(sentence.text, found, club_not_surname)
            clubs = self._drop_outlet_names(sentence.text, clubs)
            clubs = self._context_clubs(sentence.text, clubs)
            clubs = _national_sides(sentence.text, clubs)
            previous_subject = subject_of.get((sentence.paragraph, sentence.index - 1))
            clubs = self._club_anaphors(sentence.text, clubs, recent_clubs, subject_clubs, previous_subject)
            clubs = self._generic_short_clubs(sentence.text, clubs, recent_clubs)
            recent_clubs.extend(c.canonical for c in clubs)
            if clubs and clubs[0].start < 25:
                subject_clubs.append(clubs[0].canonical)  # the club a sentence is about
                subject_of[(sentence.paragraph, sentence.index)] = clubs[0].canonical
            weight = 3 if sentence.index == 0 else 1  # the lead names the story's club
            for club in clubs:
                self.club_counts[club.canonical] = self.club_counts.get(club.canonical, 0) + weight
            info = SentenceInfo(sentence, clubs, [])
            candidates = self.name_candidates(sentence.text, clubs)
            pending.append((info, candidates))
            self.infos.append(info)
            for _start, _end, name in candidates:
                if len(name.split()) >= 2 and not self._looks_like_place(name):
                    self.registry.add(name)
        # Single words become people only with support: a full name seen, a role noun, "X's agent"...
        for index, (info, candidates) in enumerate(pending):
            text = info.sentence.text
            surnames = [
                c
                for c in info.clubs
                if " " not in c.surface and c.alias_type != "venue" and self._is_known_surname(c.surface)
            ]
            if surnames:
                # "Wolves sacked Pereira" after "Vitor Pereira": the club alias is here the person's surname.
                info.clubs = [c for c in info.clubs if c not in surnames]
                candidates = sorted(candidates + [(c.start, c.end, c.surface) for c in surnames])
                pending[index] = (info, candidates)
            listed_role: tuple[int, str | None] = (-1, None)  # (end, role) of the last name with a role noun
            for start, end, name in candidates:
                person = None
                if len(name.split()) >= 2:
                    if self._looks_like_place(name):
                        continue
                    person = self.registry.lookup(name)
                else:
                    person = self.registry.lookup(name)
                    if person is None and (
                        self._single_name_is_person(text, start, end, name, proper_nouns, title_candidates)
                        or self._listed_with_person(text, start, end, name, candidates, proper_nouns)
                    ):
                        person = self.registry.add(name)
                if person is None:
                    continue
                info.mentions.append(Mention(person, start, end))
                if (
                    NAME_THEN_SPEECH_RE.match(text[end : end + 40]) and not TOLD_CLUB_OWN_WISH_RE.match(text, end)
                ) or re.search(rf"\b(?:{SPEECH_VERBS})\s*$", text[max(0, start - 12) : start]):
                    person.speech_mentions += 1
                if SOURCE_BEFORE_NAME_RE.search(text, max(0, start - 20), start):
                    person.source_mentions += 1
                role_kind = self._note_role_and_club(person, text, start, end, info.clubs)
                if role_kind is None and listed_role[1] and LIST_JOIN_RE.fullmatch(text, listed_role[0], start):
                    # "his right-hand men Roy Aitken and Steve McGregor": the role noun covers the list.
                    role_kind = listed_role[1]
                    person.role_votes[role_kind] = person.role_votes.get(role_kind, 0) + 1
                listed_role = (end, role_kind)
            for mention in info.mentions:
                if (
                    QUOTE_HEAD_AFTER_NAME_RE.match(text, mention.end)
                    and not text.endswith(" on ", 0, mention.start)  # the player of "Postecoglou on Rashford: “"
                    and any(m.person is not mention.person for m in info.mentions)
                ):
                    # A coach's words on a player the line also names ("Maresca: “Nkunku did not tell me...”")
                    # make him a speaker; a player quoted on his own move ("Hancko: “I never spoke to Juve”") not.
                    mention.person.speech_mentions += 1
        for person in self.registry.people:
            votes = person.role_votes
            if votes.get("other"):
                person.role = "other"
            elif 2 * votes.get("manager", 0) >= votes.get("player", 0) and votes.get("manager"):
                person.role = "manager"
            elif votes:
                person.role = "player"
            if not votes and person.speech_mentions and person.speech_mentions >= self._mention_count(person):
                person.role = "other"  # only ever quoted: an agent, official or pundit, not the mover
            if not votes and person.source_mentions and person.source_mentions >= self._mention_count(person):
                person.role = "other"  # only ever named as a source: "according to Sky Italia", "via Getty Images"
            if self.gazetteer.source(person.name) is not None:
                person.role = "other"  # journalists report moves, they do not make them

    def _club_anaphors(
        self,
        text: str,
        clubs: list[ClubMention],
        recent: list[str],
        subjects: list[str],
        previous_subject: str | None = None,
    ) -> list[ClubMention]:
        """ "the English club", "the Spanish giants": the latest club of that country named so far; a sentence
        opening "The club have ..." means the club last named; "they are ..." right after a sentence about a
        club ("Chelsea are another side moving aggressively. ... they are making a strong push to sign X")
        means that club."""
        added = False
        opener = THE_CLUB_START_RE.match(text)
        if opener is not None and subjects and not any(c.start < opener.end() for c in clubs):
            clubs = clubs + [ClubMention(opener.start(1), opener.end(1), opener.group(1), subjects[-1], "anaphor")]
            added = True
        elif previous_subject is not None and ("they" in text or "They" in text):
            they = THEY_CLUB_RE.search(text)
            if they is not None and not any(c.start < they.end() for c in clubs):
                clubs = clubs + [ClubMention(they.start(1), they.end(1), they.group(1), previous_subject, "anaphor")]
                added = True
        if "the " not in text:
            return sorted(clubs, key=lambda c: c.start) if added else clubs
        if " the club" in text:
            for match in LEAVE_THE_CLUB_RE.finditer(text):
                # "Manchester City are expected to let Kalvin Phillips leave the club": the club named before
                earlier = [c for c in clubs if c.end <= match.start(1)]
                if earlier:
                    clubs.append(
                        ClubMention(match.start(1), match.end(1), match.group(1), earlier[-1].canonical, "anaphor")
                    )
                    added = True
        for match in CLUB_ANAPHOR_RE.finditer(text):
            if any(c.start < match.end() and match.start() < c.end for c in clubs):
                continue
            country = CLUB_ANAPHOR_COUNTRY.get(match.group("adj").casefold())
            earlier = [c.canonical for c in clubs if c.end <= match.start()]
            for name in reversed(recent + earlier):
                if self.gazetteer.club_country.get(name) == country:
                    clubs.append(ClubMention(match.start(), match.end(), match.group(0), name, "anaphor"))
                    added = True
                    break
        return sorted(clubs, key=lambda c: c.start) if added else clubs

    def _context_clubs(self, text: str, clubs: list[ClubMention]) -> list[ClubMention]:
        """Clubs in no list, named by context: "Mexican outfit Red Sharks Veracruz", "Conference side Exeter"."""
        if (
            "side " not in text
            and "outfit " not in text
            and "club " not in text
            and "giants " not in text
            and "champions " not in text
        ):
            return clubs
        added = False
        for match in CONTEXT_CLUB_RE.finditer(text):
            start, end = match.span("club")
            name = match.group("club")
            if any(c.start < end and start < c.end for c in clubs) or all(
                w.casefold() in NOT_NAME_WORDS for w in name.split()
            ):
                continue
            if self.registry.lookup(name) is not None:
                continue
            clubs.append(ClubMention(start, end, name, self.gazetteer.canonical_club(name) or name, "context"))
            added = True
        return sorted(clubs, key=lambda c: c.start) if added else clubs

    @staticmethod
    def _generic_short_clubs(text: str, clubs: list[ClubMention], recent: list[str]) -> list[ClubMention]:
        """ "City", "United", "Town" alone: the club of that name the text named last ("Manchester City ...
        City agreed a deal"), unless the word is part of a longer name ("Mexico City", "United States")."""
        if not recent:
            return clubs
        added = False
        for match in GENERIC_SHORT_CLUB_RE.finditer(text):
            start, end = match.span(1)
            if any(c.start < end and start < c.end for c in clubs):
                continue
            if PREVIOUS_NAME_WORD_RE.search(text, max(0, start - 30), start):
                continue  # "Mexico City", "Leicester City" unknown to the gazetteer: part of a longer name
            word = " " + match.group(1)
            club = next((name for name in reversed(recent) if name.endswith(word)), None)
            if club is not None:
                clubs = clubs + [ClubMention(start, end, match.group(1), club, "short")]
                added = True
        return sorted(clubs, key=lambda c: c.start) if added else clubs

    def _drop_outlet_names(self, text: str, clubs: list[ClubMention]) -> list[ClubMention]:
        """ "according to the Liverpool Echo", "Manchester Evening News": an outlet, not a club."""
        kept = []
        for club in clubs:
            following = OUTLET_WORDS_AFTER_RE.match(text, club.end)
            if following is not None:
                words = following.group().split()
                if any(
                    self.gazetteer.source(text[club.start : club.end] + " " + " ".join(words[:n])) is not None
                    for n in range(1, len(words) + 1)
                ):
                    continue
            kept.append(club)
        return kept

    @staticmethod
    def _drop_name_parts(
        text: str, clubs: list[ClubMention], club_not_surname: Callable[..., bool] | None = None
    ) -> list[ClubMention]:
        """One-word club names that are here a person's first name or surname: "striker Milan Petric",
        "youngster Kieran Moss" (unless `club_not_surname(text, club, match of the word before)` says not)."""
        kept = []
        title_case = None
        for club in clubs:
            if " " not in club.surface and club.alias_type != "venue":
                after = NEXT_CAPITAL_RE.match(text, club.end)
                before = PREVIOUS_CAPITAL_RE.search(text, max(0, club.start - 30), club.start)
                if before is not None:
                    if title_case is None:
                        title_case = _is_title_case(text)
                    if title_case:
                        before = None  # in a Title Case headline every word is capitalised: "Joins Dortmund"
                if (
                    after
                    and after.group(1).casefold() not in NOT_NAME_WORDS
                    and _role_before(text, club.start)[0]
                    and not any(c.start == after.start(1) for c in clubs)
                ):
                    continue  # "Tottenham striker Milan Petric"
                if (
                    before
                    and before.group(1).casefold() not in NOT_NAME_WORDS
                    and not any(c.end == before.end(1) for c in clubs)
                    and before.group(1) != club.surface
                    and not (club_not_surname and club_not_surname(text, club, before))
                ):
                    continue  # "Arsenal youngster Kieran Moss"
            kept.append(club)
        return kept

    def _club_not_surname(
        self, text: str, club: ClubMention, before: re.Match, settled: set[str], proper_nouns: set[str]
    ) -> bool:
        """A club after a capitalised word that the text names as a club elsewhere (`settled`) is still the
        club when the word before is no name ("Rate Arsenal's summer", "Convincing Newcastle": the first word
        of the sentence, never capitalised mid-sentence) or ends a full name the text also gives without the
        club ("Mohamed Salah Liverpool £37m switch" beside "Mohamed Salah's move")."""
        if club.canonical not in settled:
            return False
        word = before.group(1)
        if not text[: before.start(1)].strip(" \"'‘“") and word not in proper_nouns:
            return True
        first = PREVIOUS_CAPITAL_RE.search(text, 0, before.start(1))
        if first is None:
            return False
        without_club = re.compile(rf"\b{re.escape(first.group(1))} {re.escape(word)}\b(?! {re.escape(club.surface)}\b)")
        return any(without_club.search(sentence.text) for sentence in self.sentences)

    def _is_known_surname(self, word: str) -> bool:
        key = name_key(word)
        if len(key) != 1:
            return False
        keys = (name_key(p.name) for p in self.registry.by_token.get(key[0], []))
        return any(len(k) > 1 and k[-1] == key[0] for k in keys)

    def _mention_count(self, person: Person) -> int:
        return sum(1 for info in self.infos for m in info.mentions if m.person is person)

    def _mid_sentence_capitals(self, texts: list[str] | None = None) -> set[str]:
        """Words the text capitalises after a lower-case word or a comma: proper nouns."""
        words: set[str] = set()
        for text in (s.text for s in self.sentences) if texts is None else texts:
            words.update(MID_SENTENCE_CAPITAL_RE.findall(text))
        return words

    @staticmethod
    def _looks_like_place(name: str) -> bool:
        key = name_key(name)
        return bool(key) and (
            key[-1]
            in {
                "park",
                "road",
                "lane",
                "stadium",
                "arena",
                "street",
                "ground",
                "cup",
                "league",
                "fa",
                "live",
                "sport",
                "news",
                "radio",
                "channel",
                "end",
                "stand",
                "terrace",
                "kop",
            }
            or key[0]
            in {
                "san",
                "santa",
                "st",
                "saint",
                "rio",
                "new",
                "north",
                "south",
                "east",
                "west",
                "copa",
                "radio",
                "cadena",
                "canal",
                "sky",
                "bbc",
            }
        )

    def _single_name_is_person(
        self, text: str, start: int, end: int, name: str, proper_nouns: set[str], title_candidates: set[str]
    ) -> bool:
        if name.casefold() in NOT_NAME_WORDS or self.gazetteer.source(name) is not None:
            return False
        role_kind, _ = _role_before(text, start)
        after = text[end : end + 40]
        if role_kind and (start == 0 or text[start - 1] == " "):
            return True
        if NAME_THEN_PERSON_NOUN_RE.match(after):
            return True
        if NAME_THEN_SPEECH_RE.match(after) and name in proper_nouns:
            return True
        if TRANSFER_OBJECT_BEFORE_RE.search(text, max(0, start - 30), start):
            return True  # "a summer move for Gallagher", "want to sign Gallagher"
        return name in title_candidates and name in proper_nouns

    def _listed_with_person(
        self, text: str, start: int, end: int, name: str, candidates: list[tuple[int, int, str]], proper_nouns: set[str]
    ) -> bool:
        """ "including Antony and Marcus Rashford": one word listed beside a known full name is a person too,
        when the text never writes it in lower case."""
        if name not in proper_nouns or name.casefold() in NOT_NAME_WORDS or name in NATIONAL_TEAM_NAMES:
            return False
        if self.gazetteer.source(name) is not None:
            return False
        for other_start, other_end, other in candidates:
            if len(other.split()) < 2 or self.registry.lookup(other) is None:
                continue
            # "and"/"or" only: "at the Gtech, Bryan Mbeumo" is an apposition, not a list
            if NAME_AND_RE.fullmatch(text, end, other_start) or NAME_AND_RE.fullmatch(text, other_end, start):
                return True
        return False

    def _note_role_and_club(
        self, person: Person, text: str, start: int, end: int, clubs: list[ClubMention]
    ) -> str | None:
        role_kind, _role_word = _role_before(text, start)
        if person.club is None and not role_kind:
            owner = next((c for c in clubs if 0 <= start - c.end <= 3 and text[c.end : start] in ("'s ", "’s ")), None)
            if owner is not None:
                person.club = owner.canonical  # "Chelsea's Carlton Cole"
        if role_kind:
            person.role_votes[role_kind] = person.role_votes.get(role_kind, 0) + 1
            # The club just before the role noun is the person's club ("Roma defender", "Larne's star").
            for club in reversed(clubs):
                if club.end <= start and start - club.end <= 45:
                    between = text[club.end : start]
                    if CLUB_ROLE_GAP_BREAK_RE.search(between):
                        break
                    if FORMER_BEFORE_RE.search(text[max(0, club.start - 12) : club.start]):
                        break
                    if person.club is None:
                        person.club = club.canonical
                    break
        if (
            AS_MANAGER_AFTER_RE.search(text[end : end + 80])
            or MANAGER_AFTER_NAME_RE.match(text, end)
            or SACKED_BEFORE_RE.search(text, max(0, start - 12), start)
            or (not role_kind and self._replaced_manager(text, start, end))
        ):
            person.role_votes["manager"] = person.role_votes.get("manager", 0) + 1
        return role_kind

    @staticmethod
    def _replaced_manager(text: str, start: int, end: int) -> bool:
        """The man a coach replaces is a coach: "appoint Ivan Juric as new head coach to replace Russell Martin",
        "to succeed Mark Hughes as Wales national coach", "their manager selection, replacing Emma Hayes"."""
        replaced = REPLACED_OR_TAKEN_OVER_BEFORE_RE.search(text, max(0, start - 40), start)
        if replaced is None:
            return False
        around = text[max(0, replaced.start() - 60) : replaced.start()] + " " + text[end : end + 40]
        return MANAGER_NOUN_RE.search(around) is not None

    # -- pass 2: frames ---------------------------------------------------------------------
    def extract(self) -> list[Claim]:
        self._guessed_stays: list[Claim] = []  # stays whose club was a guess (see _rehome_guessed_stays)
        last_mover: Person | None = None
        last_person: Person | None = None
        last_speaker: Person | None = None
        carried_source: tuple[str | None, int | None] = (None, None)
        self._recent_movers: list[Person] = []  # the movers of the last sentence that named any
        list_heading: tuple[str, str] | None = None
        for info, following in zip(self.infos, self.infos[1:], strict=False):
            paren = PAREN_SOURCE_RE.match(following.sentence.text)
            if paren is not None and following.sentence.paragraph == info.sentence.paragraph:
                info.paren_source = paren.group("src")
        for info in self.infos:
            sentence = info.sentence
            text = sentence.text
            # Who is speaking if this is a direct quote.
            if sentence.quoted or sentence.speaker_hint:
                speaker = self._resolve_speaker(info, last_person)
                if speaker is None and (sentence.continues_quote or not sentence.speaker_hint):
                    speaker = last_speaker
                info.speaker = speaker
                if speaker is not None:
                    last_speaker = speaker
            else:
                last_speaker = None
            source, tier, persists = self._attribution(info)
            if source is None and not sentence.quoted and carried_source[0] and not self._has_own_subject_clause(info):
                source, tier = carried_source
            if persists:
                carried_source = (source, tier)
            elif sentence.quoted and info.speaker is not None:
                pass
            info.source, info.source_tier = source, tier
            list_heading = self._transfer_list_heading(info, list_heading)
            claimed_mover = self._transfer_list_line(info, list_heading) or self._frames(info, last_mover)
            narrative_mentions = [m for m in info.mentions if not sentence.in_quote(m.start)]
            if narrative_mentions:
                # "He said" after "Larne boss McGeough has yet to confirm that Weir ...": the sentence's
                # subject (its first person) is who "he" is, not the last name in it.
                last_person = narrative_mentions[0].person
            movers_here = [
                m.person
                for m in info.mentions
                if m.person.role != "other"
                and m.person is not info.speaker
                and not NAME_THEN_SPEECH_RE.match(text[m.end : m.end + 40])
                and not re.match(r"^[’']s (?:side|team|men|squad)", text[m.end : m.end + 10])
            ]
            if claimed_mover is not None:
                # "McKenna will leave Ipswich and take over from Glasner": still McKenna, not the player named
                last_mover = claimed_mover
            elif movers_here:
                # The last named: "Nkunku's sale could fund Xavi Simons. The 22-year-old ..." is Simons.
                last_mover = next((p for p in reversed(movers_here) if p.role == "player"), movers_here[-1])
            self._recent_movers = movers_here or self._recent_movers
        self._rehome_guessed_stays()
        return self.claims

    def _rehome_guessed_stays(self) -> None:
        """A stay made where the player's club was not yet known took a club of its clause or the article's
        main club ("Haaland in talks over a Real Madrid move but City insist he is not for sale", a headline).
        When the text goes on to move him from a club H to that very club, the stay is at H (GUIDE: a stay's
        clubs are his own), not at the club he is said to join."""
        for claim in self._guessed_stays:
            homes = [
                c.from_club
                for c in self.claims
                if c.subject is claim.subject
                and c.kind != "stay"
                and not c.historical
                and c.to_club == claim.to_club
                and c.from_club not in (None, claim.to_club)
            ]
            if homes:
                claim.to_club = claim.from_club = max(dict.fromkeys(homes), key=homes.count)

    def _transfer_list_heading(self, info: SentenceInfo, heading: tuple[str, str] | None) -> tuple[str, str] | None:
        """The list a sentence opens or goes on with: (direction "in" or "out", the club it is for), or None."""
        text = info.sentence.text  # segment() leaves no space around a sentence
        match = (
            TRANSFER_LIST_HEADING_RE.match(text)
            if text.rstrip().removesuffix(":").rstrip().lower().endswith(TRANSFER_LIST_HEADING_ENDS)
            else None
        )
        if match is not None:
            if match.group("club"):
                # The words before "arrivals" must be a club and nothing more ("Liverpool's arrivals").
                club = next((c.canonical for c in info.clubs if c.start == 0 and c.end >= match.end("club")), None)
            else:
                club = self._main_club()
            if club is None:
                return None
            direction = match.group("direction").lower()
            outward = direction.startswith(("dep", "out", "exi")) or direction.endswith("out")
            return ("out" if outward else "in", club)
        if heading is not None and TRANSFER_LIST_LINE_RE.match(text):
            return heading
        return None

    def _transfer_list_line(self, info: SentenceInfo, heading: tuple[str, str] | None) -> Person | None:
        """ "- Florian Wirtz: Bayer Leverkusen - £116 million." under "Liverpool's arrivals": a done move."""
        if heading is None or not info.mentions or not info.clubs:
            return None
        text = info.sentence.text
        match = TRANSFER_LIST_LINE_RE.match(text)
        if match is None:
            return None
        mention = info.mentions[0]
        club = next((c for c in info.clubs if match.start("club") <= c.start < match.end("club")), None)
        if club is None or not (match.start("name") <= mention.start < match.end("name")):
            return None
        direction, list_club = heading
        to_club, from_club = (list_club, club.canonical) if direction == "in" else (club.canonical, list_club)
        rest = match.group("rest")
        kind = "loan" if re.search(r"\bloan\b", rest, re.IGNORECASE) else "transfer"
        fee = self._fee(rest, [("done", 0, 0, False)])  # the heading is the line's done cue
        self._add(
            mention.person, to_club, from_club, kind, "done", info.source, info.source_tier, text, fee, False, {}, info
        )
        return mention.person

    def _anaphor_target(self, clause_text: str, last_mover: Person) -> Person:
        """Who "he" or "the 24-year-old" is: the last mover, unless the clause opens "The Ipswich manager" and
        the last sentence also named a manager while the last mover is not one."""
        if last_mover.role != "manager" and MANAGER_ANAPHOR_RE.match(clause_text):
            managers = [p for p in self._recent_movers if p.role == "manager"]
            if len(managers) == 1:
                return managers[0]
        return last_mover

    def _has_own_subject_clause(self, info: SentenceInfo) -> bool:
        return False

    def _resolve_speaker(self, info: SentenceInfo, last_person: Person | None) -> Person | None:
        sentence = info.sentence
        hint = sentence.speaker_hint
        if not hint:
            return None
        offset = 0 if not sentence.speaker_after else sentence.text.rfind(hint)
        verb = SPEECH_VERB_RE.search(hint)
        # The named person nearest the speech verb, in the unquoted hint.
        best = None
        for mention in info.mentions:
            rel = mention.start - offset
            if 0 <= rel < len(hint) and not sentence.in_quote(mention.start):
                if sentence.speaker_after:
                    if best is None:
                        best = mention.person
                elif verb is None or rel < verb.start():
                    best = mention.person
        if best is not None:
            return best
        if re.search(
            r"\b(?:he|she)\b|\bthe [\w-]+(?: [\w-]+)?\s+(?:" + SPEECH_VERBS + ")", hint, re.IGNORECASE
        ) or ANAPHOR_RE.match(hint.lstrip()):
            return last_person  # "The Serbian, who has scored four goals, said:"
        return None

    def _attribution(self, info: SentenceInfo) -> tuple[str | None, int | None, bool]:
        """(source, tier, carries on to the next sentences) for the claim(s) in this sentence."""
        sentence = info.sentence
        text = sentence.text
        if sentence.quoted and info.speaker is not None:
            return info.speaker.name, self._person_tier(info.speaker), False
        if 1 in sentence.quote_mask:
            narrative = _blank_quotes(text, sentence.quote_mask)
        else:
            narrative = text
        match = QUOTED_IN_RE.search(narrative)
        if match:
            return match.group("src").strip(), 3, False
        match = ACCORDING_TO_RE.search(narrative)
        if match:
            return self._named_source(match.group("src"), persists=False)
        match = GENERIC_REPORT_RE.search(narrative) if "eport" in narrative else None  # each branch needs it
        if match:
            src = match.group("src") or match.group("rep3")
            if src and src.strip() in ("report", "reports"):
                # "Fabrizio Romano reports that ...": the verb of a named source, not "reports" the noun
                for outlet in OUTLET_CLAIM_RE.finditer(narrative, 0, match.end("src")):
                    named = self._known_source(outlet.group("src")) if outlet.end() == match.end("src") else None
                    if named is not None:
                        return named
            if src:
                src = src.strip().replace("Reports in", "reports in")  # "Reports in Spain claim ..." opening a sentence
                persists = bool(re.search(r"\breports? in [A-Z]", src)) and bool(
                    re.search(r"\b(?:claim|say|suggest|report|state)s?\b", narrative[match.end() : match.end() + 12])
                )
                return (src if src.lower().startswith("reports in") else "reports"), 4, persists
            return "reports", 4, False
        lowered = narrative.lower()
        if any(verb in lowered for verb in OUTLET_VERB_HINTS):
            candidates = [m.group("src") for m in OUTLET_CLAIM_RE.finditer(narrative)]
            candidates += [m.group("src") for m in OUTLET_AFTER_VERB_RE.finditer(narrative)]
        else:
            candidates = []
        paren = PAREN_SOURCE_RE.search(narrative)
        if paren is not None:
            candidates.append(paren.group("src"))
        if info.paren_source:
            candidates.append(info.paren_source)
        for src in candidates:
            named = self._known_source(src)
            if named is not None:
                return named
        return None, None, False

    def _known_source(self, src: str) -> tuple[str | None, int | None, bool] | None:
        """A named outlet or person as the source (None as the name when it is the article's own outlet)."""
        known = self.gazetteer.source(src)
        if known is not None:
            if self.outlet and self.gazetteer.source(self.outlet) == known:
                return None, known.tier, False
            return known.name, known.tier, False
        person = self.registry.lookup(src)
        if person is not None:
            return person.name, self._person_tier(person), False
        return None

    def _named_source(self, src: str, persists: bool) -> tuple[str | None, int | None, bool]:
        known = self.gazetteer.source(src)
        if known is not None:
            return known.name, known.tier, persists
        person = self.registry.lookup(src)
        if person is not None:
            return person.name, self._person_tier(person), persists
        return src, 4, persists

    def _person_tier(self, person: Person) -> int:
        known = self.gazetteer.source(person.name)
        return known.tier if known is not None else SOURCE_TIER_QUOTED_PARTY

    # -- frames -----------------------------------------------------------------------------
    def _frames(self, info: SentenceInfo, last_mover: Person | None) -> Person | None:
        """Add the claims of one sentence; returns the person they are about (None if none)."""
        sentence = info.sentence
        text = sentence.text
        if len(text) < 8:
            return None
        cues = self._stage_cues(text, info)
        if not cues:
            return None
        claimed: Person | None = None
        clauses = self._clauses(text, info)
        previous_subjects: list[Person] = []
        for c_start, c_end in clauses:
            if RELATIVE_START_RE.search(text[c_start : c_start + 12]):
                # "Mexican outfit Red Sharks Veracruz, who also expressed an interest": the club is the subject.
                antecedent = next((c for c in info.clubs if 0 <= c_start - c.end <= 2), None)
                if antecedent is not None:
                    c_start = antecedent.start
            clause_cues = [c for c in cues if c_start <= c[1] < c_end]
            if not clause_cues:
                movers = self._movers(info, c_start, c_end)
                if RELATIVE_START_RE.search(text[c_start : c_start + 12]):
                    continue  # "..., who has lost his place to Pearce, is attracting interest": not the subject
                movers = [p for p in movers if p is not info.speaker]  # 'Mowbray said: "he will stay"'
                if movers:
                    previous_subjects = movers
                elif c_start == 0 and last_mover is not None and ANAPHOR_RE.match(text.lstrip()):
                    previous_subjects = [last_mover]  # "The 24-year-old, who ..., is ..."
                continue
            movers = self._movers(info, c_start, c_end)
            clause_text = text[c_start:c_end]
            # '"I want Villa finishing top six," said O'Leary': a manager speaking is not moving unless he says so.
            speaker_not_moving = (
                sentence.quoted
                and info.speaker is not None
                and info.speaker.role != "player"
                and not OWN_MOVE_RE.search(clause_text)
            )
            if speaker_not_moving:
                movers = [p for p in movers if p is not info.speaker]
            if (
                info.speaker is not None
                and movers == [info.speaker]
                and info.speaker.role == "manager"
                and info.speaker.club
                and any(c[0] == "denied" for c in clause_cues)
                and last_mover
                and last_mover is not info.speaker
            ):
                movers = [last_mover]  # "I don't need strikers": the boss speaks for his club
            if (
                len(movers) == 1
                and movers[0].role == "manager"
                and last_mover is not None
                and last_mover is not movers[0]
                and SELLER_BOSS_RE.search(clause_text)
            ):
                movers = [last_mover]  # "Villa manager O'Leary is prepared to listen to offers for the international"
            if not movers and RELATIVE_START_RE.search(clause_text):
                # ", who has been loaned to Everton": the relative pronoun stands for the name just before.
                antecedent = [m for m in info.mentions if m.end <= c_start and m.person.role != "other"]
                if antecedent:
                    movers = [antecedent[-1].person]
            if not movers:
                if previous_subjects:
                    movers = previous_subjects
                elif (
                    info.speaker is not None
                    and info.speaker.role != "other"
                    and FIRST_PERSON_RE.search(clause_text)
                    and sentence.quoted
                    and (info.speaker.role == "player" or OWN_MOVE_RE.search(clause_text))
                    and not (
                        info.speaker.role == "manager"
                        and last_mover is not None
                        and THIRD_PERSON_RE.search(clause_text)
                    )
                ):
                    movers = [info.speaker]
                elif last_mover is not None and (ANAPHOR_RE.search(clause_text) or self._short_register(text)):
                    movers = [self._anaphor_target(clause_text, last_mover)]
                elif (
                    last_mover is not None
                    and sentence.quoted
                    and info.speaker is not None
                    and (
                        last_mover is not info.speaker or last_mover.role == "player" or OWN_MOVE_RE.search(clause_text)
                    )
                ):
                    movers = [last_mover]
                elif last_mover is not None and self._continues_claim(info, c_start, c_end, last_mover):
                    movers = [last_mover]
            if speaker_not_moving:
                movers = [p for p in movers if p is not info.speaker]
            if not movers:
                continue
            movers = self._without_deniers_of_reports(info, c_end, clause_cues, movers)
            # Managers doing the signing are not the ones moving.
            players = [p for p in movers if p.role == "player"]
            if (
                players
                and len(players) < len(movers)
                and not APPOINTMENT_RE.search(re.sub(r"\b(?:boss|manager|coach)\s+[A-Z]\w+", "", clause_text))
            ):
                movers = players
            if len(movers) > 1:
                movers = self._sold_people(info, c_start, c_end, movers) or self._drop_object_people(
                    info, c_start, c_end, movers
                )
            if len(movers) > 1:
                # "Wenger said he was hopeful Edu would sign": who speaks is not who moves.
                speakers = [
                    m.person
                    for m in info.mentions
                    if c_start <= m.start < c_end and NAME_THEN_SPEECH_RE.match(text[m.end : m.end + 40])
                ]
                movers = [p for p in movers if all(p is not q for q in speakers)] or movers
            previous_subjects = movers
            if self._claims_for_clause(info, c_start, c_end, clause_cues, movers):
                claimed = claimed or movers[0]
        return claimed

    @staticmethod
    def _without_deniers_of_reports(
        info: SentenceInfo, c_end: int, cues: list[tuple[str, int, int, bool]], movers: list[Person]
    ) -> list[Person]:
        """ "Arteta has dismissed reports that Arsenal are in talks to sign Osimhen": when the reports name
        someone, they are about him; who dismisses them is the denier (the source of the denial), no mover."""
        reports = _denial_of_reports(info.sentence.text, cues, c_end)
        if reports is None:
            return movers
        named_in_reports = {id(m.person) for m in info.mentions if reports.end() <= m.start < c_end}
        return [p for p in movers if id(p) in named_in_reports] or movers

    def _short_register(self, text: str) -> bool:
        return len(text) < 90 or self.short_article

    def _continues_claim(self, info: SentenceInfo, c_start: int, c_end: int, mover: Person) -> bool:
        """A clause with no person that names a club already bidding for the last mover ("The Hammers
        have had a £25m bid turned down"), or further clubs "also" in for him, goes on with that mover."""
        clubs = [c.canonical for c in info.clubs if c_start <= c.start < c_end]
        if not clubs:
            return False
        claimed = {c.to_club for c in self.claims if c.subject is mover and c.to_club}
        if any(club in claimed for club in clubs):
            return True
        if mover.club and mover.club in clubs and any(club != mover.club for club in clubs):
            return True  # "Spurs have received an enquiry from Olympiakos": his club and a new one
        if claimed or mover.club:
            # "... but that the English club had been earmarked as a possible destination": a destination
            # for someone already in play.
            to_clubs, _from, _sellers = self._club_roles(info, c_start, c_end, [mover])
            return any(club != mover.club for club in to_clubs)
        return bool(claimed) and re.search(r"\balso\b", info.sentence.text[c_start:c_end]) is not None

    @staticmethod
    def _sold_people(info: SentenceInfo, c_start: int, c_end: int, movers: list[Person]) -> list[Person]:
        """ "With the arrivals of Mudryk and Madueke, the Blues are willing to sell Christian Pulisic": the one a
        club sells is the mover, not the names before the verb."""
        text = info.sentence.text
        sold: list[Person] = []
        for mention in info.mentions:
            if (
                c_start <= mention.start < c_end
                and mention.person in movers
                and mention.person not in sold
                and SOLD_OBJECT_BEFORE_RE.search(text, max(c_start, mention.start - 40), mention.start)
            ):
                sold.append(mention.person)
        return sold

    @staticmethod
    def _drop_object_people(info: SentenceInfo, c_start: int, c_end: int, movers: list[Person]) -> list[Person]:
        """ "Dunne asked to leave after losing his place to Kiraly": a person after "to/by/with/replace..."
        when another person already leads the clause is an object, not a second mover."""
        text = info.sentence.text
        first = next((m for m in info.mentions if c_start <= m.start < c_end and m.person is movers[0]), None)
        if first is None:
            return movers
        kept = [movers[0]]
        for mention in info.mentions:
            if not (c_start <= mention.start < c_end) or mention.person in kept or mention.person not in movers:
                continue
            same_role = mention.person.role == movers[0].role
            window_start = max(first.end, mention.start - 40)
            replaced = REPLACED_BEFORE_RE.search(text, window_start, mention.start)
            if (
                mention.start > first.end
                and (same_role or replaced)
                and OBJECT_BEFORE_RE.search(text, window_start, mention.start)
            ):
                continue
            kept.append(mention.person)
        return kept

    def _stage_cues(self, text: str, info: SentenceInfo | None = None) -> list[tuple[str, int, int, bool]]:
        """(stage, start, end, negated) for each stage cue in the sentence. The stages whose regex matched,
        before any reading of the match, go to `info.cue_stages` (the model's sentence features reuse them)."""
        found: list[tuple[str, int, int, bool]] = []
        lowered = text.lower()
        arrow = ARROW_RE.search(text) if ("➡" in text or "→" in text or "->" in text) else None  # a slow scan
        if arrow is not None and SHORT_POST_TO_RE.search(text):
            found.append(("speculation", arrow.start(), arrow.end(), False))  # "X ➡️ Bournemouth"
        keys = cue_word_keys(lowered)
        matched: list[str] = []
        if info is not None:
            info.cue_stages = ()
            info.word_keys = keys
        if CUE_GATE_PREFIXES.isdisjoint(keys):
            return found
        for stage, pattern in COMPILED_STAGE_CUES:
            if STAGE_GATES[stage].isdisjoint(keys):
                continue
            cue_stage = stage
            for match in pattern.finditer(lowered):
                if not matched or matched[-1] != cue_stage:
                    matched.append(cue_stage)
                stage = cue_stage  # each match starts from its regex's stage (a reading below may change it)
                negated = False
                if stage not in ("denied", "collapsed"):
                    window = text[max(0, match.start() - 30) : match.start()]
                    negated = bool(NEGATION_RE.search(window))
                    if negated and NOT_YET_RE.search(window):
                        if stage not in ("bid", "talks") or "receiv" in window:
                            continue  # "have not yet agreed": how far it has got, not a denial
                        stage, negated = "interest", False  # "are yet to make an offer": interest so far
                    if negated and NOT_ONLY_RE.search(window):
                        negated = False  # "are not the only interested parties": others are interested too
                    if (
                        negated
                        and stage == "bid"
                        and (
                            RAISE_BEFORE_RE.search(lowered, max(0, match.start() - 25), match.start())
                            or NOT_ENOUGH_AFTER_RE.match(lowered, match.end())
                        )
                    ):
                        negated = False  # "will not be increasing their offer": the offer stands
                if (
                    stage in ("bid", "talks")
                    and not negated
                    and INTENDED_STEP_BEFORE_RE.search(lowered, max(0, match.start() - 45), match.start())
                ):
                    stage = "interest"  # "preparing an official bid", "expected to hold talks": not there yet
                elif stage in ("agreed", "done") and HEARSAY_BEFORE_RE.search(lowered, 0, match.start()):
                    stage = "speculation"  # "I heard on Sunday that he has joined": second-hand
                elif (
                    stage == "agreed"
                    and lowered[match.start() - 1 : match.start()] in ("‘", "'")
                    and lowered[match.end() : match.end() + 1] in ("’", "'")
                ):
                    stage = "interest"  # a scare-quoted ‘agreeing’ is the writer's hedge, not a deal agreed
                elif stage == "denied" and NEGATED_DENIAL_BEFORE_RE.search(
                    lowered, max(0, match.start() - 20), match.start()
                ):
                    stage = "speculation"  # "can't be ruled out", "did not deny": the move is still open
                if (stage == "denied" or negated) and lowered.startswith(" yet", match.end()):
                    continue  # "no bid yet": how far it has got, not a denial
                if (
                    stage == "agreed"
                    and lowered.startswith("agreement", match.start())
                    and EXISTING_AGREEMENT_BEFORE_RE.search(lowered, max(0, match.start() - 30), match.start())
                ):
                    continue  # "the €30m option in the forward's loan agreement": a deal made before, not now
                found.append((stage, match.start(), match.end(), negated))
        if info is not None:
            info.cue_stages = tuple(matched)
        found.sort(key=lambda c: c[1])
        # A cue inside a longer cue of another stage ("linked" inside "no links") keeps the longer.
        return found

    def _clauses(self, text: str, info: SentenceInfo) -> list[tuple[int, int]]:
        protected = []
        mentions = sorted([(m.start, m.end) for m in info.mentions] + [(c.start, c.end) for c in info.clubs])
        # Lists of names or clubs ("Mendy, Garcia and Alaba", "Rangers and Fulham") are one unit.
        affiliated_starts = {c.start for c in info.clubs if self._is_affiliation(c, text, info)}
        for (_s1, e1), (s2, _e2) in zip(mentions, mentions[1:], strict=False):
            if s2 in affiliated_starts:
                continue
            if LISTED_GAP_RE.fullmatch(text, e1, s2):
                protected.append((e1, s2))
        # "Liverpool — the reigning champions — have signed Wirtz": an aside between dashes with no cue of its
        # own does not cut its subject from its verb (a relative clause, "X – who joined Monaco – is", still does).
        dashes = list(DASH_RE.finditer(text))
        for first, second in zip(dashes, dashes[1:], strict=False):
            aside = text[first.end() : second.start()]
            lowered = aside.lower()
            if len(aside) <= DASH_ASIDE_MAX and not has_cue_word(lowered) and not lowered.startswith(RELATIVE_WORDS):
                protected += [first.span(), second.span()]
        cuts = [0]
        for match in CLAUSE_BOUNDARY_RE.finditer(text):
            if any(s <= match.start() < e for s, e in protected):
                continue
            cuts.append(match.start())
        cuts.append(len(text))
        return [(a, b) for a, b in zip(cuts, cuts[1:], strict=False) if b > a]

    def _movers(self, info: SentenceInfo, c_start: int, c_end: int) -> list[Person]:
        movers: list[Person] = []
        for mention in info.mentions:
            if c_start <= mention.start < c_end and mention.person.role != "other":
                after = info.sentence.text[mention.end : mention.end + 25]
                if POSSESSIVE_NOT_MOVER_RE.match(after):
                    continue  # "Mick McCarthy's side" is a club, not a mover
                if ADVOCATE_AFTER_RE.match(info.sentence.text, mention.end) or self._signs_someone(info, mention):
                    continue
                if mention.person not in movers:
                    movers.append(mention.person)
        return movers

    @staticmethod
    def _signs_someone(info: SentenceInfo, mention: Mention) -> bool:
        """ "if Mikel Arteta signed long-term target Julian Alvarez": one who signs another person buys, not moves."""
        match = SIGNS_AFTER_RE.match(info.sentence.text, mention.end)
        return match is not None and any(m.start == match.end() - 1 for m in info.mentions)

    def _claims_for_clause(
        self, info: SentenceInfo, c_start: int, c_end: int, cues: list[tuple[str, int, int, bool]], movers: list[Person]
    ) -> bool:
        before_count = len(self.claims)
        self._clause_claims(info, c_start, c_end, cues, movers)
        # Background ("Hojlund, who joined Napoli in September") does not make its subject the one in play.
        return any(not claim.historical for claim in self.claims[before_count:])

    def _clause_claims(
        self,
        info: SentenceInfo,
        c_start: int,
        c_end: int,
        cues: list[tuple[str, int, int, bool]],
        movers: list[Person],
        reported: bool = False,
    ) -> None:
        sentence = info.sentence
        text = sentence.text
        clause = text[c_start:c_end]
        if not reported:
            denial_of_reports = _denial_of_reports(text, cues, c_end)
            if denial_of_reports is None and any(c[0] == "denied" for c in cues):
                # "X is not for sale amid reports that Newcastle are preparing a bid"
                denial_of_reports = AMID_REPORTS_RE.search(text, c_start, c_end)
            if denial_of_reports is not None:
                # "Moyes has dismissed reports that Lacey is set to join Portsmouth": the reported claim is a
                # row of its own (source: the reports), and the dismissal is the denier's row.
                inner = [c for c in cues if c[1] >= denial_of_reports.end()]
                if any(c[0] != "denied" for c in inner):
                    self._clause_claims(info, denial_of_reports.end(), c_end, inner, movers, reported=True)
                    cues = [c for c in cues if c[1] < denial_of_reports.end() or c[0] in ("denied", "collapsed")]
                    cues = cues + [c for c in inner if c[0] not in ("denied", "collapsed")]
        conditional = bool(CONDITIONAL_START_RE.search(clause)) or bool(
            re.search(r"\bif\b", clause[:40], re.IGNORECASE) and not re.search(r"\bif\b.*\bthen\b", clause)
        )
        positive = [c for c in cues if c[0] not in ("denied", "collapsed") and not c[3]]
        negated = [c for c in cues if c[3] and c[0] in ("interest", "talks", "bid")]
        denials = [c for c in cues if c[0] == "denied"]
        collapses = [c for c in cues if c[0] == "collapsed"]
        if conditional and not denials:
            return
        # Clubs in this clause and what they do.
        to_clubs, from_clubs, seller_clubs = self._club_roles(
            info, c_start, c_end, movers, min(c[1] for c in cues) if cues else None
        )
        lowered = clause.lower()
        historical = (
            HISTORICAL_GATE_RE.search(lowered) is not None
            and HISTORICAL_CUES.search(lowered.lstrip(" ,;:-–—")) is not None
        ) or self._past_year(clause, positive)
        stay = _stays(lowered)
        exit_cue = bool(EXIT_RE.search(lowered))
        if not to_clubs and positive and not exit_cue and not stay and lowered.startswith(", with "):
            # "Chelsea could also bring more players in, with X and Y among those linked": the club that opens
            # the sentence is the one they are linked with.
            lead = info.clubs[0] if info.clubs else None
            if (
                lead is not None
                and lead.start < min(25, c_start)
                and lead.canonical not in from_clubs
                and all(p.club != lead.canonical for p in movers)
            ):
                to_clubs = [lead.canonical]
        if not stay and not exit_cue and not to_clubs and any(c[0] == "done" for c in positive):
            # "O'Leary put pen to paper after deals were sorted for Aitken": the new deal of the sentence.
            stay = _stays(text.lower())
        loan = "loan" in lowered and LOAN_RE.search(lowered) is not None
        fee = self._fee(clause, positive)
        extra = self._extras(clause)
        source, tier = info.source, info.source_tier
        if source is None and info.speaker is not None and cues and sentence.in_quote(cues[0][1]):
            source, tier = info.speaker.name, self._person_tier(info.speaker)  # the claim is in his quote
        if reported:
            source, tier = "reports", 4
            denials = [c for c in denials if c[1] >= c_start]
        if denials and info.speaker is None and (source is None or source == "reports"):
            denier = self._denier(info, c_start, denials[0][1], movers)
            if denier is not None:
                source, tier = denier
            elif source is None:
                speaker = self._reported_speaker(info, c_start, movers)
                if speaker is not None:
                    source, tier = speaker.name, self._person_tier(speaker)
        for subject in movers:
            from_club = (from_clubs[0] if from_clubs else None) or subject.club
            subject_to = [c for c in to_clubs if c != subject.club or stay]
            if denials or (negated and not positive):
                stage = "denied"
            elif collapses:
                stage = "collapsed"
            elif positive:
                stage = max((c[0] for c in positive), key=lambda s: STAGE_RANK[s])
            else:
                continue
            per_club_stage = self._per_club_stage(text, c_start, c_end, positive, subject_to, info)
            kind_base = "loan" if loan else "transfer"
            if subject.role == "manager":
                kind_base = "appointment"
            # "will not sell Gerrard to Chelsea": a refusal to sell to a club denies that move, no stay there
            refused_to = from_club is None and subject_to and SELL_REFUSAL_RE.search(lowered) is not None
            if (
                stay
                and not subject_to
                or (stay and subject_to and not refused_to and all(c == (from_club or c) for c in subject_to))
            ):
                club = subject_to[0] if subject_to else from_club or self._home_club(subject, info)
                if club is None:
                    continue
                self._add(subject, club, club, "stay", stage, source, tier, text, fee, historical, extra, info)
                if from_club is None:  # a clause club or _home_club's guess
                    self._guessed_stays.append(self.claims[-1])
                continue
            if subject_to:
                for club in subject_to:
                    club_stage = stage if stage in ("denied", "collapsed") else per_club_stage.get(club, stage)
                    if collapses and not self._near(collapses, club, info, c_start, c_end):
                        club_stage = per_club_stage.get(club, stage if positive else "speculation")
                        if not positive:
                            club_stage = "collapsed"
                    self._add(
                        subject,
                        club,
                        from_club if from_club != club else None,
                        kind_base,
                        club_stage,
                        source,
                        tier,
                        text,
                        fee,
                        historical,
                        extra,
                        info,
                    )
                continue
            # No destination in this clause.
            open_claim = self._open_claim(subject)
            speaker = info.speaker
            speaker_club = (
                speaker.club if speaker is not None and speaker is not subject and speaker.role != "player" else None
            )
            if stage == "denied" and speaker_club:
                open_claim = next(
                    (c for c in reversed(self.claims) if c.subject is subject and c.to_club == speaker_club), open_claim
                )
            if stage == "denied":
                if (
                    open_claim is not None
                    and TALKS_DENIAL_RE.search(clause)
                    and STAGE_RANK.get(open_claim.stage, 0) < STAGE_RANK["talks"]
                ):
                    continue  # "I've never talked to them" does not deny mere interest
                if (
                    open_claim is not None
                    and (info.speaker is not None or source)
                    and not GENERAL_DENIAL_RE.search(clause)
                ):
                    self._add(
                        subject,
                        open_claim.to_club,
                        open_claim.from_club,
                        open_claim.kind,
                        "denied",
                        source,
                        tier,
                        text,
                        None,
                        historical,
                        extra,
                        info,
                    )
                elif exit_cue or re.search(r"\bbids?\b|\boffers?\b", clause, re.IGNORECASE):
                    home = from_club or self._home_club(subject, info)
                    self._add(subject, None, home, "exit", "denied", source, tier, text, None, historical, extra, info)
                continue
            if exit_cue and CONDITIONAL_EXIT_RE.search(clause):
                continue  # "rumours persist that he will leave Anfield if the Reds fail ...": not a live claim
            if exit_cue:
                home = from_club or self._home_club(subject, info)
                self._add(subject, None, home, "exit", stage, source, tier, text, fee, historical, extra, info)
                continue
            if (
                open_claim is not None
                and not historical
                and not RELATIVE_START_RE.search(clause)
                and (from_clubs or seller_clubs or fee or stage in ("agreed", "done"))
            ):
                # "Deal agreed with PSG", "subject to a medical": the claim already on the table moves on.
                new_from = open_claim.from_club or (from_clubs[0] if from_clubs else None)
                self._add(
                    subject,
                    open_claim.to_club,
                    new_from,
                    open_claim.kind if not loan else "loan",
                    stage,
                    source,
                    tier,
                    text,
                    fee,
                    historical,
                    extra,
                    info,
                )
                continue
            if (
                subject.role == "manager"
                and MANAGER_IN_CHARGE_RE.search(clause)
                or (
                    stage in ("speculation", "interest", "talks", "agreed")
                    and VACANCY_RE.search(text)
                    and APPOINTMENT_RE.search(text)
                )
            ):
                # "Tommy Craig will take charge of the team", "X and Y are on the shortlist": the club whose job it is.
                club = self._main_club()
                if (
                    club == subject.club
                    or FORMER_CLUB_BEFORE_RE.search(text)
                    and club
                    in {
                        c.canonical for c in info.clubs if FORMER_BEFORE_RE.search(text[max(0, c.start - 12) : c.start])
                    }
                ):
                    club = None
                if club:
                    self._add(
                        subject, club, None, "appointment", stage, source, tier, text, fee, historical, extra, info
                    )

    def _past_year(self, clause: str, positive: list) -> bool:
        if PAST_SEASON_RE.search(clause) and any(c[0] == "done" for c in positive):
            return True
        for match in PAST_YEAR_RE.finditer(clause):
            year = int(match.group(1))
            if self.year is None or year < self.year:
                if any(c[0] == "done" for c in positive):
                    return True
        return False

    def _near(self, cues, club, info, c_start, c_end) -> bool:
        for mention in info.clubs:
            if mention.canonical == club and c_start <= mention.start < c_end:
                for cue in cues:
                    if abs(cue[1] - mention.start) < 40:
                        return True
        return False

    def _per_club_stage(self, text, c_start, c_end, positive, clubs, info) -> dict[str, str]:
        """Give each cue to its nearest destination club, so "X joined the race … Y's bid" keeps apart."""
        if len(set(clubs)) < 2 or not positive:
            return {}
        positions = [(m.start, m.canonical) for m in info.clubs if c_start <= m.start < c_end and m.canonical in clubs]
        if not positions:
            return {}
        stages: dict[str, str] = {}
        for stage, start, _end, _neg in positive:
            nearest = min(positions, key=lambda p: abs(p[0] - start))[1]
            if nearest not in stages or STAGE_RANK[stage] > STAGE_RANK[stages[nearest]]:
                stages[nearest] = stage
        # Clubs listed together ("Rangers and Fulham") share their group's stage.
        ordered = sorted(positions)
        for (p1, c1), (p2, c2) in zip(ordered, ordered[1:], strict=False):
            between = text[p1:p2]
            if (
                c2 not in stages
                and re.fullmatch(
                    r"[^,;]*?(?:,|and|or|as well as)\s*(?:the\s+)?",
                    between[len(c1) :] if False else re.sub(r"^\S+(?:\s\S+)?", "", between),
                )
                is not None
            ):
                if c1 in stages:
                    stages[c2] = stages[c1]
        return stages

    @staticmethod
    def _club_groups(clubs: list[ClubMention], text: str) -> list[list[ClubMention]]:
        groups: list[list[ClubMention]] = []
        for club in clubs:
            if groups and re.fullmatch(
                r"\s*(?:,|,?\s*and|,?\s*or|,?\s*as well as|&|,?\s*nor)\s*(?:the\s+)?",
                text[groups[-1][-1].end : club.start],
            ):
                groups[-1].append(club)
            else:
                groups.append([club])
        return [g for g in groups if len(g) > 1]

    def _club_roles(
        self, info: SentenceInfo, c_start: int, c_end: int, movers: list[Person], first_cue: int | None = None
    ) -> tuple[list[str], list[str], list[str]]:
        text = info.sentence.text
        to_clubs: list[str] = []
        from_clubs: list[str] = []
        sellers: list[str] = []
        undecided: list[tuple[ClubMention, str]] = []
        assigned: dict[int, str] = {}
        mover_clubs = {p.club for p in movers if p.club}
        clubs = [c for c in info.clubs if c_start <= c.start < c_end]
        pair_roles: dict[int, str] = {}
        for first, second in zip(clubs, clubs[1:], strict=False):
            if CLUB_PAIR_GAP_RE.fullmatch(text, first.end, second.start) and CLUB_PAIR_DEAL_AFTER_RE.match(
                text, second.end
            ):
                pair_roles[first.start], pair_roles[second.start] = "to", "from"
        previous_role = None
        previous_end = -1
        suitor_list = "includ" in text or "such as" in text or "among them" in text or "led by" in text
        for club in clubs:
            before = text[max(0, club.start - 40) : club.start]
            after = text[club.end : club.end + 80]
            name = club.canonical
            role = None
            listed = previous_end >= 0 and LISTED_GAP_RE.fullmatch(text, previous_end, club.start)
            if FORMER_BEFORE_RE.search(before) or PAST_AT_BEFORE_RE.search(before):
                role = "former"
            elif MATCH_CONTEXT_BEFORE_RE.search(before) or TABLE_CONTEXT_BEFORE_RE.search(before):
                role = "match"
            elif club.start in pair_roles:
                role = pair_roles[club.start]
            elif STATEMENT_VIA_BEFORE_RE.search(before) or self._trailing_speaker(text, club):
                role = "neutral"  # "issuing a statement through Arsenal"; "..., Arsenal said."
            elif NOBODY_FROM_BEFORE_RE.search(before):
                role = "to"  # "nobody from Chelsea has contacted me": the denied buyer
            elif BETWEEN_BEFORE_RE.search(before):
                role = "to"  # "agreement between Brighton and Ajax": buyer first
            elif BETWEEN_AND_BEFORE_RE.search(before):
                role = "from"
            elif AS_BEFORE_RE.search(before) and re.match(
                r"^(?:[’']s)?\s+(?:new\s+|next\s+)?(?:head coach|manager|boss|coach)\b", after
            ):
                # "to replace Pereira as Wolves head coach"; "has left his role as City manager"
                role = "from" if LEFT_CLUB_VERB_RE.search(text, c_start, club.start) else "to"
            elif NEW_TITLE_BEFORE_RE.search(before) and NEW_TITLE_AFTER_RE.match(after):
                role = "to"  # "X will be the new West Ham head coach"
            elif listed and previous_role:
                role = previous_role
            elif APPOINTED_BEFORE_RE.search(before) and re.match(
                r"^\s+(?:new\s+|permanent\s+|interim\s+|caretaker\s+)?(?:head coach|manager|boss|coach)\b", after
            ):
                # "has been appointed Newcastle manager" / "sacked as Newcastle manager" (left: handled above)
                role = "from" if LEFT_CLUB_VERB_RE.search(text, c_start, club.start) else "to"
            elif self._is_affiliation(club, text, info):
                role = "affiliation"
                boss = next((m for m in info.mentions if 0 <= m.start - club.end <= 45), None)
                if (
                    boss is not None
                    and boss.person.role in ("manager", "other")
                    and boss.person not in movers
                    and BOSS_WORD_RE.search(text, club.end, boss.start)
                    and not (NEGATIVE_WORD_RE.search(text, c_start, c_end) and RECEIVED_RE.search(text, c_start, c_end))
                ):
                    # "Chelsea boss Jose Mourinho wants to sign Essien": the boss buys for his club.
                    role = "to" if first_cue is not None and first_cue > club.end else None
                    if SELLER_BOSS_RE.search(text, c_start, c_end):
                        role = "from"  # "Villa manager O'Leary is prepared to listen to offers for him"
                    if role is None:
                        undecided.append((club, before))
            elif (
                CLUB_STAFF_AFTER_RE.match(after)
                and first_cue is not None
                and first_cue > club.end
                and not NEGATIVE_WORD_RE.search(text, c_start, c_end)
            ):
                role = "to"  # "the Valencia people ... are interested", "Newcastle scouts have watched him"
            elif BUYER_NOUN_BEFORE_RE.search(before):
                role = "to"
            elif suitor_list and SUITOR_LIST_BEFORE_RE.search(text, max(c_start, club.start - 130), club.start):
                role = "to"
            elif COUNTERPARTY_BEFORE_RE.search(before):
                role = "counterparty"
            elif LINKED_WITH_BEFORE_RE.search(before) or LINKING_WITH_BEFORE_RE.search(before):
                role = "to"
            elif WITH_BEFORE_RE.search(before) and SELLER_VERB_AFTER_RE.search(after):
                role = "seller"  # ", with the Seagulls demanding €60m"
            elif CLUB_FROM_BEFORE_RE.search(before) or WANTS_TO_LEAVE_AFTER_RE.match(after):
                role = "from"
            elif CLUB_TO_BEFORE_RE.search(before):
                role = "to"
            elif CLUB_POSSESSIVE_BUYER_AFTER_RE.match(after):
                role = "to"
            elif SELLER_VERB_AFTER_RE.search(after):
                role = "seller"
            elif BUYER_VERB_AFTER_RE.search(after):
                role = "to"
            elif FAVOURITES_AFTER_RE.match(after):
                role = "to"
            else:
                undecided.append((club, before))
            if role == "to" and name not in to_clubs:
                to_clubs.append(name)
            elif role == "from" and name not in from_clubs:
                from_clubs.append(name)
            elif role == "seller" and name not in sellers:
                sellers.append(name)
            elif role == "counterparty":
                # "Villa have agreed a fee with Norwich", "Chelsea are in talks with Brighton": with a
                # buyer already named before it, the other party of the agreement is the seller.
                buyer_before = bool(to_clubs) or any(
                    c.start < club.start and c.canonical not in mover_clubs and not CLUB_SAYS_RE.match(text, c.end)
                    for c, _b in undecided
                )
                if (
                    buyer_before
                    or name in mover_clubs
                    or any(self._open_claim(p) and self._open_claim(p).to_club != name for p in movers)
                ):
                    from_clubs.append(name)
                    role = "from"
                else:
                    to_clubs.append(name)
                    role = "to"  # "no talks with Bayern or Real Madrid": the list shares it
            previous_role = role if role in ("to", "from", "seller", "former") else None
            if role is not None:
                assigned[id(club)] = role
            previous_end = club.end
        # Lists of clubs ("Parma and Real Madrid are interested") share one role, whichever member shows it.
        for group in self._club_groups(clubs, text):
            roles = {assigned.get(id(c)) for c in group} - {None}
            if len(roles) == 1:
                role = roles.pop()
                for member in group:
                    if assigned.get(id(member)) is None:
                        assigned[id(member)] = role
                        target = {"to": to_clubs, "from": from_clubs, "seller": sellers}.get(role)
                        if target is not None and member.canonical not in target:
                            target.append(member.canonical)
                        undecided = [(c, b) for c, b in undecided if c is not member]
        # A club that opens the clause before any cue ("Chelsea have had no dealings") is the buyer.
        if not to_clubs and undecided and first_cue is not None:
            leaving = (
                LEFT_CLUB_VERB_RE.search(text, c_start, c_end) is not None
                or SELL_CUE_START_RE.match(text.lower(), first_cue) is not None
            )
            for club, _before in undecided:
                if (
                    club.start < first_cue
                    and club.canonical not in mover_clubs
                    and club.canonical not in from_clubs  # "Liverpool confirmed X will leave the club"
                    and not re.search(r"\b(?:at|in|against|over|beat|beaten|v|vs)\s+(?:the\s+)?$", _before)
                ):
                    # "Wolves sacked Pereira", "the club have been without a manager since X was sacked"
                    (from_clubs if leaving else to_clubs).append(club.canonical)
        for name in sellers:
            if name not in from_clubs:
                from_clubs.append(name)
        # "Liverpool boss Arne Slot confirmed that X will leave the club": the club he leaves is no buyer too.
        left = {c.canonical for c in clubs if c.surface == "the club" and assigned.get(id(c)) == "from"}
        to_clubs = [name for name in to_clubs if name not in left]
        # "X to Y, here we go!": short-post register.
        if not to_clubs:
            match = SHORT_POST_TO_RE.search(text[c_start:c_end])
            if match and any(
                c_start + match.start("name") <= m.start < c_start + match.end("name") for m in info.mentions
            ):  # "X to Y": X must be a person, not "Release clause paid"
                club = self.gazetteer.canonical_club(match.group("club").strip())
                if club:
                    to_clubs.append(club)
        return to_clubs, from_clubs, sellers

    def _is_affiliation(self, club: ClubMention, text: str, info: SentenceInfo) -> bool:
        """ "Roma defender Vincent Candela", "Fulham's Edwin van der Sar", "Arsenal boss": the person's club."""
        after = text[club.end : club.end + 70]
        if AFFILIATION_AFTER_RE.match(after):
            return True
        for mention in info.mentions:
            if 0 <= mention.start - club.end <= 4 and POSSESSIVE_GAP_RE.match(text[club.end : mention.start]):
                return True
        return False

    def _denier(
        self, info: SentenceInfo, c_start: int, cue_start: int, movers: list[Person]
    ) -> tuple[str, int | None] | None:
        """Who denies: the person or club that is the subject of the denial verb ("Moyes has dismissed
        reports", "Preston say they have received no approach")."""
        text = info.sentence.text
        for club in info.clubs:
            if (
                c_start <= club.start
                and club.end <= cue_start
                and (CLUB_SAYS_RE.match(text, club.end) or CLUB_IS_BEFORE_CUE_RE.fullmatch(text, club.end, cue_start))
                and not any(c_start <= m.start < club.start for m in info.mentions)
            ):
                return club.canonical, SOURCE_TIER_QUOTED_PARTY  # "Bolton have insisted that X is not for sale"
        before_cue = [
            m
            for m in info.mentions
            if c_start <= m.start and m.end <= cue_start and not info.sentence.in_quote(m.start)
        ]
        people = [m for m in before_cue if m.person not in movers]
        if not people and before_cue:
            opener = next((c for c in info.clubs if CLAUSE_OPENER_RE.fullmatch(text, c_start, c.start)), None)
            if opener is not None and opener.end <= before_cue[0].start:
                # "Palace are understood to value Wharton at £70m and have no intention of selling": the club
                # that opens the clause speaks, not the player it names
                return opener.canonical, SOURCE_TIER_QUOTED_PARTY
            person = before_cue[-1].person  # "Reyes had moved to play down reports": he denies it himself
            return person.name, self._person_tier(person)
        if people:
            person = people[-1].person
            if person.club and person.role != "player":
                # "Everton boss Moyes dismissed reports that Lacey ...": unless Everton is the buyer, Lacey
                # is an Everton player.
                for mover in movers:
                    if mover.club is None and person.club not in {c.to_club for c in self.claims if c.subject is mover}:
                        mover.club = person.club
            return person.name, self._person_tier(person)
        for club in info.clubs:
            if c_start <= club.start and club.end <= cue_start and CLUB_SAYS_RE.match(text, club.end):
                return club.canonical, SOURCE_TIER_QUOTED_PARTY
        speaker = next(
            (club for club in info.clubs if club.start >= cue_start and self._trailing_speaker(text, club)), None
        )
        if speaker is not None:
            return speaker.canonical, SOURCE_TIER_QUOTED_PARTY  # "There is no truth in the reports, Arsenal said."
        return None

    @staticmethod
    def _trailing_speaker(text: str, club: ClubMention) -> bool:
        """A club named after the words it said, at the sentence's end: "..., Arsenal said." """
        if not TRAILING_BEFORE_RE.search(text, max(0, club.start - 8), club.start):
            return False
        said = CLUB_SAYS_RE.match(text, club.end)
        return said is not None and SENTENCE_END_RE.fullmatch(text, said.end()) is not None

    def _reported_speaker(self, info: SentenceInfo, c_start: int, movers: list[Person]) -> Person | None:
        """ "Wardle confirmed the club had not…": the named subject of a speech verb (not the one moving:
        in "not interested in signing Osimhen, sources have told ESPN" Osimhen tells no one)."""
        text = info.sentence.text
        verb = SPEECH_VERB_RE.search(text, c_start)
        if verb is None:
            return None
        before = [
            m for m in info.mentions if m.end <= verb.start() and verb.start() - m.end < 40 and m.person not in movers
        ]
        return before[-1].person if before else None

    def _fee(self, clause: str, positive: list) -> str | None:
        match = WHATEVER_FEE_RE.search(clause)
        if match:
            return match.group(0).strip()
        if not any(c[0] in ("bid", "agreed", "done", "talks") for c in positive) and not re.search(
            r"\b(?:fee|pay|paid|worth|for)\b", clause
        ):
            return None
        match = SYMBOL_FEE_RE.search(clause) or WORD_FEE_RE.search(clause)
        return match.group(0).strip() if match else None

    @staticmethod
    def _extras(clause: str) -> dict:
        extra: dict = {}
        lowered = clause.lower()
        if ("option" in lowered or "obligation" in lowered or "buy" in lowered) and OPTION_TO_BUY_RE.search(clause):
            extra["option_to_buy"] = True
            if "obligation" in lowered:
                extra["obligation_to_buy"] = True
        if "year" in lowered or "month" in lowered or "season" in lowered:
            match = CONTRACT_LENGTH_RE.search(clause)
            if match:
                extra["contract_length"] = match.group("len")
        if "add" in lowered or "bonus" in lowered or "variable" in lowered:
            match = ADD_ONS_RE.search(clause)
            if match:
                extra["add_ons"] = match.group("addon")
        return extra

    def _home_club(self, subject: Person, info: SentenceInfo) -> str | None:
        """The club a person is at when the clause does not say: his own, the one his moves start from,
        the club of the manager or official speaking about him, else the article's main club."""
        if subject.club:
            return subject.club
        known = [c.from_club for c in self.claims if c.subject is subject and c.from_club and c.kind != "stay"]
        if known:
            return max(dict.fromkeys(known), key=known.count)  # a tie goes to the first named, not to hash order
        speaker = info.speaker
        if speaker is not None and speaker is not subject and speaker.club and speaker.role != "player":
            destinations = {c.to_club for c in self.claims if c.subject is subject}
            if speaker.club not in destinations:
                return speaker.club
        return self._main_club()

    def _main_club(self) -> str | None:
        if not self.club_counts:
            return None
        return max(self.club_counts.items(), key=lambda kv: kv[1])[0]

    def _open_claim(self, subject: Person) -> Claim | None:
        """The subject's live move with a destination that is furthest along (the latest among equals)."""
        best = None
        for claim in self.claims:
            if (
                claim.subject is subject
                and claim.to_club is not None
                and claim.stage in STAGE_RANK
                and claim.kind != "stay"
                and not claim.historical
            ):
                if best is None or STAGE_RANK[claim.stage] >= STAGE_RANK[best.stage]:
                    best = claim
        return best

    def _add(
        self,
        subject: Person,
        to_club: str | None,
        from_club: str | None,
        kind: str,
        stage: str,
        source: str | None,
        tier: int | None,
        evidence: str,
        fee: str | None,
        historical: bool,
        extra: dict,
        info: SentenceInfo,
    ) -> None:
        if to_club is None and kind not in ("exit", "stay"):
            kind = "exit"
        if kind in ("transfer", "loan") and subject.role == "manager":
            kind = "appointment"
        if from_club == to_club and kind != "stay":
            from_club = None
        self.claims.append(
            Claim(
                subject,
                to_club,
                from_club,
                kind,
                stage,
                source,
                tier,
                evidence.strip(),
                fee,
                historical,
                dict(extra),
                order=len(self.claims),
                sentence=info.sentence.index,
            )
        )


def _national_sides(text: str, clubs: list[ClubMention]) -> list[ClubMention]:
    """ "to succeed Berti Vogts as Scotland manager", "the Brazil national team": a national side whose job is
    meant, read as a club so that the rules see its coaches come and go (players' caps are no transfers)."""
    if not any(word in text for word in NATIONAL_JOB_WORDS):
        return clubs
    added = False
    for match in NATIONAL_SIDE_RE.finditer(text):
        start, end = match.span(1)
        if any(c.start < end and start < c.end for c in clubs):
            continue
        clubs = clubs + [ClubMention(start, end, match.group(1), match.group(1), "national")]
        added = True
    return sorted(clubs, key=lambda c: c.start) if added else clubs


def _stays(lowered: str) -> bool:
    """A stay cue not made a condition of leaving ("expected to leave if he doesn't sign a new deal")."""
    match = STAY_RE.search(lowered)
    return match is not None and UNMET_STAY_BEFORE_RE.search(lowered, max(0, match.start() - 40), match.start()) is None


# ---------------------------------------------------------------------------------------------
# Merging frames into rows
# ---------------------------------------------------------------------------------------------
def _drop_exits_with_destination(claims: list[Claim]) -> list[Claim]:
    """ "Linked with a move away from Liverpool, with Chelsea the favourites": one claim whose destination
    is named in the same sentence, not an exit plus a transfer; the club the exit leaves is its seller."""
    destined: dict[tuple[int, int], list[Claim]] = {}
    for c in claims:
        if c.to_club is not None and c.kind != "stay" and c.stage not in ("denied", "collapsed"):
            destined.setdefault((id(c.subject), c.sentence), []).append(c)
    kept = []
    for c in claims:
        moves = destined.get((id(c.subject), c.sentence))
        if moves and c.kind == "exit" and c.to_club is None and c.stage not in ("denied", "collapsed"):
            # "has told Atalanta he wants to leave; Inter remain keen": the club he leaves is the move's seller
            for move in moves:
                if move.from_club is None and c.from_club != move.to_club:
                    move.from_club = c.from_club
            continue
        kept.append(c)
    return kept


def _denial_of_reports(text: str, cues: list[tuple[str, int, int, bool]], c_end: int) -> re.Match | None:
    """ "has dismissed reports that", "denied claims linking" right after a denial cue of the clause."""
    return next(
        (m for c in cues if c[0] == "denied" for m in [DENIED_REPORTS_AFTER_RE.match(text, c[2], c_end)] if m), None
    )


def _merge(claims: list[Claim]) -> list[Claim]:
    """One row per (subject, destination); a denial is its own row per denier."""
    claims = _drop_exits_with_destination(claims)
    merged: dict[tuple, Claim] = {}
    order: list[tuple] = []
    for claim in claims:
        subject_key = id(claim.subject)
        if claim.stage == "denied":
            key = (subject_key, claim.to_club, "denied", claim.source)
            fallback = next(
                (
                    k
                    for k in merged
                    if k[:3] == (subject_key, claim.to_club, "denied") and (claim.source is None or k[3] is None)
                ),
                None,
            )
            if fallback is not None:
                key = fallback
        else:
            key = (subject_key, claim.to_club, claim.kind == "stay")
        existing = merged.get(key)
        if existing is None:
            merged[key] = claim
            order.append(key)
            continue
        if claim.historical and not existing.historical:
            continue  # background ("joined the Gunners from Seville in 2004") does not move a live claim on
        if existing.historical and not claim.historical:
            existing.historical = False
            existing.stage, existing.evidence = claim.stage, claim.evidence
            existing.source, existing.source_tier = claim.source, claim.source_tier
            existing.from_club = claim.from_club or existing.from_club
            continue
        if existing.source is None and claim.source is not None and claim.stage == "denied":
            existing.source, existing.source_tier = claim.source, claim.source_tier
        more_specific = (
            claim.stage == existing.stage
            and claim.source is not None
            and (existing.source is None or (existing.source == "reports" and claim.source != "reports"))
        )
        if _further(claim.stage, existing.stage) or more_specific:
            existing.stage = claim.stage
            existing.evidence = claim.evidence
            if claim.source is not None or existing.source is None:
                existing.source, existing.source_tier = claim.source, claim.source_tier
        existing.fee = existing.fee or claim.fee
        if existing.from_club is None and claim.from_club != existing.to_club:
            existing.from_club = claim.from_club
        existing.historical = existing.historical and claim.historical
        if claim.kind == "loan" and existing.kind == "transfer":
            existing.kind = "loan"
        for k, v in claim.extra.items():
            existing.extra.setdefault(k, v)
    return [merged[k] for k in order]


def _fill_from_clubs(claims: list[Claim]) -> list[Claim]:
    """A move whose selling club went unsaid takes the one the article gives for the same person's other
    moves ("Chelsea in talks with Brighton for Mensah" ... "Brighton demand €60m")."""
    known: dict[int, list[str]] = {}
    for claim in claims:
        if claim.from_club and not claim.historical:  # a stay's club is where he is now
            known.setdefault(id(claim.subject), []).append(claim.from_club)
    for claim in claims:
        if claim.from_club is None and claim.kind in ("transfer", "loan", "appointment", "exit"):
            options = known.get(id(claim.subject))
            if options:
                best = max(dict.fromkeys(options), key=options.count)  # a tie: the first named
                if best != claim.to_club:
                    claim.from_club = best
    return claims


def _further(new: str, old: str) -> bool:
    if new == old:
        return False
    if new == "collapsed":
        return old != "done"
    if old == "collapsed":
        return False
    if new in STAGE_RANK and old in STAGE_RANK:
        return STAGE_RANK[new] > STAGE_RANK[old]
    return False


def _confidence(claim: Claim) -> float:
    base = {1: 0.9, 2: 0.8, 3: 0.6, 4: 0.45}.get(claim.source_tier or 0, 0.65)
    if claim.historical:
        base *= 0.5
    if claim.subject.name.count(" ") == 0:
        base *= 0.9
    return round(base, 2)


def extract_rumours(
    text: str,
    *,
    title: str | None = None,
    published: str | None = None,
    outlet: str | None = None,
) -> list[Rumour]:
    """Every transfer claim in one article, as Rumour rows (see the shared eval GUIDE.md)."""
    if not text or not text.strip():
        return []
    analyser = ArticleAnalyser(text, title, published, outlet)
    analyser.discover()
    claims = _fill_from_clubs(_merge(analyser.extract()))
    outlet_source = analyser.gazetteer.source(outlet) if outlet else None
    rows = []
    for claim in claims:
        if claim.stage not in ALL_STAGES:
            continue
        fee_amount, fee_currency = parse_fee(claim.fee)
        tier = claim.source_tier
        if claim.source is None and outlet_source is not None:
            tier = outlet_source.tier
        rumour = Rumour(
            subject=claim.subject.name,
            subject_role="manager" if claim.subject.role == "manager" else "player",
            from_club=claim.from_club,
            to_club=claim.to_club,
            kind=claim.kind,
            stage=claim.stage,
            fee=claim.fee,
            fee_amount=fee_amount,
            fee_currency=fee_currency,
            source=claim.source,
            source_tier=tier,
            evidence=claim.evidence,
            historical=claim.historical,
            extra=claim.extra,
        )
        rumour.confidence = _confidence(claim)
        rows.append(rumour)
    return rows


__all__ = ["extract_rumours", "strip_accents"]
