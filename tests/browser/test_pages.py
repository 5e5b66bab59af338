"""Every page of the built book, read in a real browser (Debian's Chromium via Playwright).

Each page is opened at a desktop width (1400 px) and a phone width (400 px), with every
request outside 127.0.0.1 refused, and fails on:

- a MathJax error, an unrendered formula, or raw TeX (``$``, ``\\frac``) left in the text;
- a console error or an uncaught JavaScript exception;
- a request that fails or goes to the network, an image that does not load, a local link to
  a missing page or anchor;
- an element sticking out of the content column; at 1400 px also any display math, code or
  output that scrolls sideways (the column is wide enough for 88 columns of code); at 400 px
  a sideways scroller without the visible cue of book/_static/rnnbook.css;
- display math without vertical room for its glyphs (clipped at the scroller's edge);
- a sidebar button that does not open the chapter list (400 px) or does not hide it (1400 px),
  more than one visible sidebar button or search box;
- an exercise's solution visible before the reader opens it (the solution block, or a code
  cell tagged ``solution``);
- an empty output box, or one stream's output split over several boxes.

A screenshot of each page goes to ``_build/browser/<width>/`` (a CI artifact).  See
conftest.py for how to run it.
"""

import os
import pathlib
import re
import urllib.parse

import pytest
from book_site import HTML

WIDTHS = {"desktop": 1400, "phone": 400}
HEIGHT = 900


def _pages():
    if not HTML.is_dir():
        return ["(no built book)"]
    pages = []
    for path in sorted(HTML.rglob("*.html")):
        rel = path.relative_to(HTML).as_posix()
        if rel.split("/")[0] in {"_static", "_sources", "_images"}:
            continue
        head = path.read_text(encoding="utf-8", errors="replace")[:2000].lower()
        if 'http-equiv="refresh"' in head:
            continue  # the root index.html only redirects to the landing page
        pages.append(rel)
    return pages


PAGES = _pages()

