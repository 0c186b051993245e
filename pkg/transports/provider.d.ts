import type { Delivery } from "./types.js";
import type { TransportSettings } from "./index.js";

/** How long a provider may take to answer, unless SMS_TIMEOUT_MS says otherwise. */
export declare const DEFAULT_TIMEOUT_MS: number;

/** One bounded POST to a provider, its answer mapped by the core; never throws. */
export declare function postToProvider(
  provider: "webhook" | "twilio" | "aws-sms",
  url: string | URL,
  request: { headers: HeadersInit; body: BodyInit },
  options: {
    timeoutMs: number;
    read: (response: Response, json: unknown) => { errorCode?: unknown; messageId?: unknown };
  },
): Promise<Delivery>;

export declare function required(env: TransportSettings, name: string): string;
export declare function optional(env: TransportSettings, name: string): string | undefined;
export declare function timeoutFromEnv(env: TransportSettings): number;
export declare function urlSetting(name: string, text: string): URL;
