// The window: renders each status the app publishes (the "status" event) and calls the app's
// commands. It never polls and never sees a secret; errors arrive as {kind, message, field}.
const { invoke } = window.__TAURI__.core;
const { listen } = window.__TAURI__.event;

const $ = (id) => document.getElementById(id);
const CUSTOM = "custom";

// What each error kind means, in words; the message (from the app) says what to do.
const KIND_WORDS = {
  unauthorized: "Exotel refused the app's token.",
  bad_credentials: "Wrong app id or app secret.",
  invalid: "Exotel rejected the request.",
  not_found: "Exotel does not know this user.",
  rate_limited: "Exotel is limiting requests.",
  server: "Exotel had a problem on its side.",
  network: "No connection to Exotel.",
  timeout: "Exotel did not answer in time.",
  malformed: "Exotel's reply could not be read.",
  unconfirmed: "Exotel did not confirm the change.",
  not_signed_in: "You are signed out.",
  keyring: "The system keyring is not available.",
  keyring_locked: "The system keyring is locked.",
  invalid_input: "Please check what you typed.",
  settings: "The settings file could not be saved.",
  internal: "Something went wrong inside the app.",
};

const STATUS_WORDS = {
  offline: "Offline: no new calls",
  phone: "Receiving calls on phone",
  sip: "Receiving calls on computer",
  unknown: "Status unknown",
};
const SHORT = { offline: "Offline", phone: "Phone", sip: "Computer", unknown: "Unknown" };
const SOURCE_WORDS = {
  tray: "from the tray", window: "from the window", shortcut: "by the shortcut", cli: "from the command line",
  timer: "by the break timer", quit: "on quit", lock: "on screen lock", sleep: "on sleep", idle: "after a while without input",
  sync: "changed elsewhere", start: "at start-up", sign_in: "at sign-in",
};
const FIELDS = ["host", "app_id", "secret", "user_id"];

function targetWord(target) {
  if (!target) return null;
  return target.target === "offline" ? "offline" : target.device;
}

function render(status) {
  $("signed-out").hidden = status.signed_in;
  $("signed-in").hidden = !status.signed_in;
  // The sandbox is never mistaken for the real account: a badge, a note, and the way back.
  const sandbox = Boolean(status.signed_in && status.sandbox);
  $("sandbox-badge").hidden = !sandbox;
  $("sandbox-note").hidden = !sandbox;
  $("sign-out").textContent = sandbox ? "Leave the sandbox" : "Sign out";
  if (!status.signed_in) {
    // An error while signed out (a locked keyring at start) belongs on the form.
    showFormError(status.last_error);
    return;
  }
  const a = status.availability;
  const pending = targetWord(status.pending);
  const el = $("status");
  el.dataset.availability = a;
  el.textContent = pending ? `${STATUS_WORDS[a]} (switching to ${SHORT[pending].toLowerCase()}…)` : STATUS_WORDS[a];
  renderLimited(pending ? status.limited : null);

  const user = status.user;
  $("agent").textContent = user ? [user.name, user.agent_number].filter(Boolean).join(" · ") || `User ${user.user_id}` : "";

  for (const button of document.querySelectorAll(".choices button")) {
    const t = button.dataset.target;
    button.setAttribute("aria-pressed", String(t === a));
    button.classList.toggle("pending", t === pending);
    button.disabled = Boolean(pending);
  }

  const err = status.last_error;
  $("error").hidden = !err;
  $("error").dataset.kind = err ? err.kind : "";
  $("error-kind").textContent = err ? KIND_WORDS[err.kind] || "Something went wrong." : "";
  $("error-message").textContent = err ? err.message : "";

  renderBreak(status);

  const list = $("recent");
  list.replaceChildren(...status.recent.map(changeItem));
  $("recent-empty").hidden = status.recent.length > 0;
}

let limitedTimer = null;

// A change held back by Exotel's rate limit: says when it is sent again, counting down.
function renderLimited(limited) {
  clearInterval(limitedTimer);
  const line = $("limited");
  line.hidden = !limited;
  if (!limited) return;
  const tick = () => {
    const seconds = Math.max(1, Math.ceil((limited.until - Date.now()) / 1000));
    line.textContent = `Exotel is limiting requests; trying again in ${seconds} s`;
  };
  tick();
  limitedTimer = setInterval(tick, 1000);
}

let breakTimer = null;
let breakUntil = null;

function renderBreak(status) {
  breakUntil = status.availability === "offline" ? status.break_until : null;
  $("break-banner").hidden = !breakUntil;
  for (const b of document.querySelectorAll(".breaks button")) b.disabled = Boolean(status.pending);
  clearInterval(breakTimer);
  if (breakUntil) {
    tickBreak();
    // A local countdown only: the app publishes the break's end when it happens.
    breakTimer = setInterval(tickBreak, 1000);
  }
}

