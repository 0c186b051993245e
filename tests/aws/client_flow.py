"""The AWS CLI and boto3, unchanged, against an edge-otp endpoint.

    .venv/bin/python tests/aws/client_flow.py ENDPOINT_URL [--application-id ID]
        [--access-key-id test --secret-access-key test]

Runs Pinpoint's documented send-otp-message command with the AWS CLI, reads
the code from the dev inbox (ENDPOINT_URL/_dev/sms), verifies it with
verify-otp-message, then checks boto3 gets Pinpoint's modelled exceptions.
Any server with the dev inbox will do: `npm start`'s, or the Deno one.
Prints one "ok" line per step; exits non-zero at the first failure.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import urllib.request

import boto3
from botocore.config import Config

DESTINATION = "+12065550007"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("endpoint")
    parser.add_argument("--application-id", default="7353f53e6885409fa32d07cedexample")
    parser.add_argument("--access-key-id", default="test")
    parser.add_argument("--secret-access-key", default="test")
    args = parser.parse_args()
    endpoint, app = args.endpoint.rstrip("/"), args.application_id

    # Only these credentials: nothing from the caller's AWS profile or shell.
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID=args.access_key_id,
        AWS_SECRET_ACCESS_KEY=args.secret_access_key,
        AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_MAX_ATTEMPTS="1",
    )
    aws_cli = os.path.join(os.path.dirname(sys.executable), "aws")

    def aws(*arguments, expect_success=True):
        run = subprocess.run([aws_cli, *arguments], env=env, capture_output=True, text=True)
        if expect_success and run.returncode != 0:
            fail(f"aws {' '.join(arguments)} exited {run.returncode}: {run.stderr}")
        return run

    # The exact command of Pinpoint's documentation, plus --endpoint-url.
    sent = aws(
        "pinpoint", "send-otp-message",
        "--application-id", app,
        "--send-otp-message-request-parameters",
        "Channel=SMS,BrandName=ExampleCorp,CodeLength=5,ValidityPeriod=20,AllowedAttempts=5,"
        "OriginationIdentity=+18555550142,DestinationIdentity=+12065550007,ReferenceId=SampleReferenceId",
        "--endpoint-url", endpoint,
    )
    response = json.loads(sent.stdout)["MessageResponse"]
    check(response["ApplicationId"] == app, f"ApplicationId is {response['ApplicationId']}")
    result = response["Result"][DESTINATION]
    check(result["DeliveryStatus"] == "SUCCESSFUL", f"DeliveryStatus is {result['DeliveryStatus']}")
    check(result["StatusCode"] == 200, f"StatusCode is {result['StatusCode']}")
    ok(f"aws pinpoint send-otp-message: {result['DeliveryStatus']}, MessageId {result['MessageId']}")

    otp = code_from_inbox(endpoint, result["MessageId"], length=5)
    ok("the code is in the dev inbox")

    def verify(code):
        run = aws(
            "pinpoint", "verify-otp-message",
            "--application-id", app,
            "--verify-otp-message-request-parameters",
            f"ReferenceId=SampleReferenceId,DestinationIdentity={DESTINATION},Otp={code}",
            "--endpoint-url", endpoint,
        )
        return json.loads(run.stdout)["VerificationResponse"]["Valid"]

    check(verify(otp) is True, "the right code was not Valid")
    ok("aws pinpoint verify-otp-message: Valid true")
    check(verify(otp) is False, "a replayed code was Valid")
    ok("aws pinpoint verify-otp-message again: Valid false (codes are valid once)")

    refused = aws(
        "pinpoint", "send-otp-message", "--application-id", app,
        "--send-otp-message-request-parameters",
        "Channel=SMS,BrandName=ExampleCorp,CodeLength=9,OriginationIdentity=+18555550142,"
        "DestinationIdentity=+12065550007,ReferenceId=SampleReferenceId",
        "--endpoint-url", endpoint,
        expect_success=False,
    )
    check(refused.returncode != 0, "the CLI accepted CodeLength=9")
    check("(BadRequestException)" in refused.stderr and "CodeLength" in refused.stderr, refused.stderr)
    ok(f"aws CLI reports: {refused.stderr.strip()}")

    client = boto3.client(
        "pinpoint",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id=args.access_key_id,
        aws_secret_access_key=args.secret_access_key,
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    params = {
        "Channel": "SMS",
        "BrandName": "ExampleCorp",
        "OriginationIdentity": "+18555550142",
        "DestinationIdentity": DESTINATION,
        "ReferenceId": "boto3-reference",
    }
    sent = client.send_otp_message(ApplicationId=app, SendOTPMessageRequestParameters=params)
    message_id = sent["MessageResponse"]["Result"][DESTINATION]["MessageId"]
    otp = code_from_inbox(endpoint, message_id, length=6)
    verified = client.verify_otp_message(
        ApplicationId=app,
        VerifyOTPMessageRequestParameters={"ReferenceId": "boto3-reference", "DestinationIdentity": DESTINATION, "Otp": otp},
    )
    check(verified["VerificationResponse"]["Valid"] is True, f"boto3 verify answered {verified}")
    ok("boto3 send_otp_message + verify_otp_message: Valid true")

    try:
        client.send_otp_message(ApplicationId=app, SendOTPMessageRequestParameters={**params, "CodeLength": 9})
        fail("boto3 send with CodeLength 9 did not raise")
    except client.exceptions.BadRequestException as error:
        check(error.response["Error"]["Code"] == "BadRequestException", str(error.response))
        check(error.response["Error"]["Message"] == "CodeLength must be between 5 and 8, got 9", str(error.response))
        check(error.response["ResponseMetadata"]["HTTPStatusCode"] == 400, str(error.response))
        check(error.response["ResponseMetadata"]["RequestId"], "no RequestId")
        ok(f"boto3 raises client.exceptions.BadRequestException: {error.response['Error']['Message']}")

    wrong_key = boto3.client(
        "pinpoint",
        endpoint_url=endpoint,
        region_name="eu-west-1",
        aws_access_key_id=args.access_key_id,
        aws_secret_access_key="not-the-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )
    try:
        wrong_key.send_otp_message(ApplicationId=app, SendOTPMessageRequestParameters=params)
        fail("a wrong secret key was accepted")
    except wrong_key.exceptions.ForbiddenException as error:
        check(error.response["ResponseMetadata"]["HTTPStatusCode"] == 403, str(error.response))
        ok("boto3 raises client.exceptions.ForbiddenException for a wrong secret key")


def code_from_inbox(endpoint, message_id, length):
    with urllib.request.urlopen(f"{endpoint}/_dev/sms") as response:
        messages = json.load(response)["messages"]
    bodies = [m["Body"] for m in messages if m["MessageId"] == message_id]
    check(len(bodies) == 1, f"no SMS with MessageId {message_id} in the inbox")
    match = re.search(r"\b\d{%d}\b" % length, bodies[0])
    check(match, f"no {length}-digit code in {bodies[0]!r}")
    return match.group(0)


def check(condition, message):
    if not condition:
        fail(message)


def fail(message):
    print(f"FAILED: {message}", file=sys.stderr)
    sys.exit(1)


def ok(message):
    print(f"ok: {message}", flush=True)


if __name__ == "__main__":
    main()
