//! The SMS text: Pinpoint's 13 languages and the extended ones, one default
//! template each, and filling a template's placeholders.

use crate::sms::{self, Encoding};

/// The languages with a default message, by their BCP 47 tags: Pinpoint's
/// 13, then the extended ones. They cross to JS as their tags (the
/// TypeScript type `LanguageTag`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[cfg_attr(target_arch = "wasm32", derive(tsify::Tsify), tsify(rename = "LanguageTag"))]
pub enum Language {
    /// German (Germany).
    #[serde(rename = "de-DE")]
    DeDe,
    /// English (United Kingdom).
    #[serde(rename = "en-GB")]
    EnGb,
    /// English (United States), the default.
    #[serde(rename = "en-US")]
    EnUs,
    /// Spanish (Latin America).
    #[serde(rename = "es-419")]
    Es419,
    /// Spanish (Spain).
    #[serde(rename = "es-ES")]
    EsEs,
    /// French (Canada).
    #[serde(rename = "fr-CA")]
    FrCa,
    /// French (France).
    #[serde(rename = "fr-FR")]
    FrFr,
    /// Italian (Italy).
    #[serde(rename = "it-IT")]
    ItIt,
    /// Japanese (Japan).
    #[serde(rename = "ja-JP")]
    JaJp,
    /// Korean (South Korea).
    #[serde(rename = "ko-KR")]
    KoKr,
    /// Portuguese (Brazil).
    #[serde(rename = "pt-BR")]
    PtBr,
    /// Chinese (China), simplified.
    #[serde(rename = "zh-CN")]
    ZhCn,
    /// Chinese (Taiwan), traditional.
    #[serde(rename = "zh-TW")]
    ZhTw,
    /// Arabic (Saudi Arabia); extended.
    #[serde(rename = "ar-SA")]
    ArSa,
    /// Bengali (India); extended.
    #[serde(rename = "bn-IN")]
    BnIn,
    /// Czech (Czechia); extended.
    #[serde(rename = "cs-CZ")]
    CsCz,
    /// Danish (Denmark); extended.
    #[serde(rename = "da-DK")]
    DaDk,
    /// Greek (Greece); extended.
    #[serde(rename = "el-GR")]
    ElGr,
    /// Finnish (Finland); extended.
    #[serde(rename = "fi-FI")]
    FiFi,
    /// Hebrew (Israel); extended.
    #[serde(rename = "he-IL")]
    HeIl,
    /// Hindi (India); extended.
    #[serde(rename = "hi-IN")]
    HiIn,
    /// Hungarian (Hungary); extended.
    #[serde(rename = "hu-HU")]
    HuHu,
    /// Indonesian (Indonesia); extended.
    #[serde(rename = "id-ID")]
    IdId,
    /// Malay (Malaysia); extended.
    #[serde(rename = "ms-MY")]
    MsMy,
    /// Norwegian Bokmål (Norway); extended.
    #[serde(rename = "nb-NO")]
    NbNo,
    /// Dutch (Netherlands); extended.
    #[serde(rename = "nl-NL")]
    NlNl,
    /// Polish (Poland); extended.
    #[serde(rename = "pl-PL")]
    PlPl,
    /// Portuguese (Portugal); extended.
    #[serde(rename = "pt-PT")]
    PtPt,
    /// Romanian (Romania); extended.
    #[serde(rename = "ro-RO")]
    RoRo,
    /// Russian (Russia); extended.
    #[serde(rename = "ru-RU")]
    RuRu,
    /// Swedish (Sweden); extended.
    #[serde(rename = "sv-SE")]
    SvSe,
    /// Thai (Thailand); extended.
    #[serde(rename = "th-TH")]
    ThTh,
    /// Turkish (Türkiye); extended.
    #[serde(rename = "tr-TR")]
    TrTr,
    /// Ukrainian (Ukraine); extended.
    #[serde(rename = "uk-UA")]
    UkUa,
    /// Vietnamese (Vietnam); extended.
    #[serde(rename = "vi-VN")]
    ViVn,
}

/// U+2068 FIRST STRONG ISOLATE and U+2069 POP DIRECTIONAL ISOLATE around the
/// brand in right-to-left templates; see `Language::template`.
macro_rules! isolated_brand {
    () => {
        "\u{2068}{{brand}}\u{2069}"
    };
}

impl Language {
    /// Pinpoint's 13: what SendOtpMessage accepts by default, so the wire
    /// stays exactly Pinpoint's unless a deployment turns extended languages on.
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

