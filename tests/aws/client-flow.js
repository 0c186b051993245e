// Runs tests/aws/client_flow.py and dev_clock.py (the AWS CLI and boto3
// from .venv/) against an endpoint: any edge-otp server with the dev inbox,
// `npm start`'s or Deno's.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/**
 * @param {string} endpoint e.g. http://127.0.0.1:8787
 * @param {{ applicationId?: string, accessKeyId?: string, secretAccessKey?: string }} [options]
 * @returns {Promise<{ code: number, stdout: string, stderr: string }>}
 */
function runAwsClientFlow(endpoint, { applicationId, accessKeyId, secretAccessKey } = {}) {
  const args = [endpoint];
  if (applicationId) args.push("--application-id", applicationId);
  if (accessKeyId) args.push("--access-key-id", accessKeyId);
  if (secretAccessKey) args.push("--secret-access-key", secretAccessKey);
  return runPython("tests/aws/client_flow.py", args);
}

/** Runs a script of tests/aws/ with the .venv's Python; answers its exit code and output. */
function runPython(script, args) {
  return new Promise((resolve) => {
    execFile(".venv/bin/python", [script, ...args], { cwd: ROOT }, (error, stdout, stderr) => {
      resolve({ code: error ? (error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** What the flow prints when every step went as Pinpoint would answer. */
const STEPS = [
  "aws pinpoint send-otp-message: SUCCESSFUL",
  "aws pinpoint verify-otp-message: Valid true",
  "Valid false (codes are valid once)",
  "aws CLI reports: An error occurred (BadRequestException) when calling the SendOTPMessage operation: CodeLength must be between 5 and 8, got 9",
  "boto3 send_otp_message + verify_otp_message: Valid true",
  "boto3 raises client.exceptions.BadRequestException",
  "boto3 raises client.exceptions.ForbiddenException",
];

/** Runs the flow against `endpoint` and asserts that every step passed. */
export async function assertAwsClientFlow(endpoint, options) {
  const { code, stdout, stderr } = await runAwsClientFlow(endpoint, options);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  for (const step of STEPS) {
    assert.ok(stdout.includes(step), `missing "${step}" in:\n${stdout}`);
  }
}

/**
 * Runs tests/aws/dev_clock.py against `endpoint`: after the dev clock moved
 * 16 minutes, a boto3 verify signed at the real time is accepted and finds
 * its code expired. The caller checks the server judged it Expired.
 */
export async function assertDevClockFlow(endpoint) {
  const { code, stdout, stderr } = await runPython("tests/aws/dev_clock.py", [endpoint]);
  assert.equal(code, 0, `${stdout}\n${stderr}`);
  assert.match(stdout, /16 minutes later, signed at the real time: accepted, Valid false/);
}