# Runs in the page once MathJax is done; returns {check name: [problem, ...]}.
CHECKS_JS = r"""
(strict) => {
  const problems = {mathjax: [], raw_tex: [], images: [], overflow: [], clipped: [],
                    solutions: [], empty_output: []};
  const article = document.querySelector('article.bd-article') || document.querySelector('main');
  const col = article.getBoundingClientRect();
  const where = (el) => {
    let e = el, sec = null;
    while (e && !sec) { if (e.tagName === 'SECTION' && e.id) sec = e.id; e = e.parentElement; }
    const text = (el.innerText || el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 70);
    return `#${sec || '?'}: ${el.tagName.toLowerCase()}.${[...el.classList].slice(0, 2).join('.')} "${text}"`;
  };
  const visible = (el) => {
    if (!el.getClientRects().length || el.closest('mjx-assistive-mml')) return false;
    const s = getComputedStyle(el);
    return s.visibility !== 'hidden' && s.display !== 'none' && parseFloat(s.opacity) > 0;
  };

  // MathJax: errors, and formulas MathJax never typeset.
  for (const e of article.querySelectorAll('mjx-merror, [data-mjx-error], .MathJax_Error'))
    problems.mathjax.push('MathJax error ' + (e.getAttribute('data-mjx-error') || '') + ' at ' + where(e));
  for (const e of article.querySelectorAll('div.math, span.math'))
    if (!e.querySelector('mjx-container') && !e.closest('.cell_output, pre, code'))
      problems.mathjax.push('formula not typeset at ' + where(e));

  // Raw TeX left in the prose (code, outputs and typeset math are not prose).
  const skip = 'script, style, pre, code, kbd, samp, textarea, mjx-container, .cell_output, .highlight, .sig, .MathJax';
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  const tex = /\$|\\(begin|end|frac|mathbf|mathrm|left|right|sum|partial|top|hat|operatorname|odot|sigma|tanh|[()\[\]])/;
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const p = n.parentElement;
    if (!p || p.closest(skip) || !visible(p)) continue;
    const m = n.textContent.match(tex);
    if (m) problems.raw_tex.push(`"${m[0]}" in ${where(p)}`);
  }

  // Images that did not load.
  for (const img of document.querySelectorAll('img'))
    if (visible(img) && !(img.complete && img.naturalWidth > 0))
      problems.images.push('image not loaded: ' + img.getAttribute('src'));

  // Anything sticking out of the column, unless it sits in a sideways scroller.
  const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  const inScroller = (e) => {
    for (let a = e.parentElement; a && a !== article; a = a.parentElement)
      if (getComputedStyle(a).overflowX !== 'visible') return true;
    return false;
  };
  const reported = [];
  for (const e of article.querySelectorAll('*')) {
    if (reported.some((a) => a.contains(e)) || !visible(e) || inScroller(e)) continue;
    const r = e.getBoundingClientRect();
    if (r.width > 0 && (r.right > col.right + 1 || r.left < col.left - 1) && reported.push(e))
      problems.overflow.push(`sticks out of the column by ${Math.round(Math.max(r.right - col.right, col.left - r.left))} px: ${where(e)}`);
  }
  // Sideways scrollers: display math, code, outputs, tables.
  const blocks = 'div.math mjx-container[display="true"], div.highlight pre, div.cell_output div.output, div.cell_output pre, table';
  for (const e of article.querySelectorAll(blocks)) {
    if (!visible(e) || !scrolls(e) || e.scrollWidth <= e.clientWidth + 1) continue;
    const hidden = e.scrollWidth - e.clientWidth;
    const s = getComputedStyle(e);
    const cue = s.backgroundImage.includes('gradient') && s.backgroundAttachment.includes('local');
    if (strict)
      problems.overflow.push(`wider than the column by ${hidden} px: ${where(e)}`);
    else if (!cue)
      problems.overflow.push(`scrolls ${hidden} px with no visible cue: ${where(e)}`);
  }

  // Display math needs room inside its clipping box for glyphs that overhang their metrics.
  for (const m of article.querySelectorAll('div.math mjx-container[display="true"] > mjx-math')) {
    if (!visible(m)) continue;
    const r = m.getBoundingClientRect();
    for (let a = m.parentElement; a && a !== article; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX === 'visible' && s.overflowY === 'visible') continue;
      const b = a.getBoundingClientRect();
      const top = r.top - (b.top + parseFloat(s.borderTopWidth));
      const bottom = (b.bottom - parseFloat(s.borderBottomWidth)) - r.bottom;
      if (Math.min(top, bottom) < 2 || a.scrollHeight > a.clientHeight + 1)
        problems.clipped.push(`display math with ${Math.round(Math.min(top, bottom) * 10) / 10} px of room above/below (needs 2): ${where(a)}`);
      break;
    }
  }

  // Solutions are hidden until the reader opens them.
  for (const sol of article.querySelectorAll('.solution')) {
    const body = [...sol.children].filter((c) => !c.classList.contains('admonition-title'));
    if (body.some(visible)) problems.solutions.push('solution shown before it is opened: ' + where(sol));
  }
  for (const cell of article.querySelectorAll('.cell.tag_solution'))
    if (visible(cell)) problems.solutions.push('solution code cell shown before it is opened: ' + where(cell));

  // Output boxes: none empty, one box per stream.
  for (const out of article.querySelectorAll('div.cell_output')) {
    const boxes = [...out.children].filter(visible);
    if (!boxes.length && visible(out)) problems.empty_output.push('empty output area: ' + where(out));
    for (const box of boxes)
      if (!box.matches('img, svg, canvas') && !box.querySelector('img, svg, canvas, mjx-container, table')
          && !box.innerText.trim())
        problems.empty_output.push('empty output box: ' + where(box));
    for (let i = 1; i < boxes.length; i++) {
      const a = boxes[i - 1].className, b = boxes[i].className;
      if (a === b && a.includes('stream')) problems.empty_output.push('one stream split over two boxes: ' + where(boxes[i]));
    }
  }
  return problems;
}
"""

SIDEBAR_JS = r"""
() => {
  const vis = (e) => !!e && e.getClientRects().length > 0 && getComputedStyle(e).visibility !== 'hidden';
  const toggles = [...document.querySelectorAll('.primary-toggle')].filter(vis);
  const searches = [...document.querySelectorAll('.search-button-field')].filter(vis);
  const sb = document.querySelector('#pst-primary-sidebar, .bd-sidebar-primary');
  let shown = false;
  if (sb && vis(sb)) {
    const r = sb.getBoundingClientRect();
    shown = r.width > 100 && r.right > 100 && r.left < window.innerWidth - 100;
  }
  return {toggles: toggles.length, searches: searches.length, shown};
}
"""


def _ids(path, cache={}):  # noqa: B006 - a deliberate per-process cache
    if path not in cache:
        text = path.read_text(encoding="utf-8", errors="replace")
        cache[path] = set(re.findall(r'\bid="([^"]+)"', text))
    return cache[path]


