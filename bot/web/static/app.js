// The web chat: render the domain's replies, send what the resident does, and show live messages (server-sent events).
// Plain JS, no build step. Text is always set with textContent, never parsed as HTML.
"use strict";
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const log = document.getElementById("log");
  const notice = document.getElementById("notice");
  const form = document.getElementById("composer");
  const input = document.getElementById("text");
  const fileInput = document.getElementById("file");
  const HISTORY = "legalbot-history";
  const KEEP = 60;
  let texts = {};
  let history = [];
  let busy = false;

  function requestId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function say(message) {
    notice.textContent = message || "";
    notice.hidden = !message;
  }

  function save() {
    try { sessionStorage.setItem(HISTORY, JSON.stringify(history.slice(-KEEP))); } catch (e) { /* private mode */ }
  }

  function applyTexts(lang) {
    document.documentElement.lang = lang === "en" ? "en" : "zh-CN";
    document.title = texts.web_title;
    document.getElementById("title").textContent = texts.web_title;
    document.getElementById("menu").textContent = texts.web_menu;
    document.getElementById("lang").textContent = texts.web_other_language;
    document.getElementById("lang").dataset.target = lang === "en" ? "zh" : "en";
    document.getElementById("attach").textContent = texts.web_attach;
    document.getElementById("send").textContent = texts.web_send;
    document.getElementById("locate").textContent = texts.web_location;
    document.getElementById("locate").hidden = !("geolocation" in navigator);
    input.placeholder = texts.web_placeholder;
  }

  function downloadButton(file) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "download";
    button.textContent = (texts.web_download || "{name}").replace("{name}", file.name);
    button.addEventListener("click", () => {
      const bytes = Uint8Array.from(atob(file.data), (c) => c.charCodeAt(0));
      const url = URL.createObjectURL(new Blob([bytes], { type: file.type }));
      const link = document.createElement("a");
      link.href = url;
      link.download = file.name;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10000);
    });
    return button;
  }

  function botElement(message) {
    const element = document.createElement("div");
    element.className = "msg bot";
    element.appendChild(document.createTextNode(message.text));
    if (message.file) element.appendChild(downloadButton(message.file));
    if (message.buttons && message.buttons.length) {
      const box = document.createElement("div");
      box.className = "buttons";
      message.buttons.forEach((row) => {
        const line = document.createElement("div");
        line.className = "row";
        row.forEach((spec) => {
          const button = document.createElement("button");
          button.type = "button";
          button.textContent = spec.label;
          button.addEventListener("click", () => press(spec, element));
          line.appendChild(button);
        });
        box.appendChild(line);
      });
      element.appendChild(box);
    }
    return element;
  }

  function show(item) {
    const element = item.me ? document.createElement("div") : botElement(item);
    if (item.me) { element.className = "msg me"; element.textContent = item.text; }
    log.appendChild(element);
    // Files are not kept in the tab's history: they can be large, and the screen that made them is one tap away.
    history.push(trimmed(item));
    save();
    // A new answer is read from its top; the resident's own message just needs to be seen.
    element.scrollIntoView({ block: item.me ? "end" : "start" });
    return element;
  }

  function collapse(element) {
    // The reply takes the place of this screen (as Telegram edits it): its buttons go, its text stays in the history.
    if (!element || !element.isConnected) return;
    const box = element.querySelector(".buttons");
    if (box) box.remove();
    const index = Array.prototype.indexOf.call(log.children, element);
    if (index >= 0 && index < history.length) { history[index] = Object.assign({}, history[index], { buttons: [] }); }
  }

  function trimmed(item) {
    if (!item.file) return item;
    const copy = Object.assign({}, item);
    delete copy.file;
    return copy;
  }

  function showReply(body, pressed) {
    if (body.texts) { texts = body.texts; applyTexts(body.lang); }
    say(body.notice || "");
    const messages = body.messages || [];
    if (messages.length && messages[0].replace) collapse(pressed);
    messages.forEach((message) => show(message));
    save();
  }

  async function post(url, body, headers) {
    const options = { method: "POST", credentials: "same-origin", headers: Object.assign({ "X-CSRF-Token": csrf }, headers), body };
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        const response = await fetch(url, options);
        const data = await response.json().catch(() => ({}));
        if (!response.ok) { say(data.notice || texts.web_error); return null; }
        return data;
      } catch (error) {
        // The same request id is sent again: the server handles it once.
        if (attempt === 1) say(texts.web_error);
      }
    }
    return null;
  }

  function setBusy(value) {
    busy = value;
    document.body.dataset.busy = value ? "1" : "";
  }

  async function send(kind, value, label, pressed) {
    if (busy) return;
    setBusy(true);
    if (label) show({ me: true, text: label });
    try {
      const body = await post("/api/turn", JSON.stringify({ kind: kind, value: value, id: requestId() }),
                              { "Content-Type": "application/json" });
      if (body) showReply(body, pressed);
    } finally {
      setBusy(false);
    }
  }

  function press(spec, element) { send("button", spec.data, spec.label, element); }

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const value = input.value.trim();
    if (!value) return;
    input.value = "";
    send(value.startsWith("/") ? "command" : "text", value, value, null);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) { event.preventDefault(); form.requestSubmit(); }
  });
  document.getElementById("menu").addEventListener("click", () => send("command", "menu", texts.web_menu, null));
  document.getElementById("lang").addEventListener("click", (event) => {
    send("button", "lang:" + event.currentTarget.dataset.target, event.currentTarget.textContent, null);
  });
  document.getElementById("locate").addEventListener("click", () => {
    navigator.geolocation.getCurrentPosition(
      (position) => {
        const point = position.coords.latitude.toFixed(5) + "," + position.coords.longitude.toFixed(5);
        send("location", point, texts.web_location, null);
      },
      () => say(texts.web_error),
      { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files[0];
    fileInput.value = "";
    if (!file || busy) return;
    setBusy(true);
    show({ me: true, text: "📎 " + file.name });
    const data = new FormData();
    data.append("id", requestId());
    data.append("file", file, file.name);
    try {
      const body = await post("/api/upload", data, {});
      if (body) showReply(body, null);
    } finally {
      setBusy(false);
    }
  });

  function listen() {
    const events = new EventSource("/api/events");
    events.addEventListener("message", (event) => { say(""); showReply({ messages: [JSON.parse(event.data)] }, null); });
    events.addEventListener("open", () => { if (notice.textContent === texts.web_reconnecting) say(""); });
    events.addEventListener("error", () => { if (texts.web_reconnecting) say(texts.web_reconnecting); });
  }

  // A deep link (a mediation invitation: /#start=m_<token>) opens in the fragment, which the browser never sends to
  // the server. It is taken off the address at once, so a reload, the history or a shared screenshot does not keep it.
  const DEEP_LINK = /^#start=([A-Za-z0-9_-]{1,64})$/;

  function takeDeepLink() {
    if (!location.hash) return null;
    const match = DEEP_LINK.exec(location.hash);
    window.history.replaceState(null, "", location.pathname + location.search);
    return match ? match[1] : null;
  }

  function openDeepLink() {
    const payload = takeDeepLink();
    // No label: the token is not echoed into the page or the tab's saved history.
    if (payload) return send("command", "/start " + payload, null, null);
    return Promise.resolve();
  }

  async function start() {
    try { history = JSON.parse(sessionStorage.getItem(HISTORY) || "[]"); } catch (e) { history = []; }
    const restored = history;
    history = [];
    restored.forEach((item) => show(item));
    const response = await fetch("/api/state", { credentials: "same-origin" });
    const body = await response.json();
    const last = history[history.length - 1];
    // After a reload the screen the resident was on is drawn again from the database; skip it if it is already shown.
    if (last && !last.me && body.messages.length === 1 && last.text === body.messages[0].text) body.messages = [];
    showReply(body, null);
    await openDeepLink();
    document.body.dataset.ready = "1";
    listen();
  }

  window.addEventListener("hashchange", () => { openDeepLink(); });

  start().catch(() => say(texts.web_error || "Error"));
}());
