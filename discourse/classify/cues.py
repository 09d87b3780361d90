"""Hand-written cue lexicons: how a reply opens, negation and contrast aimed at the parent,
talk about the discussion itself, and promotion.  Used as features, as the reasons given
for a label, and by the cue-lexicon baseline.

English first, then the common forms in German, French, Spanish, Italian, Dutch,
Portuguese and Russian (real comment sections are multilingual; the word n-gram features
learn any language, the cues give every language the same structural signals).  Patterns
match lower-cased text (see :func:`cue_counts`).
"""

from __future__ import annotations

import re

AGREE_OPEN = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|exactly|indeed|agreed?|true|so true|very true|right|correct|"
    r"absolutely|precisely|well said|good point|fair point|great (?:post|article|point|piece|"
    r"comment)|excellent|thanks?|thank you|bravo|spot on|same here|\+1|this!|i agree|"
    r"good (?:post|article|one)|nice|love (?:this|it)|amen|hear,? hear|"
    r"ja|genau|stimmt|richtig|danke|sehr gut|oui|exactement|tout à fait|d'accord|merci|bravo|"
    r"sí|exacto|cierto|de acuerdo|gracias|esatto|giusto|grazie|d'accordo|ok|klopt|"
    r"inderdaad|eens|bedankt|sim|exatamente|obrigad[oa]|да|точно|согласен|согласна|верно|"
    r"спасибо|именно|правильно)\b",
    re.IGNORECASE)
AGREE_ANY = re.compile(
    r"\b(?:i agree|agreed|exactly|well said|good point|fair point|so true|very true|thanks?|"
    r"thank you|great (?:post|article|point|piece)|excellent (?:post|article|point)|spot on|"
    r"i stand corrected|you(?:'re| are) (?:right|correct)|that reminds me|\+1|likewise|"
    r"concur|precisely|nailed it|well put|couldn't agree more|could not agree more|same here|"
    r"good explication|informative|interesting post|i think so too|me too|"
    r"ganz genau|da hast du recht|sie haben recht|stimme zu|sehe ich auch so|"
    r"tout à fait d'accord|vous avez raison|tu as raison|je suis d'accord|"
    r"estoy de acuerdo|tienes razón|tiene razón|sono d'accordo|hai ragione|ha ragione|"
    r"ben detto|helemaal mee eens|je hebt gelijk|concordo|você tem razão|"
    r"полностью согласен|вы правы|ты прав|соглашусь|поддерживаю)\b",
    re.IGNORECASE)
REBUT_OPEN = re.compile(
    r"^\W*(?:no\b|nope|wrong|nonsense|rubbish|actually|but\b|however|not really|not true|"
    r"false|bullshit|bs\b|what\?|really\?|lol|hmm+|sorry,? but|i disagree|disagree|"
    r"you(?:'re| are) wrong|that(?:'s| is) not|this is not|how (?:can|could|does|do|is)|"
    r"why (?:do|would|should|is|are)|so what|wait|err?m?\b|um+\b|funny|cute|oh (?:please|really)|"
    r"i don'?t (?:think|buy|agree)|i doubt|where(?:'s| is) (?:the|your) (?:evidence|proof|source)|"
    r"nein|doch|falsch|quatsch|unsinn|aber|non|faux|pas du tout|n'importe quoi|mais|"
    r"falso|nada de eso|pero|sbagliato|ma\b|nee|onzin|maar|não|mas\b|нет|неправда|"
    r"чушь|бред|ерунда|но\b|однако)",
    re.IGNORECASE)
REBUT_ANY = re.compile(
    r"\b(?:disagree|wrong|nonsense|false|not true|incorrect|misleading|myth|propaganda|"
    r"ridiculous|absurd|rubbish|you(?:'re| are) confusing|you don'?t|you do not|"
    r"doesn'?t make (?:any )?sense|makes no sense|on the contrary|evidence\?|source\?|citation|"
    r"prove it|straw ?man|liar|lies?\b|idiot|stupid|fallacy|utterly|meaningless|"
    r"i don'?t buy|that'?s not|isn'?t true|not the case|mistaken|naive|hypocri\w*|"
    r"nothing more than|you took me|didn'?t say|never said|shrill|ranting|careful|"
    r"falsch|quatsch|unsinn|blödsinn|stimmt nicht|das ist nicht|widerspreche|"
    r"faux|n'importe quoi|pas d'accord|absurde|ridicule|mensonge|"
    r"falso|mentira|no es cierto|tonterías|sbagliato|non è vero|sciocchezze|"
    r"onzin|niet waar|klopt niet|mentira|неправда|чушь|бред|ерунда|ложь|не согласен|"
    r"враньё|вранье)\b",
    re.IGNORECASE)
