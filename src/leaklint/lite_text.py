"""Reading a module's text around `ast`'s positions the way libcst splits it (for `lite`): which
parentheses are an expression's own, what libcst shows of an expression on its own, where the literals
of an implicit concatenation and the fields of an f-string are."""

from __future__ import annotations

import keyword
import re

from libcst._nodes.internal import CodegenState

LINE_BREAK = re.compile(r"\r\n?|\n")   # what CPython and libcst count as a line break
_LINE_END = re.compile(r"[\r\n]")
_BLANK = " \t\r\n\\\f"
_IDENTIFIER_END = re.compile(r"[\w)\]}'\"]")
_WORD_BEFORE = re.compile(r"(\w+)$")
_KEYWORDS = frozenset(keyword.kwlist)
_STRING_START = re.compile(r"[rRbBuUfF]{0,2}('''|\"\"\"|'|\")")
# A literal's body after its opening quote, to its closing one (a backslash keeps the next character in, in
# raw strings too)
_STRING_BODY = {quote: re.compile(rf"(?:[^\\{quote[0]}]|\\.|{quote[0]}(?!{quote[1:]}))*{quote}" if len(quote) == 3
                                  else rf"(?:[^\\{quote}\n]|\\.)*{quote}", re.DOTALL)
                for quote in ("'''", '"""', "'", '"')}


class Unsupported(Exception):
    """Syntax `lite` leaves to libcst."""


class Where(tuple):
    """Where an expression is in its module's text, kept in its `lpar` field: an empty tuple to anything
    that reads the field as parentheses.  `at`: (text, start, end, indentation of its block); `inside`, if
    set: the span its parentheses cannot reach beyond (`with (a, b):` has them for itself)."""

    def text(self) -> str:
        """The expression's source as libcst shows it on its own: with the parentheses around it that are
        its own, and its lines after the first without the indentation of the block it is in."""
        text, start, end, indent = self.at
        start, end = owned(text, start, end, *getattr(self, "inside", (0, len(text))))
        found = text[start:end]
        return dedented(found, indent) if _LINE_END.search(found) else found


def line_table(text: str) -> list:
    """Per line, (its first character's offset, whether it is ASCII); then the text itself (see `offset`)."""
    starts = [0, *(m.end() for m in LINE_BREAK.finditer(text))]
    ends = [*starts[1:], len(text)]
    return [*((s, text[s:e].isascii()) for s, e in zip(starts, ends)), text]


def offset(lines: list, line: int, col: int) -> int:
    """The character offset of `ast`'s (line, UTF-8 byte column)."""
    start, ascii_ = lines[line - 1]
    if ascii_:
        return start + col
    text = lines[-1]
    end = lines[line][0] if line < len(lines) - 1 else len(text)
    return start + len(text[start:end].encode("utf-8")[:col].decode("utf-8", "replace"))


def owned(text: str, start: int, end: int, low: int = 0, high: int | None = None) -> tuple[int, int]:
    """The span of an expression with the parentheses around it that libcst gives it (within `text[low:high]`)."""
    high = len(text) if high is None else high
    while True:
        before, after = skip_back(text, start - 1), skip_forward(text, end)
        if before < low or after >= high or text[before] != "(" or text[after] != ")" or opens_call(text, before):
            return start, end
        start, end = before, after + 1


def opens_call(text: str, paren: int) -> bool:
    """Whether the `(` at `paren` opens a call's or a definition's arguments, not a parenthesized expression."""
    at = skip_back(text, paren - 1)
    # (a parenthesis first on its line opens no call: a call's would continue the line before)
    if at < 0 or not _IDENTIFIER_END.match(text[at]) or _LINE_END.search(text, at, paren):
        return False
    word = _WORD_BEFORE.search(text[max(0, at - 20):at + 1])
    return word is None or word.group(1) not in _KEYWORDS


def skip_back(text: str, at: int) -> int:
    """The last character at or before `at` that is neither blank nor in a comment."""
    while at >= 0:
        char = text[at]
        if char in "\r\n":
            at -= 1
            start = max(text.rfind("\n", 0, at + 1), text.rfind("\r", 0, at + 1)) + 1
            comment = _comment_in(text, start, at + 1)
            if comment is not None:
                at = comment - 1
        elif char in _BLANK:
            at -= 1
        else:
            break
    return at


def skip_forward(text: str, at: int) -> int:
    """The first character at or after `at` that is neither blank nor in a comment."""
    while at < len(text):
        char = text[at]
        if char == "#":
            found = _LINE_END.search(text, at)
            if found is None:
                return len(text)
            at = found.start()
        elif char not in _BLANK:
            return at
        at += 1
    return at