def _check_links(page, base, root, here):
    problems = []
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('a[href], link[href]')]"
        ".filter(a => a.rel !== 'preconnect').map(a => a.href)"
    )
    for href in sorted(set(hrefs)):
        if not href.startswith(base):
            continue
        parsed = urllib.parse.urlsplit(href)
        rel = urllib.parse.unquote(parsed.path[len(urllib.parse.urlsplit(base).path):])
        target = root / rel
        if target.is_dir():
            target = target / "index.html"
        if not target.is_file():
            problems.append(f"link to a missing file: {rel} (from {here})")
        elif parsed.fragment and target.suffix == ".html":
            frag = urllib.parse.unquote(parsed.fragment)
            if frag not in _ids(target):
                problems.append(f"link to a missing anchor: {rel}#{frag} (from {here})")
    return problems


@pytest.mark.parametrize("width_name", list(WIDTHS))
@pytest.mark.parametrize("rel", PAGES)
def test_page(rel, width_name, site, browser, screenshots):
    base, root = site
    width = WIDTHS[width_name]
    context = browser.new_context(viewport={"width": width, "height": HEIGHT})
    page = context.new_page()
    problems = {"console": [], "network": []}
    page.on(
        "console",
        lambda m: m.type == "error" and problems["console"].append(f"console error: {m.text}"),
    )
    page.on("pageerror", lambda e: problems["console"].append(f"JavaScript exception: {e}"))
    page.on(
        "requestfailed",
        lambda r: problems["network"].append(f"request failed: {r.url} ({r.failure})"),
    )
    page.on(
        "response",
        lambda r: r.status >= 400 and problems["network"].append(f"HTTP {r.status}: {r.url}"),
    )

    def route(r):
        if r.request.url.startswith(base):
            r.continue_()
        else:
            problems["network"].append(f"needs the network: {r.request.url}")
            r.abort()

    page.route("**/*", route)
    try:
        page.goto(base + rel, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.evaluate(
            "async () => { if (window.MathJax && MathJax.startup) await MathJax.startup.promise;"
            " await document.fonts.ready; }"
        )
        page.wait_for_timeout(300)  # the themes' scripts (toggles, scroll spy) settle
        found = page.evaluate(CHECKS_JS, width_name == "desktop")
        problems.update(found)
        problems["links"] = _check_links(page, base, root, rel)

        shot = screenshots / width_name / (rel.replace("/", "__")[: -len(".html")] + ".png")
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)

        # The sidebar button, last (it changes the layout).
        page.evaluate("window.scrollTo(0, 0)")
        before = page.evaluate(SIDEBAR_JS)
        side = []
        if before["toggles"] != 1:
            side.append(f"{before['toggles']} visible sidebar buttons (want 1)")
        if before["searches"] > 1:
            side.append(f"{before['searches']} visible search boxes (want at most 1)")
        if before["toggles"]:
            page.locator(".primary-toggle:visible").first.click()
            page.wait_for_timeout(600)
            after = page.evaluate(SIDEBAR_JS)
            if width_name == "phone" and not (not before["shown"] and after["shown"]):
                side.append(
                    f"sidebar button does not open the chapter list "
                    f"(shown before: {before['shown']}, after: {after['shown']})"
                )
            if width_name == "desktop" and before["shown"] == after["shown"]:
                side.append(
                    f"sidebar button does nothing (shown before and after: {after['shown']})"
                )
        problems["sidebar"] = side
    finally:
        context.close()

    report = []
    for name, items in problems.items():
        report += [f"[{name}] {p}" for p in items[:12]]
        if len(items) > 12:
            report.append(f"[{name}] ... and {len(items) - 12} more")
    assert not report, f"{rel} at {width} px: {len(report)} problem(s)\n" + "\n".join(report)


def test_pages_found():
    """The book has its pages: a build that lost its chapters fails here, not silently."""
    if PAGES == ["(no built book)"]:
        if os.environ.get("BROWSER_TEST_REQUIRED") == "1":
            pytest.fail(f"browser test required but no built book at {HTML}", pytrace=False)
        pytest.skip("no built book")
    chapters = [p for p in PAGES if re.match(r"book/ch\d\d_", p)]
    assert len(chapters) >= 7, PAGES
    assert pathlib.Path(HTML / "book" / "intro.html").is_file()
