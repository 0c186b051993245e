//! The SMS text: Pinpoint's 13 languages, one template each, and rendering.

use crate::sms::{self, Encoding};

/// The languages SendOtpMessage accepts, by their BCP 47 tags.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Language {
    DeDe,
    EnGb,
    EnUs,
    Es419,
    EsEs,
    FrCa,
    FrFr,
    ItIt,
    JaJp,
    KoKr,
    PtBr,
    ZhCn,
    ZhTw,
}

impl Language {
    pub const ALL: [Language; 13] = [
        Language::DeDe,
        Language::EnGb,
        Language::EnUs,
        Language::Es419,
        Language::EsEs,
        Language::FrCa,
        Language::FrFr,
        Language::ItIt,
        Language::JaJp,
        Language::KoKr,
        Language::PtBr,
        Language::ZhCn,
        Language::ZhTw,
    ];

    /// Pinpoint's default when Language is not given.
    pub const DEFAULT: Language = Language::EnUs;

    /// The canonical tag, as Pinpoint writes it.
    pub fn tag(self) -> &'static str {
        self.entry().0
    }

    /// The language's name in itself, for pickers.
    pub fn native_name(self) -> &'static str {
        self.entry().1
    }

    /// The message with `{{otp}}` and `{{brand}}` placeholders.
    pub fn template(self) -> &'static str {
        self.entry().2
    }

    fn entry(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Language::DeDe => (
                "de-DE",
                "Deutsch (Deutschland)",
                "Ihr Einmalpasswort von {{brand}} lautet: {{otp}}",
            ),
            Language::EnGb => (
                "en-GB",
                "English (United Kingdom)",
                "This is your One Time Password: {{otp}} from {{brand}}",
            ),
            Language::EnUs => (
                "en-US",
                "English (United States)",
                "This is your One Time Password: {{otp}} from {{brand}}",
            ),
            Language::Es419 => (
                "es-419",
                "Español (Latinoamérica)",
                "Tu contraseña de un solo uso de {{brand}} es: {{otp}}",
            ),
            Language::EsEs => (
                "es-ES",
                "Español (España)",
                "Su contraseña de un solo uso de {{brand}} es: {{otp}}",
            ),
            Language::FrCa => (
                "fr-CA",
                "Français (Canada)",
                "Votre mot de passe à usage unique de {{brand}} est : {{otp}}",
            ),
            Language::FrFr => (
                "fr-FR",
                "Français (France)",
                "Voici votre mot de passe à usage unique {{brand}} : {{otp}}",
            ),
            Language::ItIt => {
                ("it-IT", "Italiano (Italia)", "La tua password monouso di {{brand}} è: {{otp}}")
            }
            Language::JaJp => ("ja-JP", "日本語", "{{brand}}のワンタイムパスワードは{{otp}}です。"),
            Language::KoKr => ("ko-KR", "한국어", "{{brand}} 일회용 비밀번호는 {{otp}}입니다."),
            Language::PtBr => {
                ("pt-BR", "Português (Brasil)", "Sua senha de uso único de {{brand}} é: {{otp}}")
            }
            Language::ZhCn => ("zh-CN", "中文（简体）", "您的{{brand}}一次性密码是：{{otp}}"),
            Language::ZhTw => ("zh-TW", "中文（繁體）", "您的{{brand}}一次性密碼是：{{otp}}"),
        }
    }

    /// Matches a tag case-insensitively: `EN-us` is en-US.
    pub fn from_tag(tag: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(tag))
    }
}

/// A rendered SMS body with what it costs to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub body: String,
    pub encoding: Encoding,
    pub segments: u32,
}

