"""The PII vocabulary: every word list that decides what is personal data, in one place.

The runtime scrubber (`leaklint_scrub.pii`) and the linter (`leaklint.pii`, `leaklint.flow`) both read
these tables; nothing else lists words.  To teach both a new PII word, add it to `KIND_WORDS` under its
kind.  Words are lower case; a phrase of adjacent words is written with spaces ("first name"), and names
are split into words first (`customerEmail` -> "customer email"), so one entry covers every spelling.
Plain data, standard library only: importing it must stay cheap for the scrubber.
"""

import enum


class PiiKind(enum.Enum):
    EMAIL = "email"
    PERSON_NAME = "person name"
    ORG_ID = "organization identifier"
    PHONE = "phone number"
    ADDRESS = "postal address"
    IP_ADDRESS = "IP address"
    CREDENTIAL = "credential"


# -- what names mean (linter and scrubber) --------------------------------------------------------------

# Words (or adjacent word pairs, written "a b") that on their own mean a kind of personal data.
KIND_WORDS: dict[PiiKind, frozenset[str]] = {
    PiiKind.EMAIL: frozenset({"email", "emails", "e mail", "emailaddress", "email address", "mailto"}),
    PiiKind.PERSON_NAME: frozenset({
        "firstname", "lastname", "fullname", "displayname", "username", "usernames", "surname",
        "nickname", "givenname", "familyname", "middlename", "first name", "last name", "full name",
        "display name", "user name", "given name", "family name", "middle name", "nick name",
        "real name", "short name", "login name",
    }),
    PiiKind.ORG_ID: frozenset({
        "org", "orgs", "organization", "organisation", "organizations", "organisations", "company",
        "companies", "tenant", "workspace", "orgid", "orgname", "tenantid", "workspaceid", "companyid",
    }),
    PiiKind.PHONE: frozenset({"phone", "phones", "mobile", "telephone", "msisdn", "cellphone", "tel", "phonenumber"}),
    PiiKind.ADDRESS: frozenset({
        "address", "addresses", "street", "zip", "zipcode", "postcode", "postal", "postalcode",
        "address1", "address2", "addr", "streetaddress",
    }),
    PiiKind.IP_ADDRESS: frozenset({
        "ip", "ip address", "ipaddress", "ipaddr", "ipv4", "ipv6", "remote addr", "remoteaddr", "x forwarded for",
        "forwarded for", "client ip",
    }),
    PiiKind.CREDENTIAL: frozenset({
        "password", "passwd", "passphrase", "secret", "token", "apikey", "api key", "access key",
        "private key", "credential", "credentials", "authorization", "bearer", "session key",
        "access token", "refresh token", "secret key", "client secret", "pwd", "cookie", "cookies",
        "csrftoken",
    }),
}

# Words that make a name *about* personal data rather than the data itself:
# flags, counts, lengths, states, templates, files and other descriptors.
NOT_PII_WORDS = frozenset({
    "is", "has", "have", "should", "can", "was", "did", "does", "needs", "allow", "allowed",
    "count", "counts", "num", "total", "length", "len", "size", "limit", "max", "min", "used", "usage",
    "remaining", "verified", "verify", "verification", "confirmed", "enabled", "disabled", "valid",
    "invalid", "exists", "sent", "opt", "optin", "opted", "bounced", "subscribed", "unsubscribed",
    "changed", "updated", "required", "format", "type", "kind", "template", "templates", "tpl",
    "file", "files", "filename", "path", "dir", "url", "uri", "link", "event", "events", "field",
    "fields", "column", "label", "domain", "provider", "backend", "host", "port", "server", "config",
    "settings", "setting", "expiry", "expires", "expired", "expiration", "ttl", "at", "date", "time",
    "timestamp", "version", "status", "state", "error", "errors", "hash", "hashed", "sha", "sha256",
    "md5", "encrypted", "masked", "redacted", "scrubbed", "anonymized", "pseudonym", "regex",
    "pattern", "validator", "form", "class", "model", "prefix", "suffix", "index",
    "app", "plan", "product", "feature", "flag", "flags", "list", "queue", "job", "task", "source",
    "campaign", "subject", "body", "button", "page", "screen", "step", "view", "tab",
    "lock", "cache", "discount", "coupon", "promo", "sku",
})

# Adjacent words that name something other than a person although one of them is a person word:
# a task queue's actor (Dramatiq, Celery) has an `actor_name`, as a thread of a program has a name.
NOT_PERSON_PHRASES = frozenset({"actor name", "actor names"})

