"""Crawl a signed-in role's pages and name everything that is broken, raw or untranslated on them."""
import re
from urllib.parse import urljoin, urlparse

# Latin words allowed in the Chinese UI, case-sensitive; any other word of three or more letters is untranslated.
ALLOWED_WORDS = frozenset({
    "Zizhu",    # the product's brand name
    "English",  # the language switcher names the other language in that language
    "Excel",    # the file format users know by its brand name
    "xlsx",     # the export file extension
    "csv", "CSV",  # the import/export file format
    "GBK",      # the Chinese text encoding a bank file layout names
    "API",      # technical term shown to administrators
    "ID",       # as in "ID number" (身份证号), usual in Chinese text too
    "LDAP", "OpenID",  # protocol names in FAB's own Chinese help text on the user form
    "admin", "district", "leader", "auditor",  # demo user names (lower case, unlike any label)
    "Ctrl",     # the key's name as printed on Chinese keyboards
    "YYYY",     # the date format YYYY-MM-DD, written as users type it
})
# FAB's user and role admin shows role identifiers (ab_role.name) as data; app/security/roles.py labels them.
ROLE_NAMES = ["Admin", "Public", "DistrictOfficer", "SchoolOfficer", "ClassTeacher", "Leader", "Auditor"]
ROLE_PAGES = re.compile(r"^/(users|roles|groups)/")
# Cells under these headers hold codes (tier, special group and aid item codes), not prose.
CODE_HEADERS = ["编码"]
# FAB's security admin lists permission and view identifiers, which it never translates, as data.
SECURITY_PAGES = re.compile(r"^/(roles|permissions|viewmenus|permissionviews)/")

# Links that change state, download files, or leave the signed-in session are not crawled.
SKIP = re.compile(r"/logout|/lang/|/delete|/download|/export|/action|/api/|/static/|/swagger|javascript:")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
URL = re.compile(r"https?://\S+|(?<![\w/])/[\w./-]+")  # absolute URLs and site paths
WITH_DIGIT = re.compile(r"[A-Za-z0-9_.-]*\d[A-Za-z0-9_.-]*")  # codes, user names like school1, numbers
WORD = re.compile(r"[A-Za-z]{3,}")
LATIN_LINE = re.compile(r"[A-Za-z]+([ ,.'!?:-]+[A-Za-z]+)+[.!?]?")  # "To do": short words count in all-Latin lines
SHORT_WORD = re.compile(r"[A-Za-z]{2,}")
RAW_TEMPLATE = {
    "{{": "raw Jinja expression '{{'", "}}": "raw Jinja expression '}}'", "{%": "raw Jinja tag '{%'",
    "%(": "unformatted '%(' placeholder", "lazy_gettext": "'lazy_gettext' shown", "<Mock": "a Mock object shown",
    "Undefined": "Jinja Undefined shown", "jinja2": "Jinja error text shown",
}
DUNDER = re.compile(r"__[A-Za-z]\w*")
NONE_CELL = re.compile(r"(^|[\s:：|])None($|[\s|])")
DENIED = ("无权访问", "访问被拒绝", "Access is Denied")

VISIBLE_ATTRS_JS = """() => {
  const out = [document.title];
  const attrs = ['title', 'data-original-title', 'placeholder', 'alt', 'aria-label'];  // tooltips move titles
  for (const el of document.querySelectorAll(attrs.map(a => `[${a}]`).join(','))) {
    for (const a of attrs) if (el.getAttribute(a)) out.push(el.getAttribute(a));
  }
  const buttons = document.querySelectorAll('input[type=submit],input[type=button],input[type=reset]');
  for (const el of buttons) out.push(el.value);
  for (const el of document.querySelectorAll('.navbar a')) out.push(el.textContent.replace(/\\s+/g, ' ').trim());
  return out.filter(Boolean);
}"""
IDENTIFIERS_JS = """([codeHeaders, securityPage]) => {
  const out = [];
  for (const table of document.querySelectorAll('table')) {
    const heads = [...table.querySelectorAll('thead th')].map(th => th.innerText.trim());
    heads.forEach((head, i) => {
      if (!codeHeaders.includes(head)) return;
      for (const row of table.querySelectorAll('tbody tr')) out.push(row.children[i]?.innerText);
    });
    for (const th of table.querySelectorAll('tr > th')) {
      if (codeHeaders.includes(th.innerText.trim())) out.push(th.nextElementSibling?.innerText);
    }
  }
  if (securityPage) {
    for (const el of document.querySelectorAll('td, option, .select2-selection__choice')) out.push(el.innerText);
  }
  return out.map(t => (t || '').trim()).filter(Boolean);
}"""


