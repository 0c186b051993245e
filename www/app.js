// The demo page: reads the form, asks the wasm module (or the local API), and
// shows what it answers. No rule lives here: validity, defaults, codes,
// message text, encodings, segments, verify reasons and attempts left all
// come from the module.
import { APPLICATION_ID, apiBackend, browserBackend, localApiAvailable } from "./backends.js";

const $ = (id) => document.getElementById(id);

/** SendOtpMessage's parameters with a box in the form (Channel is fixed). */
const FIELDS = [
  "BrandName", "CodeLength", "ValidityPeriod", "AllowedAttempts", "Language",
  "OriginationIdentity", "DestinationIdentity", "ReferenceId", "EntityId", "TemplateId",
];
/** Parameters the API types as numbers. */
const NUMBERS = new Set(["CodeLength", "ValidityPeriod", "AllowedAttempts"]);
/** Parameters Pinpoint fills in when absent; the page shows the module's values. */
const DEFAULTED = ["CodeLength", "ValidityPeriod", "AllowedAttempts", "Language"];

/** What each of the engine's verify reasons means, in words. */
const REASONS = {
  Valid: "The code matches. It is used up now: a code is valid once.",
  Mismatch: "Wrong code.",
  Expired: "The code's ValidityPeriod has passed.",
  AttemptsExhausted: "AllowedAttempts are used up, so the code is locked: even the right one is refused now.",
  NotFound: "No code is waiting for this ReferenceId and DestinationIdentity: it was used, it expired, or it was never sent.",
};

let edge; // the edge-otp package, once its wasm is instantiated
let defaultRules; // OTP_POLICY's defaults, as the core fills them in for `{}`
const templates = new Map(); // Language tag -> its default message, from languages()
const sessions = {}; // per mode: { backend, code, details, setting }
let session; // the mode in use
let refreshing = Promise.resolve(); // thread refreshes, one at a time

main().catch((error) => {
  setStatus(`The demo could not start: ${error.message}`, "error");
  console.warn(error);
});

async function main() {
  try {
    edge = await import("../pkg/browser.js");
  } catch (error) {
    throw new Error(`the wasm package did not load (${error.message}). Build it with "npm run build".`);
  }

  const groups = {
    pinpoint: Object.assign(document.createElement("optgroup"), { label: "Pinpoint's 13" }),
    extended: Object.assign(document.createElement("optgroup"), { label: "22 more, with extendedLanguages" }),
  };
  for (const { tag, nativeName, template, pinpoint } of edge.languages()) {
    templates.set(tag, template);
    const option = new Option(`${nativeName} · ${tag}`, tag);
    option.lang = tag;
    groups[pinpoint ? "pinpoint" : "extended"].append(option);
  }
  $("Language").append(groups.pinpoint, groups.extended);
  fillDefaults();
  // The defaults of OTP_POLICY, from the core: an engine given `{}` enforces them.
  const probe = new edge.OtpEngine(crypto.randomUUID(), { policy: {} });
  defaultRules = probe.policy;
  probe.free();
  $("sendCooldownSeconds").placeholder = `${defaultRules.sendCooldownSeconds} (default)`;
  $("prefixSends").placeholder = `${defaultRules.prefixSends} (default)`;

  const apiHere = await localApiAvailable();
  const apiRadio = document.querySelector('input[name="mode"][value="api"]');
  apiRadio.disabled = !apiHere;
  $("mode-note").innerHTML = apiHere
    ? "Served by <code>npm start</code>: the form talks to its API, signed with SigV4 (access key <code>test</code>, secret <code>test</code>)."
    : "For the local API, run <code>npm start</code> and open the address it prints.";
  const wanted = new URLSearchParams(location.search).get("mode");
  const mode = apiHere && wanted !== "browser" ? "api" : "browser";
  document.querySelector(`input[name="mode"][value="${mode}"]`).checked = true;
  for (const radio of document.querySelectorAll('input[name="mode"]')) {
    radio.addEventListener("change", () => useMode(radio.value));
  }

  $("send-form").addEventListener("input", validateForm);
  $("send-form").addEventListener("submit", onSend);
  $("verify-form").addEventListener("submit", onVerify);
  $("thread").addEventListener("click", onThreadClick);

  await useMode(mode);
  setInterval(tick, 1000);
  // The dev inbox also fills from other clients (the AWS CLI, say): look again now and then.
  setInterval(() => {
    if (session.backend.kind === "api" && !document.hidden) refreshThread();
  }, 2000);
  validateForm();
  $("send").disabled = false;
  $("verify").disabled = false;
  setStatus("Ready. Press Send.");
  document.documentElement.dataset.ready = mode;
}

