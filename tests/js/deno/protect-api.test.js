// Rules at run time through AWS's own API, with the AWS CLI and boto3,
// against the Deno server of `npm run start:deno` (see
// ../service/protect-api-flow.js): the same clients, the same answers.
import { protectApiTests } from "../service/protect-api-flow.js";
import { startDenoDevServer } from "./deno-dev-server.js";

protectApiTests("Deno", startDenoDevServer);
