//! edge-otp: Amazon Pinpoint's one-time-password rules (SendOtpMessage,
//! VerifyOtpMessage) as a stateless core. The host supplies time, randomness
//! comes from the platform, and state lives in the host's key-value store.

pub mod code;
pub mod error;
pub mod hash;
pub mod identity;
pub mod otp;
pub mod params;
pub mod record;
pub mod value;
pub mod sigv4;
pub mod sms;
pub mod template;

pub use error::{Error, Exception};
