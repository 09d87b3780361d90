"""Signatures on MediaWiki talk pages, in the wiki's language: a link to the user's page
(``[[User:Alice|Alice]]``, ``[[Benutzer:Alice]]``, ``[[Utilisateur:Alice]]``, …) and the
timestamp ``~~~~~`` writes ("12:34, 5 May 2020 (UTC)", "12:34, 7. Dez. 2004 (CET)",
"5 janvier 2020 à 12:34 (CET)", "12:34 5 ene 2020 (UTC)", "12:34, 5 января 2020 (UTC)",
"12:34, 5 במאי 2020 (IDT)", "2020年5月5日 (火) 12:34 (UTC)").

A line is *signed* when its end holds a timestamp (a time and a date followed by a zone in
parentheses, or one of the zones wikis sign with, "(UTC)", "(CET)") or ends with a link
to a user page (followed at most by talk/contributions links and punctuation).  The
author is the last user link of the signature; the timestamp becomes ISO 8601, UTC
(``…Z``) when the zone is known.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

__all__ = ["USER_NAMESPACES", "USER_OTHER", "USER_PAGES", "parse_timestamp", "signed", "user_from_title", "users_in"]

#: Namespace names of user pages, by language (a signature links one of them).
USER_PAGES: tuple[str, ...] = (
    "User",                                                        # en, canonical
    "Benutzer", "Benutzerin",                                      # de
    "Utilisateur", "Utilisatrice",                                 # fr
    "Usuario", "Usuaria",                                          # es
    "Utente",                                                      # it
    "Wikipedysta", "Wikipedystka", "Użytkownik", "Użytkowniczka",  # pl
    "Участник", "Участница",                                       # ru
    "Usuário", "Usuária", "Usuário(a)", "Utilizador", "Utilizadora",  # pt
    "Gebruiker",                                                   # nl
    "משתמש", "משתמשת",                                             # he
    "مستخدم", "مستخدمة",                                           # ar
    "کاربر",                                                       # fa
    "利用者", "用户", "用戶",                                       # ja, zh
)
#: Namespace names of user talk pages and contribution lists (signatures link them too).
USER_OTHER: tuple[str, ...] = (
    "User talk", "Special:Contributions",
    "Benutzer Diskussion", "Benutzerin Diskussion", "Spezial:Beiträge",
    "Discussion utilisateur", "Discussion utilisatrice", "Spécial:Contributions",
    "Usuario discusión", "Usuaria discusión", "Especial:Contribuciones",
    "Discussioni utente", "Speciale:Contributi",
    "Dyskusja wikipedysty", "Dyskusja wikipedystki", "Dyskusja użytkownika",
    "Dyskusja użytkowniczki", "Specjalna:Wkład",
    "Обсуждение участника", "Обсуждение участницы", "Служебная:Вклад",
    "Usuário Discussão", "Usuário(a) Discussão", "Utilizador Discussão",
    "Especial:Contribuições",
    "Overleg gebruiker", "Speciaal:Bijdragen",
    "שיחת משתמש", "שיחת משתמשת", "מיוחד:תרומות",
    "نقاش المستخدم", "نقاش المستخدمة", "خاص:مساهمات",
    "بحث کاربر", "ویژه:مشارکت‌ها",
    "利用者‐会話", "利用者・トーク", "特別:投稿記録", "用户讨论", "Special:用户贡献",
)
USER_NAMESPACES = USER_PAGES + USER_OTHER


def _names_pattern(names: tuple[str, ...] = USER_NAMESPACES) -> str:
    names = tuple(sorted(names, key=len, reverse=True))
    alts = []
    for name in names:
        # spaces and underscores are the same in titles; "Special:X" may be "special:x"
        alts.append(r"[ _]".join(re.escape(part) for part in name.split(" ")))
    return "(?:" + "|".join(alts) + ")"


_NS = _names_pattern()
#: ``[[User:Alice|…]]``, ``[[Special:Contributions/1.2.3.4|…]]`` in wikitext.
WIKI_USER = re.compile(r"\[\[\s*:?\s*" + _NS + r"\s*[:/]\s*([^\]|#/\n]+)", re.I)
#: A title naming a user page (HTML links' ``title``/``href``).
_TITLE_USER = re.compile(r"^\s*:?\s*" + _NS + r"\s*[:/]\s*([^|#/\n?&]+)", re.I)

#: A wikitext line ending with a link to a user page, then only talk/contribution links,
#: brackets, separators and tags.
_ENDLINK = re.compile(r"\[\[\s*:?\s*" + _names_pattern(USER_PAGES) + r"\s*:[^\]]+\]\](?:\s*(?:\(|\)|•|·|\||-|–|—|/"
                      r"|<[^>]*>|\[\[[^\]]+\]\]|\[[^\]]+\]))*\s*$", re.I)

#: Zones wikis sign with, with their offset from UTC in hours.
ZONES = {"UTC": 0, "GMT": 0, "CET": 1, "CEST": 2, "MEZ": 1, "MESZ": 2, "WET": 0, "WEST": 1,
         "EET": 2, "EEST": 3, "MSK": 3, "IST": 2, "IDT": 3, "JST": 9, "KST": 9, "BST": 1,
         "ت ع م": 0, "گرینویچ": 0, "UTC+1": 1, "UTC+2": 2, "UTC+3": 3, "CST": 8}
_KNOWN_ZONE = re.compile(r"\((?:UTC|CET|CEST|MEZ|MESZ)\)")

_MONTHS: dict[str, int] = {}
for _number, _names in enumerate((
        "january jan januar jän janvier janv enero ene gennaio gen stycznia styczeń sty "
        "января янв janeiro janeiro januari בינואר ינואר يناير كانون_الثاني ژانویه",
        "february feb februar février févr fév febrero febbraio lutego luty lut февраля фев "
        "fevereiro fev februari בפברואר פברואר فبراير شباط فوریه",
        "march mar märz mär mrz mars marzo marca marzec марта мар março maart במרץ מרץ "
        "مارس آذار",
        "april apr avril avr abril abr aprile kwietnia kwiecień kwi апреля апр "
        "באפריל אפריל أبريل نيسان آوریل",
        "may mai mayo maggio mag maja maj мая maio mei במאי מאי مايو أيار مه",
        "june jun juni juin junio giugno giu czerwca czerwiec cze июня июн junho ביוני יוני "
        "يونيو حزيران ژوئن",
        "july jul juli juillet juil julio luglio lug lipca lipiec lip июля июл julho ביולי "
        "יולי يوليو تموز ژوئیه",
        "august aug août agosto ago sierpnia sierpień sie августа авг augustus באוגוסט "
        "אוגוסט أغسطس آب اوت",
        "september sep sept septembre septiembre setiembre settembre set września wrzesień "
        "wrz сентября сен setembro בספטמבר ספטמבר سبتمبر أيلول سپتامبر",
        "october oct oktober okt octobre octubre ottobre ott października październik paź "
        "октября окт outubro out באוקטובר אוקטובר أكتوبر تشرين_الأول اکتبر",
        "november nov novembre noviembre listopada listopad lis ноября ноя novembro "
        "בנובמבר נובמבר نوفمبر تشرين_الثاني نوامبر",
        "december dec dezember dez décembre déc diciembre dic dicembre grudnia grudzień "
        "gru декабря дек dezembro december בדצמבר דצמבר ديسمبر كانون_الأول دسامبر"),
        start=1):
    for _name in _names.split():
        _MONTHS.setdefault(_name.replace("_", " ").casefold(), _number)

_TIME = r"(?P<h>\d{1,2})[:.](?P<mi>\d{2})"
_DATE = r"(?P<d>\d{1,2})\.?\s*(?:de\s+)?(?P<mo>[^\W\d_][^\W\d_]*\.?)\s*(?:de\s+)?(?P<y>\d{4})"
_ZONE = r"\(\s*(?P<z>[^\W\d_][^\W\d_]{0,5}(?:[ +][^\W\d_]{1,3}|\+\d{1,2})*)\s*\)"
_STAMPS = (
    # en de it pl ru he ar: "12:34, 5 May 2020 (UTC)"; es: "12:34 5 may 2020 (UTC)"
    re.compile(_TIME + r"\s*[,،]?\s*" + _DATE + r"\s*" + _ZONE),
    # fr: "5 janvier 2020 à 12:34 (CET)"; pt: "5 de maio de 2020, 12:34 (UTC)"
    re.compile(_DATE + r"\s*(?:à|a las|alle|às|om|в|,)?\s*" + _TIME + r"\s*" + _ZONE),
    # ja zh: "2020年5月5日 (火) 12:34 (UTC)"
    re.compile(r"(?P<y>\d{4})\s*年\s*(?P<mo>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*日\s*"
               r"(?:\([^)]{1,3}\))?\s*" + _TIME + r"\s*" + _ZONE),
)


def signed(line: str, tail: int = 200) -> bool:
    """True when the end of a wikitext ``line`` is a signature (a timestamp, or a link to
    a user page followed only by talk/contribution links and punctuation)."""
    end = line[-tail:]
    if _KNOWN_ZONE.search(end) or _ENDLINK.search(end):
        return True
    return any(p.search(end) for p in _STAMPS)


def stamp_in(text: str) -> bool:
    """True when ``text`` (rendered text, not wikitext) holds a signature timestamp."""
    return bool(_KNOWN_ZONE.search(text)) or any(p.search(text) for p in _STAMPS)


def users_in(wikitext: str) -> list[str]:
    """The user names of the user-page links in ``wikitext``, in order."""
    return [name.strip().replace("_", " ") for name in WIKI_USER.findall(wikitext)
            if name.strip()]


def user_from_title(title: str | None) -> str | None:
    """The user a page title or link target names (``User:Alice``, ``Benutzer
    Diskussion:Bob``, ``Special:Contributions/1.2.3.4``), else None."""
    if not title:
        return None
    m = _TITLE_USER.match(title.replace("_", " "))
    return m.group(1).strip() if m else None


def parse_timestamp(text: str) -> str | None:
    """The last signature timestamp in ``text`` as ISO 8601: UTC with ``Z`` when its zone
    is known, else the local time as written; None when there is none."""
    best = None
    for pattern in _STAMPS:
        for m in pattern.finditer(text):
            if best is None or m.end() > best.end():
                best = m
    if best is None:
        return None
    month_text = best.group("mo")
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(
        month_text.rstrip(".").casefold())
    if month is None:
        return None
    try:
        stamp = datetime(int(best.group("y")), month, int(best.group("d")),
                         int(best.group("h")), int(best.group("mi")))
    except ValueError:
        return None
    zone = " ".join(best.group("z").split())
    offset = ZONES.get(zone) if zone in ZONES else ZONES.get(zone.upper())
    if offset is None:
        return stamp.isoformat(timespec="minutes")
    return (stamp - timedelta(hours=offset)).strftime("%Y-%m-%dT%H:%M:00Z")
