"""Drives cxd's dashboard in headless Chromium (selenium + the Debian chromedriver).

Run by Tests/CXDTests/DashboardBrowserTests.swift against a real `cxd run` (WebDaemon) whose
step notifications go by email to a throw-away SMTP server (smtp_server.py) writing into
--mail-dir. The script signs in, reads every page, completes the open step with the "Done"
button, follows the one-click link of the mail the next owner received, checks refusals, and
takes a screenshot of every page into --screenshots. Any failed check raises: the exit status
is non-zero and the last line says what was wrong.

Every page is checked the same way (see `Checker.page`): the HTTP status (fetched again with
the browser's cookies: GET pages change nothing), no error in the browser's console (a CSP
violation, a missing stylesheet or a script error shows there), some text, and no template
placeholder left (`{{` or `}}`).
"""
import argparse
import email
import email.policy
import glob
import http.cookiejar
import json
import os
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait


def parse_arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--admin-token", required=True)
    parser.add_argument("--person-token", required=True)
    parser.add_argument("--person", required=True, help="whose token --person-token is (owns the open step)")
    parser.add_argument("--initiative", required=True)
    parser.add_argument("--mail-dir", required=True, help="where the SMTP server writes NNN.eml + NNN.json")
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    parser.add_argument("--timeout", type=float, default=30, help="seconds any one wait may take")
    return parser.parse_args()


class CheckFailed(Exception):
    pass


def check(condition, message):
    if not condition:
        raise CheckFailed(message)


