//! AWS's JSON 1.0 protocol as End User Messaging SMS speaks it: `POST /`
//! with `X-Amz-Target: PinpointSMSVoiceV2.<Operation>`, a JSON body, and
//! errors named in the body's `__type` and the `x-amzn-ErrorType` header,
//! with the members of the service model's exception shapes.

use crate::error::{Error, Exception};
use serde::Serialize;

/// What every target of this service starts with.
pub const TARGET_PREFIX: &str = "PinpointSMSVoiceV2.";
/// The content type of every request and answer.
pub const CONTENT_TYPE: &str = "application/x-amz-json-1.0";

/// The operations of the protect-configuration API this service answers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `PutProtectConfigurationRuleSetNumberOverride`.
    PutNumberOverride,
    /// `DeleteProtectConfigurationRuleSetNumberOverride`.
    DeleteNumberOverride,
    /// `ListProtectConfigurationRuleSetNumberOverrides`.
    ListNumberOverrides,
    /// `UpdateProtectConfigurationCountryRuleSet`.
    UpdateCountryRuleSet,
    /// `GetProtectConfigurationCountryRuleSet`.
    GetCountryRuleSet,
}

impl Operation {
    /// Every operation, for looking one up by name.
    pub const ALL: [Operation; 5] = [
        Operation::PutNumberOverride,
        Operation::DeleteNumberOverride,
        Operation::ListNumberOverrides,
        Operation::UpdateCountryRuleSet,
        Operation::GetCountryRuleSet,
    ];

    /// The operation's name in the service model.
    pub fn name(self) -> &'static str {
        match self {
            Operation::PutNumberOverride => "PutProtectConfigurationRuleSetNumberOverride",
            Operation::DeleteNumberOverride => "DeleteProtectConfigurationRuleSetNumberOverride",
            Operation::ListNumberOverrides => "ListProtectConfigurationRuleSetNumberOverrides",
            Operation::UpdateCountryRuleSet => "UpdateProtectConfigurationCountryRuleSet",
            Operation::GetCountryRuleSet => "GetProtectConfigurationCountryRuleSet",
        }
    }

    /// Whether it changes the stored rule set (and so needs compare-and-swap).
    pub fn writes(self) -> bool {
        matches!(
            self,
            Operation::PutNumberOverride
                | Operation::DeleteNumberOverride
                | Operation::UpdateCountryRuleSet
        )
    }

    /// The operation an `X-Amz-Target` header names; any other target (or
    /// none) is AWS's `UnknownOperationException`.
    pub fn from_target(target: Option<&str>) -> Result<Operation, ApiError> {
        let name = target.map(str::trim).and_then(|t| t.strip_prefix(TARGET_PREFIX));
        Operation::ALL.into_iter().find(|op| Some(op.name()) == name).ok_or_else(|| {
            ApiError::new(
                ErrorType::UnknownOperation,
                "The operation named by X-Amz-Target is not one this service answers.",
            )
        })
    }
}

/// The exceptions of the service model this API answers with, and the
/// JSON protocol's own `UnknownOperationException`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorType {
    /// 400: a member is missing or breaks a constraint, or the body can't be read.
    Validation,
    /// 404: no such protect configuration or number override.
    ResourceNotFound,
    /// 402: too many number overrides in one protect configuration.
    ServiceQuotaExceeded,
    /// 403: the signature is missing, wrong or already used.
    AccessDenied,
    /// 429: too many requests raced for the rule set.
    Throttling,
    /// 500: a failure on the service's side (the store).
    InternalServer,
    /// 400: `X-Amz-Target` names no operation of this service.
    UnknownOperation,
}

