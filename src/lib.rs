//! edge-otp: Amazon Pinpoint's one-time-password rules (SendOtpMessage,
//! VerifyOtpMessage) as a stateless core. The host supplies time, randomness
//! comes from the platform, and state lives in the host's key-value store.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod autofill;
pub mod body;
pub mod code;
pub mod country;
mod country_table;
pub mod dlt;
pub mod error;
pub mod feedback;
pub mod hash;
pub mod identity;
pub mod limits;
pub mod member;
pub mod otp;
pub mod otp_templates;
pub mod params;
pub mod policy;
pub mod protect;
pub mod provider;
pub mod pumping;
pub mod record;
pub mod replay;
pub mod rule_set;
pub mod sigv4;
pub mod sms;
pub mod spend;
pub mod template;
mod unicode_tables;

pub use error::{Error, Exception};

#[cfg(target_arch = "wasm32")]
pub mod wasm;
