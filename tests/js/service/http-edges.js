// HTTP edges every server must get right, shared by the workerd and Deno
// tests (not a test file itself): error answers keep a keep-alive
// connection usable, every response has a Date, and the dev routes answer
// only loopback hosts and JSON.
import assert from "node:assert/strict";
import http from "node:http";
import { signRequest } from "edge-otp";
import { DEV_CREDENTIALS, PARAMS } from "./dev-server.js";

const APP = "http-edges";
/** RFC 9110's IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT". */
const HTTP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * One request through `agent`, the body written as given (a string, or an
 * array of chunks sent without Content-Length). Answers the status, headers,
 * raw headers, body text and the socket it went over.
 */
export function request(base, agent, { method = "POST", path, headers = {}, body }) {
  return new Promise((resolve, reject) => {
    const url = new URL(path, base);
    const chunked = Array.isArray(body);
    const sent = http.request(
      url,
      {
        method,
        agent,
        headers: chunked || body === undefined ? headers : { "content-length": Buffer.byteLength(body), ...headers },
      },
      (response) => {
        let text = "";
        response.setEncoding("utf8").on("data", (chunk) => (text += chunk));
        response.on("end", () =>
          resolve({ status: response.statusCode, headers: response.headers, rawHeaders: response.rawHeaders, text, socket: sent.socket }),
        );
      },
    );
    sent.on("error", reject);
    for (const chunk of chunked ? body : body === undefined ? [] : [body]) sent.write(chunk);
    sent.end();
  });
}

/** The headers of a SigV4-signed POST of `body` to `path` (as the AWS SDK signs). */
export function signedHeaders(base, path, body, credentials = DEV_CREDENTIALS) {
  const url = new URL(path, base);
  const headers = [["content-type", "application/json"]];
  const signature = signRequest(
    { method: "POST", host: url.host, path: url.pathname, query: "", headers },
    new TextEncoder().encode(body),
    credentials,
    "us-east-1",
    "mobiletargeting",
  );
  return Object.fromEntries([...headers, ...signature]);
}

/** Asserts one Date header holding an HTTP-date within a minute of now. */
export function assertDate(answer, what) {
  const dates = answer.rawHeaders.filter((_, i) => i % 2 === 0).filter((name) => name.toLowerCase() === "date");
  assert.equal(dates.length, 1, `${what}: ${dates.length} Date headers`);
  assert.match(answer.headers.date, HTTP_DATE, what);
  assert.ok(Math.abs(Date.parse(answer.headers.date) - Date.now()) < 60_000, `${what}: ${answer.headers.date}`);
}

/**
 * On ONE keep-alive connection: every early answer (404, 405, 413 declared
 * and streamed, 403, the dev routes' refusals) with a body left unread by
 * the route, then a valid signed send. Every answer must come on the same
 * socket, with no reset, and carry a Date.
 */
export async function assertKeepAliveAfterEarlyAnswers(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const json = JSON.stringify({ ...PARAMS, ReferenceId: "keep-alive", Padding: "x".repeat(4000) });
  const tooLarge = JSON.stringify({ ...PARAMS, Padding: "x".repeat(20_000) });
  const send = `/v1/apps/${APP}/otp`;
  const steps = [
    ["404 POST to an unknown path", { path: "/v1/apps/x/nothing", headers: { "content-type": "application/json" }, body: json }, 404],
    ["404 POST outside the API", { path: "/index.html", body: json }, 404],
    ["405 PUT", { method: "PUT", path: send, body: json }, 405],
    ["405 GET with a body", { method: "GET", path: send, body: json }, 405],
    ["413 with Content-Length", { path: send, body: tooLarge }, 413],
    ["413 streamed without Content-Length", { path: send, body: Array.from({ length: 6 }, () => "x".repeat(4096)) }, 413],
    ["403 a wrong signature", { path: send, headers: signedHeaders(base, send, json, { accessKeyId: "test", secretAccessKey: "wrong" }), body: json }, 403],
    ["405 POST /_dev/sms", { path: "/_dev/sms", body: json }, 405],
    ["400 POST /_dev/clock as text/plain", { path: "/_dev/clock", headers: { "content-type": "text/plain" }, body: '{"offsetMs": 1}' }, 400],
    ["404 /_dev/clock for another host", { path: "/_dev/clock", headers: { host: "rebound.example", "content-type": "application/json" }, body: '{"offsetMs": 1}' }, 404],
    ["200 a valid signed send", { path: send, headers: signedHeaders(base, send, json), body: json }, 200],
  ];
  let socket;
  try {
    for (const [name, options, status] of steps) {
      let answer;
      try {
        answer = await request(base, agent, options);
      } catch (error) {
        assert.fail(`${name}: ${error.code ?? error.message} (after ${socket ? "an earlier answer" : "nothing"})`);
      }
      assert.equal(answer.status, status, `${name}: ${answer.text}`);
      socket ??= answer.socket;
      assert.equal(answer.socket, socket, `${name}: answered on another connection`);
      assertDate(answer, name);
    }
  } finally {
    agent.destroy();
  }
}

/**
 * The dev routes through real HTTP: they answer whatever port the Host names
 * if it is 127.0.0.1, localhost or [::1], and are absent (404, as in
 * production) for any other Host, as a DNS-rebound page would send.
 */
export async function assertDevRoutesOnlyForLoopback(base) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { port } = new URL(base);
  const clock = (host, contentType = "application/json") =>
    request(base, agent, { path: "/_dev/clock", headers: { host, "content-type": contentType }, body: '{"offsetMs": 0}' });
  try {
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, "localhost", "LocalHost:1"]) {
      const sms = await request(base, agent, { method: "GET", path: "/_dev/sms", headers: { host } });
      assert.equal(sms.status, 200, `GET /_dev/sms with Host ${host}: ${sms.text}`);
      assert.ok(Array.isArray(JSON.parse(sms.text).messages));
      const set = await clock(host);
      assert.equal(set.status, 200, `POST /_dev/clock with Host ${host}: ${set.text}`);
    }
    for (const host of [`rebound.example:${port}`, `127.0.0.2:${port}`, `localhost.example:${port}`, `192.168.1.10:${port}`]) {
      for (const answer of [await request(base, agent, { method: "GET", path: "/_dev/sms", headers: { host } }), await clock(host)]) {
        assert.equal(answer.status, 404, `Host ${host}: ${answer.text}`);
        assert.equal(answer.headers["x-amzn-errortype"], "NotFoundException");
        assert.match(JSON.parse(answer.text).Message, /^No such resource: \/_dev\/(sms|clock)$/);
      }
    }
    const plain = await clock(`127.0.0.1:${port}`, "text/plain");
    assert.equal(plain.status, 400, plain.text);
    assert.equal(plain.headers["x-amzn-errortype"], "BadRequestException");
    assert.equal(JSON.parse(plain.text).Message, "POST /_dev/clock takes Content-Type: application/json.");
  } finally {
    agent.destroy();
  }
}