impl ErrorType {
    /// The shape's name, as SDKs map it to an exception class.
    pub fn name(self) -> &'static str {
        match self {
            ErrorType::Validation => "ValidationException",
            ErrorType::ResourceNotFound => "ResourceNotFoundException",
            ErrorType::ServiceQuotaExceeded => "ServiceQuotaExceededException",
            ErrorType::AccessDenied => "AccessDeniedException",
            ErrorType::Throttling => "ThrottlingException",
            ErrorType::InternalServer => "InternalServerException",
            ErrorType::UnknownOperation => "UnknownOperationException",
        }
    }

    /// The HTTP status that goes with it.
    pub fn status(self) -> u16 {
        match self {
            ErrorType::Validation | ErrorType::UnknownOperation => 400,
            ErrorType::ServiceQuotaExceeded => 402,
            ErrorType::AccessDenied => 403,
            ErrorType::ResourceNotFound => 404,
            ErrorType::Throttling => 429,
            ErrorType::InternalServer => 500,
        }
    }

    /// The `__type` in the body: the service's namespace, or Coral's for
    /// the protocol's own exception, as AWS writes them.
    fn qualified(self) -> String {
        match self {
            ErrorType::UnknownOperation => {
                "com.amazon.coral.service#UnknownOperationException".into()
            }
            _ => format!("com.amazonaws.pinpointsmsvoicev2#{}", self.name()),
        }
    }
}

/// One member at fault, as `ValidationExceptionField`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct FieldProblem {
    /// The member's name in the request, e.g. `DestinationPhoneNumber`.
    pub name: String,
    /// What is wrong with it.
    pub message: String,
}

/// An exception of this API with the members of its shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiError {
    /// Which exception.
    pub kind: ErrorType,
    /// Its `Message`.
    pub message: String,
    /// A `ValidationExceptionReason`, for a ValidationException.
    pub reason: Option<&'static str>,
    /// The members at fault, for a ValidationException.
    pub fields: Vec<FieldProblem>,
    /// `ResourceType` and `ResourceId`, for a ResourceNotFoundException.
    pub resource: Option<(&'static str, String)>,
}

impl ApiError {
    /// An exception with only a message.
    pub fn new(kind: ErrorType, message: impl Into<String>) -> ApiError {
        ApiError { kind, message: message.into(), reason: None, fields: Vec::new(), resource: None }
    }

    /// A ValidationException for one or more members, AWS's way:
    /// `FIELD_VALIDATION_FAILED`, each member in `Fields`, and a message
    /// that counts and lists them.
    pub fn fields(fields: Vec<FieldProblem>) -> ApiError {
        let count = fields.len();
        let listed: Vec<&str> = fields.iter().map(|f| f.message.as_str()).collect();
        let plural = if count == 1 { "" } else { "s" };
        ApiError {
            message: format!("{count} validation error{plural} detected: {}", listed.join("; ")),
            reason: Some("FIELD_VALIDATION_FAILED"),
            fields,
            ..ApiError::new(ErrorType::Validation, "")
        }
    }

    /// A ValidationException with a reason and no member named.
    pub fn invalid(reason: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { reason: Some(reason), ..ApiError::new(ErrorType::Validation, message) }
    }

    /// A ResourceNotFoundException for a resource of `resource_type`.
    pub fn not_found(
        resource_type: &'static str,
        id: &str,
        message: impl Into<String>,
    ) -> ApiError {
        ApiError {
            resource: Some((resource_type, id.to_owned())),
            ..ApiError::new(ErrorType::ResourceNotFound, message)
        }
    }

    /// The exception the handler's own refusals become on this endpoint
    /// (a signature refused, a body too large, the store down).
    pub fn from_error(e: &Error) -> ApiError {
        let kind = match e.exception {
            Exception::Forbidden => ErrorType::AccessDenied,
            Exception::TooManyRequests => ErrorType::Throttling,
            Exception::InternalServerError => ErrorType::InternalServer,
            Exception::NotFound => {
                return ApiError::new(ErrorType::UnknownOperation, e.message.clone())
            }
            Exception::PayloadTooLarge => {
                return ApiError::invalid("MAXIMUM_SIZE_EXCEEDED", e.message.clone())
            }
            Exception::BadRequest | Exception::MethodNotAllowed => {
                return ApiError::invalid("CANNOT_PARSE", e.message.clone())
            }
        };
        ApiError::new(kind, e.message.clone())
    }

    /// The HTTP answer: status, `x-amzn-ErrorType`, and the shape's members.
    pub fn response(&self, request_id: &str) -> ProtectResponse {
        let body = ErrorBody {
            error_type: self.kind.qualified(),
            message: &self.message,
            reason: self.reason,
            fields: &self.fields,
            resource_type: self.resource.as_ref().map(|(t, _)| *t),
            resource_id: self.resource.as_ref().map(|(_, id)| id.as_str()),
            request_id: (self.kind == ErrorType::InternalServer).then_some(request_id),
        };
        ProtectResponse { error_type: Some(self.kind.name()), ..ProtectResponse::ok(&body) }
            .with_status(self.kind.status())
    }
}

