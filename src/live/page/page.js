// The participant's page: joins the room, shows the map and its pain points as the
// server's event stream tells, adds pain points and votes. Text from the server goes in
// with textContent only, never as HTML.
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  let state = null;
  let events = null;
  let retry = null;
  // The facilitator stopped the session: nothing more is sent or retried.
  let ended = false;
  const ENDED = "The facilitator has ended this session.";

  function el(tag, className, text) {
    const e = document.createElement(tag);
    if (className) e.className = className;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }

  function setMessage(id, text, error) {
    const m = $(id);
    m.textContent = text || "";
    m.classList.toggle("error", !!error);
  }

  function setStatus(text, offline) {
    $("status").textContent = text;
    $("status").classList.toggle("offline", !!offline);
  }

  // The session is over: say so once, keep what was typed, stop every retry, and turn
  // off the controls that would send something.
  function endSession() {
    ended = true;
    if (events) events.close();
    events = null;
    if (retry) clearTimeout(retry);
    retry = null;
    setStatus(ENDED, true);
    document.body.classList.add("ended");
    for (const b of document.querySelectorAll("button")) b.disabled = true;
    if ($("pp-title").value.trim()) {
      setMessage("add-message", ENDED + " What you typed is kept here: copy it if you want it.", true);
    } else {
      setMessage("add-message", ENDED, false);
    }
    for (const li of document.querySelectorAll("#pending li .meta")) {
      li.textContent = "not added: the session ended before the facilitator reviewed it";
    }
  }

  async function send(method, path, body) {
    const options = { method: method, credentials: "same-origin", headers: {} };
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(path, options);
    } catch (e) {
      return { ok: false, status: 0, data: null };
    }
    let data = null;
    try { data = await response.json(); } catch (e) { data = null; }
    if (response.status === 410) endSession();
    return { ok: response.ok, status: response.status, data: data };
  }

  function problem(r) {
    if (r.data && r.data.error) return r.data.error;
    if (r.status === 0) return "The facilitator's computer did not answer: check the Wi-Fi and try again.";
    return "The facilitator's computer did not answer (" + r.status + ").";
  }

  async function join() {
    const name = localStorage.getItem("loopmap-name");
    const body = name ? { name: name } : {};
    const r = await send("POST", "api/join", body);
    if (!r.ok) {
      setStatus(problem(r), true);
      return false;
    }
    return true;
  }

  function connect() {
    if (ended) return;
    if (events) events.close();
    events = new EventSource("api/events");
    events.addEventListener("state", (e) => {
      setStatus("Connected", false);
      try { render(JSON.parse(e.data)); } catch (err) { /* a broken event: wait for the next */ }
    });
    events.addEventListener("ended", endSession);
    events.addEventListener("error", () => {
      if (ended) return;
      setStatus("Reconnecting…", true);
      // The browser retries by itself unless the server refused the stream (for
      // instance after the session restarted); then join again and reconnect.
      if (events.readyState === EventSource.CLOSED) later();
    });
  }

  // Tries again in a while, less often the longer the computer stays out of reach (a
  // phone that slept through the end of the session never heard it ended).
  let failures = 0;
  function later() {
    if (retry || ended) return;
    retry = setTimeout(async () => {
      retry = null;
      let back = false;
      try { back = await join(); } catch (e) { back = false; }
      if (ended) return;
      if (back) { failures = 0; connect(); return; }
      failures += 1;
      if (failures >= 5) {
        setStatus("The facilitator's computer cannot be reached: the session may have ended. " +
          "What you typed stays here.", true);
      }
      later();
    }, Math.min(3000 * (1 + failures), 30000));
  }

  function anchorOptions(s) {
    const select = $("pp-on");
    const chosen = select.value;
    select.textContent = "";
    select.appendChild(el("option", null, "The whole map")).value = "map";
    // Stages in the chain's order, each with its nodes, then the flows leaving them.
    for (const stage of s.stages) {
      const group = el("optgroup");
      group.label = stage.name;
      for (const n of stage.nodes) {
        group.appendChild(el("option", null, n.label)).value = "node:" + n.id;
      }
      for (const f of stage.flows) {
        group.appendChild(el("option", "flow", "flow " + f.label)).value = "flow:" + f.id;
      }
      select.appendChild(group);
    }
    if ([...select.options].some((o) => o.value === chosen)) select.value = chosen;
  }

  function categoryOptions(s) {
    const select = $("pp-category");
    if (select.options.length === s.categories.length) return;
    select.textContent = "";
    for (const c of s.categories) select.appendChild(el("option", null, c)).value = c;
  }

  function render(s) {
    if (ended) return;
    state = s;
    document.title = (s.title || "Loopmap") + ": join the map";
    $("title").textContent = s.title || "Loopmap";
    anchorOptions(s);
    categoryOptions(s);
    $("add-button").disabled = s.locked;
    if (s.locked) setMessage("add-message", "New entries are closed for now.", false);
    else if ($("add-message").textContent === "New entries are closed for now.") setMessage("add-message", "");
    $("votes-left").textContent = s.votes_left + " of " + s.votes_per_person +
      (s.votes_per_person === 1 ? " vote" : " votes") + " left" +
      (s.totals_shown ? "" : " · totals hidden until revealed");

    const pending = $("pending");
    pending.textContent = "";
    for (const p of s.pending) {
      const li = el("li", "pending");
      const head = el("div", "pain-head");
      head.appendChild(el("span", "pin", "…"));
      head.appendChild(el("span", "pain-title", p.title));
      li.appendChild(head);
      li.appendChild(el("div", "meta", "waiting for the facilitator's review"));
      pending.appendChild(li);
    }

    const list = $("pains");
    list.textContent = "";
    // Most votes first once the totals are shown; by pin number while they are hidden.
    const byVotes = (a, b) => (b.votes || 0) - (a.votes || 0) || a.number - b.number;
    const pains = s.pain_points.slice()
      .sort(s.totals_shown ? byVotes : (a, b) => a.number - b.number);
    if (!pains.length) list.appendChild(el("li", "meta", "No pain points yet."));
    for (const p of pains) {
      const li = el("li");
      const head = el("div", "pain-head");
      head.appendChild(el("span", "pin", "#" + p.number));
      head.appendChild(el("span", "pain-title", p.title));
      li.appendChild(head);
      const meta = el("div", "meta");
      meta.appendChild(el("span", "cat", p.category));
      meta.appendChild(document.createTextNode(" on " + p.on_label));
      if (p.status !== "open") meta.appendChild(document.createTextNode(" · " + p.status));
      li.appendChild(meta);
      const actions = el("div", "actions");
      const up = el("button", null, "+1 vote");
      up.type = "button";
      up.disabled = s.votes_left <= 0;
      up.setAttribute("aria-label", "Vote for #" + p.number);
      up.addEventListener("click", () => vote(p.id, true));
      actions.appendChild(up);
      if (p.my_votes > 0) {
        const down = el("button", "secondary", "−");
        down.type = "button";
        down.setAttribute("aria-label", "Take back a vote from #" + p.number);
        down.addEventListener("click", () => vote(p.id, false));
        actions.appendChild(down);
        actions.appendChild(el("span", "dots", "●".repeat(p.my_votes)));
      }
      if (p.votes !== null && p.votes !== undefined) {
        actions.appendChild(el("span", "total", p.votes + (p.votes === 1 ? " vote" : " votes")));
      }
      li.appendChild(actions);
      list.appendChild(li);
    }

    const stages = $("stages");
    stages.textContent = "";
    for (const stage of s.stages) {
      const box = el("div", "stage");
      box.appendChild(el("h3", null, stage.name));
      const ul = el("ul");
      for (const n of stage.nodes) ul.appendChild(el("li", null, n.label));
      box.appendChild(ul);
      if (stage.flows.length) {
        const out = el("ul", "flows");
        for (const f of stage.flows) out.appendChild(el("li", null, f.label));
        box.appendChild(out);
      }
      stages.appendChild(box);
    }
  }

  async function vote(id, up) {
    setMessage("vote-message", "");
    const r = up
      ? await send("POST", "api/votes", { pain_point: id })
      : await send("DELETE", "api/votes/" + encodeURIComponent(id));
    if (!r.ok) setMessage("vote-message", problem(r), true);
  }

  $("pp-title").addEventListener("input", () => {
    $("count").textContent = String($("pp-title").value.length);
  });

  $("pp-name").value = localStorage.getItem("loopmap-name") || "";

  $("add-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const title = $("pp-title").value.trim();
    if (!title) {
      setMessage("add-message", "Write what the pain point is first.", true);
      return;
    }
    const name = $("pp-name").value.trim();
    if (name !== (localStorage.getItem("loopmap-name") || "")) {
      localStorage.setItem("loopmap-name", name);
      const j = await send("POST", "api/join", { name: name });
      if (!j.ok) { setMessage("add-message", problem(j), true); return; }
    }
    $("add-button").disabled = true;
    const r = await send("POST", "api/pain_points", {
      on: $("pp-on").value, title: title, category: $("pp-category").value,
    });
    if (ended) return; // endSession said so and kept the text
    $("add-button").disabled = !!(state && state.locked);
    if (r.ok) {
      $("pp-title").value = "";
      $("count").textContent = "0";
      setMessage("add-message", r.data && r.data.status === "pending"
        ? "Thanks: it shows once the facilitator has reviewed it."
        : "Thanks: it is on the map.", false);
    } else {
      setMessage("add-message", problem(r), true);
    }
  });

  // A phone that slept may have lost its stream without the browser noticing.
  document.addEventListener("visibilitychange", () => {
    if (!ended && document.visibilityState === "visible" && events && events.readyState === EventSource.CLOSED) {
      later();
    }
  });

  (async function start() {
    try {
      if (await join()) connect(); else later();
    } catch (e) {
      setStatus("Reconnecting…", true);
      later();
    }
  })();
})();
