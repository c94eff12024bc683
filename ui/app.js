// The window: places what the app sends and calls the app's commands. It holds no word of its
// own: the labels come from the app's catalog in the chosen language ("get_words", again on
// the "words" event), and each status arrives as a view already in words (the "status" event,
// and each command's reply). It never polls and never sees a secret.
const { invoke } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;

const $ = (id) => document.getElementById(id);
const CUSTOM = "custom";
const FIELDS = ["host", "app_id", "secret", "user_id"];

// The page's words, from the app: {lang, words: {id: text with {name} to fill}, languages}.
let page = { lang: "en", words: {}, languages: [] };

// The catalog message `id`, with each {name} replaced by args[name].
function word(id, args = {}) {
  const text = page.words[id] ?? id;
  return text.replace(/\{(\w+)\}/g, (all, name) => (name in args ? String(args[name]) : all));
}

// Puts the words on the page: each [data-l10n] element's text, each [data-l10n-label]'s
// accessible name, the language of the document.
async function loadWords() {
  page = await invoke("get_words");
  document.documentElement.lang = page.lang;
  for (const el of document.querySelectorAll("[data-l10n]")) el.textContent = word(el.dataset.l10n);
  for (const el of document.querySelectorAll("[data-l10n-label]")) el.setAttribute("aria-label", word(el.dataset.l10nLabel));
  // The break lengths are the core's (the tray offers the same).
  const breaks = document.querySelector(".breaks");
  for (const b of breaks.querySelectorAll("button")) b.remove();
  for (const minutes of page.break_minutes) {
    const b = document.createElement("button");
    b.type = "button";
    b.dataset.minutes = String(minutes);
    b.textContent = word("window-break-length", { minutes });
    b.disabled = Boolean(shown) && !shown.breaks_enabled;
    breaks.append(b);
  }
  const custom = $("host-choice").querySelector(`option[value="${CUSTOM}"]`);
  if (custom) custom.textContent = word("window-host-custom");
  const language = $("pref-language");
  const chosen = language.value;
  language.replaceChildren(...page.languages.map((l) => new Option(l.label, l.value)));
  if (chosen) language.value = chosen;
}

let shown = null;

function render(view) {
  shown = view;
  $("signed-out").hidden = view.signed_in;
  $("signed-in").hidden = !view.signed_in;
  // The sandbox is never mistaken for the real account: a badge, a note, and the way back.
  $("sandbox-badge").hidden = !view.sandbox;
  $("sandbox-note").hidden = !view.sandbox;
  $("sign-out").textContent = view.sign_out;
  renderDesk(view.desk);
  renderUpdate(view.update);
  if (!view.signed_in) {
    // An error while signed out (a locked keyring at start) belongs on the form.
    showFormError(view.error);
    return;
  }
  const el = $("status");
  el.dataset.availability = view.availability;
  el.dataset.stale = String(view.stale);
  el.textContent = view.status;
  // "On phone for 12 min" and "Confirmed by Exotel at 10:42"; a stale status says since when
  // it is not confirmed instead.
  $("since").hidden = !view.since;
  $("since").textContent = view.since || "";
  $("confirmed").hidden = !view.confirmed || view.stale;
  $("confirmed").textContent = view.confirmed || "";
  renderCountdowns(view);
  $("agent").textContent = view.agent;

  for (const choice of view.choices) {
    const button = document.querySelector(`.choices button[data-target="${choice.target}"]`);
    button.textContent = choice.label;
    button.setAttribute("aria-pressed", String(choice.pressed));
    button.classList.toggle("pending", choice.pending);
    button.disabled = !choice.enabled;
  }

  const err = view.error;
  $("error").hidden = !err;
  $("error").dataset.kind = err ? err.kind : "";
  $("error-kind").textContent = err ? err.headline : "";
  $("error-message").textContent = err ? err.message : "";

  for (const b of document.querySelectorAll(".breaks button")) b.disabled = !view.breaks_enabled;
  // "Quiet for 1 hour", or while quiet, until when and the way back.
  $("quiet").textContent = word(view.quiet ? "window-quiet-end" : "window-quiet");
  $("quiet").dataset.quiet = String(Boolean(view.quiet));
  $("quiet-line").textContent = view.quiet || "";
  $("recent").replaceChildren(...view.recent.map(changeItem));
  $("recent-empty").hidden = view.recent.length > 0;
}

let countdown = null;

// The lines that count down (a break's time left, a change held back by Exotel's rate limit),
// as the app words them: while one shows, the page asks for them again each second.
function renderCountdowns(view) {
  $("limited").hidden = !view.limited;
  $("limited").textContent = view.limited || "";
  $("break-banner").hidden = !view.break_left;
  $("break-left").textContent = view.break_left || "";
  clearTimeout(countdown);
  if (view.limited || view.break_left) {
    countdown = setTimeout(() => invoke("get_status").then(renderCountdowns, () => {}), 1000);
  }
}

