"""Browser: every link each demo role sees opens without errors, raw template text or untranslated English."""
import os
from pathlib import Path
from urllib.parse import urlparse

import pytest
from playwright.sync_api import Error as PlaywrightError

from tests.e2e import crawl
from tests.e2e.conftest import sign_in

ROLES = ["admin", "district", "leader", "auditor", "school1", "school2", "teacher1"]
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The folder for screenshots for human review: $ZIZHU_SCREENSHOTS or build/screenshots/."""
    folder = Path(os.environ.get("ZIZHU_SCREENSHOTS") or REPO / "build" / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class RoleCrawl:
    """One role's walk through its pages, collecting findings as 'URL: problem' lines."""

    def __init__(self, page, base: str, console_errors: list[str]):
        """Start with nothing seen: no findings, no English lines, no outside requests or console errors."""
        self.page, self.base, self.console = page, base, console_errors
        self.findings: list[str] = []
        self.english_seen: set[str] = set()
        self.outside_seen = 0
        self.console_seen = 0

    def visit(self, url: str) -> bool:
        """Open url and record what is wrong with it; False if it could not be opened as a page."""
        try:
            response = self.page.goto(url, wait_until="load")
        except PlaywrightError as error:
            self.findings.append(f"{url}: could not be opened: {str(error).splitlines()[0]}")
            return False
        status = response.status if response else None
        text = crawl.visible_text(self.page)
        problems = crawl.error_page_problems(self.page, status, text) + crawl.raw_template_problems(text)
        problems += self._new_english(text, crawl.identifiers(self.page)) + self._new_outside_and_console()
        self.findings += [f"{url}: {problem}" for problem in problems]
        return True

    def _new_english(self, text: str, identifiers: list[str]) -> list[str]:
        """Lines with English words not yet reported for this role (the navbar repeats on every page)."""
        fresh = []
        for line, words in crawl.english_words(text, identifiers):
            if words - self.english_seen:
                fresh.append(f"untranslated English {sorted(words - self.english_seen)} in {line!r}")
                self.english_seen.update(words)
        return fresh

    def _new_outside_and_console(self) -> list[str]:
        """Requests that left 127.0.0.1 and console or script errors since the last page."""
        outside = self.page.outside_requests[self.outside_seen:]
        errors = self.console[self.console_seen:]
        self.outside_seen += len(outside)
        self.console_seen += len(errors)
        return [f"request left 127.0.0.1: {url}" for url in outside] + errors


def _crawl_role(walk: RoleCrawl, username: str, screenshots: Path) -> int:
    """Visit the home page, every link on it, and each list's first show and edit page; count the pages."""
    base, page = walk.base, walk.page
    walk.visit(f"{base}/")
    page.screenshot(path=str(screenshots / f"{username}-workbench.png"), full_page=True)
    links = crawl.page_links(page, base)
    seen = {urlparse(url).path for url in links}  # a filtered list's first row is often the unfiltered one's
    row_pages = 0
    for url in links:
        if not walk.visit(url) or "/list" not in url:
            continue
        rows = crawl.row_links(page, base)
        if not row_pages and any("/show/" in link or "/edit/" in link for link in rows):  # first list with rows
            page.screenshot(path=str(screenshots / f"{username}-list.png"), full_page=True)
        rows = [link for link in rows if urlparse(link).path not in seen]
        seen.update(urlparse(link).path for link in rows)
        row_pages += sum("/show/" in link or "/edit/" in link for link in rows)
        for row_url in rows:
            walk.visit(row_url)
    if not row_pages:  # every role can open some record: no row link at all means the list markup changed
        walk.findings.append(f"{base}: no list page has a show or edit link in its first row")
    return len(seen) + 1


@pytest.mark.parametrize("username", ROLES)
def test_every_page_a_role_can_reach_opens_cleanly_in_chinese(page, live_server, console_errors, screenshots,
                                                            username):
    sign_in(page, live_server, username)
    walk = RoleCrawl(page, live_server, console_errors)
    visited = _crawl_role(walk, username, screenshots)
    assert visited > 3, f"{username} sees almost no links: is the menu empty?"
    report = "\n".join(f"  {line}" for line in walk.findings)
    assert not walk.findings, f"{len(walk.findings)} problems for {username} on {visited} pages:\n{report}"
