// HTTP edges of `npm start`'s server in workerd: keep-alive survives every
// early answer, every response has a Date, the dev routes answer only
// loopback hosts and JSON. (tests/js/deno/http-edges.test.js: the same on Deno.)
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { startDevServer } from "./dev-server.js";
import { assertDate, assertDevRoutesOnlyForLoopback, assertKeepAliveAfterEarlyAnswers, request } from "./http-edges.js";

describe("npm start's server in workerd: HTTP edges", { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await startDevServer();
  });
  after(() => server?.stop());

  test("a 404, 405, 413 and 403 with unread bodies, then a valid request: one connection, no reset", async () => {
    await assertKeepAliveAfterEarlyAnswers(server.url);
  });

  test("a Date header on static files, the dev routes and the API", async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      for (const [method, path] of [["GET", "/"], ["GET", "/pkg/browser.js"], ["HEAD", "/"], ["GET", "/no/such/file.js"], ["GET", "/_dev/clock"], ["GET", "/_dev/sms"], ["POST", "/v1/apps/x/otp"]]) {
        const answer = await request(server.url, agent, { method, path });
        assert.ok(answer.status < 500, `${method} ${path}: ${answer.status}`);
        assertDate(answer, `${method} ${path}`);
      }
    } finally {
      agent.destroy();
    }
  });

  test("the dev routes answer only 127.0.0.1, localhost and [::1], and the clock only JSON", async () => {
    await assertDevRoutesOnlyForLoopback(server.url);
  });
});