function tickBreak() {
  const secs = Math.max(0, Math.ceil((breakUntil - Date.now()) / 1000));
  $("break-left").textContent = secs >= 60 ? `${Math.ceil(secs / 60)} min` : `${secs} s`;
}

function changeItem(c) {
  const li = document.createElement("li");
  const time = document.createElement("time");
  const at = new Date(c.at);
  time.dateTime = at.toISOString();
  time.textContent = at.toLocaleTimeString();
  li.append(time);
  const wanted = targetWord(c.target);
  const text = c.outcome === "failed"
    ? `Could not switch to ${SHORT[wanted] || "?"}, ${SOURCE_WORDS[c.source]}: still ${SHORT[c.to]}`
    : `${SHORT[c.from]} → ${SHORT[c.to]}, ${SOURCE_WORDS[c.source]}`;
  const span = document.createElement("span");
  span.textContent = text;
  if (c.outcome === "failed") span.className = "failed";
  li.append(span);
  return li;
}

function clearFormErrors() {
  for (const f of FIELDS) {
    $(`err-${f}`).textContent = "";
  }
  for (const input of document.querySelectorAll("#sign-in input")) input.removeAttribute("aria-invalid");
  $("form-error").textContent = "";
}

function showFormError(err) {
  clearFormErrors();
  if (!err) return;
  const words = KIND_WORDS[err.kind] || "";
  if (err.field && FIELDS.includes(err.field)) {
    $(`err-${err.field}`).textContent = `${err.message}`;
    const input = { host: hostInput(), app_id: $("app-id"), secret: $("secret"), user_id: $("user-id") }[err.field];
    input.setAttribute("aria-invalid", "true");
    input.focus();
  } else {
    $("form-error").textContent = `${words} ${err.message}`.trim();
  }
}

function hostInput() {
  return $("host-choice").value === CUSTOM ? $("host-custom") : $("host-choice");
}

function chosenHost() {
  return $("host-choice").value === CUSTOM ? $("host-custom").value : $("host-choice").value;
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
      const status = await invoke("sign_in", {
        host: chosenHost(), appId: $("app-id").value, secret: $("secret").value, userId: $("user-id").value,
      });
      $("secret").value = "";
      render(status);
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

const PREFS = ["offline_on_quit", "offline_on_lock", "offline_on_sleep", "offline_when_idle", "idle_minutes", "restore_on_return", "sync_interval_secs", "shortcut", "start_at_login"];

function renderPreferences(view) {
  for (const key of PREFS) {
    const input = $(`pref-${key}`);
    const value = view.preferences[key];
    if (input.type === "checkbox") input.checked = value;
    else input.value = value;
  }
  $("err-shortcut").textContent = view.shortcut_error || "";
  $("err-autostart").textContent = view.autostart_error || "";
}

async function saveSettings(event) {
  event.preventDefault();
  const preferences = {};
  for (const key of PREFS) {
    const input = $(`pref-${key}`);
    preferences[key] = input.type === "checkbox" ? input.checked : input.type === "number" ? Number(input.value) : input.value;
  }
  try {
    renderPreferences(await invoke("set_preferences", { preferences }));
    $("settings-saved").textContent = "Saved.";
  } catch (err) {
    $("settings-saved").textContent = `${KIND_WORDS[err.kind] || ""} ${err.message}`.trim();
  }
}

async function loadHistory() {
  if (!$("history").open) return;
  const changes = await invoke("get_history").catch(() => []);
  $("history-list").replaceChildren(...changes.map(changeItem));
}

// Fills the sign-in form from the saved account or the admin's presets (the core decides
// which wins); a host that is not one of the known ones goes in the custom field.
async function fillSignInForm() {
  const form = await invoke("sign_in_form");
  const select = $("host-choice");
  if (select.options.length === 0) {
    for (const h of form.known) select.add(new Option(`${h.label} (${h.url.replace("https://", "")})`, h.url));
    select.add(new Option("Custom host…", CUSTOM));
  }
  const known = form.known.some((h) => h.url === form.host);
  select.value = known ? form.host : CUSTOM;
  $("host-custom").value = known ? "" : form.host;
  $("host-custom").hidden = known;
  $("app-id").value = form.app_id;
  $("user-id").value = form.user_id;
  $("preset-note").hidden = form.host_origin !== "preset";
}

async function init() {
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
  for (const b of document.querySelectorAll(".breaks button")) {
    b.addEventListener("click", () => invoke("start_break", { seconds: Number(b.dataset.minutes) * 60 }).catch(() => {}));
  }
  $("end-break").addEventListener("click", () => invoke("end_break").catch(() => {}));
  $("quit").addEventListener("click", () => invoke("quit"));
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
  // The app reads the status from Exotel as the window opens; the result arrives as a status.
  render(await invoke("get_status"));
}

init();
