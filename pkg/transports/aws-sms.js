// Delivers each SMS through AWS End User Messaging SMS (PinpointSMSVoiceV2
// SendTextMessage, the JSON protocol), signed with SigV4 by the core's signer.
import { signRequest } from "../engine.js";
import { optional, postToProvider, required, timeoutFromEnv, urlSetting, DEFAULT_TIMEOUT_MS } from "./provider.js";

const TARGET = "PinpointSMSVoiceV2.SendTextMessage";
const SERVICE = "sms-voice";

export class AwsSmsTransport {
  #url;
  #region;
  #credentials;
  #timeoutMs;
  #clock;

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
  constructor({ region, accessKeyId, secretAccessKey, sessionToken, endpoint, timeoutMs = DEFAULT_TIMEOUT_MS, clock = Date.now }) {
    this.#url = urlSetting("The AWS SMS endpoint", String(endpoint ?? `https://sms-voice.${region}.amazonaws.com`));
    this.#region = region;
    this.#credentials = { accessKeyId, secretAccessKey, sessionToken: sessionToken || undefined };
    this.#timeoutMs = timeoutMs;
    this.#clock = clock;
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
      endpoint: optional(env, "AWS_SMS_ENDPOINT"),
      timeoutMs: timeoutFromEnv(env),
    });
  }

  async send(sms) {
    const request = {
      DestinationPhoneNumber: sms.to,
      OriginationIdentity: sms.from,
      MessageBody: sms.body,
      MessageType: "TRANSACTIONAL",
    };
    // India's DLT registration, where that API expects it.
    if (sms.entityId !== undefined || sms.templateId !== undefined) {
      request.DestinationCountryParameters = {
        ...(sms.entityId !== undefined && { IN_ENTITY_ID: sms.entityId }),
        ...(sms.templateId !== undefined && { IN_TEMPLATE_ID: sms.templateId }),
      };
    }
    const body = new TextEncoder().encode(JSON.stringify(request));
    const headers = [
      ["content-type", "application/x-amz-json-1.0"],
      ["x-amz-target", TARGET],
    ];
    const signature = signRequest(
      { method: "POST", host: this.#url.host, path: this.#url.pathname, query: "", headers },
      body, this.#credentials, this.#region, SERVICE, this.#clock(),
    );
    // Errors name their exception in x-amzn-ErrorType or in the body's __type.
    return postToProvider("aws-sms", this.#url, { headers: [...headers, ...signature], body }, {
      timeoutMs: this.#timeoutMs,
      read: (response, json) => ({
        errorCode: response.headers.get("x-amzn-errortype") ?? json?.__type,
        messageId: json?.MessageId,
      }),
    });
  }
}