// One change, as the app put it in words, with its time as the app writes every time.
// "On this computer": each protection, its state, and what to do when it cannot work. Opened
// by itself while a protection the agent turned on cannot work.
// A new version ready: a banner with its button, whatever else shows; *Updates* says where the
// app stands (a failed look as an error).
function renderUpdate(update) {
  if (!update) return;
  $("update-offer").hidden = !update.offer;
  $("update-offer-text").textContent = update.offer || "";
  $("update-install").disabled = !update.can_install;
  $("update-line").textContent = update.line;
  $("update-line").className = update.failed ? "field-error" : "hint";
  $("update-check").disabled = !update.can_check;
}

function renderDesk(lines) {
  const items = lines.map((line) => {
    const li = document.createElement("li");
    li.dataset.protection = line.protection;
    li.dataset.state = line.state;
    li.classList.toggle("problem", Boolean(line.problem));
    const name = document.createElement("strong");
    name.textContent = line.name;
    const state = document.createElement("span");
    // The name the OS gave (logind, a notification server's) is shown as written, as code.
    const at = line.via ? line.text.indexOf(line.via) : -1;
    if (at < 0) state.textContent = line.text;
    else {
      const via = document.createElement("code");
      via.textContent = line.via;
      state.append(line.text.slice(0, at), via, line.text.slice(at + line.via.length));
    }
    li.append(name, " ", state);
    for (const text of [line.problem, line.hint]) {
      if (!text) continue;
      const p = document.createElement("p");
      p.className = "hint";
      p.textContent = text;
      li.append(p);
    }
    return li;
  });
  $("desk-list").replaceChildren(...items);
  if (lines.some((line) => line.problem)) $("desk").open = true;
}

function changeItem(line) {
  const li = document.createElement("li");
  const time = document.createElement("time");
  time.dateTime = new Date(line.at).toISOString();
  time.textContent = line.time;
  const span = document.createElement("span");
  span.textContent = line.text;
  if (line.failed) span.className = "failed";
  li.append(time, span);
  return li;
}

function clearFormErrors() {
  for (const f of FIELDS) $(`err-${f}`).textContent = "";
  for (const input of document.querySelectorAll("#sign-in input")) input.removeAttribute("aria-invalid");
  $("form-error").textContent = "";
}

// An error from the app ({kind, field, headline, message}) next to its field, or on the form.
function showFormError(err) {
  clearFormErrors();
  if (!err) return;
  if (err.field && FIELDS.includes(err.field)) {
    $(`err-${err.field}`).textContent = err.message;
    const input = { host: hostInput(), app_id: $("app-id"), secret: $("secret"), user_id: $("user-id") }[err.field];
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } else {
    $("form-error").textContent = `${err.headline || ""} ${err.message || ""}`.trim();
  }
}

function hostInput() {
  return $("host-choice").value === CUSTOM ? $("host-custom") : $("host-choice");
}

function chosenHost() {
  return hostInput().value;
}

async function busy(button, work) {
  const label = button.textContent;
  button.disabled = true;
  button.textContent = `${label}…`;
  try {
    await work();
  } finally {
    button.disabled = false;
    button.textContent = label;
  }
}

async function signIn(event) {
  event.preventDefault();
  clearFormErrors();
  await busy($("sign-in-button"), async () => {
    try {
      const view = await invoke("sign_in", {
        host: chosenHost(), appId: $("app-id").value, secret: $("secret").value, userId: $("user-id").value,
      });
      $("secret").value = "";
      render(view);
    } catch (err) {
      showFormError(err);
    }
  });
}

async function trySandbox() {
  clearFormErrors();
  await busy($("sandbox-button"), async () => {
    try {
      render(await invoke("try_sandbox"));
    } catch (err) {
      showFormError(err);
    }
  });
}

async function choose(event) {
  const target = event.currentTarget.dataset.target;
  // The outcome (confirmed or failed) arrives as a published status; nothing to do here.
  await invoke("set_availability", { target }).catch(() => {});
}

async function signOut() {
  try {
    render(await invoke("sign_out"));
    await fillSignInForm();
  } catch (err) {
    render(await invoke("get_status"));
    showFormError(err);
  }
}

const PREFS = ["offline_on_quit", "offline_on_lock", "offline_on_sleep", "offline_when_idle", "idle_minutes", "restore_on_return", "sync_interval_secs", "shortcut", "start_at_login", "notify_mine", "notify_elsewhere", "notify_failures", "language"];

function renderPreferences(view) {
  const enforced = new Set(view.enforced || []);
  for (const key of PREFS) {
    const input = $(`pref-${key}`);
    const value = view.preferences[key];
    if (input.type === "checkbox") input.checked = value;
    else input.value = value;
    markEnforced(input, enforced.has(key));
  }
  $("failures-off").hidden = view.preferences.notify_failures;
  $("err-shortcut").textContent = view.shortcut_error || "";
  $("err-autostart").textContent = view.autostart_error || "";
}

