// Runs tests/aws/client_flow.py (the AWS CLI and boto3 from .venv/) against
// an endpoint: any edge-otp server with the dev inbox, `npm start`'s or Deno's.
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * @param {string} endpoint e.g. http://127.0.0.1:8787
 * @param {{ applicationId?: string, accessKeyId?: string, secretAccessKey?: string }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
export function runAwsClientFlow(endpoint, { applicationId, accessKeyId, secretAccessKey } = {}) {
  const args = ["tests/aws/client_flow.py", endpoint];
  if (applicationId) args.push("--application-id", applicationId);
  if (accessKeyId) args.push("--access-key-id", accessKeyId);
  if (secretAccessKey) args.push("--secret-access-key", secretAccessKey);
  return new Promise((resolve) => {
    execFile(".venv/bin/python", args, { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}
