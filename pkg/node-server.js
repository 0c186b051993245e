// edge-otp on Node's HTTP server: the Fetch handler from createHandler (or
// fromEnv) behind @hono/node-server's request listener, which turns Node's
// request into a Request and writes the Response back. Install it beside
// edge-otp: `npm install edge-otp @hono/node-server`.
import { createServer } from "node:http";
import { getRequestListener } from "@hono/node-server";

/**
 * A Node request listener, `(request, response) => Promise<void>`, for
 * `http.createServer` or any framework that mounts one.
 *
 * @param {(request: Request) => Promise<Response>} handler
 */
export function nodeListener(handler) {
  // Leave the process's global Request and Response alone: the adapter
  // would otherwise swap in its own for speed, for every library.
  return getRequestListener((request) => handler(request), { overrideGlobalObjects: false });
}

/**
 * Serves `handler` over HTTP; resolves with the server once it listens, or
 * rejects (e.g. EADDRINUSE). `port` 0 picks a free one: see
 * `server.address().port`. Without `hostname`, Node listens on every address.
 *
 * @param {(request: Request) => Promise<Response>} handler
 * @param {{ port?: number, hostname?: string }} [options]
 * @returns {Promise<import("node:http").Server>}
 */
export function serve(handler, { port = 8000, hostname } = {}) {
  const server = createServer(nodeListener(handler));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