# Names of whole people: `.name` (or a key "name") is a person's name only on these; the whole object
# (`vars(user)`, `customer.to_dict()`) is a person's record.
PERSON_WORDS = frozenset({
    "user", "users", "member", "members", "customer", "customers", "person", "people", "profile",
    "owner", "author", "contact", "contacts", "employee", "buyer", "recipient", "sender", "subscriber",
    "student", "patient", "visitor", "lead", "attendee", "participant", "account", "acct",
    "requester", "assignee", "reporter", "creator", "invitee", "inviter", "admin", "staff", "viewer",
    "actor", "u", "identity", "human", "applicant", "candidate", "guest", "player",
})
# Not people, but their `.name` is a person's: a payment card's holder, a billing contact.
NAME_OWNER_WORDS = frozenset({"card", "cardholder", "holder", "billing"})
# The last word of a name that is a person's handle when its owner is a person (`sender.login`,
# `payload["sender"]["login"]`, `author_login`): a handle, not a display name.
HANDLE_WORDS = frozenset({"login", "logins"})
# Addressees of a message: on a message-like owner (`msg.to`, `recipient_cc`) these are e-mail addresses.
ADDRESSEE_WORDS = frozenset({"to", "cc", "bcc", "reply to", "recipients"})
MESSAGE_WORDS = frozenset({"message", "messages", "msg", "mail", "email", "envelope", "recipient", "letter"})
# Attributes of process and request objects that carry credentials when sent whole: a command line
# (`sys.argv`) or the environment (`os.environ`) holds tokens and passwords, request headers and cookies
# hold the session and the Authorization header.  Keyed by the owner's last word.
CREDENTIAL_ATTRIBUTES: dict[str, frozenset[str]] = {
    "sys": frozenset({"argv", "orig_argv"}),
    "os": frozenset({"environ", "environb"}),
    "request": frozenset({"headers", "meta", "cookies", "authorization"}),
    "req": frozenset({"headers", "meta", "cookies", "authorization"}),
}
# Names of whole organisations: their `.name` identifies the organisation.
ORG_WORDS = frozenset({"org", "organization", "organisation", "company", "tenant", "workspace", "co", "business", "employer"})
# Parties that are an organisation when an organisation word qualifies them: `enterprise_customer.name`,
# `business_account_name` name a company (`company_contact_name` is still a person: a contact is one).
PARTY_WORDS = frozenset({"customer", "customers", "account", "acct", "client", "buyer"})
ORG_QUALIFIERS = ORG_WORDS | {"enterprise", "corporate", "corp", "b2b"}
# Things whose names are not people's: `repo_full_name` is "owner/repo", `project.display_name` a title.
THING_WORDS = frozenset({
    "repo", "repos", "repository", "project", "file", "table", "column", "field", "model", "app", "package",
    "module", "product", "item", "dataset", "branch", "bucket", "host", "domain", "queue", "channel", "job",
    "task", "workflow", "pipeline", "image", "service", "device", "plan", "template", "feature", "team",
})
# Owners of configuration: their UPPER_CASE attributes (`settings.SUPPORT_EMAIL`) are the operator's own
# values, not a person's (credentials aside: `settings.SECRET_KEY` stays one).
CONFIG_OWNERS = frozenset({"settings", "config", "conf", "configuration", "constants", "cfg"})

# `org_id`, `company_name`, `tenant_slug`: organisation words followed by one of these identify an organisation.
ORG_SUFFIXES = frozenset({"id", "ids", "name", "names", "slug", "uuid", "key", "title", "domain", "handle"})
# Attributes of an organisation object that identify it (`company.pk` as well as the suffixes above).
ORG_ATTRIBUTES = ORG_SUFFIXES | {"pk"}

# The last word of a name that is a name of something: a person's when its owner is a person.
NAME_WORDS = frozenset({"name", "names"})
# Address words that alone do not say "postal" ...
BARE_ADDRESS_WORDS = frozenset({"address", "addresses", "addr"})
# ... and are not, after one of these (`mac_address`, `wallet_address`, `server_addr`).
NOT_POSTAL_OWNERS = frozenset({"mac", "wallet", "contract", "server", "web", "memory", "bind"})

# Person-name words that are handles rather than names: pseudonymised (not redacted) by a fix, so that
# people can still be told apart.
USERNAME_WORDS = frozenset({"username", "usernames", "user name", "login name", "nickname", "nick name",
                            "login", "logins"})


# -- what code does with data (linter only) --------------------------------------------------------------

