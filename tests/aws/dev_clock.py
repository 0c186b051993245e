"""boto3, unchanged, across the dev clock: it moves codes, not SigV4.

    .venv/bin/python tests/aws/dev_clock.py ENDPOINT_URL

Sends two codes with boto3, verifies one, moves the server's dev clock
16 minutes ahead (POST ENDPOINT_URL/_dev/clock), and verifies the other
with boto3, which signs with the real time: the request must be accepted
and the code, 15 minutes valid, must be expired. Sets the clock back at the
end. Prints one "ok" line per step; exits non-zero at the first failure.
"""

import json
import sys
import urllib.request

import boto3
from botocore.config import Config

from client_flow import check, code_from_inbox, fail, ok

DESTINATION = "+12065550007"
APP = "dev-clock"
SIXTEEN_MINUTES_MS = 16 * 60 * 1000


def main():
    endpoint = sys.argv[1].rstrip("/")
    client = boto3.client(
        "pinpoint",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )

    def send(reference_id):
        params = {
            "Channel": "SMS",
            "BrandName": "ExampleCorp",
            "OriginationIdentity": "+18555550142",
            "DestinationIdentity": DESTINATION,
            "ReferenceId": reference_id,
        }
        sent = client.send_otp_message(ApplicationId=APP, SendOTPMessageRequestParameters=params)
        return code_from_inbox(endpoint, sent["MessageResponse"]["Result"][DESTINATION]["MessageId"], length=6)

    def verify(reference_id, otp):
        answer = client.verify_otp_message(
            ApplicationId=APP,
            VerifyOTPMessageRequestParameters={"ReferenceId": reference_id, "DestinationIdentity": DESTINATION, "Otp": otp},
        )
        return answer["VerificationResponse"]["Valid"]

    now_code = send("dev-clock-now")
    later_code = send("dev-clock-later")
    ok("boto3 send_otp_message twice (ValidityPeriod 15 minutes)")
    check(verify("dev-clock-now", now_code) is True, "the first code was not Valid before the clock moved")
    ok("boto3 verify_otp_message before the clock moved: Valid true")

    set_clock(endpoint, SIXTEEN_MINUTES_MS)
    try:
        ok("POST /_dev/clock {\"offsetMs\": 960000}")
        # Raises (ForbiddenException: Signature expired) if SigV4 followed the dev clock.
        check(verify("dev-clock-later", later_code) is False, "a code 16 minutes old was still Valid")
        ok("boto3 verify_otp_message 16 minutes later, signed at the real time: accepted, Valid false")
    finally:
        set_clock(endpoint, 0)


def set_clock(endpoint, offset_ms):
    request = urllib.request.Request(
        f"{endpoint}/_dev/clock",
        data=json.dumps({"offsetMs": offset_ms}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request) as response:
        check(json.load(response) == {"offsetMs": offset_ms}, "the dev clock did not take the offset")


if __name__ == "__main__":
    main()
