// The HTTP edges of tests/js/service/http-edges.test.js against the Deno
// server of `npm run start:deno`.
import { after, before, describe, test } from "node:test";
import http from "node:http";
import { assertDate, assertDevRoutesOnlyForLoopback, assertKeepAliveAfterEarlyAnswers, request } from "../service/http-edges.js";
import { startDenoDevServer } from "./deno-dev-server.js";

describe("npm run start:deno's server: HTTP edges", { timeout: 120_000 }, () => {
  let server;
  before(async () => {
    server = await startDenoDevServer();
  });
  after(() => server?.stop());

  test("a 404, 405, 413 and 403 with unread bodies, then a valid request: one connection, no reset", async () => {
    await assertKeepAliveAfterEarlyAnswers(server.url);
  });

  test("one Date header on the dev routes and the API", async () => {
    const agent = new http.Agent({ keepAlive: true });
    try {
      for (const [method, path] of [["GET", "/"], ["GET", "/_dev/clock"], ["GET", "/_dev/sms"], ["POST", "/v1/apps/x/otp"]]) {
        assertDate(await request(server.url, agent, { method, path }), `${method} ${path}`);
      }
    } finally {
      agent.destroy();
    }
  });

  test("the dev routes answer only 127.0.0.1, localhost and [::1], and the clock only JSON", async () => {
    await assertDevRoutesOnlyForLoopback(server.url);
  });
});
