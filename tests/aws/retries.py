"""boto3's and the AWS CLI's own retries, through an endpoint that answers
the first attempt of every call with a 503, against a service that accepts
each signature once.

    .venv/bin/python tests/aws/retries.py FLAKY_ENDPOINT INBOX_ENDPOINT

Each retry is signed afresh (a new attempt number in amz-sdk-request, a new
date), so single-use signatures don't refuse it. Prints one "ok" line per
step; exits non-zero at the first failure.
"""

import json
import os
import subprocess
import sys

import boto3
from botocore.config import Config

from client_flow import code_from_inbox, fail

APP = "retries"
DESTINATION = "+12065550042"


def main():
    flaky, inbox = sys.argv[1].rstrip("/"), sys.argv[2].rstrip("/")
    client = boto3.client(
        "pinpoint",
        endpoint_url=flaky,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 3, "mode": "standard"}),
    )
    params = {
        "Channel": "SMS", "BrandName": "ExampleCorp", "OriginationIdentity": "+18555550142",
        "DestinationIdentity": DESTINATION, "ReferenceId": "retried",
    }
    sent = client.send_otp_message(ApplicationId=APP, SendOTPMessageRequestParameters=params)
    result = sent["MessageResponse"]["Result"][DESTINATION]
    if result["DeliveryStatus"] != "SUCCESSFUL":
        fail(f"DeliveryStatus {result['DeliveryStatus']}")
    print(f"ok boto3 send_otp_message after {sent['ResponseMetadata']['RetryAttempts']} retry")
    otp = code_from_inbox(inbox, result["MessageId"], length=6)
    verified = client.verify_otp_message(
        ApplicationId=APP,
        VerifyOTPMessageRequestParameters={"ReferenceId": "retried", "DestinationIdentity": DESTINATION, "Otp": otp},
    )
    if verified["VerificationResponse"]["Valid"] is not True:
        fail("the code was not Valid")
    print(f"ok boto3 verify_otp_message: Valid true after {verified['ResponseMetadata']['RetryAttempts']} retry")

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(
        AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1",
        AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull,
        AWS_MAX_ATTEMPTS="3", AWS_RETRY_MODE="standard",
    )
    aws_cli = os.path.join(os.path.dirname(sys.executable), "aws")
    # Another request than boto3's: the same one, signed in the same second,
    # would carry the same signature and be refused as a replay.
    wrong = "000000" if otp != "000000" else "000001"
    run = subprocess.run(
        [aws_cli, "pinpoint", "verify-otp-message", "--application-id", APP,
         "--verify-otp-message-request-parameters", f"ReferenceId=retried,DestinationIdentity={DESTINATION},Otp={wrong}",
         "--endpoint-url", flaky],
        env=env, capture_output=True, text=True,
    )
    if run.returncode != 0:
        fail(f"aws pinpoint verify-otp-message exited {run.returncode}: {run.stderr}")
    if json.loads(run.stdout)["VerificationResponse"]["Valid"] is not False:
        fail("a wrong code verified")
    print("ok aws pinpoint verify-otp-message after a retry: Valid false (a wrong code)")


if __name__ == "__main__":
    main()
