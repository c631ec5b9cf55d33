#!/usr/bin/env python3
"""A phone in the room: opens the participant page at JOIN_URL in headless chromium
(360 × 800), adds a pain point with the page's own form and votes on it with its own
button, and prints what the page said as one JSON line (tests/participation_browser.rs).

    participant.py JOIN_URL SCREENSHOT.png
"""
import base64, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "web"))
from check import Browser  # noqa: E402

TITLE = "Phone: no <b>take-back</b> scheme \u202eevil"


def wait(page, expr, seconds=20):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = page.js(expr)
        if value:
            return value
        time.sleep(0.1)
    return None


def main():
    url, shot = sys.argv[1], sys.argv[2]
    browser = Browser(360, 800, mobile=True)
    page = browser.page
    try:
        page.call("Page.navigate", url=url)
        loaded = wait(page, "document.querySelectorAll('#pp-on option').length > 1")
        page.js("""(() => {
          const t = document.getElementById('pp-title');
          t.focus(); t.value = %s; t.dispatchEvent(new Event('input'));
          document.getElementById('pp-on').selectedIndex = 2;
          document.getElementById('pp-category').value = 'economic';
          document.getElementById('pp-name').value = 'Browser Bea';
          document.getElementById('add-button').click();
        })()""" % json.dumps(TITLE))
        listed = wait(page, """[...document.querySelectorAll('#pains li')]
            .some(li => li.textContent.includes('take-back'))""")
        voted = page.js("""(() => {
          const mine = [...document.querySelectorAll('#pains li')]
            .find(li => li.textContent.includes('take-back'));
          if (!mine) return false;
          mine.querySelector('button').click();
          return true;
        })()""")
        time.sleep(1.5)
        result = {
            "loaded": bool(loaded),
            "listed": bool(listed),
            "voted": bool(voted),
            "add_message": page.js("document.getElementById('add-message').textContent"),
            "votes_left": page.js("document.getElementById('votes-left').textContent"),
            "bold_elements": page.js("document.querySelectorAll('#pains b').length"),
            "wider_than_screen": page.js(
                "document.documentElement.scrollWidth > window.innerWidth"),
        }
        data = page.call("Page.captureScreenshot", format="png")["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(data))
        print(json.dumps(result))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
