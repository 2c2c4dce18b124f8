"""The project index as plain data (strings, numbers, booleans, tuples and dicts) for the cache, and back,
checked: anything but what `to_data` writes raises TypeError or ValueError."""

from __future__ import annotations

from .catalogue import Param, ParamKind, Role
from .flow import Evidence, Value, Whole
from .flow.guards import HOLDS
from .index import ProjectIndex
from .index_names import ModuleFacts
from .pii import PiiKind
from .summaries import DerivedSink, Summary


def to_data(index: ProjectIndex) -> dict:
    """Strings, numbers, booleans, tuples and dicts only: what the cache can store and check."""
    modules = tuple((m.name, tuple((n, v.ref, v.local, v.text, _pii_data(v.pii)) for n, v in m.names.items()),
                     tuple(sorted(m.classes)),
                     tuple(m.bases.items()), tuple(sorted(m.properties)))
                    for m in index.modules.values())
    functions = tuple((s.qualname, s.module, s.method, _sink_data(s.sink) if s.sink else None,
                       _pii_data(s.returns.pii),
                       _wholes_data(s.returns.wholes), s.key, s.passes, tuple(map(_param_data, s.params)),
                       _elements_data(s.returns.elements))
                      for s in index.functions.values())
    return {"modules": modules, "functions": functions, "classes": tuple(sorted(index.classes)), "rounds": index.rounds}


def from_data(data: dict) -> ProjectIndex:
    """The index `to_data` stored; ValueError (or TypeError) on anything else."""
    index = ProjectIndex()
    bound: dict[tuple, Value] = {}   # one value per (ref, local, text): most names are bound to a few of them
    for name, names, classes, bases, properties in data["modules"]:
        index.modules[_text(name)] = ModuleFacts(name, {_text(n): _name_from(ref, local, text, pii, bound)
                                                        for n, ref, local, text, pii in names},
                                                 frozenset(map(_text, classes)),
                                                 {_text(c): tuple(map(_text, refs)) for c, refs in bases},
                                                 frozenset(map(_text, properties)))
    for qualname, module, method, sink, pii, wholes, key, passes, params, elements in data["functions"]:
        returns = Value(pii=_pii_from(pii), wholes=_wholes_from(wholes), elements=_elements_from(elements))
        index.functions[_text(qualname)] = Summary(qualname, _text(module), _flag(method),
                                                   _sink_from(sink) if sink is not None else None, returns,
                                                   _key_from(key), tuple(map(_text, passes)),
                                                   tuple(_param_from(p) for p in params))
    index.classes = set(map(_text, data["classes"]))
    index.changed()
    index.rounds = data["rounds"]
    if type(index.rounds) is not int:
        raise TypeError("a number of rounds was expected in the stored index")
    return index


def _pii_data(pii: tuple) -> tuple:
    return tuple((e.kind.value, e.what, e.matched) for e in pii)


def _pii_from(data: tuple) -> tuple:
    return tuple(Evidence(PiiKind(kind), _text(what), None, _text(matched)) for kind, what, matched in data)


def _wholes_data(wholes: tuple) -> tuple[str, ...]:
    return tuple(w.what for w in wholes)


def _wholes_from(data: tuple) -> tuple:
    return tuple(Whole(_text(what), None) for what in data)


def _elements_data(elements: tuple[Value, ...] | None) -> tuple | None:
    """Per element of a returned tuple: its evidence, whole objects and the parameters reaching it."""
    if elements is None:
        return None
    return tuple((_pii_data(e.pii), _wholes_data(e.wholes), e.params) for e in elements)


def _elements_from(data: tuple | None) -> tuple[Value, ...] | None:
    if data is None:
        return None
    return tuple(Value(pii=_pii_from(pii), wholes=_wholes_from(wholes), params=tuple(map(_text, params)))
                 for pii, wholes, params in data)


def _name_from(ref, local, text, pii, bound: dict[tuple, Value]) -> Value:
    """A module's name: what it refers to, the text it holds, or (a class member) the personal data it holds
    (`bound`: the values made so far, values being immutable)."""
    if text is None and pii:
        return Value(pii=_pii_from(pii))
    key = (_text(ref) if text is None else None, _flag(local), _text(text) if text else None)
    made = bound.get(key)
    if made is None:
        made = bound[key] = Value(ref=key[0], local=key[1], text=key[2])
    return made


def _sink_data(sink: DerivedSink) -> tuple:
    params = tuple(map(_param_data, sink.params))
    return (sink.id, sink.sdk, sink.calls, params, sink.carrier, sink.project, sink.via, sink.chain, sink.settings,
            sink.conditions, sink.category)


def _param_data(p: Param) -> tuple:
    return (p.name, p.role.value if p.role else None, p.kind.value, p.required, p.implies, p.why, p.objects)


def _sink_from(data: tuple) -> DerivedSink:
    id_, sdk, calls, params, carrier, project, via, chain, settings, conditions, category = data
    return DerivedSink(_text(id_), _text(sdk), tuple(map(_text, calls)), tuple(_param_from(p) for p in params),
                       _flag(carrier), project=_flag(project), via=_text(via), chain=tuple(map(_text, chain)),
                       settings=tuple((_text(p), _text(s)) for p, s in settings),
                       conditions=_conditions_from(conditions), category=_text(category))


def _param_from(data: tuple) -> Param:
    name, role, kind, required, implies, why, objects = data
    return Param(_text(name), Role(role) if role is not None else None, ParamKind(kind), _flag(required),
                 _text(implies), _text(why), _flag(objects))


def _key_from(key: tuple) -> tuple:
    """`FunctionFacts.key`: three tuples of tuples (or of strings), the parameters passed through, the
    conditions its parameters reach sinks under, then per element of a returned tuple its evidence, whole
    objects and parameters."""
    flows, pii, wholes, passes, conditions, elements = key
    return (_rows(flows), _rows(pii), _texts(wholes), _texts(passes), _conditions_from(conditions),
            tuple((_rows(e_pii), _texts(e_wholes), _texts(e_params)) for e_pii, e_wholes, e_params in elements))


def _texts(data: tuple) -> tuple[str, ...]:
    return tuple(map(_text, data))


def _rows(data: tuple) -> tuple[tuple[str, ...], ...]:
    return tuple(map(_texts, data))


def _conditions_from(data: tuple) -> tuple:
    """`DerivedSink.conditions`: (parameter, parameter tested, what must hold of it, whether its default fails that)."""
    out = tuple((_text(p), _text(tested), _text(holds), _flag(default)) for p, tested, holds, default in data)
    if any(holds not in HOLDS for _, _, holds, _ in out):
        raise ValueError("an unknown condition in the stored index")
    return out


def _text(value) -> str:
    if type(value) is not str:
        raise TypeError("a string was expected in the stored index")
    return value


def _flag(value) -> bool:
    if type(value) is not bool:
        raise TypeError("a boolean was expected in the stored index")
    return value