    /// The languages beyond Pinpoint's, accepted only when a deployment turns
    /// extended languages on.
    pub const EXTENDED: [Language; 22] = [
        Language::ArSa,
        Language::BnIn,
        Language::CsCz,
        Language::DaDk,
        Language::ElGr,
        Language::FiFi,
        Language::HeIl,
        Language::HiIn,
        Language::HuHu,
        Language::IdId,
        Language::MsMy,
        Language::NbNo,
        Language::NlNl,
        Language::PlPl,
        Language::PtPt,
        Language::RoRo,
        Language::RuRu,
        Language::SvSe,
        Language::ThTh,
        Language::TrTr,
        Language::UkUa,
        Language::ViVn,
    ];

    /// Every language with a default message: Pinpoint's 13, then the extended ones.
    pub const WITH_EXTENDED: [Language; 35] = {
        let mut all = [Language::DEFAULT; 35];
        let mut i = 0;
        while i < 13 {
            all[i] = Language::ALL[i];
            i += 1;
        }
        while i < 35 {
            all[i] = Language::EXTENDED[i - 13];
            i += 1;
        }
        all
    };

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

    /// The default message with `{{otp}}` and `{{brand}}` placeholders.
    ///
    /// In the right-to-left languages (Arabic, Hebrew) the brand sits between
    /// FIRST STRONG ISOLATE and POP DIRECTIONAL ISOLATE: a brand such as
    /// `24/7 Bank` would otherwise be laid out as `Bank 24/7` inside the
    /// right-to-left sentence, and digits at its end could join the text
    /// around it. The isolate takes its direction from the brand's first
    /// letter, so an Arabic or Hebrew brand reads right-to-left too. The code
    /// is not isolated: invisible marks next to it would be copied with it
    /// when a user selects it. It comes last instead, after a colon that
    /// follows a right-to-left word, where its digits always show in order.
    /// The isolates are two UCS-2 units each message, counted in segments.
    pub fn template(self) -> &'static str {
        self.entry().2
    }

    /// Arabic and Hebrew: the demo shows these right to left.
    pub fn is_right_to_left(self) -> bool {
        matches!(self, Language::ArSa | Language::HeIl)
    }

    /// One of Pinpoint's 13, accepted without extended languages.
    pub fn is_pinpoint(self) -> bool {
        Language::ALL.contains(&self)
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
            Language::ArSa => (
                "ar-SA",
                "العربية",
                concat!("كلمة المرور لمرة واحدة من ", isolated_brand!(), " هي: {{otp}}"),
            ),
            Language::BnIn => ("bn-IN", "বাংলা", "আপনার {{brand}} OTP হল {{otp}}"),
            Language::CsCz => {
                ("cs-CZ", "Čeština", "Vaše jednorázové heslo pro {{brand}} je: {{otp}}")
            }
            Language::DaDk => ("da-DK", "Dansk", "Din engangskode til {{brand}} er: {{otp}}"),
            Language::ElGr => {
                ("el-GR", "Ελληνικά", "Ο κωδικός μιας χρήσης για {{brand}} είναι: {{otp}}")
            }
            Language::FiFi => {
                ("fi-FI", "Suomi", "Kertakäyttösalasanasi palveluun {{brand}} on: {{otp}}")
            }
            Language::HeIl => (
                "he-IL",
                "עברית",
                concat!("הסיסמה החד-פעמית שלך עבור ", isolated_brand!(), " היא: {{otp}}"),
            ),
            Language::HiIn => ("hi-IN", "हिन्दी", "आपका {{brand}} OTP {{otp}} है।"),
            Language::HuHu => {
                ("hu-HU", "Magyar", "Az Ön {{brand}} egyszer használatos jelszava: {{otp}}")
            }
            Language::IdId => {
                ("id-ID", "Bahasa Indonesia", "Kode OTP {{brand}} Anda adalah {{otp}}")
            }
            Language::MsMy => ("ms-MY", "Bahasa Melayu", "Kod OTP {{brand}} anda ialah {{otp}}"),
            Language::NbNo => {
                ("nb-NO", "Norsk bokmål", "Engangskoden din for {{brand}} er: {{otp}}")
            }
            Language::NlNl => {
                ("nl-NL", "Nederlands", "Je eenmalige code voor {{brand}} is: {{otp}}")
            }
            Language::PlPl => ("pl-PL", "Polski", "Twoje hasło jednorazowe do {{brand}}: {{otp}}"),
            Language::PtPt => (
                "pt-PT",
                "Português (Portugal)",
                "O seu código de utilização única {{brand}} é: {{otp}}",
            ),
            Language::RoRo => ("ro-RO", "Română", "Parola unică pentru {{brand}} este: {{otp}}"),
            Language::RuRu => ("ru-RU", "Русский", "Ваш одноразовый пароль от {{brand}}: {{otp}}"),
            Language::SvSe => {
                ("sv-SE", "Svenska", "Ditt engångslösenord för {{brand}} är: {{otp}}")
            }
            Language::ThTh => ("th-TH", "ไทย", "รหัส OTP ของคุณสำหรับ {{brand}} คือ {{otp}}"),
            Language::TrTr => {
                ("tr-TR", "Türkçe", "{{brand}} için tek kullanımlık şifreniz: {{otp}}")
            }
            Language::UkUa => {
                ("uk-UA", "Українська", "Ваш одноразовий пароль від {{brand}}: {{otp}}")
            }
            Language::ViVn => ("vi-VN", "Tiếng Việt", "Mã OTP {{brand}} của bạn là {{otp}}"),
        }
    }

    /// Matches one of Pinpoint's 13 tags case-insensitively: `EN-us` is en-US.
    pub fn from_tag(tag: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.tag().eq_ignore_ascii_case(tag))
    }

    /// Matches any tag with a default message, extended ones included.
    pub fn from_tag_with_extended(tag: &str) -> Option<Language> {
        Language::WITH_EXTENDED.into_iter().find(|l| l.tag().eq_ignore_ascii_case(tag))
    }
}