/** Pinpoint's defaults, as the module fills them in for the prefilled request. */
function fillDefaults() {
  const request = readParameters();
  for (const name of DEFAULTED) delete request[name];
  const { parameters } = edge.validate(request);
  if (!parameters) return; // the sample no longer passes; the fields stay empty and say why
  for (const name of DEFAULTED) {
    $(name).value = parameters[name];
    if (name !== "Language") $(name).placeholder = `${parameters[name]} (default)`;
  }
}

async function useMode(kind) {
  sessions[kind] ??= {
    backend: kind === "api" ? apiBackend(edge) : browserBackend(edge),
    code: null, // the last code sent in this mode, and what is known of it
    limits: null, // what is known of the number's send limits: { number, standing?, nextSendAtMs?, refusal?, monitored? }
    details: new Map(), // MessageId -> what the module said of the messages sent here
  };
  session = sessions[kind];
  $("headline-where").textContent = kind === "api" ? "on your machine" : "in your browser";
  // The page's own OTP_TEMPLATES configure the engine in the page; the local
  // API has the server's, which the page can't see.
  $("message-settings").disabled = kind === "api";
  $("protection-settings").disabled = kind === "api";
  describePolicy();
  $("protection-note").innerHTML =
    kind === "api"
      ? "The local API runs the server's own <code>OTP_POLICY</code> (none under plain <code>npm start</code>, as Pinpoint; <code>OTP_POLICY='{\"mode\":\"enforce\"}' npm start</code> turns the defaults on). Over HTTP, Pinpoint's answers have no room for the sends left: the page learns of the limits only from a refused send's 429, its message and <code>Retry-After</code>."
      : "These fields set the engine in this page, as <code>OTP_POLICY</code> sets a server. With a policy, the page runs <code>OtpService</code> as a deployment does, and shows the cooldown and the sends left that its <code>onStanding</code> hears.";
  $("settings-note").innerHTML =
    kind === "api"
      ? "The local API sends with the server's own <code>OTP_TEMPLATES</code>: start it with <code>OTP_TEMPLATES='…' npm start</code>. These fields set the engine in this page."
      : "These fields configure the engine in this page, as <code>OTP_TEMPLATES</code> configures a server.";
  validateForm();
  $("attempts-label").textContent = kind === "api" ? "Attempts left (counted here)" : "Attempts left";
  $("verify-result").replaceChildren();
  $("wire").textContent = `Nothing called yet. Requests use ApplicationId ${APPLICATION_ID}; any id works.`;
  $("thread").replaceChildren();
  renderStatus();
  await renderDecisions();
  renderLimits();
  await refreshThread();
}

// ---- SendOtpMessage ------------------------------------------------------

/** The request as the form holds it; an empty box is an absent parameter. */
function readParameters() {
  const parameters = { Channel: $("Channel").value };
  for (const name of FIELDS) {
    const text = $(name).value;
    if (text === "") continue;
    parameters[name] = NUMBERS.has(name) ? asNumber(text) : text;
  }
  return parameters;
}

/** A number when the text is one in JSON; otherwise the text, for the module to judge. */
function asNumber(text) {
  try {
    const value = JSON.parse(text);
    if (typeof value === "number") return value;
  } catch {
    // not a JSON number: send the text as typed
  }
  return text;
}

function validateForm() {
  const parameters = readParameters();
  const inPage = session?.backend.kind === "browser";
  const settingErrors = inPage ? configure(parameters.Language) : [];
  // Over HTTP the server decides about extended languages: the page lets them through.
  const extendedLanguages = !inPage || $("extendedLanguages").checked;
  const { parameters: checked, errors } = edge.validate(parameters, { extendedLanguages });
  const byField = new Map(errors.map((error) => [error.field, error.message]));
  for (const name of FIELDS) showFieldError(name, byField.get(name));
  // Anything not about a box in the form (a body-level error) goes under it.
  $("form-error").textContent = errors
    .filter((error) => !FIELDS.includes(error.field))
    .map((error) => error.message)
    .join(" ");
  showPreview(settingErrors.length ? null : checked, parameters);
  return { parameters, checked, errors: [...errors, ...settingErrors] };
}

// ---- Your own message: OTP_TEMPLATES for the engine in the page ----------