def string_end(text: str, at: int) -> int:
    """Where the string literal whose opening quote is at `at` ends (after its closing quote)."""
    quote = text[at:at + 3] if text[at:at + 3] in ("'''", '"""') else text[at]
    found = _STRING_BODY[quote].match(text, at + len(quote))
    if found is None:
        raise Unsupported("unterminated string")
    return found.end()


def _comment_in(text: str, start: int, end: int) -> int | None:
    """Where a comment starts on the line `text[start:end]`, if it has one."""
    if "#" not in text[start:end]:
        return None
    at = start
    while at < end:
        char = text[at]
        if char in "'\"":
            try:
                at = string_end(text, at)
            except Unsupported:   # (the line ends a string begun above it: read no comment into it)
                return None
            continue
        if char == "#":
            return at
        at += 1
    return None


def dedented(text: str, indent: str) -> str:
    """`text` as libcst shows an expression on its own: each line break outside a string literal and not
    after a backslash a plain `\\n`, without the block's `indent` after it (libcst keeps those apart from an
    expression's own whitespace, and gives them back as the module's)."""
    out, at = [], 0
    while at < len(text):
        char = text[at]
        if char in "'\"":
            end = string_end(text, at)
        elif char == "#":
            found = _LINE_END.search(text, at)
            end = len(text) if found is None else found.start()
        elif char == "\\":
            end = at + 2
        else:
            end = at + 1
            if char in "\r\n":
                end += text[at:at + 2] == "\r\n"
                out.append("\n")
                at = end + len(indent) if text.startswith(indent, end) else end
                continue
        out.append(text[at:end])
        at = end
    return "".join(out)


def string_tokens(text: str, at: int, stop: int) -> list[tuple[int, int]]:
    """Where the literals of `text[at:stop]`, an implicit concatenation (`"a" 'b'`), start and end."""
    out = []
    while True:
        at = skip_forward(text, at)
        if at >= stop:
            return out
        found = _STRING_START.match(text, at)
        if found is None:
            raise Unsupported("string literal")
        end = string_end(text, found.start(1))
        out.append((at, end))
        at = end


def replacement_field(body: str, at: int) -> tuple[int, int | None, str | None, bool]:
    """The `{...}` of an f-string's body starting at `at`: where it ends (after its `}`), where its format
    spec starts (None without one), its conversion (`r`), and whether its expression ends in `=`."""
    i = _expression_end(body, at + 1)
    expression = body[at + 1:i].rstrip()
    equal = expression.endswith("=") and not expression.endswith(("==", "!=", "<=", ">="))
    conversion = None
    if body[i] == "!":
        conversion, i = body[i + 1], i + 2
    spec_at = None
    if i < len(body) and body[i] == ":":
        spec_at = i + 1
        i = _spec_end(body, spec_at)
    if i >= len(body) or body[i] != "}":
        raise Unsupported("f-string field")
    return i + 1, spec_at, conversion, equal


def _expression_end(body: str, i: int) -> int:
    """Where the expression of a replacement field ends: at its `}`, `:` or `!` outside brackets."""
    depth = 0
    while i < len(body):
        char = body[i]
        if char in "'\"":
            i = string_end(body, i)
            continue
        if char in "([{":
            depth += 1
        elif char in ")]}" and depth:
            depth -= 1
        elif depth == 0 and (char in "}:" or (char == "!" and body[i + 1:i + 2] != "=")):
            return i
        i += 1
    raise Unsupported("f-string field")


def _spec_end(body: str, i: int) -> int:
    """Where a format spec ends: at the `}` closing its field (nested fields `{w}` inside it)."""
    depth = 0
    while i < len(body):
        if body[i] == "{":
            depth += 1
        elif body[i] == "}":
            if depth == 0:
                return i
            depth -= 1
        i += 1
    return i


class _Splicing(CodegenState):
    """libcst's code generation, each lite node's tokens replaced by its text (see `spliced_code`)."""

    def __init__(self) -> None:
        super().__init__(default_indent="    ", default_newline="\n")   # (those of `cst.Module([])`)
        self.inside = None
        self.start = 0

    def before_codegen(self, part) -> None:
        if self.inside is None and type(getattr(part, "lpar", None)) is Where:
            self.inside, self.start = part, len(self.tokens)

    def after_codegen(self, part) -> None:
        if part is self.inside:
            del self.tokens[self.start:]
            self.tokens.append(part.lpar.text())
            self.inside = None


def spliced_code(node) -> str:
    """libcst's code for `node`, each lite node in it (one made during a walk around a lite tree's parts,
    `getattr(user, "email")` read as `user.email`) shown as its text, not with default layout."""
    state = _Splicing()
    node._codegen(state)
    return "".join(state.tokens)
