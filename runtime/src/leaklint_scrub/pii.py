"""The PII classifier: which names, keys and attribute chains carry personal data.

This module is the single classifier for "is this personal data?": the runtime scrubber
(`leaklint_scrub`) uses it on payload keys, and the linter (`leaklint.pii` re-exports it) on code.  The
words it reads are in `leaklint_scrub.vocabulary`.  It is pure standard library and imports nothing of
the linter.

Classification works on *words*: `customerEmail`, `customer_email`, `$email` and `Customer-Email` all
become `["customer", "email"]`.  A name is personal data when its words say so, unless other words say
it is only *about* personal data (a flag, a count, a template, a file name ...).
"""

from __future__ import annotations

import itertools
import re
from collections import namedtuple
from functools import lru_cache

from .vocabulary import (ADDRESSEE_WORDS, BARE_ADDRESS_WORDS, CREDENTIAL_ATTRIBUTES, HANDLE_WORDS,  # noqa: F401
                         KIND_WORDS, MESSAGE_WORDS, NAME_OWNER_WORDS, NAME_WORDS, NOT_PERSON_PHRASES,
                         NOT_PII_WORDS, NOT_POSTAL_OWNERS, ORG_ATTRIBUTES, ORG_QUALIFIERS, ORG_SUFFIXES, ORG_WORDS,
                         PARTY_WORDS, PERSON_WORDS, CONFIG_OWNERS, THING_WORDS,
                         PiiKind)

TYPE_CHECKING = False  # not `typing.TYPE_CHECKING`: importing typing would double the scrubber's import time
if TYPE_CHECKING:
    from collections.abc import Iterable


_WORD_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z]|\d|\b|_)|[A-Z]?[a-z]+|[A-Z]+|\d+")


# The linter asks about the same few thousand names over and over (every walk of every module), and a
# running scrubber about the same payload keys: the answers, pure functions of their strings, are kept.
# Bounded, so that a process seeing endless distinct keys does not grow without end.
_CACHED = 1 << 15


def words(name: str) -> list[str]:
    """Split a name, key or header into lower-case words: `userEmail_2` -> ["user", "email", "2"]."""
    return list(_words(name))


@lru_cache(maxsize=_CACHED)
def _words(name: str) -> tuple[str, ...]:
    return tuple(w.lower() for w in _WORD_RE.findall(name))


class Match(namedtuple("Match", "kind matched")):
    """Why a name was classified: the kind (a PiiKind) and the words that decided it (matched)."""

    __slots__ = ()


def _phrases(ws: tuple[str, ...]) -> Iterable[tuple[int, str]]:
    """Every word and every pair / triple of adjacent words, joined both with and without a space."""
    for i in range(len(ws)):
        for n in (3, 2, 1):
            if i + n <= len(ws):
                part = ws[i:i + n]
                yield i, " ".join(part)
                if n > 1:
                    yield i, "".join(part)


def classify_name(name: str, *, extra: dict[PiiKind, frozenset[str]] | None = None,
                  never: frozenset[str] = frozenset(), person_context: bool = False) -> Match | None:
    """Classify one identifier, key or attribute name.

    `person_context` says the name sits on (or in a payload about) a person, so that a bare `name`
    is a person's name.  `extra` adds project words per kind, `never` lists names that are never PII.
    """
    return _classify_name(name, _extra_key(extra), frozenset(never), person_context)


def _extra_key(extra: dict[PiiKind, frozenset[str]] | None) -> tuple:
    """`extra` as a key of the kept answers (a frozenset is taken as it is, not copied)."""
    return tuple((kind, frozenset(added)) for kind, added in extra.items()) if extra else ()


