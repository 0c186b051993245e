//! Rules at run time through AWS's own API: the subset of AWS End User
//! Messaging SMS's protect-configuration API that manages a deployment's
//! country rules and number overrides (`PinpointSMSVoiceV2.*` in the JSON
//! 1.0 protocol, SigV4 service `sms-voice`), so that the AWS CLI and SDKs
//! manage them unchanged, and how a send consults them.

pub mod configuration;
pub mod document;
pub mod operations;
pub mod protocol;

use crate::error::Error;
use crate::provider::{Delivery, DeliveryStatus};
use crate::record::Secrets;
use document::{OverrideAction, RuleSetDocument};

/// What the stored rule set says of a send to `destination` at `now_ms`:
/// a number override of BLOCK answers the address's result (not an API
/// error: Pinpoint reports an address it won't deliver to as a
/// `PERMANENT_FAILURE`); anything else lets the send go on. Country rules
/// apply once numbers have a country (issue 10, item 1).
pub fn screen(
    secrets: &Secrets,
    application_id: &str,
    destination: &str,
    stored: Option<&str>,
    now_ms: u64,
) -> Result<Option<Delivery>, Error> {
    let document = RuleSetDocument::decode(stored)?;
    Ok(match document.number_override(secrets, application_id, destination, now_ms) {
        Some(OverrideAction::Block) => Some(Delivery {
            status: DeliveryStatus::PermanentFailure,
            status_code: 403,
            status_message: format!(
                "Not sent: a number override of protect configuration {}{application_id} blocks this destination.",
                configuration::ID_PREFIX
            ),
        }),
        Some(OverrideAction::Allow) | None => None,
    })
}
