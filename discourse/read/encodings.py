"""Encoding labels a document may declare (``<meta charset>``, an HTTP ``Content-Type``):
only the labels of the WHATWG Encoding Standard (https://encoding.spec.whatwg.org/,
``encodings.json``), mapped to the Python codec that decodes that encoding.

Python's codec registry knows far more names than the web does, and some are not
encodings of text at all: ``undefined`` raises on every byte, ``unicode_escape`` and
``raw_unicode_escape`` turn ``\\u202e`` written in a page into the character itself,
``rot13``, ``base64``, ``zlib`` and the like transform data.  A page must not choose one of
those by naming it, so a declared label is looked up here and nothing else:
:func:`codec_for_label` gives ``None`` for any other name (the declaration is ignored, and
the usual detection decides).
"""

from __future__ import annotations

__all__ = ["LABELS", "PYTHON_CODECS", "codec_for_label"]

#: WHATWG encoding name -> its labels (encodings.json, the Encoding Standard).
_ENCODINGS: dict[str, tuple[str, ...]] = {
    "UTF-8": ("unicode-1-1-utf-8", "unicode11utf8", "unicode20utf8", "utf-8", "utf8",
              "x-unicode20utf8"),
    "IBM866": ("866", "cp866", "csibm866", "ibm866"),
    "ISO-8859-2": ("csisolatin2", "iso-8859-2", "iso-ir-101", "iso8859-2", "iso88592",
                   "iso_8859-2", "iso_8859-2:1987", "l2", "latin2"),
    "ISO-8859-3": ("csisolatin3", "iso-8859-3", "iso-ir-109", "iso8859-3", "iso88593",
                   "iso_8859-3", "iso_8859-3:1988", "l3", "latin3"),
    "ISO-8859-4": ("csisolatin4", "iso-8859-4", "iso-ir-110", "iso8859-4", "iso88594",
                   "iso_8859-4", "iso_8859-4:1988", "l4", "latin4"),
    "ISO-8859-5": ("csisolatincyrillic", "cyrillic", "iso-8859-5", "iso-ir-144", "iso8859-5",
                   "iso88595", "iso_8859-5", "iso_8859-5:1988"),
    "ISO-8859-6": ("arabic", "asmo-708", "csiso88596e", "csiso88596i", "csisolatinarabic",
                   "ecma-114", "iso-8859-6", "iso-8859-6-e", "iso-8859-6-i", "iso-ir-127",
                   "iso8859-6", "iso88596", "iso_8859-6", "iso_8859-6:1987"),
    "ISO-8859-7": ("csisolatingreek", "ecma-118", "elot_928", "greek", "greek8", "iso-8859-7",
                   "iso-ir-126", "iso8859-7", "iso88597", "iso_8859-7", "iso_8859-7:1987",
                   "sun_eu_greek"),
    "ISO-8859-8": ("csiso88598e", "csisolatinhebrew", "hebrew", "iso-8859-8", "iso-8859-8-e",
                   "iso-ir-138", "iso8859-8", "iso88598", "iso_8859-8", "iso_8859-8:1988",
                   "visual"),
    "ISO-8859-8-I": ("csiso88598i", "iso-8859-8-i", "logical"),
    "ISO-8859-10": ("csisolatin6", "iso-8859-10", "iso-ir-157", "iso8859-10", "iso885910",
                    "l6", "latin6"),
    "ISO-8859-13": ("iso-8859-13", "iso8859-13", "iso885913"),
    "ISO-8859-14": ("iso-8859-14", "iso8859-14", "iso885914"),
    "ISO-8859-15": ("csisolatin9", "iso-8859-15", "iso8859-15", "iso885915", "iso_8859-15",
                    "l9"),
    "ISO-8859-16": ("iso-8859-16",),
    "KOI8-R": ("cskoi8r", "koi", "koi8", "koi8-r", "koi8_r"),
    "KOI8-U": ("koi8-ru", "koi8-u"),
    "macintosh": ("csmacintosh", "mac", "macintosh", "x-mac-roman"),
    "windows-874": ("dos-874", "iso-8859-11", "iso8859-11", "iso885911", "tis-620",
                    "windows-874"),
    "windows-1250": ("cp1250", "windows-1250", "x-cp1250"),
    "windows-1251": ("cp1251", "windows-1251", "x-cp1251"),
    "windows-1252": ("ansi_x3.4-1968", "ascii", "cp1252", "cp819", "csisolatin1", "ibm819",
                     "iso-8859-1", "iso-ir-100", "iso8859-1", "iso88591", "iso_8859-1",
                     "iso_8859-1:1987", "l1", "latin1", "us-ascii", "windows-1252",
                     "x-cp1252"),
    "windows-1253": ("cp1253", "windows-1253", "x-cp1253"),
    "windows-1254": ("cp1254", "csisolatin5", "iso-8859-9", "iso-ir-148", "iso8859-9",
                     "iso88599", "iso_8859-9", "iso_8859-9:1989", "l5", "latin5",
                     "windows-1254", "x-cp1254"),
    "windows-1255": ("cp1255", "windows-1255", "x-cp1255"),
    "windows-1256": ("cp1256", "windows-1256", "x-cp1256"),
    "windows-1257": ("cp1257", "windows-1257", "x-cp1257"),
    "windows-1258": ("cp1258", "windows-1258", "x-cp1258"),
    "x-mac-cyrillic": ("x-mac-cyrillic", "x-mac-ukrainian"),
    "GBK": ("chinese", "csgb2312", "csiso58gb231280", "gb2312", "gb_2312", "gb_2312-80", "gbk",
            "iso-ir-58", "x-gbk"),
    "gb18030": ("gb18030",),
    "Big5": ("big5", "big5-hkscs", "cn-big5", "csbig5", "x-x-big5"),
    "EUC-JP": ("cseucpkdfmtjapanese", "euc-jp", "x-euc-jp"),
    "ISO-2022-JP": ("csiso2022jp", "iso-2022-jp"),
    "Shift_JIS": ("csshiftjis", "ms932", "ms_kanji", "shift-jis", "shift_jis", "sjis",
                  "windows-31j", "x-sjis"),
    "EUC-KR": ("cseuckr", "csksc56011987", "euc-kr", "iso-ir-149", "korean", "ks_c_5601-1987",
               "ks_c_5601-1989", "ksc5601", "ksc_5601", "windows-949"),
    "replacement": ("csiso2022kr", "hz-gb-2312", "iso-2022-cn", "iso-2022-cn-ext",
                    "iso-2022-kr", "replacement"),
    "UTF-16BE": ("unicodefffe", "utf-16be"),
    "UTF-16LE": ("csunicode", "iso-10646-ucs-2", "ucs-2", "unicode", "unicodefeff", "utf-16",
                 "utf-16le"),
    "x-user-defined": ("x-user-defined",),
}