/// A rendered SMS body with what it costs to send.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    /// The text, code included.
    pub body: String,
    /// GSM-7 or UCS-2, whichever the text needs.
    pub encoding: Encoding,
    /// How many SMS segments the text takes.
    pub segments: u32,
}

impl Message {
    /// Measures `body`: its encoding and segments.
    pub fn new(body: String) -> Message {
        let (encoding, segments) = sms::measure(&body);
        Message { body, encoding, segments }
    }
}

/// A piece of a template: literal text or a placeholder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Literal text, as written.
    Text(&'a str),
    /// `{{otp}}`: the code.
    Otp,
    /// `{{brand}}`: the BrandName.
    Brand,
    /// The ValidityPeriod, in minutes.
    Minutes,
    /// `{{` that starts no known placeholder, up to its `}}` when there is one.
    Unknown(&'a str),
}

/// The placeholders templates may use, as written.
pub const PLACEHOLDERS: [(&str, Piece<'static>); 3] =
    [("{{otp}}", Piece::Otp), ("{{brand}}", Piece::Brand), ("{{minutes}}", Piece::Minutes)];

/// Splits a template into text and placeholders. `{{{otp}}` is a literal `{`
/// then the code.
pub fn pieces(template: &str) -> impl Iterator<Item = Piece<'_>> {
    let mut rest = template;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(from) = rest.strip_prefix("{{") else {
            let end = rest.find("{{").unwrap_or(rest.len());
            let (text, after) = rest.split_at(end);
            rest = after;
            return Some(Piece::Text(text));
        };
        for (written, piece) in PLACEHOLDERS {
            if let Some(after) = rest.strip_prefix(written) {
                rest = after;
                return Some(piece);
            }
        }
        if from.starts_with('{') {
            let (brace, after) = rest.split_at(1);
            rest = after;
            return Some(Piece::Text(brace));
        }
        let end = from.find("}}").map_or(rest.len(), |i| i + 4);
        let (unknown, after) = rest.split_at(end);
        rest = after;
        Some(Piece::Unknown(unknown))
    })
}

/// Fills a template in one pass, so a brand name of `{{otp}}` appears
/// literally instead of being expanded. Unknown placeholders stay as written.
pub fn fill(template: &str, otp: &str, brand: &str, minutes: &str) -> String {
    let mut body = String::with_capacity(template.len() + otp.len() + brand.len());
    for piece in pieces(template) {
        body.push_str(match piece {
            Piece::Text(text) | Piece::Unknown(text) => text,
            Piece::Otp => otp,
            Piece::Brand => brand,
            Piece::Minutes => minutes,
        });
    }
    body
}

