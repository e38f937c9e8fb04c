"""The class server end to end in headless Chromium, driven with selenium.

A student signs in by their link, hands in a wrong file (uploaded) and a
right one (pasted), and sees each one's feedback appear on the page without
a reload; another student's submission and every teacher page refuse them.
The teacher watches the class page update by itself as a grade arrives,
changes a check, previews the regrade (old and new scores side by side) and
applies it. No page may log a console error (a script error or a policy
violation would).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.server_support import REPO, Server, serving

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("GRADER_REQUIRE_BROWSER"):
        raise RuntimeError("GRADER_REQUIRE_BROWSER is set, but chromium or chromedriver is missing")
    pytest.skip("headless Chromium is not installed", allow_module_level=True)

from selenium import webdriver  # noqa: E402 (after the skip: only where a browser is)
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.chrome.options import Options  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.chrome.webdriver import WebDriver  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import Select, WebDriverWait  # noqa: E402

SOLUTION = REPO / "solutions" / "count-async.py"
STUB = REPO / "exercises" / "count-async" / "stub.py"
WAIT = 180  # seconds for a grading to show, on a loaded 2-core machine


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[WebDriver]:
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1200,1600"]:  # fmt: skip
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def patiently(driver: WebDriver, every: float = 0.2) -> WebDriverWait[WebDriver]:
    """A wait that looks again when the live page redrew what it was reading."""
    return WebDriverWait(driver, WAIT, every, ignored_exceptions=[StaleElementReferenceException])


def errors(driver: WebDriver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def shoot(driver: WebDriver, name: str) -> None:
    """Keep a picture of the page in $GRADER_SCREENSHOTS, when set: to look at, not to assert."""
    folder = os.environ.get("GRADER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(folder) / f"{name}.png"))


def text(driver: WebDriver, css: str) -> str:
    return str(driver.find_element(By.CSS_SELECTOR, css).text)


def graded_here(driver: WebDriver) -> str:
    """Wait for the submission page to show a grade by itself; the score it shows."""
    patiently(driver, 0.1).until(
        lambda d: "/submissions/" in d.current_url and d.find_elements(By.ID, "state")
    )
    driver.execute_script("window.stayed = true")  # gone if the page reloads
    patiently(driver, 0.2).until(
        lambda d: d.find_element(By.ID, "state").get_attribute("data-state") == "graded"
    )
    assert driver.execute_script("return window.stayed === true"), "the page reloaded"
    return text(driver, "#score")


def hand_in(server: Server, student: str, path: Path) -> int:
    answer = httpx.post(
        f"{server.url}/api/submissions", params={"exercise": "count-async"},
        content=path.read_bytes(), headers={"Authorization": f"Bearer {server.token(student)}"},
    )  # fmt: skip
    assert answer.status_code == 201, answer.text
    return int(answer.json()["id"])


def test_a_student_hands_in_and_the_teacher_watches_and_regrades(
    browser: WebDriver, tmp_path: Path
) -> None:
    with serving("sqlite", tmp_path, ["alice", "bob"], "--workers", "2") as server:
        bobs = hand_in(server, "bob", STUB)
        # The student: a wrong file uploaded, then a right one pasted.
        browser.get(server.links["alice"])
        assert browser.current_url == f"{server.url}/student"
        assert "token" not in browser.current_url
        Select(browser.find_element(By.ID, "exercise")).select_by_value("count-async")
        browser.find_element(By.ID, "file").send_keys(str(STUB))
        browser.find_element(By.ID, "send").click()
        assert graded_here(browser) == "0"
        shoot(browser, "student-wrong-file")
        browser.switch_to.frame(browser.find_element(By.ID, "report"))
        assert "NotImplementedError" in browser.find_element(By.TAG_NAME, "body").text
        browser.switch_to.default_content()
        browser.get(f"{server.url}/student")
        Select(browser.find_element(By.ID, "exercise")).select_by_value("count-async")
        browser.find_element(By.ID, "source").send_keys(SOLUTION.read_text())
        browser.find_element(By.ID, "send").click()
        assert graded_here(browser) == "10"
        shoot(browser, "student-right-file")
        browser.get(f"{server.url}/student")
        history = text(browser, "#history")
        assert "10 / 10" in history and "0 / 10" in history
        shoot(browser, "student-history")
        assert errors(browser) == []
        # Someone else's work, and the teacher's pages, are refused.
        browser.get(f"{server.url}/submissions/{bobs}")
        assert "there is no such submission" in text(browser, "#refusal")
        shoot(browser, "student-refused-classmate")
        for path in ["/teacher", "/teacher/regrades/1", "/teacher/exports/grades.csv"]:
            browser.get(f"{server.url}{path}")
            assert "this page is the teacher's" in text(browser, "#refusal")
        refusals = errors(browser)  # each refused page logs its status, and only that
        assert len(refusals) == 4 and all("Failed to load resource" in e for e in refusals)

        # The teacher: the live class page.
        browser.delete_all_cookies()
        browser.get(server.teacher_link)
        assert browser.current_url == f"{server.url}/teacher"

        def cell(student: str) -> str:
            """The class page's cell, read again if the live page redrew it meanwhile."""
            css = f'[data-cell="{student}/count-async"]'
            for _ in range(20):
                try:
                    found = browser.find_elements(By.CSS_SELECTOR, css)
                    return str(found[0].text) if found else ""
                except StaleElementReferenceException:
                    continue
            raise AssertionError("the class page kept changing")

        patiently(browser, 0.2).until(lambda d: cell("bob") == "0")
        assert cell("alice") == "10"
        browser.execute_script("window.stayed = true")
        hand_in(server, "bob", SOLUTION)
        patiently(browser, 0.2).until(lambda d: cell("bob") == "10")
        assert browser.execute_script("return window.stayed === true"), "the page reloaded"
        shoot(browser, "teacher-class-live")

        # A check changes; the regrade is previewed, then applied.
        hidden = server.exercises / "count-async" / "checks" / "test_hidden.py"
        source = hidden.read_text()
        hidden.write_text(source.replace("list(range(1, 31))", "list(range(1, 32))", 1))
        browser.find_element(By.ID, "regrade").click()
        apply = patiently(browser, 0.2).until(lambda d: d.find_element(By.ID, "apply"))
        rows = {
            tuple(td.text for td in row.find_elements(By.TAG_NAME, "td"))
            for row in browser.find_elements(By.CSS_SELECTOR, "#changes tbody tr")
        }
        assert rows == {("alice", "count-async", "10", "9"), ("bob", "count-async", "10", "9")}
        shoot(browser, "teacher-regrade-preview")
        browser.get(f"{server.url}/teacher")
        assert cell("alice") == "10"  # nothing changes before it is applied
        browser.back()
        apply = patiently(browser, 0.2).until(lambda d: d.find_element(By.ID, "apply"))
        apply.click()
        patiently(browser).until(lambda d: "Applied" in text(d, "#regrade-state"))
        browser.get(f"{server.url}/teacher")
        assert (cell("alice"), cell("bob")) == ("9", "9")
        assert errors(browser) == []
