"""Line breaking for Japanese and mixed text, for rich cells and paragraphs.

rich breaks lines only at spaces and folds anything longer at any cell, so a
Japanese sentence (no spaces) is folded wherever the width ends: lines start
with 、 or 」 and small kana, and a table measures a whole sentence as one
unbreakable "word". :func:`break_offsets` breaks as Japanese typesetting does
(JIS X 4051 禁則処理, the common subset):

- between two Japanese characters, and between Japanese and Latin text;
- after spaces, and after a hyphen inside a Latin word (``start-/ups``);
- never inside a Latin word or number (``ＳＥＮＱ``, ``1,330㎡``);
- no line starts with a closing bracket, 、。，．・：；？！, ー, a small kana
  (ゃ ッ …), an iteration mark (々 ゝ) or a unit sign (％ ㎡); no line ends
  with an opening bracket (「 （ 【 …); ……, —— stay together.

When a run has no allowed break within the width (a long Latin word in a
narrow column) it is folded at the width, moved back so that the 禁則 still
hold where they can. :class:`JaText` is a rich ``Text`` that wraps and measures
this way; use it for every cell or paragraph that may hold Japanese.
"""

from __future__ import annotations

import functools
import itertools
import unicodedata
from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.containers import Lines
from rich.measure import Measurement
from rich.text import Text

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, JustifyMethod, OverflowMethod

# JIS X 4051 cl-02 closing brackets, cl-03 hyphens, cl-04 dividing punctuation,
# cl-05 middle dots, cl-06 full stops, cl-07 commas, cl-09 iteration marks,
# cl-10 prolonged sound mark, cl-11 small kana; and the postfixed unit signs.
NO_START = frozenset(
    "’”）〕］｝〉》」』】〙〗〟｠»)]}｣"
    "‐゠–〜～"
    "？！‼⁇⁈⁉?!"
    "・：；:;･"
    "。．.｡"
    "、，,､"
    "ヽヾゝゞ々〻"
    "ーｰ"
    "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
    "ㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿｧｨｩｪｫｯｬｭｮﾞﾟ"
    "%％‰℃°′″㎡㎞㎏¢￠"
)
"""Characters no line may start with."""

# cl-01 opening brackets and the prefixed currency signs.
NO_END = frozenset("‘“（〔［｛〈《「『【〘〖〝｟«([{｢¥￥＄$£￡＃№")
"""Characters no line may end with."""

INSEPARABLE = frozenset("—…‥―〳〴〵")
"""cl-08: never broken between two of them (…… and ——)."""


@functools.lru_cache(maxsize=4096)
def _kind(ch: str) -> str:
    """``"space"``, ``"word"`` (Latin letters and digits, full width too), ``"cjk"``
    (ideographs, kana, full-width punctuation) or ``"other"`` (ASCII punctuation)."""
    if ch.isspace():
        return "space"
    code = ord(ch)
    if 0xFF10 <= code <= 0xFF5A and ch.isalnum():
        return "word"  # ＳＥＮＱ, ２０１９: full-width Latin is still a word
    if 0xFF61 <= code <= 0xFF9F:
        return "cjk"  # half-width katakana
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return "cjk"
    if ch.isalnum():
        return "word"
    return "other"


def _may_break(prev: str, ch: str, hyphens: bool = True, cjk: bool = True) -> bool:
    """Whether a line may end after ``prev`` and the next start with ``ch``."""
    if ch in NO_START or prev in NO_END:
        return False
    if prev in INSEPARABLE and ch in INSEPARABLE:
        return False
    kp, kc = _kind(prev), _kind(ch)
    if kc == "space":
        return False  # break after the spaces, not before them
    if kp == "space":
        return True
    if kp == "cjk" or kc == "cjk":
        return cjk
    # A hyphen inside a Latin word: start-/ups (not before a digit: -1, 2019-04).
    return hyphens and prev == "-" and kc == "word" and not ch.isdigit()


def _allowed(text: str, hyphens: bool = True, cjk: bool = True) -> list[bool]:
    """``allowed[i]``: a line may start at index ``i`` (0 < i < len(text))."""
    out = [False] * (len(text) + 1)
    for i in range(1, len(text)):
        out[i] = _may_break(text[i - 1], text[i], hyphens, cjk)
    return out