NEGATION = re.compile(r"\b(?:not|no|never|nothing|none|nobody|neither|nor|cannot|"
                      r"nicht|kein\w*|nie|niemals|ne|pas|jamais|rien|nunca|nada|ningún|"
                      r"mai|niente|niet|geen|nooit|não|нет|не|никогда|ничего)\b|n't\b",
                      re.IGNORECASE)
CONTRAST = re.compile(r"\b(?:but|however|although|though|yet|whereas|nevertheless|nonetheless|"
                      r"actually|instead|rather|despite|aber|jedoch|allerdings|trotzdem|mais|pourtant|"
                      r"cependant|pero|sin embargo|però|tuttavia|maar|echter|mas|porém|"
                      r"но|однако|хотя|зато)\b", re.IGNORECASE)
MODERATION = re.compile(
    r"\b(?:spam\w*|off[- ]?topic|troll\w*|bann?(?:ed|ing)?|delet\w+|remov(?:ed|ing)|moderat\w+|"
    r"copy[- ]?paste\w*|plagiari\w+|attribution|rules|guidelines|be civil|civility|"
    r"personal attacks?|stay on topic|keep (?:it|this) (?:civil|on topic)|please stop|"
    r"stop (?:posting|spamming)|last warning|warning|comment policy|this thread|"
    r"this (?:blog|comment section|forum|sub)|ad hominem|insults?|derail\w*|reported|"
    r"flagged|mods?\b|admins?\b|goes into the (?:trash|spam)|regurgitat\w+|"
    r"comments? (?:are|is) (?:now )?closed|closed for comments|i(?:'ve| have)? deleted|"
    r"(?:has|have) been (?:deleted|removed|edited)|removed for|please (?:keep|stay|be)|"
    r"thread (?:is )?locked|rule \d|report(?:ed)? to|netiquette|"
    r"bitte (?:beim thema|sachlich|bleiben)|beim thema bleiben|gelöscht|moderiert|"
    r"hors[- ]sujet|restez courtois|supprimé|modéré|merci de rester|"
    r"fuera de tema|borrado|eliminado|fuori tema|cancellato|rimosso|"
    r"verwijderd|niet ontopic|оффтоп|офтоп|удал[её]н\w*|модератор\w*|"
    r"не по теме|правила)\b",
    re.IGNORECASE)
OFF_TOPIC = re.compile(
    r"\b(?:https?://|www\.|\w+\.com\b|subscribe\w*|check (?:out )?my\b|my (?:channel|video|"
    r"page|site|blog)\b|channel\b|click\b|free\b|visit\b|follow me\b|giveaway\b|"
    r"promo\w*|earn\b|buy\b|sale\b|please share\b|win\b|download\b)",
    re.IGNORECASE)
SECOND_PERSON = re.compile(r"\b(?:you|your|you're|yours|yourself|u|du|dich|dir|dein\w*|ihr|euch|"
                           r"vous|votre|vos|tu|toi|ton|ta|tes|usted|tú|tu|tuo|tua|voi|jij|"
                           r"jouw|você|ты|тебя|тебе|твой|вы|вас|вам|ваш\w*)\b", re.IGNORECASE)
QUESTION_OPEN = re.compile(
    r"^\W*(?:who|what|why|how|when|where|which|is|are|do|does|did|can|could|would|should|"
    r"isn't|aren't|don't|doesn't|warum|wieso|weshalb|was|wie|wer|wo|pourquoi|comment|qui|quoi|"
    r"où|est-ce|por qué|qué|cómo|quién|perché|come|chi|cosa|waarom|wat|hoe|wie|por que|"
    r"почему|зачем|как|что|кто|где|разве|неужели)\b", re.IGNORECASE)

CUES: dict[str, re.Pattern[str]] = {
    "agree_open": AGREE_OPEN,
    "agree_any": AGREE_ANY,
    "rebut_open": REBUT_OPEN,
    "rebut_any": REBUT_ANY,
    "negation": NEGATION,
    "contrast": CONTRAST,
    "moderation": MODERATION,
    "off_topic": OFF_TOPIC,
    "second_person": SECOND_PERSON,
    "question_open": QUESTION_OPEN,
}


#: The same patterns compiled without IGNORECASE, for lower-cased text: the same matches
#: (the lexicons are lower case), about three times faster in Python's regex engine.
_LOWER_CUES = tuple(re.compile(p.pattern) for p in CUES.values())
#: Patterns anchored at the start of the text (``^``): at most one match, found by match().
_ANCHORED = tuple(p.pattern.startswith("^") for p in CUES.values())


def cue_counts(text: str) -> tuple[int, ...]:
    """How often each cue family of :data:`CUES` occurs in ``text``, in that order."""
    lower = text.lower()
    return tuple(int(p.match(lower) is not None) if anchored else len(p.findall(lower))
                 for p, anchored in zip(_LOWER_CUES, _ANCHORED, strict=True))