# Calls whose result is a number, a flag or a type, whatever goes in (`len(user.email)` is clean).
CLEAN_CALLS = frozenset({
    "len", "bool", "int", "float", "sum", "any", "all", "isinstance", "issubclass", "hasattr",
    "callable", "round", "abs", "type", "id", "range", "enumerate", "count", "exists",
    "uuid4", "uuid1", "now", "utcnow", "time", "today", "timestamp", "isoformat",
})
# Methods whose result is a count, a flag or the keys, whatever they are called on.
CLEAN_METHODS = frozenset({"count", "exists", "keys"})
# Calls that return what goes in, converted (`str(user.email)` is still the email, `UUID(setting)` the setting).
CONVERSIONS = frozenset({"str", "repr", "format", "list", "tuple", "set", "frozenset", "sorted", "reversed", "UUID"})
# Methods that return (part of) the string or mapping they are called on.
STRING_METHODS = frozenset({
    "lower", "upper", "strip", "lstrip", "rstrip", "title", "casefold", "capitalize", "replace",
    "split", "rsplit", "partition", "rpartition", "encode", "decode", "format", "join", "hexdigest",
    "digest", "get", "pop", "copy", "setdefault", "removeprefix", "removesuffix", "zfill", "ljust", "rjust",
})
# Mapping methods whose first argument is a key naming the value returned (`request.POST.get("email")`,
# `os.getenv("GITHUB_TOKEN")`).
KEY_LOOKUP_METHODS = frozenset({"get", "pop", "setdefault", "getenv", "getenvb"})
# A method named `get_<attribute>` returns that attribute (`user.get_email()`).
GETTER_PREFIX = "get_"
# Methods returning what a mapping holds (`props.items()`), whatever the mapping is.
MAPPING_VIEWS = frozenset({"items", "values"})
# Functions and methods that hash, encrypt or mask what they are given: their result is clean
# (`hashlib.sha256(...)`, `hmac.new(...)`, `hash_email(...)`), by module or by a word of their name.
HASHING_MODULES = frozenset({"hashlib", "hmac"})
HASHING_WORDS = frozenset({
    # Not "digest" or "mask" alone: e-mail digests (`digest_recipient`) and UI masks are no hashing.
    "hash", "hashed", "sha", "sha1", "sha256", "sha512", "md5", "blake2b", "hmac", "hexdigest",
    "encrypt", "encrypted", "masked", "redact", "redacted", "scrub", "scrubbed", "anonymize",
    "anonymise", "anonymized", "anonymised", "pseudonymize", "pseudonymise", "pseudonym", "obfuscate",
})
# Methods that the standard library's containers, Django's models and querysets, HTTP clients and files all
# have: on an object of unknown class, such a call is not taken for the project's method of the same name
# (a project's `Cache.get` returning a user's email says nothing of `request.session.get(...)`).
LIBRARY_METHODS = frozenset({
    "get", "pop", "setdefault", "update", "copy", "items", "values", "keys", "add", "append", "extend", "insert",
    "remove", "discard", "clear", "index", "count", "sort", "join", "split", "format", "encode", "decode",
    "create", "filter", "exclude", "all", "first", "last", "save", "delete", "exists", "order_by",
    "get_or_create", "update_or_create", "bulk_create", "select_related", "prefetch_related", "annotate",
    "aggregate", "values_list", "only", "defer", "using", "none", "clean", "full_clean", "refresh_from_db",
    "post", "put", "patch", "head", "options", "request", "send", "json", "read", "write", "open", "close",
    "load", "loads", "dump", "dumps", "run", "call", "execute", "search", "match", "render", "parse",
})
# Methods that put their (last) argument into the list or set they are called on.
ADDING_METHODS = frozenset({"append", "extend", "add", "insert", "appendleft"})
# A helper reading a field it is told by a literal key (`get_user_field(user, "email")`): its name's first
# word is one of these verbs, or its last word one of these nouns.
GETTER_VERBS = frozenset({"get", "read", "fetch", "lookup", "extract", "load", "resolve"})
GETTER_NOUNS = frozenset({"field", "attr", "attribute", "value", "prop", "property"})
# Keywords RQ's `queue.enqueue(f, *args, **kwargs)` keeps for itself rather than passing them on to `f`.
RQ_OPTIONS = frozenset({
    "job_timeout", "result_ttl", "ttl", "failure_ttl", "description", "depends_on", "job_id", "at_front",
    "meta", "retry", "on_success", "on_failure", "on_stopped", "pipeline", "timeout",
})

# Ways of serialising a whole object into a dict.
WHOLE_OBJECT_FUNCS = frozenset({"vars", "model_to_dict", "asdict", "dataclasses.asdict", "attr.asdict", "attrs.asdict", "jsonable_encoder"})
WHOLE_OBJECT_METHODS = frozenset({"to_dict", "dict", "model_dump", "as_dict", "asdict", "to_json", "serialize", "todict", "values"})
# `<entity>_serializer.data` is the whole serialised entity.
SERIALIZER_WORDS = frozenset({"serializer"})

# Attributes that identify a record without describing anyone (`user.pk`), and attributes that label a
# record (`plan.name`): clean unless the owner says otherwise (a person's name, an organisation's).
ID_ATTRIBUTES = frozenset({"id", "pk", "uuid"})
LABEL_ATTRIBUTES = frozenset({"name", "title"})
