"""The web app in a real browser: headless Chromium (Debian's chromium and chromium-driver) driven by
selenium against `optout serve` on a loopback port. Nothing downloads a browser.

Without Chromium these tests skip, unless OPTOUT_REQUIRE_BROWSER is set (CI sets it: there a missing
browser fails). OPTOUT_SCREENSHOTS=DIR saves screenshots of the main pages there (docs/screenshots/).
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

from testsupport.cli import invoke

CHROMIUM = os.environ.get("OPTOUT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("OPTOUT_CHROMEDRIVER", "/usr/bin/chromedriver")
# Offline machines: without these Chromium waits on connections it tries to make on its own.
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--window-size=1280,900")
WAIT = 20


def _missing() -> str | None:
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install '.[test]')"
    for path in (CHROMIUM, CHROMEDRIVER):
        if not (Path(path).is_file() and os.access(path, os.X_OK)):
            return f"{path} not found (apt-get install chromium chromium-driver)"
    return None


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for the module, with a fresh profile."""
    missing = _missing()
    if missing:
        if os.environ.get("OPTOUT_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests required (OPTOUT_REQUIRE_BROWSER) but {missing}")
        pytest.skip(f"no browser for the browser tests: {missing}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="optout-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def shot(driver, name: str) -> None:
    """A screenshot of the current page, when OPTOUT_SCREENSHOTS names a folder."""
    folder = os.environ.get("OPTOUT_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def wait_for(driver, css: str):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def click_and_wait(driver, element, css: str):
    """Click a link or button that loads a new page, and wait for ``css`` on the new page."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    element.click()
    WebDriverWait(driver, WAIT).until(ec.staleness_of(element))
    return wait_for(driver, css)


def test_type_a_query_page_and_click_a_facet(browser, server):
    from selenium.webdriver.common.by import By

    browser.get(server + "/")
    box = wait_for(browser, "#q")
    box.clear()
    box.send_keys("tests")
    summary = click_and_wait(browser, browser.find_element(By.ID, "go"), "#summary")
    assert "(page 1 of" in summary.text
    shot(browser, "search")
    first_page = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".hit .title")]
    summary = click_and_wait(browser, browser.find_element(By.ID, "next"), "#summary")
    assert "(page 2 of" in summary.text
    second_page = [a.text for a in browser.find_elements(By.CSS_SELECTOR, ".hit .title")]
    assert second_page and not set(second_page) & set(first_page)
    facet = browser.find_element(By.CSS_SELECTOR, '[data-facet="organizations"] a.facet-link')
    name = facet.text
    summary = click_and_wait(browser, facet, "#summary")
    assert summary.text.startswith("1-")  # back to the first page of the narrowed results
    chip = browser.find_element(By.CSS_SELECTOR, ".chips .chip")
    assert chip.text.startswith(f"mentions: {name}")
    before, after = (int(s.split(" of ")[1].split()[0]) for s in (unfiltered_summary(browser), summary.text))
    assert after < before  # the facet narrowed the results


def unfiltered_summary(browser) -> str:
    """The summary of the unfiltered query, read without leaving the current page."""
    return browser.execute_script(
        "var r = new XMLHttpRequest(); r.open('GET', '/search?q=tests', false); r.send();"
        "return new DOMParser().parseFromString(r.responseText, 'text/html').getElementById('summary').textContent;")


def test_copy_a_citation_and_open_the_passage(browser, server, web_data):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    data, _ = web_data
    browser.get(server + "/quotes?q=opt+out&limit=5")
    button = wait_for(browser, 'button.copy[data-style="apa"]')
    shot(browser, "quotes")
    button.click()
    WebDriverWait(browser, WAIT).until(lambda d: button.get_attribute("data-copied"))
    assert button.get_attribute("data-copied") == "yes" and button.text == "Copied"
    result = invoke("quotes", "opt", "out", "--limit", "5", "--cite", "apa", "--format", "json", data_dir=data)
    first = json.loads(result.stdout)[0]
    assert button.get_attribute("data-citation") == first["citation"].replace("*", "")
    passage = browser.find_element(By.CSS_SELECTOR, ".card a.passage")
    marked = click_and_wait(browser, passage, "mark#passage")
    assert marked.text.split() == first["text"].split()
    assert browser.find_element(By.ID, "doc-title").text == first["title"]
    shot(browser, "document")


def test_archived_copy_runs_no_script_and_calls_no_one(browser, server, web_data, canary):
    from selenium.webdriver.common.by import By

    _, ids = web_data
    browser.get(f"{server}/doc/{ids['script']}")
    title = wait_for(browser, "#doc-title")
    assert title.text.startswith("<script>")  # shown as text, not run
    assert browser.execute_script("return window.pwnedTitle || window.pwnedImg || null") is None
    click_and_wait(browser, browser.find_element(By.ID, "archived-link"), "iframe#archived")
    assert "Archived copy." in browser.find_element(By.ID, "banner").text
    time.sleep(2.5)  # longer than the page's meta refresh delay
    frame = browser.find_element(By.ID, "archived")
    browser.switch_to.frame(frame)
    try:
        marker = wait_for(browser, "#marker")
        assert marker.text == "An archived page that tries to run code"  # the capture is shown, not replaced
        assert marker.get_attribute("data-ran") is None
        assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-onerror") is None
        assert browser.find_elements(By.CSS_SELECTOR, "script")  # its scripts are there, inert
    finally:
        browser.switch_to.default_content()
    assert browser.title != "pwned"
    assert canary.paths == []  # no script, stylesheet, image, frame, form, fetch or refresh reached out
    shot(browser, "archived")


def test_organization_chart(browser, server, web_data):
    from selenium.webdriver.common.by import By

    data, _ = web_data
    browser.get(server + "/org/NYSUT")
    chart = wait_for(browser, "svg.chart")
    bars = chart.find_elements(By.CSS_SELECTOR, "rect.bar")
    result = json.loads(invoke("org", "NYSUT", "--format", "json", data_dir=data).stdout)
    assert {b.get_attribute("data-year") for b in bars} == {
        y for y, kinds in result["positions"].items() if any(kinds["statement"].values()) or any(kinds["quote"].values())}
    assert all(b.size["height"] > 0 and b.size["width"] > 0 for b in bars)
    shot(browser, "organization")
    browser.get(server + "/sources")
    wait_for(browser, "#sources")
    shot(browser, "sources")
