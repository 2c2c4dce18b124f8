"""LaunchDarkly's private attributes set on the client's config: `Config(all_attributes_private=True)` or
`Config(private_attributes=[...])` keeps those context attributes out of everything the client sends, as far as
the module shows which config the client was built from.  Each case: what is reported, and what is not."""

from __future__ import annotations

import pytest

from harness import assert_reports

from conftest import check_files

CONTEXT = 'ctx = Context.builder(str(user.pk)).name(user.name).set("email", user.email).set("plan", user.plan).build()'
EMAIL = "LL001 email sent to LaunchDarkly {} (feature flags) in 'email'"
NAME = "LL002 person name sent to LaunchDarkly {} (feature flags) in 'name'"


def shared_client(*configs: str, send: str = 'variation("new-ui", ctx, False)') -> str:
    installs = "\n        ".join(f"ldclient.set_config({config})" for config in configs)
    return f"""
        import ldclient
        from ldclient import Config, Context
        {installs}
        def f(user):
            {CONTEXT}
            ldclient.get().{send}
    """


def test_without_private_attributes_the_context_is_reported():
    assert_reports(shared_client('Config("sdk-key")'), [EMAIL.format("variation"), NAME.format("variation")])


@pytest.mark.parametrize("send", ['variation("new-ui", ctx, False)', "identify(ctx)", 'variation_detail("a", ctx, 0)'])
def test_all_attributes_private_on_the_shared_client(send):
    assert_reports(shared_client('Config("sdk-key", all_attributes_private=True)', send=send), [])


def test_the_key_is_sent_even_when_every_attribute_is_private():
    assert_reports("""
        import ldclient
        from ldclient import Config, Context
        ldclient.set_config(Config("sdk-key", all_attributes_private=True))
        def f(user):
            ctx = Context.builder(user.email).name(user.name).build()
            ldclient.get().variation("new-ui", ctx, False)
    """, ["LL010 email used as the user identifier of LaunchDarkly variation (feature flags)"])


def test_named_private_attributes_on_a_client_built_from_the_config():
    assert_reports(f"""
        from ldclient import Context
        from ldclient.client import LDClient
        from ldclient.config import Config
        config = Config("sdk-key", private_attributes=["email", "/name"])
        client = LDClient(config=config)
        def f(user):
            {CONTEXT}
            client.identify(ctx)
    """, [])
    assert_reports(f"""
        from ldclient import Config, Context, LDClient
        client = LDClient(Config("sdk-key", private_attributes={{"email"}}))
        def f(user):
            {CONTEXT}
            client.variation("new-ui", ctx, False)
    """, [NAME.format("variation")])


def test_only_the_client_built_from_the_private_config_hides_them():
    assert_reports(f"""
        from ldclient import Config, Context, LDClient
        private = LDClient(Config("sdk-key", all_attributes_private=True))
        public = LDClient(Config("sdk-key"))
        def f(user):
            {CONTEXT}
            public.variation("new-ui", ctx, False)
            private.variation("new-ui", ctx, False)
    """, [EMAIL.format("variation"), NAME.format("variation")])


@pytest.mark.parametrize("configs", [
    # a second config installed later may be the one in force
    ['Config("sdk-key", all_attributes_private=True)', 'Config("sdk-key")'],
    # a nested attribute reference hides part of an attribute, not the attribute
    ['Config("sdk-key", private_attributes=["/email/domain", "/name/first"])'],
    # not a literal: the setting is not known
    ['Config("sdk-key", all_attributes_private=settings.LD_PRIVATE)'],
])
def test_a_config_that_may_not_hide_the_attributes_leaves_them_reported(configs):
    assert_reports(shared_client(*configs), [EMAIL.format("variation"), NAME.format("variation")])


def test_two_configs_installed_hide_what_both_name():
    assert_reports(shared_client('Config("sdk-key", private_attributes=["email", "name"])',
                                 'Config("sdk-key", all_attributes_private=True)',
                                 'Config("sdk-key", private_attributes=["email"])'), [NAME.format("variation")])


def test_event_data_is_not_a_context_attribute():
    """`track`'s `data` is sent as it is: private attributes are those of the context only."""
    assert_reports("""
        import ldclient
        from ldclient import Config, Context
        ldclient.set_config(Config("sdk-key", all_attributes_private=True))
        def f(user):
            ctx = Context.from_dict({"kind": "user", "key": str(user.pk), "email": user.email})
            ldclient.get().track("bought", ctx, {"email": user.email})
    """, ["LL001 email sent to LaunchDarkly track (feature flags) in 'data'"])


def test_a_config_set_in_another_module_is_not_known(tmp_path):
    """A static tool sees the config a module installs itself; one installed elsewhere (at start-up) may be
    replaced by any module, so the context stays reported there."""
    (tmp_path / "setup_flags.py").write_text(
        'import ldclient\nfrom ldclient import Config\nldclient.set_config(Config("k", all_attributes_private=True))\n',
        encoding="utf-8")
    views = tmp_path / "views.py"
    views.write_text(
        "import ldclient\nfrom ldclient import Context\n"
        f"def f(user):\n    {CONTEXT}\n    ldclient.get().variation('new-ui', ctx, False)\n", encoding="utf-8")
    found = check_files(tmp_path, tmp_path / "setup_flags.py", views)
    assert sorted(f.code for f in found) == ["LL001", "LL002"]