/** Fields of the setting, each with the end of the path the core names it by. */
const SETTING_FIELDS = [
  ["template", ".templates."],
  ["webOtpDomain", ".webOtpDomain"],
];

/** The OTP_POLICY members the protection fields set (besides mode), each its field's id. */
const POLICY_FIELDS = ["sendCooldownSeconds", "prefixSends"];

/** The OTP_TEMPLATES setting the fields make, for this page's application id. */
function messageSetting(language) {
  const app = {};
  if ($("template").value !== "") app.templates = { [language]: $("template").value };
  if ($("webOtpDomain").value !== "") app.webOtpDomain = $("webOtpDomain").value;
  app.extendedLanguages = $("extendedLanguages").checked;
  return { applications: { [APPLICATION_ID]: app } };
}

/** The OTP_POLICY setting the protection fields make; none while `off`, as `npm start` runs. */
function policySetting() {
  const mode = $("policyMode").value;
  if (mode === "off") return undefined;
  const policy = { mode };
  const cooldown = $("sendCooldownSeconds").value;
  if (cooldown !== "") policy.sendCooldownSeconds = asNumber(cooldown);
  const prefixSends = $("prefixSends").value;
  if (prefixSends !== "") policy.prefixSends = asNumber(prefixSends);
  return policy;
}

/**
 * Gives the engine in the page the settings (when they changed), and shows
 * the core's verdict on them beside each field. Answers the problems, as
 * { field, message }, none when the engine took them.
 */
function configure(language) {
  $("template").placeholder = templates.get(language) ?? "";
  const setting = messageSetting(language);
  const policy = policySetting();
  const json = JSON.stringify(setting, null, 2);
  $("setting-json").textContent = json;
  $("policy-json").textContent = policy ? JSON.stringify(policy, null, 2) : "Not set: no protection, as Pinpoint.";
  const key = JSON.stringify([setting, policy]);
  if (key === session.setting?.key) return session.setting.problems;
  let problems = [];
  try {
    session.backend.configure({ templates: setting, policy });
  } catch (error) {
    if (error.field !== "OTP_TEMPLATES" && error.field !== "OTP_POLICY") throw error;
    // One line per problem, each "<setting>.<path>: <what is wrong>".
    problems = error.message.split("\n").map((line) => {
      const at = line.indexOf(": ");
      const path = line.slice(0, at);
      const field =
        error.field === "OTP_POLICY"
          ? (POLICY_FIELDS.find((name) => path.endsWith(`.${name}`)) ?? "protection")
          : (SETTING_FIELDS.find(([, end]) => path.includes(end))?.[0] ?? "settings");
      return { field, message: line.slice(at + 2) };
    });
  }
  session.setting = { key, problems };
  for (const name of [...SETTING_FIELDS.map(([name]) => name), ...POLICY_FIELDS]) {
    const message = problems.filter((p) => p.field === name).map((p) => p.message).join(" ");
    showFieldError(name, message || undefined);
  }
  for (const name of ["settings", "protection"]) {
    $(`${name}-error`).textContent = problems.filter((p) => p.field === name).map((p) => p.message).join(" ");
  }
  describePolicy();
  return problems;
}

/** The rules in force in the page, in words, from the core's own account of them. */
function describePolicy() {
  const rules = session.backend.kind === "browser" && session.backend.policy;
  const shown = rules && rules.mode !== "off" ? rules : defaultRules;
  const words = [
    `${shown.sendCooldownSeconds} s between codes to a number`,
    ...shown.sendsPerNumber.map((w) => `at most ${w.limit} per ${duration(w.windowSeconds)}`),
    `${shown.wrongGuessesPerNumber.limit} wrong guesses per ${duration(shown.wrongGuessesPerNumber.windowSeconds)}`,
  ].join("; ");
  $("policyMode-hint").textContent = rules && rules.mode !== "off" ? `In force: ${words}.` : `The defaults: ${words}.`;
}

function showFieldError(name, message) {
  const input = $(name);
  $(`${name}-error`).textContent = message ?? "";
  input.closest(".field").classList.toggle("invalid", Boolean(message));
  if (message) {
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", `${name}-error ${name}-hint`);
  } else {
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", `${name}-hint`);
  }
}

