"""The SDK object models and new sinks, checked against the real packages: the code leaklint flags really
sends the person's email, name or IP when run with the SDK's transport captured, and the near miss it leaves
quiet sends none of them.  Nothing reaches the network: each SDK's last step before sending is replaced."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from textwrap import dedent

import pytest

from conftest import codes, run_cli
from test_real_sdks import User


SECRETS = ("jane.doe@example.com", "Jane Doe", "203.0.113.9")


def load(folder: Path, name: str, source: str, monkeypatch):
    """Write `source` as module `name` in `folder` and import it fresh."""
    (folder / f"{name}.py").write_text(dedent(source).lstrip(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(folder))
    sys.modules.pop(name, None)
    return importlib.import_module(name)


# -- Sentry: a transport keeps each envelope ------------------------------------------------------
SENTRY = {
    "leak": """
        import sentry_sdk

        def run(user):
            scope = sentry_sdk.get_isolation_scope()
            scope.user = {"id": str(user.pk), "email": user.email}
            sentry_sdk.configure_scope(lambda s: s.set_tag("customer", user.name))
            sentry_sdk.capture_message("checkout failed")
    """,
    "quiet": """
        import sentry_sdk

        def run(user):
            scope = sentry_sdk.get_isolation_scope()
            scope.user = {"id": str(user.pk)}
            sentry_sdk.configure_scope(lambda s: s.set_tag("plan", user.plan))
            sentry_sdk.capture_message("checkout failed")
    """,
}


def sentry_sends(module) -> str:
    import sentry_sdk
    from sentry_sdk.transport import Transport

    sent: list[str] = []

    class Capturing(Transport):
        def capture_envelope(self, envelope):
            sent.append(envelope.serialize().decode("utf-8"))

    sentry_sdk.init(dsn="https://key@o0.ingest.sentry.io/1", transport=Capturing(), default_integrations=False)
    try:
        with sentry_sdk.isolation_scope():
            # Breadcrumbs other tests left (logs, subprocess calls recorded once a default `init()` ran) are not
            # this app's: they would carry whatever those tests logged.
            for scope in (sentry_sdk.get_global_scope(), sentry_sdk.get_isolation_scope(),
                          sentry_sdk.get_current_scope()):
                scope.clear_breadcrumbs()
            module.run(User())
        sentry_sdk.flush()
    finally:
        sentry_sdk.init()  # no DSN: the SDK is off again for the other tests
    return "\n".join(sent)


# -- LaunchDarkly: an event processor formats each evaluated context as the SDK sends it ------------
LAUNCHDARKLY = {
    "leak": """
        import ldclient
        from ldclient import Context

        def run(user):
            ctx = Context.builder(str(user.pk)).name(user.name).set("email", user.email).build()
            ldclient.get().variation("new-checkout", ctx, False)
    """,
    "quiet": """
        import ldclient
        from ldclient import Context

        def run(user):
            ctx = (Context.builder(str(user.pk)).name(user.name).set("email", user.email)
                   .set("plan", user.plan).private("email", "name").build())
            ldclient.get().variation("new-checkout", ctx, False)
    """,
}


def launchdarkly_options(sent: list) -> dict:
    """`Config` options for a test data source and an event processor formatting each event's context as the
    SDK sends it, with the config's own private attributes."""
    from ldclient.impl.events.event_context_formatter import EventContextFormatter
    from ldclient.integrations.test_data import TestData

    class Capturing:
        def __init__(self, config, *args, **kwargs):
            self.formatter = EventContextFormatter(config.all_attributes_private, config.private_attributes)

        def send_event(self, event):
            sent.append(self.formatter.format_context(event.context))

        def flush(self):
            pass

        def stop(self):
            pass

    data = TestData.data_source()
    data.update(data.flag("new-checkout").variation_for_all(True))
    return {"update_processor_class": data, "event_processor_class": Capturing, "diagnostic_opt_out": True}


def launchdarkly_sends(module) -> str:
    import ldclient
    from ldclient.config import Config

    sent: list[dict] = []
    ldclient.set_config(Config("sdk-key", **launchdarkly_options(sent)))
    module.run(User())  # the next set_config closes this client
    return json.dumps(sent)


# -- OpenTelemetry: an in-memory exporter keeps each finished span ----------------------------------
OPENTELEMETRY = {
    "leak": """
        from opentelemetry import trace

        tracer = trace.get_tracer(__name__)

        def run(user):
            with tracer.start_as_current_span("signup", attributes={"plan": user.plan}):
                span = trace.get_current_span()
                span.set_attribute("enduser.email", user.email)
                span.add_event("profile", {"name": user.name})
    """,
    "quiet": """
        from opentelemetry import trace

        tracer = trace.get_tracer(__name__)

        def run(user):
            with tracer.start_as_current_span("signup", attributes={"plan": user.plan}):
                span = trace.get_current_span()
                span.set_attribute("enduser.id", str(user.pk))
                span.add_event("profile", {"fields": 2})
    """,
}


_SPANS = []  # the one in-memory exporter, added once to the global provider (which can be set once only)


def opentelemetry_sends(module) -> str:
    from opentelemetry import trace
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    if not _SPANS:
        if not hasattr(trace.get_tracer_provider(), "add_span_processor"):  # not set yet (else: logfire's)
            trace.set_tracer_provider(TracerProvider())
        _SPANS.append(InMemorySpanExporter())
        trace.get_tracer_provider().add_span_processor(SimpleSpanProcessor(_SPANS[0]))
    exporter = _SPANS[0]
    exporter.clear()
    module.run(User())
    return "\n".join(span.to_json() for span in exporter.get_finished_spans())