/// The language's default message for a code and brand.
pub fn render(language: Language, otp: &str, brand: &str) -> Message {
    Message::new(fill(language.template(), otp, brand, ""))
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
        for language in Language::WITH_EXTENDED {
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
        for language in Language::WITH_EXTENDED {
            let lower = language.tag().to_lowercase();
            assert_eq!(Language::from_tag_with_extended(&lower), Some(language));
        }
        for unknown in ["", "en", "en_US", "en-US ", "es-MX", "pt", "zh-HK", "ar", "he-he"] {
            assert_eq!(Language::from_tag_with_extended(unknown), None, "{unknown:?}");
        }
        assert_eq!(Language::DEFAULT.tag(), "en-US");
    }

    #[test]
    fn a_language_crosses_as_its_tag() {
        for language in Language::WITH_EXTENDED {
            let json = serde_json::to_string(&language).unwrap();
            assert_eq!(json, format!("\"{}\"", language.tag()));
        }
    }

    #[test]
    fn extended_languages_are_refused_by_the_pinpoint_parser() {
        for language in Language::EXTENDED {
            assert!(!language.is_pinpoint(), "{}", language.tag());
            assert_eq!(Language::from_tag(language.tag()), None, "{}", language.tag());
        }
        assert!(Language::ALL.iter().all(|l| l.is_pinpoint()));
        assert_eq!(Language::WITH_EXTENDED[..13], Language::ALL);
        assert_eq!(Language::WITH_EXTENDED[13..], Language::EXTENDED);
        let mut tags: Vec<_> = Language::WITH_EXTENDED.iter().map(|l| l.tag()).collect();
        tags.sort_unstable();
        tags.dedup();
        assert_eq!(tags.len(), 35, "tags are distinct");
    }

    #[test]
    fn every_extended_language_renders_its_own_text() {
        let (fsi, pdi) = ('\u{2068}', '\u{2069}');
        let expected = [
            (
                "ar-SA",
                format!("كلمة المرور لمرة واحدة من {fsi}Acme{pdi} هي: 012345"),
                Encoding::Ucs2,
            ),
            ("bn-IN", "আপনার Acme OTP হল 012345".into(), Encoding::Ucs2),
            ("cs-CZ", "Vaše jednorázové heslo pro Acme je: 012345".into(), Encoding::Ucs2),
            ("da-DK", "Din engangskode til Acme er: 012345".into(), Encoding::Gsm7),
            ("el-GR", "Ο κωδικός μιας χρήσης για Acme είναι: 012345".into(), Encoding::Ucs2),
            ("fi-FI", "Kertakäyttösalasanasi palveluun Acme on: 012345".into(), Encoding::Gsm7),
            (
                "he-IL",
                format!("הסיסמה החד-פעמית שלך עבור {fsi}Acme{pdi} היא: 012345"),
                Encoding::Ucs2,
            ),
            ("hi-IN", "आपका Acme OTP 012345 है।".into(), Encoding::Ucs2),
            ("hu-HU", "Az Ön Acme egyszer használatos jelszava: 012345".into(), Encoding::Ucs2),
            ("id-ID", "Kode OTP Acme Anda adalah 012345".into(), Encoding::Gsm7),
            ("ms-MY", "Kod OTP Acme anda ialah 012345".into(), Encoding::Gsm7),
            ("nb-NO", "Engangskoden din for Acme er: 012345".into(), Encoding::Gsm7),
            ("nl-NL", "Je eenmalige code voor Acme is: 012345".into(), Encoding::Gsm7),
            ("pl-PL", "Twoje hasło jednorazowe do Acme: 012345".into(), Encoding::Ucs2),
            ("pt-PT", "O seu código de utilização única Acme é: 012345".into(), Encoding::Ucs2),
            ("ro-RO", "Parola unică pentru Acme este: 012345".into(), Encoding::Ucs2),
            ("ru-RU", "Ваш одноразовый пароль от Acme: 012345".into(), Encoding::Ucs2),
            ("sv-SE", "Ditt engångslösenord för Acme är: 012345".into(), Encoding::Gsm7),
            ("th-TH", "รหัส OTP ของคุณสำหรับ Acme คือ 012345".into(), Encoding::Ucs2),
            ("tr-TR", "Acme için tek kullanımlık şifreniz: 012345".into(), Encoding::Ucs2),
            ("uk-UA", "Ваш одноразовий пароль від Acme: 012345".into(), Encoding::Ucs2),
            ("vi-VN", "Mã OTP Acme của bạn là 012345".into(), Encoding::Ucs2),
        ];
        assert_eq!(expected.len(), Language::EXTENDED.len());
        for ((tag, body, encoding), language) in expected.into_iter().zip(Language::EXTENDED) {
            assert_eq!(language.tag(), tag);
            let message = render(language, "012345", "Acme");
            assert_eq!(message.body, body, "{tag}");
            assert_eq!(message.encoding, encoding, "{tag}");
            assert_eq!(message.segments, 1, "{tag}");
        }
    }

    #[test]
    fn every_language_carries_the_code_in_ascii_digits_and_the_brand_as_given() {
        for language in Language::WITH_EXTENDED {
            let tag = language.tag();
            let template = fill(language.template(), "", "", "");
            assert!(
                !template.chars().any(|c| c.is_numeric()),
                "{tag}: the fixed text has no digits of its own, so the only digits are the code"
            );
            for brand in ["Acme", "Exämple Bank 24", "例え株式会社", "بنك", "{{otp}}"] {
                let message = render(language, "01234567", brand);
                assert_eq!(message.body.matches("01234567").count(), 1, "{tag}");
                assert_eq!(message.body.matches(brand).count(), 1, "{tag} {brand}");
                let numerals = message.body.chars().filter(|c| c.is_numeric());
                assert!(numerals.clone().all(|c| c.is_ascii_digit()), "{tag}");
                let brand_numerals = brand.chars().filter(|c| c.is_numeric()).count();
                assert_eq!(numerals.count(), 8 + brand_numerals, "{tag}");
            }
        }
    }

    #[test]
    fn every_language_fits_one_segment_with_a_20_character_brand_and_8_digits() {
        // Brands of the Basic Multilingual Plane (one UCS-2 unit a character)
        // that keep the template's own encoding: a brand outside GSM-7 turns
        // a GSM-7 message into UCS-2.
        for language in Language::WITH_EXTENDED {
            let (encoding, _) = sms::measure(language.template());
            let mut brands = vec!["x".repeat(20), "é".repeat(20)];
            if encoding == Encoding::Ucs2 {
                brands.push("株".repeat(20));
            }
            for brand in brands {
                let message = render(language, "01234567", &brand);
                assert_eq!(message.encoding, encoding, "{}", language.tag());
                assert_eq!(message.segments, 1, "{} with {brand}", language.tag());
            }
        }
    }

    #[test]
    fn native_names_are_distinct_and_only_arabic_and_hebrew_read_right_to_left() {
        let mut names: Vec<_> = Language::WITH_EXTENDED.iter().map(|l| l.native_name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 35);
        let rtl: Vec<_> =
            Language::WITH_EXTENDED.into_iter().filter(|l| l.is_right_to_left()).collect();
        assert_eq!(rtl, [Language::ArSa, Language::HeIl]);
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

    /// The line as a screen lays it out, left to right, by the Unicode
    /// Bidirectional Algorithm, without the invisible isolate marks.
    fn displayed(line: &str) -> String {
        let bidi = unicode_bidi::BidiInfo::new(line, None);
        let paragraph = &bidi.paragraphs[0];
        let visual = bidi.reorder_line(paragraph, paragraph.range.clone());
        visual.chars().filter(|c| !matches!(c, '\u{2066}'..='\u{2069}')).collect()
    }

    #[test]
    fn right_to_left_messages_show_the_code_whole_and_the_brand_as_written() {
        for language in [Language::ArSa, Language::HeIl] {
            for brand in ["Acme", "24/7 Bank", "Acme 2", "بنك 24", "בנק 24", "A1-B2"] {
                let message = render(language, "012345", brand);
                let shown = displayed(&message.body);
                // The sentence reads right to left, so its last word, the
                // code, is the leftmost thing on screen, digits in order.
                assert!(shown.starts_with("012345 "), "{}: {shown}", language.tag());
                // The brand shows as it would on its own line.
                assert!(shown.contains(&displayed(brand)), "{} {brand}: {shown}", language.tag());
            }
        }
    }

    #[test]
    fn without_the_isolates_a_right_to_left_sentence_reorders_the_brand() {
        // What the isolates prevent: the same Arabic sentence, brand bare.
        let bare = Language::ArSa.template().replace(['\u{2068}', '\u{2069}'], "");
        let shown = displayed(&fill(&bare, "012345", "24/7 Bank", ""));
        assert!(!shown.contains("24/7 Bank"), "{shown}");
        assert!(shown.contains("Bank 24/7"), "{shown}");
    }

    #[test]
    fn templates_split_into_text_and_placeholders() {
        let split: Vec<_> = pieces("{{otp}} and {{brand}}, {{minutes}} min {{code}} {{x").collect();
        assert_eq!(
            split,
            [
                Piece::Otp,
                Piece::Text(" and "),
                Piece::Brand,
                Piece::Text(", "),
                Piece::Minutes,
                Piece::Text(" min "),
                Piece::Unknown("{{code}}"),
                Piece::Text(" "),
                Piece::Unknown("{{x"),
            ]
        );
        let split: Vec<_> = pieces("{{{otp}}} {x} }}").collect();
        assert_eq!(split, [Piece::Text("{"), Piece::Otp, Piece::Text("} {x} }}")]);
        assert_eq!(pieces("").count(), 0);
        assert_eq!(
            fill("{{minutes}} min: {{otp}} {{nope}}", "1234", "B", "15"),
            "15 min: 1234 {{nope}}"
        );
    }
}
