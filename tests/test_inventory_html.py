"""The inventory's HTML page in a real headless Chromium (the OS package, driven by Playwright): it renders
without console errors and without a single network request, its chart has one node per vendor and per
kind of data, and the table's filter works.  Text from the code is shown as text, never run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT, run_cli
from test_project import write_tree

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

HOSTILE = """
    import mixpanel
    mp = mixpanel.Mixpanel("token")

    def signed_up(user):
        mp.track(user.pk, "</script><script>alert(1)</script>", {"email": user.email, "phone": user.phone})
"""


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.fail("these tests need Chromium from the OS packages (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        launched = driver.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield launched
        launched.close()


def open_page(browser, html: Path):
    """The page, with every console error and every request other than the page itself recorded (and
    refused)."""
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning")
            else None)
    page.on("pageerror", lambda err: problems.append(f"page error: {err}"))
    page.on("dialog", lambda dialog: (problems.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("request", lambda r: problems.append(f"request: {r.url}") if r.url != html.as_uri() else None)
    page.route("**/*", lambda route: route.continue_() if route.request.url == html.as_uri() else route.abort())
    page.goto(html.as_uri())
    return page, problems


def html_of(cwd: Path, tmp_path: Path) -> Path:
    out = tmp_path / "inventory.html"
    result = run_cli("inventory", "--format", "html", "-o", str(out), "-j", "1", cwd=cwd)
    assert result.returncode == 0, result.stderr
    return out


def visible_rows(page) -> list[str]:
    return page.locator("#flows tbody tr:not([hidden])").all_inner_texts()


def test_the_demo_shop_page_renders_offline_with_a_node_per_vendor_and_kind(browser, tmp_path):
    page, problems = open_page(browser, html_of(ROOT / "fixtures" / "demo_shop", tmp_path))
    vendors = page.locator("svg .node.vendor").evaluate_all("nodes => nodes.map(n => n.dataset.name)")
    kinds = page.locator("svg .node.kind").evaluate_all("nodes => nodes.map(n => n.dataset.name)")
    assert sorted(vendors) == ["Amplitude", "Mixpanel", "PostHog", "Segment", "Sentry"]
    assert sorted(kinds) == ["IP address", "email", "organization identifier", "person name", "phone number",
                             "postal address"]
    assert page.locator("svg path.link").count() == 10  # vendor/kind pairs
    assert len(visible_rows(page)) == 11 and page.inner_text("#shown") == "11 of 11 flows"
    assert problems == []


def test_the_filter_narrows_the_table(browser, tmp_path):
    page, problems = open_page(browser, html_of(ROOT / "fixtures" / "demo_shop", tmp_path))
    page.fill("#filter", "segment")
    rows = visible_rows(page)
    assert len(rows) == 3 and all(r.startswith("Segment") for r in rows)
    page.fill("#filter", "mixpanel orders.py")  # every word must match
    assert len(visible_rows(page)) == 3 and page.inner_text("#shown") == "3 of 11 flows"
    page.fill("#filter", "nothing like this")
    assert visible_rows(page) == []
    page.fill("#filter", "")
    assert len(visible_rows(page)) == 11
    page.click("svg .node.kind[data-name='email']")  # a node filters the table by its name
    assert page.input_value("#filter") == "email"
    assert sorted(r.split("\t")[0] for r in visible_rows(page)) == ["Mixpanel", "PostHog"]
    assert problems == []


def test_text_from_the_code_is_shown_not_run(browser, tmp_path):
    write_tree(tmp_path / "app", {"pyproject.toml": "[tool.leaklint]\n", "views.py": HOSTILE})
    page, problems = open_page(browser, html_of(tmp_path / "app", tmp_path))
    assert problems == []  # no alert, no error
    calls = page.locator("#flows td.call").all_inner_texts()
    assert len(calls) == 2 and all("</script><script>alert(1)</script>" in c for c in calls)
    assert page.locator("script").count() == 1


def test_an_empty_inventory_page_renders(browser, tmp_path):
    write_tree(tmp_path / "app", {"pyproject.toml": "", "views.py": "print('hello')\n"})
    page, problems = open_page(browser, html_of(tmp_path / "app", tmp_path))
    assert page.locator("svg .node").count() == 0 and visible_rows(page) == []
    assert page.inner_text("p.sum") == "No personal data sent to a vendor leaklint knows (1 files)."
    assert problems == []