@lru_cache(maxsize=_CACHED)
def _classify_name(name: str, extra: tuple, never: frozenset[str], person_context: bool) -> Match | None:
    if not name or name.lower() in never:
        return None
    ws = _words(name)
    if not ws:
        return None
    if any(w in NOT_PII_WORDS for w in ws):
        return None
    added = dict(extra)
    kinds = KIND_WORDS if not added else {k: KIND_WORDS[k] | added.get(k, frozenset()) for k in KIND_WORDS}
    # Compound names decide first: `ip_address` is an IP, `email_address` an email, not a postal address.
    best: Match | None = None
    best_len = start = 0
    for at, phrase in _phrases(ws):
        for kind, vocab in kinds.items():
            if phrase in vocab and len(phrase) > best_len:
                best, best_len, start = Match(kind, phrase), len(phrase), at
    if best is not None:
        if best.kind is PiiKind.PERSON_NAME and start and ws[start - 1] in THING_WORDS and \
                not PERSON_WORDS.intersection(best.matched.split()):
            return None  # `repo_full_name`: a thing's name (`app_user_name` is still a user's)
        if best.kind is PiiKind.ORG_ID and ws[-1] not in ORG_SUFFIXES and ws[-1] not in KIND_WORDS[PiiKind.ORG_ID]:
            return None  # `org_plan`, `company_size`: about an organisation, not identifying it
        if best.kind is PiiKind.ADDRESS and best.matched in BARE_ADDRESS_WORDS and len(ws) > 1:
            if ws[-2] in NOT_POSTAL_OWNERS:
                return None
        return best
    return _by_owner(ws, person_context)


def _by_owner(ws: tuple[str, ...], person_context: bool) -> Match | None:
    """Names whose last word means personal data only on some owners: a person's or a card holder's
    `name`, a person's `login`, a message's `to` / `cc`."""
    last, owner = ws[-1], (ws[-2] if len(ws) > 1 else None)
    if " ".join(ws[-2:]) in NOT_PERSON_PHRASES:
        return None
    if last in NAME_WORDS:
        if owner in ORG_WORDS or _organisation(ws[:-1]):
            return Match(PiiKind.ORG_ID, " ".join(ws[-2:]))
        if owner in PERSON_WORDS or owner in NAME_OWNER_WORDS or (owner is None and person_context):
            return Match(PiiKind.PERSON_NAME, " ".join(ws[-2:]) if owner else "name")
    if last in HANDLE_WORDS and (owner in PERSON_WORDS or (owner is None and person_context)):
        return Match(PiiKind.PERSON_NAME, last)
    addressee = " ".join(ws[-2:]) if " ".join(ws[-2:]) in ADDRESSEE_WORDS else last
    if addressee in ADDRESSEE_WORDS:
        before = ws[-len(addressee.split()) - 1] if len(ws) > len(addressee.split()) else None
        if before in MESSAGE_WORDS:
            return Match(PiiKind.EMAIL, f"{before} {addressee}")
    return None


def operator_setting(owner: str | None, attr: str) -> bool:
    """`settings.SUPPORT_EMAIL`, `config.POLAR_ORGANIZATION_ID`: a configuration constant whose name says
    personal data holds the operator's own mailbox or organisation, not a person's (a secret in the
    configuration is still a credential)."""
    ws = _words(owner) if owner else ()
    if not ws or ws[-1] not in CONFIG_OWNERS or not attr.isupper():
        return False
    match = _classify_name(attr, (), frozenset(), False)
    return match is not None and match.kind is not PiiKind.CREDENTIAL


def is_organisation(name: str) -> bool:
    """A name of an organisation's party (`enterprise_customer`), though its last word names a person."""
    return _organisation(_words(name))


def _organisation(owner_words: tuple[str, ...]) -> bool:
    """An owner that is an organisation's party: `enterprise_customer`, `business_account`."""
    return len(owner_words) > 1 and owner_words[-1] in PARTY_WORDS and owner_words[-2] in ORG_QUALIFIERS


def mentions_pii(name: str) -> bool:
    """Whether any word of `name` is a PII word, descriptors aside (`email_count` mentions email)."""
    return _mentions_pii(name)


@lru_cache(maxsize=_CACHED)
def _mentions_pii(name: str) -> bool:
    return any(phrase in vocab for _, phrase in _phrases(_words(name)) for vocab in KIND_WORDS.values())


def classify_attribute(owner: str | None, attr: str, *, extra: dict[PiiKind, frozenset[str]] | None = None,
                       never: frozenset[str] = frozenset()) -> Match | None:
    """Classify `owner.attr`: `user.name` is a name, `plan.name` is not, `acct.email` is an email."""
    return _classify_attribute(owner, attr, _extra_key(extra), frozenset(never))


