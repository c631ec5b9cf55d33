#!/usr/bin/env python3
"""Opens the web build in Debian's headless chromium (WebGL on SwiftShader) over the
DevTools protocol (standard library only), waits until the editor has drawn its first
frame, measures that time and the editor's frame time, and saves a screenshot.

    check.py URL OUT.png [--edit-and-reload]
        ->  prints one JSON line: first_frame_ms, frame_ms, status (and kept: whether the
            browser kept the unsaved map)

With --edit-and-reload it places a node (palette, then canvas), waits for the unsaved map
to be kept in the browser's storage, reloads, and takes the screenshot after the reload
(which should offer the map back): the screenshot is then the middle of the window, where
the dialog is, magnified three times.
"""
import base64, json, os, shutil, socket, struct, subprocess, sys, tempfile, time, urllib.request


class DevTools:
    """A minimal websocket client for one DevTools target."""

    def __init__(self, url):
        hostport, path = url[len("ws://"):].split("/", 1)
        host, port = hostport.split(":")
        self.s = socket.create_connection((host, int(port)), timeout=120)
        key = base64.b64encode(os.urandom(16)).decode()
        self.s.sendall((f"GET /{path} HTTP/1.1\r\nHost: {hostport}\r\nUpgrade: websocket\r\n"
                        f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.s.recv(1)
        if b" 101 " not in head.split(b"\r\n")[0]:
            raise RuntimeError(f"no websocket: {head!r}")
        self.id = 0

    def _exact(self, n):
        out = b""
        while len(out) < n:
            chunk = self.s.recv(n - len(out))
            if not chunk:
                raise EOFError
            out += chunk
        return out

    def _send(self, obj):
        data = json.dumps(obj).encode()
        n = len(data)
        head = bytes([0x81])
        if n < 126:
            head += bytes([0x80 | n])
        elif n < 65536:
            head += bytes([0x80 | 126]) + struct.pack(">H", n)
        else:
            head += bytes([0x80 | 127]) + struct.pack(">Q", n)
        mask = os.urandom(4)
        self.s.sendall(head + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def _recv(self):
        msg = b""
        while True:
            b0, b1 = self._exact(2)
            n = b1 & 0x7F
            if n == 126:
                n = struct.unpack(">H", self._exact(2))[0]
            elif n == 127:
                n = struct.unpack(">Q", self._exact(8))[0]
            msg += self._exact(n)
            if b0 & 0x80:
                return json.loads(msg)

    def call(self, method, **params):
        self.id += 1
        self._send({"id": self.id, "method": method, "params": params})
        while True:
            m = self._recv()
            if m.get("id") == self.id:
                if "error" in m:
                    raise RuntimeError(m["error"])
                return m.get("result", {})

    def js(self, expr):
        r = self.call("Runtime.evaluate", expression=expr, awaitPromise=True, returnByValue=True)
        return r.get("result", {}).get("value")


class Browser:
    """Debian's headless chromium (WebGL on SwiftShader) with one page, over DevTools."""

    def __init__(self, width=1280, height=800, mobile=False):
        self.profile = tempfile.mkdtemp(prefix="loopmap-chromium-")
        self.proc = subprocess.Popen(
            ["chromium", "--headless", "--no-sandbox", "--disable-gpu-sandbox",
             "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
             "--ignore-gpu-blocklist", "--hide-scrollbars",
             f"--window-size={width},{height}", "--remote-debugging-port=0",
             f"--user-data-dir={self.profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(self.profile, "DevToolsActivePort")
        for _ in range(300):
            if os.path.exists(port_file) and open(port_file).read().strip():
                break
            time.sleep(0.1)
        port = open(port_file).read().split()[0]
        pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list"))
        self.page = DevTools(next(p for p in pages if p["type"] == "page")["webSocketDebuggerUrl"])
        self.page.call("Emulation.setDeviceMetricsOverride", width=width, height=height,
                       deviceScaleFactor=1, mobile=mobile)
        self.page.call("Page.enable")

    def close(self):
        self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    url, out = sys.argv[1], sys.argv[2]
    edit_and_reload = "--edit-and-reload" in sys.argv[3:]
    browser = Browser()
    page = browser.page
    try:
        def wait_for_editor():
            """Time to the first frame in ms (None on failure), and the failure."""
            start = time.monotonic()
            while time.monotonic() - start < 90:
                state = page.js("(() => { const s = document.getElementById('loopmap_status');"
                                " return s ? s.textContent : null; })()")
                if state is None and page.js("typeof window.loopmapFrameMs === 'number'"):
                    return (time.monotonic() - start) * 1000, None
                if state and "could not start" in state:
                    return None, state
                time.sleep(0.05)
            return None, None

        def click(x, y):
            for kind in ("mousePressed", "mouseReleased"):
                page.call("Input.dispatchMouseEvent", type=kind, x=x, y=y, button="left",
                          clickCount=1)
            time.sleep(0.3)

        page.call("Page.navigate", url=url)
        # The page's status line goes once the editor runs; a failure is written in it.
        first_frame, status = wait_for_editor()
        kept = None
        if edit_and_reload and first_frame is not None:
            page.js("localStorage.clear()")
            click(107, 97)    # the palette's first item, Source
            click(560, 60)    # the canvas, near its top
            time.sleep(3.5)   # unsaved work is kept within 2 s
            kept = page.js("localStorage.getItem('loopmap.unsaved') !== null")
            page.call("Page.reload")
            first_frame, status = wait_for_editor()
        frame_ms = None
        if first_frame is not None:
            # Move the pointer over the map for two seconds: every move is a frame.
            samples = []
            t0 = time.monotonic()
            x = 300
            while time.monotonic() - t0 < 2:
                x = 300 + (x + 37) % 600
                page.call("Input.dispatchMouseEvent", type="mouseMoved", x=x, y=380)
                time.sleep(0.05)
                v = page.js("window.loopmapFrameMs")
                if isinstance(v, (int, float)):
                    samples.append(v)
            if samples:
                samples.sort()
                frame_ms = samples[len(samples) // 2]
            time.sleep(0.5)
        if edit_and_reload:
            # The recovery dialog sits in the middle of the window: magnified, for OCR.
            data = page.call("Page.captureScreenshot", format="png",
                             clip={"x": 340, "y": 300, "width": 600, "height": 200,
                                   "scale": 3})["data"]
        else:
            data = page.call("Page.captureScreenshot", format="png")["data"]
        with open(out, "wb") as f:
            f.write(base64.b64decode(data))
        print(json.dumps({"first_frame_ms": first_frame and round(first_frame),
                          "frame_ms": frame_ms and round(frame_ms, 2),
                          "status": status or ("running" if first_frame else "timed out"),
                          **({"kept": kept} if edit_and_reload else {})}))
    finally:
        browser.close()


if __name__ == "__main__":
    main()