/** The message the request would send, with a stand-in code of the right length. */
function showPreview(checked, parameters) {
  const body = $("preview-body");
  if (!checked) {
    $("preview").classList.add("waiting");
    $("preview-meta").textContent = "";
    body.textContent = "The preview appears when every parameter is valid.";
    body.lang = "en";
    return;
  }
  const standIn = Array.from({ length: checked.CodeLength }, (_, i) => (i + 1) % 10).join("");
  let rendered;
  try {
    rendered = session.backend.preview({ ...parameters, Language: checked.Language }, standIn);
  } catch (error) {
    // What a send would be refused for (a DLT mismatch, say): show it where the preview goes.
    $("preview").classList.add("waiting");
    $("preview-meta").textContent = "";
    body.textContent = `${error.name}: ${error.message}`;
    body.lang = "en";
    return;
  }
  $("preview").classList.remove("waiting");
  $("preview-meta").textContent = `${rendered.encoding} · ${plural(rendered.segments, "segment")}`;
  body.textContent = rendered.body;
  body.lang = checked.Language;
}

async function onSend(event) {
  event.preventDefault();
  const { parameters, checked, errors } = validateForm();
  if (errors.length) {
    setStatus(`Not sent: ${plural(errors.length, "parameter")} to fix first.`, "error");
    const first = [...FIELDS, ...SETTING_FIELDS.map(([name]) => name), ...POLICY_FIELDS].find((name) => $(name).hasAttribute("aria-invalid"));
    if (first) $(first).focus();
    return;
  }
  const button = $("send");
  button.disabled = true;
  setStatus("Sending…");
  const current = session;
  try {
    const sent = await current.backend.send(parameters);
    showCall(sent.call);
    current.details.set(sent.messageId, {
      Language: checked.Language,
      parameters: { ...parameters, Language: checked.Language },
      CodeLength: checked.CodeLength,
      encoding: sent.encoding,
      segments: sent.segments,
      webOtpDomain: current.backend.kind === "browser" ? $("webOtpDomain").value : "",
    });
    // The local API answers no expiry: it is SentAt plus ValidityPeriod there.
    const expiresAtMs = sent.expiresAtMs ?? sent.sentAtMs + checked.ValidityPeriod * 60_000;
    current.code = {
      messageId: sent.messageId,
      ReferenceId: checked.ReferenceId,
      DestinationIdentity: checked.DestinationIdentity,
      sentAtMs: sent.sentAtMs,
      expiresAtMs,
      allowedAttempts: checked.AllowedAttempts,
      attemptsLeft: checked.AllowedAttempts,
      state: "waiting", // then "verified" or "locked"
    };
    current.limits = sent.standing ? limitsFrom(checked.DestinationIdentity, sent.standing, sent.monitored) : null;
    if (current !== session) return; // the mode changed meanwhile
    $("verify-result").replaceChildren();
    $("Otp").value = "";
    renderStatus();
    renderLimits();
    await refreshThread();
    await renderDecisions();
    setStatus(`Sent to ${checked.DestinationIdentity}.`, "ok");
    // On a narrow screen the phone is below the form: bring it up. Typing goes to Otp.
    const smooth = !matchMedia("(prefers-reduced-motion: reduce)").matches;
    document.querySelector(".phone").scrollIntoView({ block: "nearest", behavior: smooth ? "smooth" : "auto" });
    $("Otp").focus({ preventScroll: true });
  } catch (error) {
    if (error.call) showCall(error.call);
    if (error.field && FIELDS.includes(error.field)) showFieldError(error.field, error.message);
    if (error.retryAfterSeconds !== undefined) {
      // A refused send: the engine's standing in the page; over HTTP only what the 429 says.
      current.limits = {
        ...limitsFrom(checked.DestinationIdentity, error.standing),
        nextSendAtMs: Date.now() + error.retryAfterSeconds * 1000,
        refusal: error,
      };
      if (current === session) renderLimits();
    }
    if (current === session) await renderDecisions();
    setStatus(`${error.name}: ${error.message}${retryAfter(error)}`, "error");
  } finally {
    button.disabled = false;
  }
}

// ---- VerifyOtpMessage ----------------------------------------------------

async function onVerify(event) {
  event.preventDefault();
  const current = session;
  const code = current.code;
  // Before any send, verify asks about the ReferenceId and number in the form.
  const parameters = {
    ReferenceId: code?.ReferenceId ?? $("ReferenceId").value,
    DestinationIdentity: code?.DestinationIdentity ?? $("DestinationIdentity").value,
    Otp: $("Otp").value,
  };
  const button = $("verify");
  button.disabled = true;
  try {
    const result = await current.backend.verify(parameters);
    showCall(result.call);
    if (code) noteVerify(code, result, current.backend.kind);
    if (current !== session) return;
    showVerdict(result, code);
    renderStatus();
  } catch (error) {
    if (error.call) showCall(error.call);
    showVerifyError(error);
  } finally {
    button.disabled = false;
  }
}

