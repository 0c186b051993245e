// Compiled by `tsc -p tests/types` in the test suite: the package's
// declarations must accept real usage and refuse misuse (an expect-error
// directive fails the build if the line after it type-checks).
import {
  OtpEngine,
  languages,
  render,
  validate,
  PinpointError,
  type Admission,
  type HistoryWrite,
  type LanguageTag,
  type OtpTemplatesSetting,
  type RenderedMessage,
  type SendResult,
  type VerifyAction,
  type VerifyStep,
  DEFAULT_STORE_TIMEOUT_MS,
} from "edge-otp";

const engine = new OtpEngine("a test secret of thirty-two byte");
const sent: SendResult = engine.send("app", {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "ref",
  CodeLength: 6,
});
const encoding: "GSM-7" | "UCS-2" = sent.sms.encoding;
const verification = engine.verification("app", {
  ReferenceId: "ref",
  DestinationIdentity: "+12065550007",
  Otp: "123456",
});
const key: string = verification.storageKey;
const result: VerifyStep = verification.step(sent.record, Date.now());
// Under a rotated OTP_SECRET: the record found under one of the keys, stepped with that key.
const keys: string[] = verification.storageKeys;
const underOlderSecret: VerifyStep = verification.step(null, Date.now(), keys[keys.length - 1]);
// @ts-expect-error the key is a string
verification.step(null, Date.now(), 1);
void underOlderSecret;
verification.free();
// A decision on the number's history says where it stands, a tagged union by kind.
const admission: Admission = engine.sending("app", "{}").admit(null, Date.now());
if (admission.standing?.kind === "sends") {
  const next: number = admission.standing.nextSendInSeconds;
  const tightest: number | undefined = admission.standing.sendsLeft;
  void [next, tightest];
} else if (admission.standing?.kind === "wrongGuesses") {
  const left: number = admission.standing.wrongGuessesLeft;
  // @ts-expect-error only a send's standing has send windows
  void admission.standing.windows;
  void left;
}
// A send that blocked its prefix records the block in the rule set.
const prefixSending = engine.sending("app", "{}");
if (prefixSending.admitPrefix(null, Date.now()).blockStarted === true) {
  const write: HistoryWrite | null = prefixSending.recordBlock(null, Date.now());
  void write?.history;
}
if (result.action.kind === "write") {
  const next: string = result.action.record;
  const ttl: number = result.action.ttlSeconds;
  void [next, ttl];
}
// @ts-expect-error only "write" carries a record
void result.action.record;
// @ts-expect-error the reasons are a closed set
const reason: "Valid" | "Mismatch" | "Typo" = result.reason satisfies "Typo";
void [key, reason];

// A send with I/O: issued pending, then confirmed once delivered, or withdrawn.
const sending = engine.sending("app", {
  Channel: "SMS",
  BrandName: "ExampleCorp",
  OriginationIdentity: "+18555550142",
  DestinationIdentity: "+12065550007",
  ReferenceId: "ref",
});
const issued: SendResult = sending.issue(null, Date.now());
const confirmed: VerifyAction = sending.confirm(issued.record, Date.now());
const withdrawn: VerifyAction = sending.withdraw(issued.record);
// @ts-expect-error the delivery time is a number of milliseconds
sending.confirm(issued.record, "now");
if (confirmed.kind === "write") void confirmed.ttlSeconds;
sending.free();
const storeTimeout: number = DEFAULT_STORE_TIMEOUT_MS;
void [withdrawn, storeTimeout];

const checked = validate({});
if (checked.parameters) {
  const length: number = checked.parameters.CodeLength;
  void length;
} else {
  const field: string | null = checked.errors[0].field;
  void field;
}
const tags: string[] = languages().map((l) => l.tag);
const pinpointOnly: LanguageTag[] = languages().filter((l) => l.pinpoint).map((l) => l.tag);
const body: string = render("en-US", "123456", "Acme").body;
const hindi: LanguageTag = "hi-IN";
// @ts-expect-error language tags are a closed set
const klingon: LanguageTag = "tlh-QO";
validate({ Language: hindi }, { extendedLanguages: true });
// @ts-expect-error extendedLanguages is a boolean
validate({}, { extendedLanguages: "yes" });
void [pinpointOnly, klingon];