# -- Rollbar: the payload handed to the configured handler ----------------------------------------
ROLLBAR = {
    "leak": """
        import rollbar

        def run(user, environ):
            rollbar.report_message("checkout failed", "error", request=environ, extra_data={"plan": user.plan})
    """,
    "quiet": """
        import rollbar

        def run(user, environ):
            rollbar.report_message("checkout failed", "error", extra_data={"plan": user.plan})
    """,
}


def rollbar_sends(module, capture_ip=True) -> str:
    import wsgiref.util

    import rollbar

    sent: list = []
    environ = {"REMOTE_ADDR": "203.0.113.9"}
    wsgiref.util.setup_testing_defaults(environ)
    original = rollbar.send_payload
    rollbar.send_payload = lambda payload, token: sent.append(payload)
    rollbar.init("token", environment="test", handler="blocking", capture_ip=capture_ip,
                 suppress_reinit_warning=True)  # a later init still changes the settings it is given
    try:
        module.run(User(), environ)
    finally:
        rollbar.send_payload = original
    return json.dumps(sent, default=str)


# -- Logfire: its test exporter, with nothing sent to Logfire ------------------------------------------
LOGFIRE = {
    "leak": """
        import logfire

        def run(user):
            with logfire.span("signup {plan}", plan=user.plan) as span:
                span.set_attribute("customer_email", user.email)
    """,
    "quiet": """
        import logfire

        def run(user):
            with logfire.span("signup {plan}", plan=user.plan) as span:
                span.set_attribute("customer_id", user.pk)
    """,
}


def logfire_sends(module) -> str:
    import logfire
    from logfire.testing import SimpleSpanProcessor, TestExporter

    exporter = TestExporter()
    logfire.configure(send_to_logfire=False, console=False, additional_span_processors=[SimpleSpanProcessor(exporter)])
    module.run(User())
    return json.dumps(exporter.exported_spans_as_dict(), default=str)


SDKS = {"sentry": (SENTRY, sentry_sends), "logfire": (LOGFIRE, logfire_sends), "launchdarkly": (LAUNCHDARKLY, launchdarkly_sends),
        "opentelemetry": (OPENTELEMETRY, opentelemetry_sends), "rollbar": (ROLLBAR, rollbar_sends)}


@pytest.mark.parametrize("sdk", sorted(SDKS))
def test_what_is_flagged_is_sent_and_the_near_miss_sends_nothing(tmp_path, monkeypatch, sdk):
    apps, sends = SDKS[sdk]
    leak = load(tmp_path, f"leak_{sdk}", apps["leak"], monkeypatch)
    quiet = load(tmp_path, f"quiet_{sdk}", apps["quiet"], monkeypatch)

    assert codes(dedent(apps["leak"])), f"leaklint must flag the {sdk} leak"
    sent = sends(leak)
    assert any(secret in sent for secret in SECRETS), f"the flagged {sdk} code must really send PII: {sent}"

    assert codes(dedent(apps["quiet"])) == []
    sent = sends(quiet)
    assert "pro" in sent or "42" in sent, f"the near miss must still send something, or this proves nothing: {sent}"
    for secret in SECRETS:
        assert secret not in sent, f"{secret!r} reaches {sdk}: {sent}"


def test_rollbar_sends_no_ip_when_capture_ip_is_off(tmp_path, monkeypatch):
    """Why the finding's explanation names `capture_ip`: with it off, the same call sends no IP."""
    leak = load(tmp_path, "leak_rollbar_off", ROLLBAR["leak"], monkeypatch)
    assert "203.0.113.9" in rollbar_sends(leak)
    assert "203.0.113.9" not in rollbar_sends(leak, capture_ip=False)


def test_a_fixed_sentry_scope_user_sends_no_email(tmp_path, monkeypatch):
    app = tmp_path / "fixed_sentry.py"
    app.write_text(dedent("""
        import sentry_sdk

        def run(user):
            scope = sentry_sdk.get_isolation_scope()
            scope.user = {"id": str(user.pk), "email": user.email, "plan": user.plan}
            sentry_sdk.capture_message("checkout failed")
    """).lstrip(), encoding="utf-8")
    fixed = run_cli("check", app.name, "--fix", cwd=tmp_path)
    assert fixed.returncode == 0, fixed.stdout + fixed.stderr
    assert "scope.user = scrub({" in app.read_text(encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("fixed_sentry", None)
    sent = sentry_sends(importlib.import_module("fixed_sentry"))
    assert "jane.doe@example.com" not in sent and '"plan":"pro"' in sent


def test_sentry_sends_a_whole_user_object_it_is_given(tmp_path, monkeypatch):
    """What LL011 says of `set_user(request.user)`: the SDK serialises the object itself, fields and all."""
    source = """
        import sentry_sdk

        def run(user):
            sentry_sdk.set_user(user)
            sentry_sdk.capture_message("checkout failed")
    """
    assert codes(dedent(source)) == ["LL011"]
    assert "jane.doe@example.com" in sentry_sends(load(tmp_path, "whole_sentry", source, monkeypatch))


def test_launchdarkly_keeps_private_fields_of_a_dict_context_out(tmp_path, monkeypatch):
    source = """
        import ldclient
        from ldclient import Context

        def run(user):
            ctx = Context.from_dict({"kind": "user", "key": str(user.pk), "email": user.email, "plan": user.plan,
                                     "_meta": {"privateAttributes": ["email"]}})
            ldclient.get().variation("new-checkout", ctx, False)
    """
    assert codes(dedent(source)) == []
    sent = launchdarkly_sends(load(tmp_path, "private_dict_ld", source, monkeypatch))
    assert '"plan": "pro"' in sent and "jane.doe@example.com" not in sent