@lru_cache(maxsize=_CACHED)
def _classify_attribute(owner: str | None, attr: str, extra: tuple, never: frozenset[str]) -> Match | None:
    owner_words = _words(owner) if owner else ()
    last = owner_words[-1] if owner_words else None
    if (last in ORG_WORDS or _organisation(owner_words)) and attr in ORG_ATTRIBUTES:
        return Match(PiiKind.ORG_ID, f"{last}.{attr}")
    credential = credential_attribute(owner, attr)
    if credential is not None:
        return credential
    if last in CONFIG_OWNERS and attr.isupper():  # the operator's configuration: only its secrets count
        match = _classify_name(attr, extra, never, False)
        return match if match is not None and match.kind is PiiKind.CREDENTIAL else None
    if attr == "title":
        return None
    if last in THING_WORDS:  # `repo.full_name`, `project.display_name`
        match = _classify_name(attr, extra, never, False)
        return None if match is not None and match.kind is PiiKind.PERSON_NAME else match
    if last is not None and last not in PERSON_WORDS:
        match = _by_owner((last, *_words(attr)), False)  # `msg.to`, `card.name`
        if match is not None:
            return match
    return _classify_name(attr, extra, never, last in PERSON_WORDS)


def credential_attribute(owner: str | None, attr: str) -> Match | None:
    """`sys.argv`, `os.environ`, `request.headers`: an attribute that holds credentials as a whole."""
    last = _words(owner)[-1] if owner and _words(owner) else ""
    if attr.lower() in CREDENTIAL_ATTRIBUTES.get(last, ()):
        return Match(PiiKind.CREDENTIAL, f"{last}.{attr}")
    return None


def credential_as_a_whole(kind: PiiKind, matched: str) -> bool:
    """Evidence that holds only for the whole attribute (`sys.argv`, `os.environ`): one argument or one
    variable read from it is not known to be a credential."""
    owner, _, attr = matched.rpartition(".")
    return kind is PiiKind.CREDENTIAL and attr in CREDENTIAL_ATTRIBUTES.get(owner, ())


def classify_key(key: str, *, person_context: bool = True, **kw) -> Match | None:
    """Classify a payload key.  A bare "name" in a traits or properties payload is a person's name."""
    return classify_name(key.lstrip("$"), person_context=person_context, **kw)


# The shapes run on request paths over text of any length, so each must stay linear.  Each starts with a
# character class, so the engine skips text that cannot start a match at C speed, and then rejects a
# start inside a run (the look-behinds) in constant time, so each run is scanned from one place only.
# Email and IPv4 match exactly what the plain expressions match (a start inside a run reaches the same
# end and fails the same way); an IPv4 octet is written from its first digit: "2" may go on to 255.
_LOCAL = r"[A-Za-z0-9._%+\-]"
EMAIL_RE = re.compile(_LOCAL + r"(?<!" + _LOCAL * 2 + r")" + _LOCAL + r"*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_OCTET = r"(?:25[0-5]|2[0-4]\d|1?\d?\d)"
IPV4_RE = re.compile(r"\d(?<!\w\d)(?:(?<=2)(?:5[0-5]|[0-4]\d)|(?<=1)\d\d|\d?)\." + rf"(?:{_OCTET}\.){{2}}{_OCTET}\b")
# Digits with at most three separators between two, after an optional "+": "+44 (20) 7946-0958".  It is a
# phone number when it has nine digits or more (`is_phone`); a longer run is redacted whole, not cut up.
_SEP = r"[\s().\-]"
PHONE_RE = re.compile(rf"[+\d](?!(?<=\+)(?:\D|$))(?<![\w.][+\d])(?<!\d{_SEP}[+\d])(?<!\d{_SEP}{{2}}[+\d])"
                      rf"(?<!\d{_SEP}{{3}}[+\d])\d*(?:{_SEP}{{1,3}}\d+)*(?!\w|\.\d)")
PHONE_MIN_DIGITS = 9


def is_phone(candidate: str) -> bool:
    """Whether a PHONE_RE match has enough digits to be a phone number rather than a date or an amount."""
    digits = (c for c in candidate if c.isdigit())
    return next(itertools.islice(digits, PHONE_MIN_DIGITS - 1, None), None) is not None


def classify_text(text: str) -> PiiKind | None:
    """Classify a literal string by its shape (used by the scrubber on runtime values)."""
    if EMAIL_RE.search(text):
        return PiiKind.EMAIL
    if IPV4_RE.search(text):
        return PiiKind.IP_ADDRESS
    if any(is_phone(m.group()) for m in PHONE_RE.finditer(text)):
        return PiiKind.PHONE
    return None