/** What a verify answer says of the code sent last. */
function noteVerify(code, result, kind) {
  if (result.valid) code.state = "verified";
  if (kind === "browser") {
    code.attemptsLeft = result.attemptsLeft;
    if (result.reason === "AttemptsExhausted" || (result.reason === "Mismatch" && result.attemptsLeft === 0)) {
      code.state = "locked";
    }
  } else if (!result.valid && code.state === "waiting" && Date.now() < code.expiresAtMs) {
    // Over HTTP the answer is only { Valid }: count the invalid ones.
    code.attemptsLeft = Math.max(0, code.attemptsLeft - 1);
    if (code.attemptsLeft === 0) code.state = "locked";
  }
}

function showVerdict(result, code) {
  const box = $("verify-result");
  const verdict = el("p", { className: `verdict ${result.valid ? "valid" : "invalid"}` });
  verdict.append(icon(result.valid ? "check" : "cross"), el("span", { id: "verdict", textContent: result.valid ? "Valid" : "Invalid" }));
  const reason = el("p", { className: "reason" });
  if (result.reason) {
    reason.append(el("code", { id: "reason", textContent: result.reason }), ` ${REASONS[result.reason] ?? ""}`);
  } else if (result.valid) {
    reason.append("The local API answered ", el("code", { textContent: '{"Valid": true}' }), ". The code is used up now.");
  } else {
    reason.append(
      "Over HTTP, VerifyOtpMessage answers only ",
      el("code", { textContent: '{"Valid": false}' }),
      ": the reason stays on the server. Switch to “In this browser” to see it.",
    );
  }
  box.replaceChildren(verdict, reason);
  if (code?.state === "locked" && !result.valid) {
    box.append(
      el("p", {
        id: "lockout",
        className: "lockout",
        textContent:
          session.backend.kind === "api"
            ? `Locked out: ${plural(code.allowedAttempts, "invalid answer")} counted, all of AllowedAttempts. Send a new code.`
            : "Locked out: no attempts left. Send a new code.",
      }),
    );
  }
}

function showVerifyError(error) {
  const verdict = el("p", { className: "verdict invalid" });
  verdict.append(icon("cross"), el("span", { id: "verdict", textContent: error.name ?? "Error" }));
  $("verify-result").replaceChildren(verdict, el("p", { className: "reason", textContent: `${error.message}${retryAfter(error)}` }));
}

// ---- The number's send limits -----------------------------------------------

/** What a send's standing says of the number: sends left, and when the next send is allowed. */
function limitsFrom(number, standing, monitored) {
  if (!standing) return { number };
  return { number, standing, monitored, nextSendAtMs: Date.now() + standing.nextSendInSeconds * 1000 };
}

function renderLimits() {
  const limits = session.limits;
  $("limits").hidden = !limits;
  if (!limits) return;
  const { standing, refusal, monitored } = limits;
  $("limits-number").textContent = limits.number;
  $("sends-left").textContent = standing ? String(standing.sendsLeft ?? "no limit") : "–";
  $("send-windows").textContent = standing
    ? standing.windows.map((w) => `${w.left} of ${w.limit} per ${duration(w.windowSeconds)}`).join(" · ")
    : "";
  const refusalBox = $("refusal");
  refusalBox.hidden = !refusal && !monitored;
  // The message itself is in the status line above, which screen readers announce.
  if (refusal) {
    refusalBox.textContent = `Refused: ${refusal.name}, Retry-After ${refusal.retryAfterSeconds} s. Nothing was sent, and the code sent before is left as it was.`;
  }
  else if (monitored) {
    refusalBox.textContent = `Sent, though ${monitored.rule} would have refused it (mode monitor): retry after ${monitored.retryAfterSeconds} s.`;
  }
  $("limits-note").textContent =
    session.backend.kind === "api"
      ? "Over HTTP, a send answers only Pinpoint's MessageResponse, with no room for the sends left: this is what the 429's message and Retry-After header say, which is all the local API tells."
      : "From the engine's decision on this number, as OtpService's onStanding hears it.";
  tick();
}