def crawlable(base: str, href: str | None) -> str | None:
    """The absolute URL for a same-host link worth visiting, or None for anchors, actions and downloads."""
    if not href or href.startswith("#") or SKIP.search(href):
        return None
    url = urljoin(base + "/", href).split("#")[0]
    return url if urlparse(url).netloc == urlparse(base).netloc else None


def page_links(page, base: str, selector: str = "a[href]") -> list[str]:
    """Every crawlable link matching selector on the current page, in page order, without repeats."""
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    urls = [crawlable(base, href) for href in hrefs]
    return list(dict.fromkeys(u for u in urls if u))


def row_links(page, base: str) -> list[str]:
    """The first row's show and edit links of a list page (add forms are crawled when the home page links them)."""
    links = []
    for selector in ("a[href*='/show/']", "a[href*='/edit/']"):
        found = page_links(page, base, selector)
        links.extend(found[:1])
    return links


def english_words(text: str, identifiers: list[str]) -> list[tuple[str, set[str]]]:
    """Lines of visible text with the English words in them that are neither identifiers nor allowed."""
    codes = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(i)}(?![A-Za-z])" for i in identifiers) or "(?!)")
    found = []
    for line in text.splitlines():
        plain = WITH_DIGIT.sub(" ", URL.sub(" ", EMAIL.sub(" ", codes.sub(" ", line))))
        pattern = SHORT_WORD if LATIN_LINE.fullmatch(plain.strip()) else WORD
        words = {w for w in pattern.findall(plain) if w not in ALLOWED_WORDS and w != "None"}
        if words:
            found.append((" ".join(line.split())[:100], words))
    return found


def raw_template_problems(text: str) -> list[str]:
    """Template or Python leftovers in visible text: Jinja markers, %-placeholders, dunders, None."""
    problems = [what for marker, what in RAW_TEMPLATE.items() if marker in text]
    problems += [f"dunder name {name!r} shown" for name in sorted(set(DUNDER.findall(text)))]
    nones = [" | ".join(line.split()) for line in text.splitlines() if NONE_CELL.search(line)]
    if nones:
        problems.append(f"'None' shown on {len(nones)} line(s), first: {nones[0][:100]!r}")
    return problems


def error_page_problems(page, status: int | None, text: str) -> list[str]:
    """Signs that the page is an error: a 4xx/5xx, the login page, a denial flash, our error page, a traceback."""
    problems = [f"HTTP {status}"] if status and status >= 400 else []
    if urlparse(page.url).path.startswith("/login"):
        problems.append(f"redirected to the login page ({page.url})")
    flashes = page.locator(".alert").all_inner_texts()
    problems += [f"access denied flash: {f.strip()!r}" for f in flashes if any(d in f for d in DENIED)]
    problems += [f"error flash: {f.strip()!r}" for f in page.locator(".alert-danger").all_inner_texts()
                 if not any(d in f for d in DENIED)]
    if page.locator(".zz-error").count():
        problems.append(f"our error page: {page.inner_text('.zz-error').strip()[:100]!r}")
    if "Traceback (most recent call last)" in text:
        problems.append("a Python traceback is shown")
    return problems


def visible_text(page) -> str:
    """The body's visible text plus titles, placeholders, button values and navbar labels, one per line."""
    return "\n".join([page.inner_text("body"), *page.evaluate(VISIBLE_ATTRS_JS)])


def identifiers(page) -> list[str]:
    """Codes and, on FAB's security pages, role, permission and view names shown as data, longest first."""
    path = urlparse(page.url).path
    shown = page.evaluate(IDENTIFIERS_JS, [CODE_HEADERS, bool(SECURITY_PAGES.match(path))])
    roles = ROLE_NAMES if ROLE_PAGES.match(path) else []
    return sorted(set(shown + roles), key=len, reverse=True)