class Checker:
    def __init__(self, arguments):
        self.arguments = arguments
        self.base = arguments.base_url.rstrip("/")
        options = Options()
        options.binary_location = arguments.chromium
        for flag in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--lang=en-US", "--force-device-scale-factor=1",
                     "--disable-extensions", "--no-first-run", "--disable-background-networking"]:
            options.add_argument(flag)
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(service=Service(arguments.chromedriver), options=options)
        self.driver.set_page_load_timeout(arguments.timeout)
        self.wait = WebDriverWait(self.driver, arguments.timeout)
        os.makedirs(arguments.screenshots, exist_ok=True)
        self.shots = []

    def close(self):
        self.driver.quit()

    def url(self, path):
        return self.base + path

    # -- pages ---------------------------------------------------------------

    def status(self, path):
        """The HTTP status of GET path with the browser's cookies, without following redirects."""
        jar = http.cookiejar.CookieJar()
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        opener = urllib.request.build_opener(NoRedirect, urllib.request.HTTPCookieProcessor(jar))
        request = urllib.request.Request(self.url(path), headers={"Cookie": cookies, "Accept-Language": "en"})
        try:
            with opener.open(request, timeout=self.arguments.timeout) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def page(self, path, expect_status=200, screenshot=None):
        """Loads `path` in the browser and checks it (see the module's doc)."""
        status = self.status(path)
        check(status == expect_status, f"GET {path}: HTTP {status}, expected {expect_status}")
        self.driver.get_log("browser")  # drop what earlier pages logged
        self.driver.get(self.url(path))
        self.settled(path, screenshot)

    def settled(self, what, screenshot=None):
        """Checks the page the browser shows now."""
        self.wait.until(lambda driver: driver.execute_script("return document.readyState") == "complete")
        source = self.driver.page_source
        text = self.driver.find_element(By.TAG_NAME, "body").text
        check(len(text.strip()) > 40, f"{what}: the page is (nearly) blank: {text!r}")
        check("{{" not in source and "}}" not in source, f"{what}: a template placeholder is left in the page")
        check(self.driver.find_elements(By.CSS_SELECTOR, "header.top .brand"), f"{what}: the page has no layout")
        # A word missing from the language's table renders as nothing: no heading, label or button may be empty.
        empty = self.driver.execute_script(
            "return [...document.querySelectorAll('h1, h2, button, dt, thead th, label, .pill')]"
            ".filter(e => !e.textContent.trim()).map(e => e.outerHTML)")
        check(not empty, f"{what}: elements without text: {empty}")
        styled = self.driver.execute_script(
            "return getComputedStyle(document.querySelector('header.top')).display")
        check(styled == "flex", f"{what}: the stylesheet did not apply (header display {styled})")
        errors = [entry for entry in self.driver.get_log("browser") if entry.get("level") == "SEVERE"]
        # A refusal page is an HTTP error by design: Chromium logs its status, nothing else may show.
        errors = [entry for entry in errors if "the server responded with a status of" not in entry.get("message", "")
                  or "/static/" in entry.get("message", "")]
        check(not errors, f"{what}: errors in the browser's console: {json.dumps(errors, ensure_ascii=False)}")
        if screenshot:
            self.screenshot(screenshot)

    def screenshot(self, name):
        height = self.driver.execute_script("return Math.ceil(document.documentElement.scrollHeight)")
        self.driver.set_window_size(1280, max(600, min(int(height) + 20, 3200)))
        path = os.path.join(self.arguments.screenshots, name + ".png")
        check(self.driver.save_screenshot(path), f"could not save the screenshot {path}")
        self.driver.set_window_size(1280, 900)
        self.shots.append(path)

    def text(self, selector):
        return self.driver.find_element(By.CSS_SELECTOR, selector).text

    def current_step(self):
        """(position, title) of the open step shown on the initiative page."""
        segments = self.driver.find_elements(By.CSS_SELECTOR, ".steps.big .seg")
        current = [index for index, seg in enumerate(segments) if "current" in seg.get_attribute("class").split()]
        check(len(segments) == 8, f"the step bar has {len(segments)} segments, expected 8")
        check(len(current) == 1, f"the step bar highlights {len(current)} steps, expected 1")
        return current[0] + 1, segments[current[0]].get_attribute("title")

    def sign_in(self, token, next_path="/"):
        self.driver.delete_all_cookies()
        self.page(f"/login?next={urllib.parse.quote(next_path, safe='')}")
        self.driver.find_element(By.ID, "token").send_keys(token)
        self.driver.find_element(By.ID, "sign-in").click()
        self.wait.until(lambda driver: "/login" not in driver.current_url)

    def post(self, path, fields):
        """POSTs a form with the browser's cookies (for what no button offers); (status, body)."""
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in self.driver.get_cookies())
        data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(
            self.url(path), data=data, method="POST",
            headers={"Cookie": cookies, "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "en"})

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=self.arguments.timeout) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    # -- mail ----------------------------------------------------------------

    def done_link(self, recipient, after_count):
        """The "Done" link of the first mail to `recipient` among those past the first
        `after_count`, waiting for it to arrive."""
        deadline = time.monotonic() + self.arguments.timeout * 3
        pattern = re.compile(r"^\s*(?:Done|Hoàn thành): (http://\S+/a/\S+)\s*$", re.MULTILINE)
        while time.monotonic() < deadline:
            for path in sorted(glob.glob(os.path.join(self.arguments.mail_dir, "*.eml")))[after_count:]:
                envelope = json.load(open(path[:-4] + ".json"))
                if recipient not in envelope["rcpt_tos"]:
                    continue
                message = email.message_from_bytes(open(path, "rb").read(), policy=email.policy.default)
                text = message.get_body(preferencelist=("plain",)).get_content()
                found = pattern.search(text)
                if found:
                    return found.group(1)
            time.sleep(0.3)
        raise CheckFailed(f"no mail with a Done link reached {recipient} within {self.arguments.timeout * 3:.0f} s")

    def mail_count(self):
        return len(glob.glob(os.path.join(self.arguments.mail_dir, "*.eml")))


def run(arguments):
    b = Checker(arguments)
    try:
        initiative = f"/initiatives/{arguments.initiative}"

        # Reading needs a sign-in: every page sends the reader to /login and back.
        check(b.status("/") == 303, f"GET / without a sign-in: HTTP {b.status('/')}, expected 303")
        b.driver.get(b.url("/"))
        b.wait.until(lambda driver: "/login" in driver.current_url)
        back = urllib.parse.parse_qs(urllib.parse.urlsplit(b.driver.current_url).query).get("next")
        check(back == ["/"], f"the sign-in page does not lead back: {b.driver.current_url}")
        b.settled("/login", screenshot="login")
        b.driver.find_element(By.ID, "token").send_keys("not-a-token")
        b.driver.find_element(By.ID, "sign-in").click()
        b.wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, "p.error")))

        # The person signs in and lands on their own page: their open step and their calendar feed.
        b.sign_in(arguments.person_token)
        check(b.driver.current_url.endswith(f"/people/{arguments.person}"), f"signed in at {b.driver.current_url}")
        b.page(f"/people/{arguments.person}", screenshot="person")
        mine = b.driver.find_elements(By.CSS_SELECTOR, "header.top nav a[href^='/people/']")
        check([a.get_attribute("href") for a in mine] == [b.url(f"/people/{arguments.person}")], "no link to the person's own page")
        check(arguments.initiative in b.text("table.initiatives"), "the person page does not list the open step")
        calendar = b.driver.find_element(By.ID, "calendar-url").get_attribute("value")
        check(re.search(rf"/calendar/{arguments.person}\.ics\?token=\S+", calendar), f"calendar URL: {calendar!r}")
        # Someone else's page shows their work, never their calendar secret.
        b.page("/people/lan")
        check(not b.driver.find_elements(By.ID, "calendar-url"), "another person's calendar URL is shown")
        b.page("/people/nobody", expect_status=404)

        # The overview: every initiative with its step bar, owner, due time and metric.
        b.page("/", screenshot="index")
        rows = b.driver.find_elements(By.CSS_SELECTOR, "table.initiatives tbody tr")
        check(len(rows) >= 1, "the overview lists no initiative")
        row = [r for r in rows if arguments.initiative in r.text]
        check(row, f"the overview does not list {arguments.initiative}")
        check(len(row[0].find_elements(By.CSS_SELECTOR, ".steps .seg")) == 8, "the step bar has not eight segments")
        check(row[0].find_elements(By.CSS_SELECTOR, ".steps .seg.current"), "the step bar highlights no step")
        check("CSAT" in row[0].text and "85" in row[0].text, f"the metric or its target is missing: {row[0].text!r}")
        check(re.search(r"\(\d+(\.\d)?–\d+(\.\d)?, n=40\)", row[0].text), f"the metric's interval is missing: {row[0].text!r}")
        if "overdue" in row[0].get_attribute("class"):
            colour = b.driver.execute_script(
                "return getComputedStyle(arguments[0].querySelector('.due .late')).color", row[0])
            check(colour == "rgb(207, 34, 46)", f"an overdue due time is not red: {colour}")

        # The initiative page: step timeline, trend chart, journey map, follow-ups, audit log, buttons.
        b.page(initiative, screenshot="initiative")
        position, title = b.current_step()
        check(position == 1, f"the open step is {position}, expected 1 (scope)")
        check(b.driver.find_elements(By.CSS_SELECTOR, "figure.chart svg circle"), "no trend chart")
        check(b.driver.find_elements(By.CSS_SELECTOR, "figure.journey svg"), "no journey map")
        check(b.driver.find_elements(By.CSS_SELECTOR, "ul.followups li"), "no open follow-up from the low scores")
        check(b.driver.find_elements(By.CSS_SELECTOR, "table.log tbody tr"), "no audit entries")
        check(b.driver.find_elements(By.CSS_SELECTOR, "table.timeline tr.open"), "the timeline shows no open run")
        b.page(f"{initiative}/log", screenshot=None)
        b.page("/initiatives/no-such-initiative", expect_status=404)
        b.page(initiative)

        # A form without its CSRF token is refused, and nothing changes.
        status, body = b.post(f"{initiative}/actions/complete", {"step": "scope"})
        check(status == 403 and "form is out of date" in body, f"a form without CSRF token: HTTP {status}")

        # "Done" closes the open step; the next one (the researcher's) opens.
        mails_before = b.mail_count()
        b.driver.find_element(By.ID, "action-complete").click()
        b.wait.until(lambda driver: "done=complete" in driver.current_url)
        b.settled("after Done")
        check(b.driver.find_elements(By.CSS_SELECTOR, ".flash.good"), "no confirmation after Done")
        position, title = b.current_step()
        check(position == 2, f"after Done the open step is {position}, expected 2 ({title})")
        check(not b.driver.find_elements(By.ID, "action-complete"), "the buttons remain for a step the person no longer owns")

        # The step is lan's now: the person's form (as a stale page would post it) is refused with a page, not a 500.
        csrf = b.driver.find_element(By.NAME, "csrf").get_attribute("value")
        status, body = b.post(f"{initiative}/actions/complete", {"csrf": csrf})
        check(status == 403 and "belongs to lan" in body, f"acting on someone else's step: HTTP {status}: {body[:300]}")
        status, body = b.post(f"{initiative}/actions/complete", {"csrf": csrf, "step": "scope"})
        check(status in (403, 409) and "<h1>" in body, f"a stale Done: HTTP {status}")

        # The one-click link of the mail lan received: GET confirms, POST acts.
        link = b.done_link("lan@toc-xinh.example", mails_before)
        path = urllib.parse.urlsplit(link).path
        b.driver.delete_all_cookies()  # a link works without a sign-in
        b.page(path, screenshot="link")
        check(b.driver.find_elements(By.CSS_SELECTOR, "form[method=post] button.primary"), "the link page has no button")
        b.driver.find_element(By.CSS_SELECTOR, "form[method=post] button.primary").click()
        b.wait.until(expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".card.good")))
        b.settled("after the link", screenshot="link-done")
        b.page(path, expect_status=409)  # each link acts once

        # As admin: lan's step 3 is open; the admin sees every button and can close a follow-up.
        b.sign_in(arguments.admin_token, next_path=initiative)
        check(b.driver.current_url.endswith(initiative), f"after sign-in the admin is at {b.driver.current_url}")
        b.settled(initiative)
        position, title = b.current_step()
        check(position == 3, f"after the link the open step is {position}, expected 3 ({title})")
        check(b.driver.find_elements(By.ID, "action-reopen"), "the admin has no reopen button")
        check(not b.driver.find_elements(By.CSS_SELECTOR, "header.top nav a[href^='/people/']"), "an admin has a 'my tasks' link")
        before = len(b.driver.find_elements(By.CSS_SELECTOR, "ul.followups li"))
        b.driver.find_element(By.CSS_SELECTOR, "form.close-form button").click()
        b.wait.until(lambda driver: "done=close" in driver.current_url)
        b.settled("after closing a follow-up")
        after = len(b.driver.find_elements(By.CSS_SELECTOR, "ul.followups li"))
        check(after == before - 1, f"closing a follow-up left {after} of {before}")
        b.page("/people/lan")
        check(b.driver.find_elements(By.ID, "calendar-url"), "an admin does not see a person's calendar URL")

        # Vietnamese: ?lang=vi switches (and the cookie keeps it).
        b.page("/?lang=vi", screenshot="index-vi")
        check(b.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "vi", "?lang=vi did not switch")
        check("Sáng kiến" in b.text("h1"), f"the overview's title in Vietnamese: {b.text('h1')!r}")
        b.page(initiative, screenshot="initiative-vi")
        check("Dòng thời gian các bước" in b.driver.find_element(By.TAG_NAME, "body").text, "the page is not in Vietnamese")
        b.page(f"{initiative}/log?after=1")
        switch = b.driver.find_element(By.CSS_SELECTOR, "header.top .lang a").get_attribute("href")
        check(switch == b.url(f"{initiative}/log?after=1&lang=en"), f"the language link loses the page: {switch}")
        print(json.dumps({"screenshots": b.shots}))
    finally:
        b.close()


def main():
    arguments = parse_arguments()
    try:
        run(arguments)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