// ---- Decisions on the last sends -------------------------------------------

/** The rules of a protected send, in the core's order: the columns after Outcome. */
const DECISION_COLUMNS = [
  ["ruleSet", ruleSetFigures],
  ["number", numberFigures],
  ["prefix", prefixFigures],
  ["country", countryFigures],
  ["spend", spendFigures],
];

/**
 * The last protected sends' decisions, newest first, as the service's
 * onDecision heard them (in the page) or GET /_dev/decisions answers (the
 * local API). Each rule's cell says whether it passed, refused or only
 * monitored, with what it saw; nothing here decides anything.
 */
async function renderDecisions() {
  const current = session;
  let decisions;
  try {
    decisions = await current.backend.decisions();
  } catch (error) {
    decisions = [];
    if (current === session) $("decisions-status").textContent = `The decisions could not be read: ${error.message}`;
    return;
  }
  if (current !== session) return;
  $("decisions-note").textContent =
    current.backend.kind === "api"
      ? "What the local API decided on its last protected sends (GET /_dev/decisions, loopback only, kept in memory; none while the server runs without OTP_POLICY)."
      : "What OtpService's onDecision heard on the last protected sends in this page (a send while mode is off is judged by no rule, and not listed).";
  $("decisions-body").replaceChildren(...decisions.map(decisionRow));
  const [last] = decisions;
  $("decisions-status").textContent = last ? `Last decision: ${outcomeWords(last)}.` : "No protected send yet.";
}

function decisionRow(decision) {
  const row = el("tr", { className: `decision ${decision.outcome}` });
  const time = new Date(decision.atMs).toISOString().slice(11, 19);
  row.append(
    el("td", { textContent: `${time} UTC` }),
    el("td", { className: "hash", textContent: `${decision.number.slice(0, 12)}…`, title: decision.number }),
    el("th", { scope: "row", textContent: outcomeWords(decision) }),
  );
  for (const [name, figures] of DECISION_COLUMNS) {
    const check = decision.checks.find((c) => c.check === name);
    const cell = el("td", { className: `rule ${checkState(check)}` });
    cell.dataset.check = name;
    cell.append(el("strong", { className: "state", textContent: checkState(check) }));
    if (check) {
      const seen = figures(check);
      if (seen) cell.append(el("span", { className: "figures", textContent: seen }));
      if (check.refusal) cell.append(el("span", { className: "message", textContent: refusalWords(check.refusal) }));
    }
    row.append(cell);
  }
  return row;
}

/** passed, refused, monitored (would have refused), or not judged (a rule before it refused, or it is off). */
function checkState(check) {
  if (!check) return "not judged";
  if (!check.refusal) return "passed";
  return check.refusal.mode === "enforce" ? "refused" : "monitored";
}

function outcomeWords(decision) {
  const deciding = decision.checks.find((c) => c.refusal?.mode === "enforce")?.refusal;
  if (decision.outcome === "allowed") {
    const monitored = decision.checks.filter((c) => c.refusal).map((c) => c.refusal.rule);
    return monitored.length ? `sent; ${monitored.join(", ")} only monitored` : "sent";
  }
  return `${decision.outcome} by ${deciding?.rule ?? "a rule"}`;
}

function refusalWords(refusal) {
  const how = refusal.mode === "enforce" ? "Refused" : "Would refuse (monitor)";
  return `${how}: ${refusal.message} (Retry-After: ${refusal.retryAfterSeconds} s; ${refusal.count} counted, limit ${refusal.limit} per ${duration(refusal.windowSeconds)})`;
}

const SOURCES = { numberOverride: "number override", countryRule: "country rule", countryDefault: "default country rule" };
const ORIGINS = { stored: "protect configuration", policy: "OTP_POLICY", builtIn: "built-in" };

function ruleSetFigures({ verdict, region }) {
  return `${verdict.action}: ${SOURCES[verdict.source]} (${ORIGINS[verdict.origin]}); region ${region ?? "unknown"}`;
}

function numberFigures({ standing }) {
  if (!standing) return "";
  const windows = standing.windows.map((w) => `${w.count} of ${w.limit} per ${duration(w.windowSeconds)}`);
  return [...windows, `next send in ${standing.nextSendInSeconds} s`].join("; ");
}

