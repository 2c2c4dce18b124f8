"""The dataflow: what each expression carries.

`Evaluator.evaluate(expr)` returns a `Value`: the personal data the expression carries (with the place
each piece was found), whether it is a whole serialised object, whether it is an SDK module, class or
object (`ref`), an SDK carrier object built earlier, which of the enclosing function's parameters it
derives from, or that it is provably clean.  `walk.Walker` drives it statement by statement.

By concern: `values` (what a value is, and merging), `env` (scopes, options, the project view),
`evaluator` (the dispatch, literals and operators), `names` (names, attributes, subscripts), `calls`
(SDK and project calls, scrubbers, carriers, methods, plain functions), `deferred` (task queues, threads and
callbacks: the call a dispatch stands for) and `syntax` (small readings of syntax).  The words that decide what is personal data are in `leaklint_scrub.vocabulary`.
"""

from .env import Env, Options, ProjectView
from .evaluator import MAX_DEPTH, CallHook, Evaluator
from .syntax import call_args, code, string_key
from .values import CLEAN, UNKNOWN, Carrier, Evidence, Value, Whole, merge_all, strip_ref

__all__ = [
    "CLEAN", "MAX_DEPTH", "UNKNOWN", "CallHook", "Carrier", "Env", "Evaluator", "Evidence", "Options",
    "ProjectView", "Value", "Whole", "call_args", "code", "merge_all", "string_key", "strip_ref",
]