/// An exception's body: `__type` and the members of its shape.
#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct ErrorBody<'a> {
    #[serde(rename = "__type")]
    error_type: String,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    fields: &'a [FieldProblem],
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_type: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    resource_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    request_id: Option<&'a str>,
}

/// An answer of this API as the host sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify))]
pub struct ProtectResponse {
    /// The HTTP status.
    pub status: u16,
    /// `x-amzn-ErrorType`, for an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(target_arch = "wasm32", tsify(optional))]
    pub error_type: Option<&'static str>,
    /// The JSON body, as text.
    pub body: String,
}

impl ProtectResponse {
    /// A 200 with `value` as its body.
    pub fn ok(value: &impl Serialize) -> ProtectResponse {
        let body = serde_json::to_string(value).expect("answers serialize");
        ProtectResponse { status: 200, error_type: None, body }
    }

    fn with_status(self, status: u16) -> ProtectResponse {
        ProtectResponse { status, ..self }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    #[test]
    fn targets_name_the_five_operations_only() {
        for op in Operation::ALL {
            let target = format!("{TARGET_PREFIX}{}", op.name());
            assert_eq!(Operation::from_target(Some(&target)), Ok(op));
        }
        for target in [
            None,
            Some(""),
            Some("PinpointSMSVoiceV2.SendTextMessage"),
            Some("PinpointSMSVoiceV2.putProtectConfigurationRuleSetNumberOverride"),
            Some("Pinpoint.GetProtectConfigurationCountryRuleSet"),
            Some("GetProtectConfigurationCountryRuleSet"),
        ] {
            let e = Operation::from_target(target).unwrap_err();
            assert_eq!(e.kind, ErrorType::UnknownOperation, "{target:?}");
        }
    }

    #[test]
    fn unknown_operation_is_corals_shape() {
        let e = Operation::from_target(Some("PinpointSMSVoiceV2.SendTextMessage")).unwrap_err();
        let r = e.response("req-1");
        assert_eq!((r.status, r.error_type), (400, Some("UnknownOperationException")));
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["__type"], "com.amazon.coral.service#UnknownOperationException");
    }

    #[test]
    fn validation_errors_list_every_field() {
        let e = ApiError::fields(vec![
            FieldProblem { name: "Action".into(), message: "Action must be ALLOW or BLOCK".into() },
            FieldProblem { name: "X".into(), message: "X is wrong".into() },
        ]);
        let r = e.response("req-1");
        assert_eq!((r.status, r.error_type), (400, Some("ValidationException")));
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(
            body,
            json!({
                "__type": "com.amazonaws.pinpointsmsvoicev2#ValidationException",
                "Message": "2 validation errors detected: Action must be ALLOW or BLOCK; X is wrong",
                "Reason": "FIELD_VALIDATION_FAILED",
                "Fields": [{"Name": "Action", "Message": "Action must be ALLOW or BLOCK"},
                           {"Name": "X", "Message": "X is wrong"}]
            })
        );
    }

    #[test]
    fn not_found_names_the_resource_and_internal_errors_the_request() {
        let r = ApiError::not_found("protect-configuration", "protect-x", "gone").response("r");
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!((r.status, r.error_type), (404, Some("ResourceNotFoundException")));
        assert_eq!(body["ResourceType"], "protect-configuration");
        assert_eq!(body["ResourceId"], "protect-x");
        let e = ApiError::from_error(&Error::new(Exception::InternalServerError, "store down"));
        let body: Value = serde_json::from_str(&e.response("req-9").body).unwrap();
        assert_eq!(body["RequestId"], "req-9");
        assert_eq!(body["__type"], "com.amazonaws.pinpointsmsvoicev2#InternalServerException");
        let e = ApiError::from_error(&Error::forbidden("Signature expired"));
        assert_eq!((e.kind.name(), e.kind.status()), ("AccessDeniedException", 403));
        let e = ApiError::from_error(&Error::new(Exception::PayloadTooLarge, "too large"));
        assert_eq!(e.reason, Some("MAXIMUM_SIZE_EXCEEDED"));
    }
}