/// Fills the language's template in one pass, so a brand name of `{{otp}}`
/// appears literally instead of being expanded.
pub fn render(language: Language, otp: &str, brand: &str) -> Message {
    let template = language.template();
    let mut body = String::with_capacity(template.len() + otp.len() + brand.len());
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let (before, from) = rest.split_at(start);
        body.push_str(before);
        rest = if let Some(after) = from.strip_prefix("{{otp}}") {
            body.push_str(otp);
            after
        } else if let Some(after) = from.strip_prefix("{{brand}}") {
            body.push_str(brand);
            after
        } else {
            body.push('{');
            &from[1..]
        };
    }
    body.push_str(rest);
    let (encoding, segments) = sms::measure(&body);
    Message { body, encoding, segments }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_renders_its_own_text() {
        let expected = [
            ("de-DE", "Ihr Einmalpasswort von Acme lautet: 012345", Encoding::Gsm7),
            ("en-GB", "This is your One Time Password: 012345 from Acme", Encoding::Gsm7),
            ("en-US", "This is your One Time Password: 012345 from Acme", Encoding::Gsm7),
            ("es-419", "Tu contraseña de un solo uso de Acme es: 012345", Encoding::Gsm7),
            ("es-ES", "Su contraseña de un solo uso de Acme es: 012345", Encoding::Gsm7),
            ("fr-CA", "Votre mot de passe à usage unique de Acme est : 012345", Encoding::Gsm7),
            ("fr-FR", "Voici votre mot de passe à usage unique Acme : 012345", Encoding::Gsm7),
            ("it-IT", "La tua password monouso di Acme è: 012345", Encoding::Gsm7),
            ("ja-JP", "Acmeのワンタイムパスワードは012345です。", Encoding::Ucs2),
            ("ko-KR", "Acme 일회용 비밀번호는 012345입니다.", Encoding::Ucs2),
            ("pt-BR", "Sua senha de uso único de Acme é: 012345", Encoding::Ucs2),
            ("zh-CN", "您的Acme一次性密码是：012345", Encoding::Ucs2),
            ("zh-TW", "您的Acme一次性密碼是：012345", Encoding::Ucs2),
        ];
        assert_eq!(expected.len(), Language::ALL.len());
        for ((tag, body, encoding), language) in expected.into_iter().zip(Language::ALL) {
            assert_eq!(language.tag(), tag);
            let message = render(language, "012345", "Acme");
            assert_eq!(message.body, body, "{tag}");
            assert_eq!(message.encoding, encoding, "{tag}");
            assert_eq!(message.segments, 1, "{tag}");
        }
    }

    #[test]
    fn english_is_pinpoints_text_exactly() {
        for language in [Language::EnUs, Language::EnGb] {
            assert_eq!(
                language.template(),
                "This is your One Time Password: {{otp}} from {{brand}}"
            );
        }
    }

    #[test]
    fn every_template_has_each_placeholder_once() {
        for language in Language::ALL {
            let t = language.template();
            assert_eq!(t.matches("{{otp}}").count(), 1, "{}", language.tag());
            assert_eq!(t.matches("{{brand}}").count(), 1, "{}", language.tag());
            assert_eq!(t.matches("{{").count(), 2, "{}", language.tag());
            assert!(!language.native_name().is_empty());
        }
    }

    #[test]
    fn tags_match_case_insensitively_and_nothing_else() {
        for language in Language::ALL {
            assert_eq!(Language::from_tag(language.tag()), Some(language));
            assert_eq!(Language::from_tag(&language.tag().to_lowercase()), Some(language));
            assert_eq!(Language::from_tag(&language.tag().to_uppercase()), Some(language));
        }
        for unknown in ["", "en", "en_US", "en-US ", "es-MX", "pt-PT", "zh-HK"] {
            assert_eq!(Language::from_tag(unknown), None, "{unknown:?}");
        }
        assert_eq!(Language::DEFAULT.tag(), "en-US");
    }

    #[test]
    fn brand_and_code_are_inserted_literally() {
        let message = render(Language::EnUs, "12345", "{{otp}}");
        assert_eq!(message.body, "This is your One Time Password: 12345 from {{otp}}");
        let message = render(Language::DeDe, "12345", "{{brand}}{{");
        assert_eq!(message.body, "Ihr Einmalpasswort von {{brand}}{{ lautet: 12345");
    }

    #[test]
    fn a_brand_outside_gsm_7_switches_to_ucs_2() {
        let message = render(Language::EnUs, "123456", "Café ☕");
        assert_eq!(message.encoding, Encoding::Ucs2);
        assert_eq!(message.body.encode_utf16().count(), 50);
        assert_eq!(message.segments, 1);
    }
}
