// The Workers entry's API: everything in index.d.ts, and the Durable Object
// class. TypeScript picks this file under the "workerd" export condition
// (`"customConditions": ["workerd"]` in tsconfig.json); it needs Cloudflare's
// types for "cloudflare:workers" (wrangler types, or @cloudflare/workers-types).
export * from "./index.js";
export { OtpRecordObject } from "./stores/durable-object-class.js";
