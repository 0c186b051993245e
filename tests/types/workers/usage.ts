// Compiled by `tsc -p tests/types/workers`: a Worker written in TypeScript,
// as Cloudflare's types and the "workerd" export condition see the package.
import { DurableObjectStore, OtpRecordObject, errorResponse, fromEnv } from "edge-otp";

// The Worker exports the class; wrangler binds it as OTP_RECORDS.
export { OtpRecordObject };

interface Env {
  OTP_RECORDS: DurableObjectNamespace<OtpRecordObject>;
  OTP_SECRET: string;
  ACCESS_KEYS: string;
}

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    try {
      const { handler } = fromEnv({ ...env }, { store: new DurableObjectStore(env.OTP_RECORDS) });
      return handler(request);
    } catch (error) {
      return errorResponse(error);
    }
  },
} satisfies ExportedHandler<Env>;

// The stub's RPC methods, as typed by Cloudflare's types.
async function direct(env: Env): Promise<void> {
  const stub = env.OTP_RECORDS.get(env.OTP_RECORDS.idFromName("otp_key"));
  const version: string = await stub.set("record", 900);
  const stored = await stub.get();
  const swapped: boolean = await stub.compareAndSwap(version, null);
  void [stored?.value, swapped];
}
void direct;

// @ts-expect-error a namespace of another class is not OtpRecordObject's
new DurableObjectStore({} as DurableObjectNamespace<undefined>);
