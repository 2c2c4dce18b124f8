"""The PII classifier and vocabulary, shared with the runtime scrubber: they live in `leaklint_scrub.pii`
and `leaklint_scrub.vocabulary` (every word list, in one place).

One classifier for both means what the linter flags is what the scrubber removes.
"""

from leaklint_scrub import vocabulary  # noqa: F401
from leaklint_scrub.pii import (EMAIL_RE, IPV4_RE, KIND_WORDS, NOT_PII_WORDS, ORG_SUFFIXES, ORG_WORDS,  # noqa: F401
                                PERSON_WORDS, PHONE_MIN_DIGITS, PHONE_RE, Match, PiiKind, classify_attribute,
                                classify_key, classify_name, classify_text, credential_as_a_whole, credential_attribute,
                                is_organisation, is_phone, mentions_pii, operator_setting, words)