#: WHATWG encoding name -> the Python codec that decodes it as browsers do (the closest:
#: WHATWG's GBK decoder is gb18030's, its Big5 includes HKSCS, its Shift_JIS is
#: Windows-31J and its EUC-KR is windows-949).  None: no codec (``replacement`` exists to
#: refuse dangerous encodings; ``x-user-defined`` has none in Python).
PYTHON_CODECS: dict[str, str | None] = {
    "UTF-8": "utf-8", "IBM866": "cp866", "ISO-8859-2": "iso8859_2",
    "ISO-8859-3": "iso8859_3", "ISO-8859-4": "iso8859_4", "ISO-8859-5": "iso8859_5",
    "ISO-8859-6": "iso8859_6", "ISO-8859-7": "iso8859_7", "ISO-8859-8": "iso8859_8",
    "ISO-8859-8-I": "iso8859_8", "ISO-8859-10": "iso8859_10", "ISO-8859-13": "iso8859_13",
    "ISO-8859-14": "iso8859_14", "ISO-8859-15": "iso8859_15", "ISO-8859-16": "iso8859_16",
    "KOI8-R": "koi8_r", "KOI8-U": "koi8_u", "macintosh": "mac_roman",
    "windows-874": "cp874", "windows-1250": "cp1250", "windows-1251": "cp1251",
    "windows-1252": "cp1252", "windows-1253": "cp1253", "windows-1254": "cp1254",
    "windows-1255": "cp1255", "windows-1256": "cp1256", "windows-1257": "cp1257",
    "windows-1258": "cp1258", "x-mac-cyrillic": "mac_cyrillic", "GBK": "gb18030",
    "gb18030": "gb18030", "Big5": "big5hkscs", "EUC-JP": "euc_jp",
    "ISO-2022-JP": "iso2022_jp", "Shift_JIS": "cp932", "EUC-KR": "cp949",
    "replacement": None, "UTF-16BE": "utf-16-be", "UTF-16LE": "utf-16-le",
    "x-user-defined": None,
}

#: Every WHATWG label -> its encoding's name.
LABELS: dict[str, str] = {label: name for name, labels in _ENCODINGS.items()
                          for label in labels}


def codec_for_label(label: str, in_html: bool = False) -> str | None:
    """The Python codec for a declared encoding label, or None when ``label`` is not a
    WHATWG label (``undefined``, ``unicode_escape``, ``rot13``, …) or names an encoding
    that is not decoded (``replacement``).  Labels are matched as the standard says:
    ASCII whitespace stripped, case ignored.  ``in_html``: the label comes from a page's
    own ``<meta>``, where UTF-16 cannot be meant (the page was read as ASCII to find it)
    and is taken as UTF-8, and ``x-user-defined`` as windows-1252 (HTML's rules)."""
    name = LABELS.get(label.strip("\t\n\f\r ").lower())
    if name is None:
        return None
    if in_html and name in ("UTF-16BE", "UTF-16LE"):
        name = "UTF-8"
    if in_html and name == "x-user-defined":
        name = "windows-1252"
    return PYTHON_CODECS[name]