def break_offsets(text: str, width: int, hyphens: bool = True, cjk: bool = True) -> list[int]:
    """The indices at which to start new lines so that each line of ``text`` (one
    line, no newlines) fits ``width`` cells, trailing spaces aside; ``hyphens``
    lets a line end after a hyphen inside a word, ``cjk`` between Japanese
    characters (without both, lines break only at spaces)."""
    width = max(1, width)
    allowed = _allowed(text, hyphens, cjk)
    breaks: list[int] = []
    start = 0
    used = 0
    i = 0
    while i < len(text):
        ch = text[i]
        w = cell_len(ch)
        if used + w <= width or _kind(ch) == "space" or i == start:
            used += w
            i += 1
            continue
        # text[i] does not fit: break at the last allowed place of this line.
        b = next((j for j in range(i, start, -1) if allowed[j]), None)
        if b is None:
            # Nowhere allowed: fold at the width, moving back over characters
            # that may not start a line (and ones that may not end it).
            b = i
            while b - 1 > start and (text[b] in NO_START or text[b - 1] in NO_END):
                b -= 1
            if b - 1 <= start and (text[b] in NO_START or text[b - 1] in NO_END):
                b = i  # nothing better: fold where the width ends
        # Spaces at the break stay at the end of the line (rich strips them).
        breaks.append(b)
        start = b
        used = cell_len(text[b:i])
    return breaks


def wrap_lines(text: str, width: int, hyphens: bool = True) -> list[str]:
    """``text`` broken into lines of at most ``width`` cells (trailing spaces removed)."""
    lines: list[str] = []
    for para in text.split("\n"):
        offsets = [0, *break_offsets(para, width, hyphens), len(para)]
        lines += [para[a:b].rstrip(" ") for a, b in itertools.pairwise(offsets)]
    return lines


def min_width(text: str, hyphens: bool = True, cjk: bool = True) -> int:
    """The narrowest width at which ``text`` needs no forced fold: its widest run
    between allowed breaks (trailing spaces aside)."""
    widest = 0
    for para in text.split("\n"):
        allowed = _allowed(para, hyphens, cjk)
        start = 0
        for i in range(1, len(para) + 1):
            if i == len(para) or allowed[i]:
                widest = max(widest, cell_len(para[start:i].rstrip()))
                start = i
    return widest


class JaText(Text):
    """A rich ``Text`` that breaks lines by :func:`break_offsets` and measures its
    minimum width as its widest unbreakable run, so tables give Japanese cells
    a fair share of the width instead of folding them anywhere."""

    hyphens = True
    """Whether a line may end after a hyphen inside a word (prose: yes)."""
    cjk = True
    """Whether a line may end between Japanese characters (prose: yes)."""

    def wrap(self, console: Console, width: int, *, justify: JustifyMethod | None = None,
             overflow: OverflowMethod | None = None, tab_size: int = 8,
             no_wrap: bool | None = None) -> Lines:
        if no_wrap or self.no_wrap or overflow == "ignore":
            return super().wrap(console, width, justify=justify, overflow=overflow,
                                tab_size=tab_size, no_wrap=no_wrap)
        wrap_justify = justify or self.justify or "default"
        wrap_overflow = overflow or self.overflow or "fold"
        lines = Lines()
        for line in self.split(allow_blank=True):
            if "\t" in line:
                line.expand_tabs(tab_size)
            new_lines = line.divide(break_offsets(line.plain, width, self.hyphens, self.cjk))
            for new_line in new_lines:
                new_line.rstrip()  # not rstrip_end: see fix_rich_rstrip_end
            if wrap_justify:
                new_lines.justify(console, width, justify=wrap_justify, overflow=wrap_overflow)
            for new_line in new_lines:
                new_line.truncate(width, overflow=wrap_overflow)
            lines.extend(new_lines)
        return lines

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        plain = self.plain
        widest = max((cell_len(line) for line in plain.splitlines()), default=0)
        return Measurement(min(min_width(plain, self.hyphens, self.cjk), widest), widest)


class SlugText(JaText):
    """A :class:`JaText` for lines of identifiers (``knowledge-platform · 東京都``):
    never broken at a hyphen, which would make two words of one slug."""

    hyphens = False


class ValuesText(JaText):
    """A :class:`JaText` for a line of short values (``coworking · 東京都, 宮城県``):
    broken only at spaces, so no value is split."""

    hyphens = False
    cjk = False


def ja(text: str, style: str = "") -> JaText:
    """A :class:`JaText` of ``text`` with one style."""
    return JaText(text, style=style)


def _rstrip_end(self: Text, size: int) -> None:
    """``Text.rstrip_end`` measured in cells, as its callers assume."""
    plain = self.plain
    excess = cell_len(plain) - size
    if excess > 0:
        stripped = plain.rstrip()
        trailing = len(plain) - len(stripped)
        if trailing:
            self.right_crop(min(trailing, excess))


def fix_rich_rstrip_end() -> None:
    """Make rich's ``Text.rstrip_end`` count cells, not characters.

    rich (15.0) strips a line's trailing space only when its *character* count
    passes the width, so a wrapped line with Japanese in it that fills the
    width with a space after it is then cut with … (``(復興 find…`` in --help).
    Only the help, which rich draws inside typer, needs this; our own text
    wraps in :class:`JaText`.
    """
    Text.rstrip_end = _rstrip_end  # type: ignore[method-assign]
