"""Text normalisation for matching what users type against the data.

The data keeps characters as printed (ＳＥＮＱ霞が関, ｺｰﾊﾞ); matching folds them:
NFKC (full/half width), case, and katakana to hiragana, so that ``senq``,
``コーバ`` and ``こーば`` all find what they should.
"""

from __future__ import annotations

import functools
import re
import unicodedata

# Katakana ァ (U+30A1) .. ヶ (U+30F6) map to hiragana by subtracting 0x60.
_KATA_TO_HIRA = {c: c - 0x60 for c in range(0x30A1, 0x30F7)}
# Hepburn with or without long-vowel marks folds alike (docs/DATA.md "English":
# the data writes Tohoku, a user may type Tōhoku or Tôhoku).
_KATA_TO_HIRA.update({ord(c): ord(p) for c, p in zip("āīūēōâîûêô", "aiueoaiueo", strict=True)})


def fold(text: str) -> str:
    """NFKC, case-folded, katakana turned into hiragana, long-vowel marks dropped."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_KATA_TO_HIRA)


def fold_with_offsets(text: str) -> tuple[str, list[int]]:
    """``fold(text)`` and, for each character of it, the index in ``text`` it came from.

    Folding character by character keeps the mapping exact (NFKC may turn one
    character into several, as ㈱ → (株)), which is what snippets need.
    """
    out: list[str] = []
    offsets: list[int] = []
    i, n = 0, len(text)
    while i < n:
        # A character with the marks that compose with it (ｶﾞ → が): folded apart,
        # ｶ and ﾞ would give か and a lone mark, and never match が.
        j = i + 1
        while j < n and unicodedata.combining(_fold_char(text[j])[:1]):
            j += 1
        folded = _fold_char(text[i]) if j == i + 1 else fold(text[i:j])
        out.append(folded)
        offsets.extend([i] * len(folded))
        i = j
    return "".join(out), offsets


@functools.lru_cache(maxsize=8192)
def _fold_char(ch: str) -> str:
    # Texts repeat their characters: a search's snippets fold ~80,000 of them
    # for 2,000 cases, a few thousand distinct.
    return fold(ch)


def id_key(text: str) -> str:
    """How ids and aliases are compared: folded, and with spaces, dots and
    middle dots ignored, so ``co-ba``, ``Co-Ba`` and ``ｃｏ－ｂａ`` are one key."""
    return "".join(ch for ch in fold(text) if ch not in " ・.\u3000")


# C0 (but tab and newline), DEL and C1: what a terminal takes as commands (ESC
# starts colour, cursor and OSC 52 clipboard sequences; U+009B is a one-character
# CSI). Data shown to people never reaches the terminal with them.
_CONTROLS = [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]
# Bidirectional controls reorder what follows them (``invoice\u202etxt.exe``
# shows as ``invoiceexe.txt``); zero-width characters make two different
# strings look alike. Neither is ever shown raw in a message.
BIDI_CONTROLS = frozenset([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F,
                           0x061C])
ZERO_WIDTH = frozenset([0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF])
# Other characters that show as nothing (a soft hyphen, the Mongolian vowel
# separator, the combining grapheme joiner, invisible operators, Hangul fillers,
# interlinear annotation marks, Unicode tag characters that smuggle ASCII) or
# break the line on some terminals (U+2028, U+2029): in a message, a name holding
# one would look like another name.
INVISIBLE = frozenset([0x00AD, 0x034F, 0x115F, 0x1160, 0x180E, 0x2028, 0x2029,
                       *range(0x2061, 0x2065), 0x3164, 0xFFA0, *range(0xFFF9, 0xFFFC),
                       *range(0xE0000, 0xE0080)])
_ESCAPED = {c: f"\\x{c:02x}" for c in _CONTROLS} | {
    c: f"\\u{c:04x}" if c <= 0xFFFF else f"\\U{c:08x}"
    for c in sorted(BIDI_CONTROLS | ZERO_WIDTH | INVISIBLE)}
_LINE_ESCAPED = _ESCAPED | {0x0A: "\\n", 0x09: "\\t"}
_STRIPPED = dict.fromkeys(_CONTROLS)
# Tables drop bidirectional controls too (one in a cell would reorder the cells
# after it); zero-width characters take no cell and join emoji, so they stay.
_TABLE_STRIPPED = dict.fromkeys([*_CONTROLS, *BIDI_CONTROLS])


def escape_controls(text: str) -> str:
    """``text`` with every control character but newline and tab shown as
    ``\\xNN``, and every bidirectional control and zero-width character as
    ``\\uNNNN``: for messages, where the reader should see what is there.

    The one way user-supplied text (paths included) reaches a message."""
    return text.translate(_ESCAPED)


def escape_line(text: str) -> str:
    """:func:`escape_controls`, and newline and tab shown as ``\\n``, ``\\t``: for
    a value (a path, a name) inside a one-line message, where a newline in a file
    name would otherwise print a second line of its choosing (``x\\nOK: …``)."""
    return text.translate(_LINE_ESCAPED)


ECHO_LIMIT = 80
"""How many characters of a user's value an error message echoes."""


def clip(text: str, limit: int = ECHO_LIMIT) -> str:
    """``text``, or its first ``limit`` characters with an ellipsis and the
    total length when it is longer: what an error echoes of a user's value."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


ECHO_RUN_LIMIT = 400
"""An unbroken run of characters longer than this in a message is a user's
value echoed (no word, id or path of ours is that long)."""
_LONG_RUN = re.compile(r"\S{" + str(ECHO_RUN_LIMIT + 1) + ",}")
MESSAGE_LINE_LIMIT = 2_000


def clip_message(message: str) -> str:
    """A message with each unbroken run of over :data:`ECHO_RUN_LIMIT`
    characters (what a user typed, echoed: a 100,000-character query) cut to
    :data:`ECHO_LIMIT` with the run's length, and each line to
    :data:`MESSAGE_LINE_LIMIT` characters."""
    message = _LONG_RUN.sub(lambda m: clip(m.group()), message)
    if len(message) <= MESSAGE_LINE_LIMIT:
        return message
    return "\n".join(clip(line, MESSAGE_LINE_LIMIT) for line in message.split("\n"))


def clipped_repr(value: object, limit: int = ECHO_LIMIT) -> str:
    """``repr(value)`` of a string cut to ``limit`` characters (an ellipsis and the
    total length after the closing quote); other values as ``repr``."""
    if isinstance(value, str) and len(value) > limit:
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    return repr(value)


def strip_controls(text: str) -> str:
    """``text`` without control characters but newline and tab: for laid-out
    output (tables), where they take no cells."""
    return text.translate(_STRIPPED)


def printable_renderable(renderable: object) -> object:
    """A rich renderable that renders ``renderable`` with the control characters
    (bidirectional controls included) of its text removed (after layout: rich
    gives them no width). The styles rich adds itself (colour, bold) are not
    text and stay."""
    from rich.segment import Segment

    class _Printable:
        def __rich_console__(self, console: object, options: object) -> object:
            for segment in console.render(renderable, options):  # type: ignore[attr-defined]
                text = segment.text
                if segment.control is None and text.translate(_TABLE_STRIPPED) != text:
                    yield Segment(text.translate(_TABLE_STRIPPED), segment.style)
                else:
                    yield segment

    return _Printable()
