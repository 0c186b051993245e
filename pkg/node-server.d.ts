// Node only: needs @types/node, and @hono/node-server installed beside edge-otp.
import type { IncomingMessage, Server, ServerResponse } from "node:http";
import type { FetchHandler } from "./http.js";

/** A Node request listener for `http.createServer` or any framework that mounts one. */
export declare function nodeListener(
  handler: FetchHandler,
): (request: IncomingMessage, response: ServerResponse) => Promise<void>;

export interface ServeOptions {
  /** 8000; 0 picks a free port (see `server.address()`). */
  port?: number;
  /** The address to listen on; every address when absent. */
  hostname?: string;
}

/** Serves `handler` over HTTP; resolves with the server once it listens. */
export declare function serve(handler: FetchHandler, options?: ServeOptions): Promise<Server>;
