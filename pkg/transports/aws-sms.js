// Delivers each SMS through AWS End User Messaging SMS (SendTextMessage),
// signed with SigV4. The request, its signature and the meaning of AWS's
// answers are the core's (src/provider/aws_sms.rs).
import { ProviderTransport, optional, required, timeoutFromEnv, urlSetting } from "./provider.js";

export class AwsSmsTransport extends ProviderTransport {
  /**
   * @param {object} options
   * @param {string} options.region e.g. us-east-1
   * @param {string} options.accessKeyId
   * @param {string} options.secretAccessKey
   * @param {string} [options.sessionToken] for temporary credentials
   * @param {string | URL} [options.endpoint] default https://sms-voice.{region}.amazonaws.com
   * @param {number} [options.timeoutMs]
   * @param {() => number} [options.clock] for the signature's time
   */
  constructor({ region, accessKeyId, secretAccessKey, sessionToken, endpoint, timeoutMs, clock }) {
    const settings = { kind: "aws-sms", region, accessKeyId, secretAccessKey, sessionToken, endpoint: endpoint?.toString() };
    super(settings, { timeoutMs, clock });
  }

  /**
   * AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN
   * (optional), AWS_SMS_ENDPOINT (optional), SMS_TIMEOUT_MS (optional).
   */
  static fromEnv(env) {
    return new AwsSmsTransport({
      region: required(env, "AWS_REGION"),
      accessKeyId: required(env, "AWS_ACCESS_KEY_ID"),
      secretAccessKey: required(env, "AWS_SECRET_ACCESS_KEY"),
      sessionToken: optional(env, "AWS_SESSION_TOKEN"),
      endpoint: urlSetting("AWS_SMS_ENDPOINT", optional(env, "AWS_SMS_ENDPOINT")),
      timeoutMs: timeoutFromEnv(env),
    });
  }
}
