// Rules at run time through AWS's own API, with the AWS CLI and boto3,
// against `npm start`'s server in workerd (see protect-api-flow.js).
import { protectApiTests } from "./protect-api-flow.js";
import { startDevServer } from "./dev-server.js";

protectApiTests("workerd", startDevServer);
