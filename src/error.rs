//! Errors in Pinpoint's terms: every failure carries the exception name that
//! Amazon Pinpoint would answer with, the HTTP status that goes with it, and,
//! for bad parameters, the field at fault.

use std::fmt;

/// The exception names of Pinpoint's REST API, each with its HTTP status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exception {
    /// 400: a parameter or the request body is invalid.
    BadRequest,
    /// 403: the request's signature is missing, wrong or already used.
    Forbidden,
    /// 404: no such route or resource.
    NotFound,
    /// 405: the route exists, not for this HTTP method.
    MethodNotAllowed,
    /// 413: the request body is too large.
    PayloadTooLarge,
    /// 429: a per-number limit refused the request, or too many raced for one record.
    TooManyRequests,
    /// 500: a failure on the service's side, e.g. unreadable stored data or no random source.
    InternalServerError,
}

impl Exception {
    /// Every exception, for looking one up by name.
    pub const ALL: [Exception; 7] = [
        Exception::BadRequest,
        Exception::Forbidden,
        Exception::NotFound,
        Exception::MethodNotAllowed,
        Exception::PayloadTooLarge,
        Exception::TooManyRequests,
        Exception::InternalServerError,
    ];

    /// The name Pinpoint puts in `x-amzn-ErrorType` and SDKs map to a class.
    pub fn name(self) -> &'static str {
        match self {
            Exception::BadRequest => "BadRequestException",
            Exception::Forbidden => "ForbiddenException",
            Exception::NotFound => "NotFoundException",
            Exception::MethodNotAllowed => "MethodNotAllowedException",
            Exception::PayloadTooLarge => "PayloadTooLargeException",
            Exception::TooManyRequests => "TooManyRequestsException",
            Exception::InternalServerError => "InternalServerErrorException",
        }
    }

    /// The HTTP status that goes with the exception.
    pub fn status(self) -> u16 {
        match self {
            Exception::BadRequest => 400,
            Exception::Forbidden => 403,
            Exception::NotFound => 404,
            Exception::MethodNotAllowed => 405,
            Exception::PayloadTooLarge => 413,
            Exception::TooManyRequests => 429,
            Exception::InternalServerError => 500,
        }
    }

    /// The exception of a Pinpoint name such as `NotFoundException`, if it is one.
    pub fn from_name(name: &str) -> Option<Exception> {
        Exception::ALL.into_iter().find(|e| e.name() == name)
    }
}

/// A failure as the API reports it: exception, message and, when a request
/// parameter is at fault, its Pinpoint name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    /// The exception Pinpoint would answer with.
    pub exception: Exception,
    /// The request parameter at fault, by its Pinpoint name (`BrandName`).
    pub field: Option<&'static str>,
    /// The message the client is shown.
    pub message: String,
}

impl Error {
    /// An error of `exception`, naming no field.
    pub fn new(exception: Exception, message: impl Into<String>) -> Error {
        Error { exception, field: None, message: message.into() }
    }

    /// A request parameter broke a rule: `BadRequestException` naming the field.
    pub fn bad_field(field: &'static str, message: impl Into<String>) -> Error {
        Error { exception: Exception::BadRequest, field: Some(field), message: message.into() }
    }

    /// `BadRequestException` naming no field.
    pub fn bad_request(message: impl Into<String>) -> Error {
        Error::new(Exception::BadRequest, message)
    }

    /// `ForbiddenException`.
    pub fn forbidden(message: impl Into<String>) -> Error {
        Error::new(Exception::Forbidden, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.exception.name(), self.message)
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_statuses_match_pinpoint() {
        let table = [
            ("BadRequestException", 400),
            ("ForbiddenException", 403),
            ("NotFoundException", 404),
            ("MethodNotAllowedException", 405),
            ("PayloadTooLargeException", 413),
            ("TooManyRequestsException", 429),
            ("InternalServerErrorException", 500),
        ];
        for (exception, (name, status)) in Exception::ALL.into_iter().zip(table) {
            assert_eq!(exception.name(), name);
            assert_eq!(exception.status(), status);
            assert_eq!(Exception::from_name(name), Some(exception));
        }
        assert_eq!(Exception::from_name("NoSuchException"), None);
    }

    #[test]
    fn field_errors_are_bad_requests_naming_the_field() {
        let e = Error::bad_field("CodeLength", "CodeLength must be between 5 and 8, got 9");
        assert_eq!(e.exception, Exception::BadRequest);
        assert_eq!(e.field, Some("CodeLength"));
        assert_eq!(e.to_string(), "BadRequestException: CodeLength must be between 5 and 8, got 9");
    }
}
