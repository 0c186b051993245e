//! Which protect configuration is whose: one per application, its id
//! `protect-` followed by the application id (a Pinpoint application id is
//! 32 hex characters, so its configuration's id is shaped like AWS's own,
//! `protect-` and 32 hex characters). The id or its ARN names it in a request.

use super::protocol::ApiError;

/// What every protect configuration id starts with.
pub const ID_PREFIX: &str = "protect-";
/// The account id in the ARNs this service answers: it has no AWS account.
pub const ACCOUNT: &str = "000000000000";
/// `ResourceType` of a protect configuration.
pub const RESOURCE_TYPE: &str = "protect-configuration";

/// An application's protect configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Configuration {
    /// The application it protects.
    pub application_id: String,
    /// `protect-<application id>`.
    pub id: String,
    /// `arn:aws:sms-voice:<region>:000000000000:protect-configuration/<id>`.
    pub arn: String,
}

impl Configuration {
    /// The configuration of an application, its ARN in `region` (the one
    /// the request was signed for).
    pub fn of(application_id: &str, region: &str) -> Configuration {
        let id = format!("{ID_PREFIX}{application_id}");
        let arn = format!("arn:aws:sms-voice:{region}:{ACCOUNT}:{RESOURCE_TYPE}/{id}");
        Configuration { application_id: application_id.to_owned(), id, arn }
    }

    /// The configuration a request's `ProtectConfigurationId` (an id or an
    /// ARN, already checked against the model's pattern) names, if the
    /// application is served (`served`: the ids served, None for any).
    pub fn find(
        given: &str,
        served: Option<&[String]>,
        region: &str,
    ) -> Result<Configuration, ApiError> {
        let id = given.rsplit_once(&format!(":{RESOURCE_TYPE}/")).map_or(given, |(_, id)| id);
        let application_id = id.strip_prefix(ID_PREFIX).filter(|app| {
            crate::otp::check_application_id(app).is_ok()
                && served.is_none_or(|ids| ids.iter().any(|s| s == app))
        });
        match application_id {
            Some(app) => Ok(Configuration::of(app, region)),
            None => Err(ApiError::not_found(
                RESOURCE_TYPE,
                given,
                format!("Protect configuration {given} was not found."),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protect::protocol::ErrorType;

    #[test]
    fn ids_and_arns_name_an_application() {
        let app = "7353f53e6885409fa32d07cedexample";
        let c = Configuration::find(&format!("protect-{app}"), None, "us-east-1").unwrap();
        assert_eq!(c.application_id, app);
        assert_eq!(c.id, format!("protect-{app}"));
        assert_eq!(
            c.arn,
            format!("arn:aws:sms-voice:us-east-1:000000000000:protect-configuration/protect-{app}")
        );
        assert_eq!(Configuration::find(&c.arn, None, "us-east-1").unwrap(), c);
        let served = ["shop".to_owned()];
        assert_eq!(
            Configuration::find("protect-shop", Some(&served), "eu-west-1").unwrap().application_id,
            "shop"
        );
    }

    #[test]
    fn unknown_ids_are_resource_not_found() {
        let served = ["shop".to_owned()];
        for id in ["protect-other", "shop", "protect-", "protect-a.b/c"] {
            let e = Configuration::find(id, Some(&served), "us-east-1").unwrap_err();
            assert_eq!(e.kind, ErrorType::ResourceNotFound, "{id}");
            assert_eq!(e.resource, Some((RESOURCE_TYPE, id.to_owned())));
        }
    }
}