// The engine's options: OTP_TEMPLATES as JSON text or as the object.
const templates: OtpTemplatesSetting = {
  applications: {
    shop: {
      templates: { "en-US": "{{otp}} is your {{brand}} code.", "hi-IN": "{{otp}} आपका {{brand}} OTP है" },
      segmentBudget: 2,
      webOtpDomain: "shop.example.com",
      androidAppHash: "FA+9qCX9VSu",
      dlt: { "1107161234567890123": { text: "{#var#} is your {#var#} code.", maxVarLength: 20 } },
      extendedLanguages: true,
    },
  },
};
const configured = new OtpEngine("a test secret of thirty-two byte", { templates });
new OtpEngine("a test secret of thirty-two byte", { templates: JSON.stringify(templates) });
new OtpEngine("a test secret of thirty-two byte", {});
const previewed: RenderedMessage = configured.preview("shop", { Channel: "SMS", BrandName: "Acme", OriginationIdentity: "x", DestinationIdentity: "y", ReferenceId: "z" }, "123456");
// @ts-expect-error templates are text or the setting's shape
new OtpEngine("a test secret of thirty-two byte", { templates: 5 });
// @ts-expect-error the setting's fields are checked: webOtpDomain, not webOtp
new OtpEngine("a test secret of thirty-two byte", { templates: { applications: { shop: { webOtp: "x" } } } });
// @ts-expect-error template keys are language tags
new OtpEngine("a test secret of thirty-two byte", { templates: { applications: { shop: { templates: { english: "{{otp}}" } } } } });
void previewed;

try {
  // @ts-expect-error BrandName is a string
  engine.send("app", { Channel: "SMS", BrandName: 5, OriginationIdentity: "x", DestinationIdentity: "y", ReferenceId: "z" });
  // @ts-expect-error Otp is required
  engine.verification("app", { ReferenceId: "ref", DestinationIdentity: "+12065550007" });
} catch (e) {
  if (e instanceof PinpointError) {
    const status: number = e.status;
    const name: "BadRequestException" | "NotFoundException" | string = e.name;
    void [status, name];
  }
}
// @ts-expect-error exception names are a closed set
new PinpointError("NoSuchException", "x");
void [encoding, tags, body];

// The service, its stores and transports, and the HTTP handler.
import {
  DevDecisions,
  DevInbox,
  DurableObjectStore,
  MemoryStore,
  OtpService,
  WorkersKvStore,
  createHandler,
  errorResponse,
  fromEnv,
  transportFromEnv,
  type DevMessage,
  type FetchHandler,
  type SendDecision,
  type MessageResponse,
  type OtpStore,
  type VerificationResponse,
} from "edge-otp";

const inbox = new DevInbox({ print: (line) => console.log(line), limit: 10 });
const decisions = new DevDecisions({ limit: 20 });
const service = new OtpService({
  secret: "a test secret of thirty-two byte",
  store: new MemoryStore({ clock: () => Date.now() }),
  transport: inbox,
  log: (event) => console.log(event.event),
  templates: '{"applications": {"*": {"webOtpDomain": "example.com"}}}',
});
// @ts-expect-error the engine's options go on to OtpService typed too
new OtpService({ secret: "s", store: new MemoryStore(), transport: inbox, templates: 5 });
async function serviceFlow(): Promise<void> {
  const response: MessageResponse = await service.send("app", {
    Channel: "SMS",
    BrandName: "ExampleCorp",
    OriginationIdentity: "+18555550142",
    DestinationIdentity: "+12065550007",
    ReferenceId: "ref",
  });
  const status: string = response.Result["+12065550007"].DeliveryStatus;
  const fromBody: MessageResponse = await service.send("app", '{"Channel":"SMS"}', { requestId: "r" });
  // Where the number stands, for hosts that show it (Pinpoint's answer has no room for it).
  await service.send("app", '{"Channel":"SMS"}', {
    onStanding: (standing) => {
      const left: number | undefined = standing.sendsLeft;
      const wait: number = standing.nextSendInSeconds;
      const counts: number[] = standing.windows.map((w) => w.left);
      // @ts-expect-error a send's standing has no wrong guesses
      void standing.wrongGuessesLeft;
      void [left, wait, counts];
    },
  });
  // The whole decision: each rule judged, with what it saw and its refusal.
  await service.send("app", '{"Channel":"SMS"}', {
    onDecision: (decision: SendDecision) => {
      const outcome: "allowed" | "refused" | "blocked" = decision.outcome;
      for (const check of decision.checks) {
        if (check.check === "prefix") void (check.prefix?.ratio satisfies number | undefined);
        if (check.check === "ruleSet") void (check.verdict.action satisfies string);
        // @ts-expect-error only the country check carries the country's figures
        if (check.check === "spend") void check.country;
        void check.refusal?.retryAfterSeconds;
      }
      decisions.add(decision);
      void outcome;
    },
  });
  await service.verify("app", '{"Otp":"1"}', {
    onStanding: (standing) => void (standing.wrongGuessesLeft satisfies number),
    onStep: (step) => void (step.reason satisfies "Valid" | "Mismatch" | "Expired" | "AttemptsExhausted" | "NotFound"),
  });
  const verified: VerificationResponse = await service.verify("app", {
    ReferenceId: "ref",
    DestinationIdentity: "+12065550007",
    Otp: "123456",
  });
  const valid: boolean = verified.Valid;
  const messages: DevMessage[] = inbox.messages();
  const body: string = messages[0].Body;
  // @ts-expect-error Otp is required
  await service.verify("app", { ReferenceId: "ref", DestinationIdentity: "+12065550007" });
  void [status, fromBody, valid, body];
}

