//! edge-otp: Amazon Pinpoint's one-time-password rules (SendOtpMessage,
//! VerifyOtpMessage) as a stateless core. The host supplies time, randomness
//! comes from the platform, and state lives in the host's key-value store.

pub mod error;
pub mod hash;
pub mod sigv4;

pub use error::{Error, Exception};
