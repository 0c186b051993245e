import type { Sms } from "../engine.js";
import type { Delivery, SmsTransport } from "./types.js";
import type { TransportSettings } from "./index.js";

export interface AwsSmsOptions {
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** For temporary credentials. */
  sessionToken?: string;
  /** Replaces https://sms-voice.{region}.amazonaws.com (tests, VPC endpoints). */
  endpoint?: string | URL;
  /** How long AWS may take to answer (5000). */
  timeoutMs?: number;
  /** Milliseconds since the epoch, for the signature's time. */
  clock?: () => number;
}

/**
 * AWS End User Messaging SMS SendTextMessage (TRANSACTIONAL), signed with
 * SigV4 for sms-voice; PutMessageFeedback once a code is verified (the
 * credentials need `sms-voice:PutMessageFeedback` too).
 */
export declare class AwsSmsTransport implements SmsTransport {
  constructor(options: AwsSmsOptions);
  /** AWS_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_SMS_ENDPOINT, SMS_TIMEOUT_MS. */
  static fromEnv(env: TransportSettings): AwsSmsTransport;
  /** The delivery, with `feedbackId` (AWS's MessageId) when AWS sent it. */
  send(sms: Sms): Promise<Delivery & { feedbackId?: string }>;
  /** True: AWS takes feedback. */
  readonly takesFeedback: boolean;
  /** PutMessageFeedback RECEIVED for the message `feedbackId`, signed with SigV4 for sms-voice; what AWS's answer means. */
  feedback(feedbackId: string): Promise<Delivery | null>;
}
