"""Text normalisation for matching what users type against the data.

The data keeps characters as printed (ＳＥＮＱ霞が関, ｺｰﾊﾞ); matching folds them:
NFKC (full/half width), case, and katakana to hiragana, so that ``senq``,
``コーバ`` and ``こーば`` all find what they should.
"""

from __future__ import annotations

import functools
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
_ESCAPED = {c: f"\\x{c:02x}" for c in _CONTROLS}
_STRIPPED = dict.fromkeys(_CONTROLS)


def escape_controls(text: str) -> str:
    """``text`` with every control character but newline and tab shown as
    ``\\xNN``: for messages, where the reader should see what is there."""
    return text.translate(_ESCAPED)


def strip_controls(text: str) -> str:
    """``text`` without control characters but newline and tab: for laid-out
    output (tables), where they take no cells."""
    return text.translate(_STRIPPED)


def printable_renderable(renderable: object) -> object:
    """A rich renderable that renders ``renderable`` with the control characters
    of its text removed (after layout: rich gives them no width). The styles
    rich adds itself (colour, bold) are not text and stay."""
    from rich.segment import Segment

    class _Printable:
        def __rich_console__(self, console: object, options: object) -> object:
            for segment in console.render(renderable, options):  # type: ignore[attr-defined]
                text = segment.text
                if segment.control is None and text.translate(_STRIPPED) != text:
                    yield Segment(text.translate(_STRIPPED), segment.style)
                else:
                    yield segment

    return _Printable()