const handler: FetchHandler = createHandler({
  service,
  credentials: { test: "test" },
  applicationIds: ["app"],
  devInbox: inbox,
  devDecisions: decisions,
  devClock: { offsetMs: 0 },
  staticFiles: async () => new Response("", { status: 404 }),
});
async function handlerFlow(): Promise<Response> {
  const answer: Response = await handler(new Request("http://127.0.0.1:8787/v1/apps/app/otp", { method: "POST" }));
  return answer.ok ? answer : errorResponse(new Error("x"));
}
// @ts-expect-error credentials are required (null turns SigV4 off explicitly)
createHandler({ service });

const fromSettings: { handler: FetchHandler } = fromEnv(
  { OTP_SECRET: "x".repeat(32), ACCESS_KEYS: "id:secret", APPLICATION_IDS: "*", SMS_TRANSPORT: "dev", OTP_TEMPLATES: templates },
  { store: new MemoryStore() },
);
// @ts-expect-error a store is required
fromEnv({ DEV_MODE: "true" }, {});
const transportSend: OtpService | null = transportFromEnv({ SMS_TRANSPORT: "dev" }) ? null : service;

// Any object with these three methods is a store.
const custom: OtpStore = {
  get: async () => null,
  set: async () => "1",
  compareAndSwap: async () => true,
};
// Every write carries its time to live; a delete takes none.
async function storeWrites(store: OtpStore): Promise<void> {
  const version: string = await store.set("k", "v", 900);
  const written: boolean = await store.compareAndSwap("k", version, "w", 600);
  const deleted: boolean = await store.compareAndSwap("k", version, null);
  // @ts-expect-error set needs ttlSeconds
  await store.set("k", "v");
  // @ts-expect-error a compare-and-swap that writes needs ttlSeconds
  await store.compareAndSwap("k", version, "w");
  void [written, deleted];
}
// A Durable Object namespace (its stubs answer OtpRecordObject's RPC
// methods) and a KV namespace, as their bindings look.
const namespace = {
  idFromName: (name: string) => ({ name }),
  get: (id: { name: string }) => ({
    get: async () => ({ value: id.name, version: "1" }),
    set: async (_value: string, _ttlSeconds: number) => "2",
    compareAndSwap: async (_version: string, _value: string | null, _ttlSeconds?: number) => true,
  }),
};
const durable: OtpStore = new DurableObjectStore(namespace);
const kv: OtpStore = new WorkersKvStore({
  getWithMetadata: async () => ({ value: null, metadata: null }),
  put: async () => {},
  delete: async () => {},
});
// @ts-expect-error a KV namespace must have getWithMetadata
new WorkersKvStore({ get: async () => null });
// @ts-expect-error a Durable Object namespace answered over fetch is not one over RPC
new DurableObjectStore({ idFromName: (name: string) => name, get: (_id: string) => ({ fetch: async () => new Response() }) });
void [serviceFlow, handlerFlow, fromSettings, transportSend, custom, storeWrites, durable, kv];

// An SMS provider: the request for an SMS, and what an answer means, typed
// from the Rust types; and the transports made from their settings.
import { Provider, TwilioTransport, WebhookTransport, type Delivery, type HttpRequest } from "edge-otp";
const twilio = new Provider({ kind: "twilio", accountSid: "AC1", authToken: "t" });
const providerRequest: HttpRequest = twilio.request(sent.sms, Date.now());
const requestBody: Uint8Array = providerRequest.body;
const answered: Delivery = twilio.result({ kind: "http", status: 201, headers: [["content-type", "application/json"]], body: "{}" });
const timedOut: Delivery = twilio.result({ kind: "timeout" });
// @ts-expect-error a provider's kind is one of SMS_TRANSPORT's providers
new Provider({ kind: "pigeon" });
// @ts-expect-error Twilio needs its auth token
new Provider({ kind: "twilio", accountSid: "AC1" });
// @ts-expect-error an HTTP answer has a status
twilio.result({ kind: "http", headers: [], body: "" });
const webhookTransport = new WebhookTransport({ url: new URL("https://hooks.example/sms"), secret: "s", clock: () => 0 });
const twilioTransport = new TwilioTransport({ accountSid: "AC1", authToken: "t", timeoutMs: 2000 });
void [requestBody, answered, timedOut, webhookTransport, twilioTransport];

// Outside Workers, the package has no Durable Object class (see workers/usage.ts).
// @ts-expect-error OtpRecordObject is exported only by the Workers entry
import { OtpRecordObject as notOutsideWorkers } from "edge-otp";