// A setting the organisation enforces: shown fixed, with "Set by your organisation" beside it
// (and read with it by a screen reader).
function markEnforced(input, on) {
  input.disabled = on;
  const id = `${input.id}-enforced`;
  let note = document.getElementById(id);
  if (!note) {
    note = document.createElement("span");
    note.id = id;
    note.className = "enforced";
    const label = input.closest("label") || input;
    label.insertAdjacentElement("afterend", note);
  }
  note.textContent = word("window-enforced");
  note.hidden = !on;
  const described = (input.getAttribute("aria-describedby") || "").split(" ").filter((t) => t && t !== id);
  if (on) described.push(id);
  if (described.length) input.setAttribute("aria-describedby", described.join(" "));
  else input.removeAttribute("aria-describedby");
}

async function saveSettings(event) {
  event.preventDefault();
  const preferences = {};
  for (const key of PREFS) {
    const input = $(`pref-${key}`);
    preferences[key] = input.type === "checkbox" ? input.checked : input.type === "number" ? Number(input.value) : input.value;
  }
  try {
    const saved = await invoke("set_preferences", { preferences });
    // The language may have changed: the words first, so "Saved." is said in the new one.
    await loadWords();
    renderPreferences(saved);
    $("settings-saved").textContent = word("window-saved");
  } catch (err) {
    $("settings-saved").textContent = `${err.headline || ""} ${err.message || ""}`.trim();
  }
}

async function loadHistory() {
  if (!$("history").open) return;
  const lines = await invoke("get_history").catch(() => []);
  $("history-list").replaceChildren(...lines.map(changeItem));
}

// Fills the sign-in form from the saved account or the admin's presets (the core decides
// which wins); a host that is not one of the known ones goes in the custom field.
async function fillSignInForm() {
  const form = await invoke("sign_in_form");
  const select = $("host-choice");
  if (select.options.length === 0) {
    for (const h of form.known) select.add(new Option(`${h.label} (${h.url.replace("https://", "")})`, h.url));
    select.add(new Option(word("window-host-custom"), CUSTOM));
  }
  const known = form.known.some((h) => h.url === form.host);
  select.value = known ? form.host : CUSTOM;
  $("host-custom").value = known ? "" : form.host;
  $("host-custom").hidden = known;
  $("app-id").value = form.app_id;
  $("user-id").value = form.user_id;
  $("preset-note").hidden = form.host_origin !== "preset";
  // Fields the organisation enforces are shown fixed; the sandbox only where it is allowed.
  const enforced = new Set(form.enforced || []);
  select.disabled = enforced.has("host");
  $("host-custom").readOnly = enforced.has("host");
  $("app-id").readOnly = enforced.has("app_id");
  $("user-id").readOnly = enforced.has("user_id");
  $("sandbox-button").hidden = !form.sandbox_allowed;
}

async function init() {
  await loadWords();
  await fillSignInForm();
  const select = $("host-choice");
  select.addEventListener("change", () => {
    $("host-custom").hidden = select.value !== CUSTOM;
    if (select.value === CUSTOM) $("host-custom").focus();
  });

  $("sign-in").addEventListener("submit", signIn);
  $("sandbox-button").addEventListener("click", trySandbox);
  $("sign-out").addEventListener("click", signOut);
  for (const b of document.querySelectorAll(".choices button")) b.addEventListener("click", choose);
  document.querySelector(".breaks").addEventListener("click", (event) => {
    const b = event.target.closest("button[data-minutes]");
    if (b) invoke("start_break", { seconds: Number(b.dataset.minutes) * 60 }).catch(() => {});
  });
  $("end-break").addEventListener("click", () => invoke("end_break").catch(() => {}));
  $("quiet").addEventListener("click", () => {
    invoke("toggle_quiet").catch(() => {});
  });
  // Turning failure notifications off is said to matter before it is saved.
  $("pref-notify_failures").addEventListener("change", (event) => {
    $("failures-off").hidden = event.currentTarget.checked;
  });
  $("quit").addEventListener("click", () => invoke("quit"));
  $("update-check").addEventListener("click", () => invoke("check_updates").catch(() => {}));
  $("update-install").addEventListener("click", () => invoke("install_update").catch(() => {}));
  // Escape closes the window; the app stays in the tray.
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") invoke("close_window");
  });
  $("settings-form").addEventListener("submit", saveSettings);
  $("history").addEventListener("toggle", loadHistory);
  renderPreferences(await invoke("get_preferences"));

  await listen("status", (event) => {
    render(event.payload);
    loadHistory();
  });
  // The language changed (in this window's Settings, or another way): every word again.
  await listen("words", async () => {
    await loadWords();
    if (shown) render(shown);
    loadHistory();
  });
  // The app reads the status from Exotel as the window opens; the result arrives as a status.
  render(await invoke("get_status"));
}

init();
