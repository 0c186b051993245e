//! Who an SMS goes to and comes from: E.164 numbers, and the kinds of
//! origination identity Pinpoint and AWS End User Messaging accept.

/// An E.164 number: `+`, a first digit 1-9, at most 15 digits in all.
pub fn is_e164(s: &str) -> bool {
    let Some(digits) = s.strip_prefix('+') else { return false };
    (2..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

/// What kind of sender an OriginationIdentity names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub enum OriginationKind {
    /// A long code or toll-free number in E.164.
    #[default]
    PhoneNumber,
    /// A short code of 3 to 8 digits.
    ShortCode,
    /// An alphanumeric sender ID: 1 to 11 of A-Z a-z 0-9 and space, with a letter.
    SenderId,
    /// An AWS End User Messaging phone number ID, `phone-` and 32 hex digits.
    AwsPhoneNumberId,
    /// An AWS End User Messaging pool ID, `pool-` and 32 hex digits.
    AwsPoolId,
    /// An AWS End User Messaging ARN of a phone number, pool or sender ID.
    AwsArn,
}

impl OriginationKind {
    /// The kind's name as the API writes it, e.g. `ShortCode`.
    pub fn name(self) -> &'static str {
        match self {
            OriginationKind::PhoneNumber => "PhoneNumber",
            OriginationKind::ShortCode => "ShortCode",
            OriginationKind::SenderId => "SenderId",
            OriginationKind::AwsPhoneNumberId => "AwsPhoneNumberId",
            OriginationKind::AwsPoolId => "AwsPoolId",
            OriginationKind::AwsArn => "AwsArn",
        }
    }

    /// Only AWS End User Messaging can send from its own resource IDs.
    pub fn is_aws_resource(self) -> bool {
        matches!(
            self,
            OriginationKind::AwsPhoneNumberId
                | OriginationKind::AwsPoolId
                | OriginationKind::AwsArn
        )
    }

    /// The kind of sender `s` names, or `None` when it names none.
    pub fn of(s: &str) -> Option<OriginationKind> {
        if s.starts_with('+') {
            is_e164(s).then_some(OriginationKind::PhoneNumber)
        } else if is_short_code(s) {
            Some(OriginationKind::ShortCode)
        } else if is_resource_id(s, "phone-") {
            Some(OriginationKind::AwsPhoneNumberId)
        } else if is_resource_id(s, "pool-") {
            Some(OriginationKind::AwsPoolId)
        } else if s.starts_with("arn:") {
            is_sms_voice_arn(s).then_some(OriginationKind::AwsArn)
        } else if is_sender_id(s) {
            Some(OriginationKind::SenderId)
        } else {
            None
        }
    }
}

fn is_short_code(s: &str) -> bool {
    (3..=8).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
}

fn is_sender_id(s: &str) -> bool {
    (1..=11).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ')
        && s.bytes().any(|b| b.is_ascii_alphabetic())
}

fn is_resource_id(s: &str, prefix: &str) -> bool {
    s.strip_prefix(prefix).is_some_and(|id| {
        id.len() == 32 && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

/// `arn:{partition}:sms-voice:{region}:{account}:{phone-number/phone-…|pool/pool-…|sender-id/{id}/{country}}`
fn is_sms_voice_arn(s: &str) -> bool {
    let parts: Vec<&str> = s.splitn(6, ':').collect();
    let [_, partition, service, region, account, resource] = parts[..] else { return false };
    let region_ok = !region.is_empty()
        && region.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let resource_ok = match resource.split_once('/') {
        Some(("phone-number", id)) => is_resource_id(id, "phone-"),
        Some(("pool", id)) => is_resource_id(id, "pool-"),
        Some(("sender-id", rest)) => match rest.split_once('/') {
            Some((id, country)) => {
                is_sender_id(id)
                    && country.len() == 2
                    && country.bytes().all(|b| b.is_ascii_uppercase())
            }
            None => false,
        },
        _ => false,
    };
    matches!(partition, "aws" | "aws-cn" | "aws-us-gov")
        && service == "sms-voice"
        && region_ok
        && account.len() == 12
        && account.bytes().all(|b| b.is_ascii_digit())
        && resource_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use OriginationKind::*;

    const HEX32: &str = "0123456789abcdef0123456789abcdef";

    #[test]
    fn e164_bounds() {
        for ok in ["+12", "+12065550007", "+447700900123", "+123456789012345", "+999999999999999"] {
            assert!(is_e164(ok), "{ok}");
        }
        for bad in [
            "",
            "+",
            "+1",
            "12065550007",
            "+02065550007",
            "+1234567890123456",
            "+1 206 555 0007",
            "+1-206-5550007",
            "++12065550007",
            "+１２０６５５５０００７",
            "+12065550007\n",
        ] {
            assert!(!is_e164(bad), "{bad:?}");
        }
    }

    #[test]
    fn origination_kinds() {
        let arn_phone =
            format!("arn:aws:sms-voice:us-east-1:111122223333:phone-number/phone-{HEX32}");
        let arn_pool = format!("arn:aws-cn:sms-voice:cn-north-1:111122223333:pool/pool-{HEX32}");
        let arn_sender = "arn:aws:sms-voice:eu-west-2:111122223333:sender-id/MyBrand/GB".to_owned();
        let cases: Vec<(String, OriginationKind)> = vec![
            ("+18555550142".into(), PhoneNumber),
            ("123".into(), ShortCode),
            ("12345678".into(), ShortCode),
            ("A".into(), SenderId),
            ("ExampleCorp".into(), SenderId),
            ("Example 1".into(), SenderId),
            ("1234567890A".into(), SenderId),
            ("phone".into(), SenderId),
            (format!("phone-{HEX32}"), AwsPhoneNumberId),
            (format!("pool-{HEX32}"), AwsPoolId),
            (arn_phone, AwsArn),
            (arn_pool, AwsArn),
            (arn_sender, AwsArn),
        ];
        for (s, kind) in cases {
            assert_eq!(OriginationKind::of(&s), Some(kind), "{s}");
        }
    }

    #[test]
    fn not_origination_identities() {
        let bad = [
            "".to_owned(),
            "12".into(),
            "123456789".into(),
            "+0123".into(),
            "+1234567890123456".into(),
            "ExampleCorp1".into(),
            "Example-Corp".into(),
            "Exämple".into(),
            "1234567890".into(), // ten digits: not a short code, and a sender ID needs a letter
            "   ".into(),
            format!("phone-{}", &HEX32[1..]),
            format!("phone-{}", HEX32.to_uppercase()),
            format!("pool-{HEX32}0"),
            format!("arn:aws:sns:us-east-1:111122223333:pool/pool-{HEX32}"),
            format!("arn:aws:sms-voice:us-east-1:11112222333:pool/pool-{HEX32}"),
            format!("arn:other:sms-voice:us-east-1:111122223333:pool/pool-{HEX32}"),
            "arn:aws:sms-voice:us-east-1:111122223333:sender-id/MyBrand/gb".into(),
            "arn:aws:sms-voice:us-east-1:111122223333:configuration-set/x".into(),
        ];
        for s in bad {
            assert_eq!(OriginationKind::of(&s), None, "{s:?}");
        }
    }

    #[test]
    fn only_aws_ids_need_aws() {
        assert!(AwsArn.is_aws_resource() && AwsPoolId.is_aws_resource());
        assert!(AwsPhoneNumberId.is_aws_resource());
        assert!(!PhoneNumber.is_aws_resource() && !ShortCode.is_aws_resource());
        assert!(!SenderId.is_aws_resource());
    }
}
