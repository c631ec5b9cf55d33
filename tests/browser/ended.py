#!/usr/bin/env python3
"""A phone in the room when the facilitator stops: opens the participant page at JOIN_URL
in headless chromium (360 x 800), reports how it lists the map (stage groups of the "On"
list, the pain points' order), types a pain point without sending it, and prints one JSON
line; then waits for the session to end (tests/participation_browser.rs stops it on
reading that line), tries to send what it typed, watches for five seconds whether the
page still calls the server, and prints a second JSON line.

    ended.py JOIN_URL SCREENSHOT.png
"""
import base64, json, os, sys, time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "web"))
from check import Browser  # noqa: E402

TYPED = "Nobody collects the old motors"


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
        loaded = wait(page, "document.querySelectorAll('#pains li .pin').length > 1")
        listed = {
            "loaded": bool(loaded),
            "groups": page.js("[...document.querySelectorAll('#pp-on optgroup')].map(g => g.label)"),
            "flows_in_groups": page.js("""[...document.querySelectorAll('#pp-on optgroup')]
                .map(g => [...g.querySelectorAll('option')]
                    .filter(o => o.value.startsWith('flow:')).length)"""),
            "flow_options": page.js(
                "[...document.querySelectorAll('#pp-on option')].filter(o => o.value.startsWith('flow:')).length"),
            "pins": page.js("[...document.querySelectorAll('#pains li .pin')].map(p => p.textContent)"),
        }
        page.js("""(() => {
          const t = document.getElementById('pp-title');
          t.focus(); t.value = %s; t.dispatchEvent(new Event('input'));
        })()""" % json.dumps(TYPED))
        # Count every call the page makes to the server from now on.
        page.js("""(() => {
          window.__calls = 0;
          const f = window.fetch;
          window.fetch = (...a) => { window.__calls++; return f(...a); };
          const E = window.EventSource;
          window.EventSource = function (u) { window.__calls++; return new E(u); };
          window.EventSource.CLOSED = E.CLOSED;
        })()""")
        print(json.dumps(listed), flush=True)

        told = wait(page, "document.getElementById('status').textContent.includes('ended this session')", 30)
        page.js("document.getElementById('add-button').click()")
        before = page.js("window.__calls")
        time.sleep(5)
        after = page.js("window.__calls")
        result = {
            "told": bool(told),
            "status": page.js("document.getElementById('status').textContent"),
            "typed_kept": page.js("document.getElementById('pp-title').value"),
            "add_message": page.js("document.getElementById('add-message').textContent"),
            "add_disabled": page.js("document.getElementById('add-button').disabled"),
            "requests_after": after - before,
        }
        data = page.call("Page.captureScreenshot", format="png")["data"]
        with open(shot, "wb") as f:
            f.write(base64.b64decode(data))
        print(json.dumps(result), flush=True)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