function prefixFigures({ prefix }) {
  if (!prefix) return "";
  const blocked = prefix.blockedUntilMs === undefined ? "not blocked" : `blocked until ${new Date(prefix.blockedUntilMs).toISOString().slice(0, 19)}Z`;
  return `${prefix.prefix}: ${prefix.sends} sends, ${prefix.verified} verified, ratio ${prefix.ratio}; ${blocked}`;
}

function countryFigures({ country }) {
  if (!country) return "";
  return `${country.region}: ${country.unverified} unverified of a budget of ${country.budget} (${country.sends} sends)`;
}

function spendFigures({ spend }) {
  if (!spend) return "";
  return `segments: ${spend.hour} this hour, ${spend.day} today, ${spend.month} this month; this send ${spend.segments}`;
}

/** ", Retry-After: 28 s." when the answer had one. */
function retryAfter(error) {
  return error.retryAfterSeconds === undefined ? "" : ` (Retry-After: ${error.retryAfterSeconds} s)`;
}

// ---- The code's status ---------------------------------------------------

function renderStatus() {
  const code = session.code;
  const box = $("code-status");
  const kind = session.backend.kind;
  $("verify-target").replaceChildren(
    ...(code
      ? ["For ", el("code", { textContent: code.ReferenceId }), " at ", el("code", { textContent: code.DestinationIdentity }), "."]
      : ["Checks a code for the ReferenceId and DestinationIdentity in the form."]),
  );
  $("status-note").textContent =
    kind === "api"
      ? "Over HTTP the API answers only Valid, so this page counts its own invalid answers (other clients' guesses don't show), and expiry is SentAt plus ValidityPeriod."
      : "Both come from the engine: the expiry from send, the attempts left from each verify.";
  if (!code) {
    box.dataset.state = "none";
    $("code-state").textContent = "Not sent yet";
    $("countdown").textContent = "–:––";
    $("countdown-bar").style.width = "0%";
    $("attempts-left").textContent = "–";
    $("attempts-of").textContent = "";
    $("attempts-dots").replaceChildren();
    return;
  }
  $("attempts-left").textContent = String(code.attemptsLeft);
  $("attempts-of").textContent = `of ${code.allowedAttempts}`;
  $("attempts-dots").replaceChildren(
    ...Array.from({ length: code.allowedAttempts }, (_, i) => el("span", { className: i < code.attemptsLeft ? "on" : "" })),
  );
  tick();
}

/** Once a second: the countdown, the state it implies, and the phone's clock. */
function tick() {
  $("phone-clock").textContent = new Date().toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }).replace(/\s?[AP]M$/i, "");
  const limits = session?.limits;
  if (limits) {
    const wait = limits.nextSendAtMs === undefined ? undefined : Math.max(0, limits.nextSendAtMs - Date.now());
    $("next-send").textContent = wait === undefined ? "–" : wait === 0 ? "now" : clock(Math.ceil(wait / 1000));
  }
  const code = session?.code;
  if (!code) return;
  const left = Math.max(0, code.expiresAtMs - Date.now());
  const state = code.state === "waiting" && left === 0 ? "expired" : code.state;
  const labels = { waiting: "Waiting for the code", verified: "Verified, used up", locked: "Locked", expired: "Expired" };
  $("code-status").dataset.state = state;
  $("code-state").textContent = labels[state];
  $("countdown").textContent = state === "verified" ? "used" : clock(Math.ceil(left / 1000));
  $("countdown-bar").style.width = state === "verified" ? "0%" : `${(100 * left) / (code.expiresAtMs - code.sentAtMs)}%`;
}

// ---- The phone -------------------------------------------------------------

/** Brings the thread up to the inbox, appending only what is new (so screen readers hear only that). */
function refreshThread() {
  const current = session;
  refreshing = refreshing
    .then(async () => {
      const messages = await current.backend.messages();
      if (current !== session) return;
      drawThread(messages);
    })
    .catch((error) => setStatus(`The inbox did not answer: ${error.message}`, "error"));
  return refreshing;
}

function drawThread(messages) {
  const thread = $("thread");
  const shown = [...thread.children].map((item) => item.dataset.messageId);
  if (!shown.every((id, i) => messages[i]?.MessageId === id)) thread.replaceChildren();
  // A message a poll drew before its send had finished is drawn again, now with what the send learnt.
  [...thread.children].forEach((item, i) => {
    if ("plain" in item.dataset && session.details.has(item.dataset.messageId)) item.replaceWith(bubble(messages[i]));
  });
  for (const button of thread.querySelectorAll(".use-code")) {
    if (button.closest(".message").dataset.messageId !== session.code?.messageId) button.remove();
  }
  const added = messages.slice(thread.children.length);
  for (const message of added) thread.append(bubble(message));
  if (added.length) thread.scrollTop = thread.scrollHeight;
  const last = messages.at(-1);
  $("thread-empty").hidden = messages.length > 0;
  $("convo-title").textContent = last ? last.OriginationIdentity : "Messages";
  $("convo-sub").textContent = last
    ? `to ${last.DestinationIdentity} · ${session.backend.kind === "api" ? "dev inbox" : "this page's inbox"}`
    : "No messages yet";
}

