"""A deterministic, analytics-heavy synthetic project: SDK clients, wrappers, leaks and plain code.

    python benchmarks/synthetic.py OUT_DIR [--modules 2000] [--share 0.2] [--seed 7]

`share` of the modules import an SDK client or a project wrapper; the rest are ordinary code.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

TELEMETRY = '''\
from mixpanel import Mixpanel
from posthog import Posthog
from segment import analytics

mp = Mixpanel("token")
ph = Posthog("key")


def send(user, event, **props):
    mp.track(str(user.pk), event, props)


def capture(user, event, properties=None):
    ph.capture(event, distinct_id=str(user.pk), properties=properties)


class Tracker:
    def identify(self, user, traits):
        analytics.identify(str(user.pk), traits)


def profile_payload(user):
    return {"email": user.email, "name": user.get_full_name(), "plan": user.plan_code}
'''

WRAPPER = '''\
from synth.{inner} import {inner_func}


def {func}(user, event, **props):
    {inner_func}(user, event, **props)
'''

USER_MODULE = '''\
"""Module {i}: uses the analytics helpers."""

from synth.telemetry import Tracker, capture, profile_payload, send
from synth.wrappers.w{w} import wrap{w}


def view_{i}(request, order):
    user = request.user
    send(user, "Order {i}", total=order.total, items=order.item_count)
    capture(user, "Paid {i}", properties={{"seats": order.seats}})
    wrap{w}(user, "Wrapped {i}", plan=user.plan_code)
{leak}

def helper_{i}(values):
    return sum(v * {i} for v in values if v)
'''

LEAKS = [
    '    send(user, "Leak", email=user.email)',
    '    capture(user, "Leak", properties={"company_name": order.company.name})',
    '    Tracker().identify(user, profile_payload(user))',
    '    wrap{w}(user, "Leak", phone=user.phone)',
]

PLAIN_MODULE = '''\
"""Module {i}: ordinary application code."""

import dataclasses
import json


@dataclasses.dataclass
class Record{i}:
    name: str
    count: int = 0
    tags: tuple = ()

    def bump(self, by=1):
        self.count += by
        return self.count

    def to_json(self):
        return json.dumps({{"name": self.name, "count": self.count, "tags": list(self.tags)}})


def compute_{i}(rows):
    total = 0
    for row in rows:
        if row.get("kind") == "a":
            total += row.get("value", 0) * {i}
        elif row.get("kind") == "b":
            total -= row.get("value", 0)
        else:
            total += len(str(row))
    return total


def format_{i}(record):
    parts = [record.name.upper(), str(record.count)]
    parts.extend(sorted(record.tags))
    return "-".join(parts)


class Service{i}:
    def __init__(self, store):
        self.store = store
        self.cache = {{}}

    def get(self, key):
        if key not in self.cache:
            self.cache[key] = self.store.load(key)
        return self.cache[key]

    def put(self, key, value):
        self.cache[key] = value
        self.store.save(key, value)
'''


def generate(out: Path, modules: int = 2000, share: float = 0.2, seed: int = 7, wrappers: int = 5) -> dict:
    rng = random.Random(seed)
    pkg = out / "synth"
    (pkg / "wrappers").mkdir(parents=True, exist_ok=True)
    (out / "pyproject.toml").write_text('[project]\nname = "synth"\nversion = "0"\n')
    (pkg / "__init__.py").write_text("")
    (pkg / "wrappers" / "__init__.py").write_text("")
    (pkg / "telemetry.py").write_text(TELEMETRY)
    for w in range(wrappers):  # wrap0 -> telemetry.send, wrapN -> wrapN-1: chains up to `wrappers` deep
        inner, inner_func = ("telemetry", "send") if w == 0 else (f"wrappers.w{w - 1}", f"wrap{w - 1}")
        (pkg / "wrappers" / f"w{w}.py").write_text(WRAPPER.format(inner=inner, inner_func=inner_func, func=f"wrap{w}"))
    users = leaks = 0
    (pkg / "mods").mkdir(exist_ok=True)
    (pkg / "mods" / "__init__.py").write_text("")
    for i in range(modules):
        if rng.random() < share:
            w = rng.randrange(wrappers)
            leak = ""
            if rng.random() < 0.5:
                leak = rng.choice(LEAKS).replace("{w}", str(w))
                leaks += 1
            text = USER_MODULE.format(i=i, w=w, leak=leak)
            users += 1
        else:
            text = PLAIN_MODULE.format(i=i)
        (pkg / "mods" / f"m{i:05d}.py").write_text(text)
    return {"modules": modules, "sdk_users": users, "leaks": leaks}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--modules", type=int, default=2000)
    parser.add_argument("--share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    print(generate(args.out, args.modules, args.share, args.seed))


if __name__ == "__main__":
    main()