function bubble(message) {
  const details = session.details.get(message.MessageId);
  const code = details && findCode(message.Body, details);
  const item = el("li", { className: "message" });
  item.dataset.messageId = message.MessageId;
  if (!details) item.dataset.plain = "";
  item.append(el("p", { className: "sender", textContent: `From ${message.OriginationIdentity}` }));

  const text = el("p", { className: "bubble", dir: "auto" });
  if (details) text.lang = details.Language;
  if (code) {
    const at = message.Body.indexOf(code.otp);
    text.append(message.Body.slice(0, at), el("mark", { className: "otp", textContent: code.otp }), message.Body.slice(at + code.otp.length));
  } else {
    text.textContent = message.Body;
  }
  item.append(text);
  if (details?.webOtpDomain) {
    const note = el("p", { className: "webotp-note" });
    note.append(
      "The last line is for autofill: on ",
      el("code", { textContent: `https://${details.webOtpDomain}` }),
      `, Safari and Chrome offer ${code?.otp ?? "the code"} in one tap, and no other site is offered it.`,
    );
    item.append(note);
  }

  // Encoding and segments: the engine's, or the module's render of the same text.
  const encoding = details?.encoding ?? code?.encoding;
  const segments = details?.segments ?? code?.segments;
  const meta = el("p", { className: "message-meta" });
  if (encoding) {
    meta.append(el("span", { className: "encoding", textContent: encoding }), " · ");
    meta.append(el("span", { className: "segments", textContent: plural(segments, "segment") }), " · ");
  }
  meta.append(el("time", { dateTime: message.SentAt, textContent: new Date(message.SentAt).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" }) }));
  item.append(meta);

  if (code && message.MessageId === session.code?.messageId) {
    const button = el("button", { type: "button", className: "use-code", textContent: `Fill in ${code.otp}` });
    button.dataset.otp = code.otp;
    item.append(button);
  }
  return item;
}

/**
 * The code in a message this page sent: the run of CodeLength digits from
 * which the module writes the same text (with its encoding and segments);
 * else the only such run there is.
 */
function findCode(body, { parameters, CodeLength }) {
  const runs = new Set(body.match(new RegExp(`(?<!\\d)\\d{${CodeLength}}(?!\\d)`, "g")));
  for (const otp of runs) {
    try {
      const rendered = session.backend.preview(parameters, otp);
      if (rendered.body === body) return { otp, encoding: rendered.encoding, segments: rendered.segments };
    } catch {
      // The page's setting changed since: no preview to compare with.
    }
  }
  return runs.size === 1 ? { otp: [...runs][0] } : null;
}

function onThreadClick(event) {
  const button = event.target.closest(".use-code");
  if (!button) return;
  $("Otp").value = button.dataset.otp;
  $("Otp").focus();
}

// ---- Small helpers -------------------------------------------------------------

function showCall({ request, response }) {
  $("wire").textContent = `${request}\n\n→ ${response}`;
}

function setStatus(text, kind = "") {
  const status = $("send-status");
  status.textContent = text;
  status.dataset.kind = kind;
}

/** Seconds as m:ss. */
function clock(seconds) {
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, "0")}`;
}

/** A window's length in words: "10 minutes", "24 hours". */
function duration(seconds) {
  const units = [[3600, "hour"], [60, "minute"], [1, "second"]]; // 86400 s: "24 hours", as the core says
  const [size, unit] = units.find(([size]) => seconds % size === 0);
  const n = seconds / size;
  return n === 1 ? unit : `${n} ${unit}s`;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function el(tag, properties = {}) {
  return Object.assign(document.createElement(tag), properties);
}

function icon(name) {
  const paths = {
    check: "M5 10.5l3.2 3.2L15 7",
    cross: "M6 6l8 8M14 6l-8 8",
  };
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 20 20");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("d", paths[name]);
  svg.append(path);
  return svg;
}

