//! India DLT: an SMS to India is delivered only when its text matches the
//! template registered on the DLT platform, where each `{#var#}` stands for
//! a variable. Operators compare the fixed text exactly and cap each
//! variable's length, so a send is checked here before any SMS goes out.

use std::fmt;

/// How a DLT template marks a variable.
pub const VARIABLE: &str = "{#var#}";

/// The variable length operators commonly allow.
pub const DEFAULT_MAX_VAR_LENGTH: usize = 30;

/// Characters of context either side in a mismatch report.
const EXCERPT: usize = 20;

/// A registered DLT template: fixed texts with a variable between each two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DltTemplate {
    fixed: Vec<Vec<char>>,
    max_var_length: usize,
}

impl DltTemplate {
    /// Refuses a text without a variable (the code needs one), and other
    /// `{#...#}` kinds, which this check does not know how to match.
    pub fn parse(text: &str, max_var_length: usize) -> Result<DltTemplate, String> {
        if max_var_length == 0 {
            return Err("maxVarLength must be at least 1".into());
        }
        let fixed: Vec<Vec<char>> =
            text.split(VARIABLE).map(|part| part.chars().collect()).collect();
        for part in text.split(VARIABLE) {
            if let Some(start) = part.find("{#") {
                let other = part[start..].split_inclusive("#}").next().unwrap_or_default();
                return Err(format!(
                    "only {VARIABLE} variables can be checked, got {other:?} in {text:?}"
                ));
            }
        }
        if fixed.len() < 2 {
            return Err(format!("a DLT template needs a {VARIABLE} for the code, got {text:?}"));
        }
        Ok(DltTemplate { fixed, max_var_length })
    }

    /// The most characters a variable may hold (`maxVarLength`).
    pub fn max_var_length(&self) -> usize {
        self.max_var_length
    }

    /// Whether `message` is this template with each variable filled by at
    /// most `max_var_length` characters. The report never shows `otp`: its
    /// digits are masked in the excerpts.
    pub fn check(&self, message: &str, otp: &str) -> Result<(), Mismatch> {
        let chars: Vec<char> = message.chars().collect();
        let states = self.fixed.len() * (chars.len() + 1);
        let mut search = Search { template: self, message: &chars, failed: vec![None; states] };
        let failure = match search.fixed_at_start() {
            Ok(()) => return Ok(()),
            Err(failure) => failure,
        };
        let shown = mask(message, otp);
        let after = |at: usize, length: usize| -> String {
            let text: String = shown.iter().skip(at).take(length).collect();
            if at + length < shown.len() {
                format!("{text}…")
            } else {
                text
            }
        };
        let before = |at: usize| -> String {
            let text: String = shown[at.saturating_sub(EXCERPT)..at].iter().collect();
            if at > EXCERPT {
                format!("…{text}")
            } else {
                text
            }
        };
        Err(match failure {
            Failure::Text { at, part, matched } => {
                let expected = &self.fixed[part][matched..];
                let expected: String = expected.iter().take(EXCERPT).collect::<String>()
                    + if expected.len() > EXCERPT { "…" } else { "" };
                Mismatch::Text {
                    position: at + 1,
                    expected,
                    got: after(at, EXCERPT),
                    context: before(at),
                }
            }
            Failure::TooLong { at, variable, length } => Mismatch::VariableTooLong {
                variable,
                position: at + 1,
                length,
                max: self.max_var_length,
                value: after(at, length.min(EXCERPT)),
            },
        })
    }
}

/// Where a message departs from its DLT template, positions counted in
/// characters from 1, excerpts with the code masked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The fixed text differs at `position`: `context` is what came before.
    Text {
        /// Where the texts part, from 1.
        position: usize,
        /// The template's text from there (up to 20 characters).
        expected: String,
        /// The message's text from there, the code masked.
        got: String,
        /// The message's text just before, the code masked.
        context: String,
    },
    /// Variable number `variable` (from 1) starting at `position` runs longer
    /// than allowed.
    VariableTooLong {
        /// Which variable, from 1.
        variable: usize,
        /// Where it starts, from 1.
        position: usize,
        /// Its length in characters.
        length: usize,
        /// The most characters a variable may hold.
        max: usize,
        /// Its start (up to 20 characters), the code masked.
        value: String,
    },
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Mismatch::Text { position, expected, got, context } => {
                let got = if got.is_empty() {
                    "the end of the message".into()
                } else {
                    format!("{got:?}")
                };
                let expected = if expected.is_empty() {
                    "the end of the message".into()
                } else {
                    format!("{expected:?}")
                };
                write!(f, "at character {position}")?;
                if !context.is_empty() {
                    write!(f, " (after {context:?})")?;
                }
                write!(f, " expected {expected}, got {got}")
            }
            Mismatch::VariableTooLong { variable, position, length, max, value } => write!(
                f,
                "{VARIABLE} number {variable} at character {position} would be {length} characters \
                 ({value:?}), over maxVarLength {max}"
            ),
        }
    }
}

/// Why a branch of the search failed, at a character index.
#[derive(Clone, Copy, Debug)]
enum Failure {
    /// Fixed part `part` had its first `matched` characters before `at`.
    Text {
        at: usize,
        part: usize,
        matched: usize,
    },
    TooLong {
        at: usize,
        variable: usize,
        length: usize,
    },
}

impl Failure {
    fn at(self) -> usize {
        match self {
            Failure::Text { at, .. } | Failure::TooLong { at, .. } => at,
        }
    }

    /// The failure that got further into the message says most.
    fn further(self, other: Failure) -> Failure {
        if other.at() > self.at() {
            other
        } else {
            self
        }
    }
}

/// A backtracking match: each variable may end at any of its allowed
/// lengths where the next fixed text follows. Failed states are remembered,
/// so the work stays within parts × characters × lengths.
struct Search<'a> {
    template: &'a DltTemplate,
    message: &'a [char],
    /// Why variable v cannot match from character `at`, at
    /// `v * (message length + 1) + at`: a table, as every state may be met.
    failed: Vec<Option<Failure>>,
}

impl Search<'_> {
    fn fixed_at_start(&mut self) -> Result<(), Failure> {
        let first = &self.template.fixed[0];
        let matched = common_prefix(first, self.message);
        if matched < first.len() {
            return Err(Failure::Text { at: matched, part: 0, matched });
        }
        self.variable(1, first.len())
    }

    /// Variable `variable` starts at `at`; fixed part `variable` follows it.
    fn variable(&mut self, variable: usize, at: usize) -> Result<(), Failure> {
        let state = variable * (self.message.len() + 1) + at;
        if let Some(failure) = self.failed[state] {
            return Err(failure);
        }
        let Some(failure) = self.why_not(variable, at) else { return Ok(()) };
        self.failed[state] = Some(failure);
        Err(failure)
    }

    /// Why the rest cannot match from variable `variable` at `at`, or `None`
    /// when it does.
    fn why_not(&mut self, variable: usize, at: usize) -> Option<Failure> {
        let next = &self.template.fixed[variable];
        let last = variable == self.template.fixed.len() - 1;
        let max = self.template.max_var_length;
        // The fixed text follows a variable ending at `end` (and ends the
        // message when it is the last).
        let follows = |end: usize| {
            let rest = &self.message[end..];
            if last {
                rest == &next[..]
            } else {
                rest.starts_with(next)
            }
        };
        let mut failure: Option<Failure> = None;
        for end in at..=(at + max).min(self.message.len()) {
            if !follows(end) {
                continue;
            }
            if last {
                return None;
            }
            match self.variable(variable + 1, end + next.len()) {
                Ok(()) => return None,
                Err(f) => failure = Some(failure.map_or(f, |g| g.further(f))),
            }
        }
        if let Some(failure) = failure {
            return Some(failure);
        }
        // No fit within the allowed length: too long if the fixed text
        // follows further on, else the fixed text is wrong where the most of
        // it first matched (after the longest variable when none of it does).
        let later = (at + max + 1..=self.message.len()).find(|&end| follows(end));
        if let Some(end) = later {
            return Some(Failure::TooLong { at, variable, length: end - at });
        }
        let ends = at..=(at + max).min(self.message.len());
        let best =
            ends.clone().map(|end| common_prefix(next, &self.message[end..])).max().unwrap_or(0);
        let end = if best == 0 {
            *ends.end()
        } else {
            ends.clone()
                .find(|&end| common_prefix(next, &self.message[end..]) == best)
                .unwrap_or(at)
        };
        let matched = best;
        Some(Failure::Text { at: end + matched, part: variable, matched })
    }
}

fn common_prefix(a: &[char], b: &[char]) -> usize {
    a.iter().zip(b).take_while(|(x, y)| x == y).count()
}

/// The message's characters with each occurrence of the code blotted out.
fn mask(message: &str, otp: &str) -> Vec<char> {
    let mut shown: Vec<char> = message.chars().collect();
    if otp.is_empty() {
        return shown;
    }
    for (byte, _) in message.match_indices(otp) {
        let start = message[..byte].chars().count();
        for c in &mut shown[start..start + otp.chars().count()] {
            *c = '•';
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;

    fn template(text: &str) -> DltTemplate {
        DltTemplate::parse(text, DEFAULT_MAX_VAR_LENGTH).unwrap()
    }

    const REGISTERED: &str = "Your OTP for {#var#} login is {#var#}. Valid for {#var#} minutes.";

    #[test]
    fn a_message_that_fills_the_variables_matches() {
        let t = template(REGISTERED);
        let message = "Your OTP for Acme login is 123456. Valid for 15 minutes.";
        assert_eq!(t.check(message, "123456"), Ok(()));
        // A variable may hold text that looks like the fixed text around it.
        let message = "Your OTP for Acme login is x login is 123456. Valid for 15 minutes.";
        assert_eq!(t.check(message, "123456"), Ok(()));
        let t = template("{#var#} is your code");
        assert_eq!(t.check("123456 is your code", "123456"), Ok(()));
        let t = template("Code: {#var#}");
        assert_eq!(t.check("Code: 123456", "123456"), Ok(()));
        let t = template("{#var#}");
        assert_eq!(t.check("123456", "123456"), Ok(()));
    }

    #[test]
    fn fixed_text_must_be_exactly_equal() {
        let t = template(REGISTERED);
        let e =
            t.check("Your OTP for Acme login is 123456. Valid for 15 mins.", "123456").unwrap_err();
        assert_eq!(
            e,
            Mismatch::Text {
                position: 52,
                expected: "utes.".into(),
                got: "s.".into(),
                context: "…••. Valid for 15 min".into(),
            }
        );
        assert_eq!(
            e.to_string(),
            "at character 52 (after \"…••. Valid for 15 min\") expected \"utes.\", got \"s.\""
        );
        let e = t
            .check("your OTP for Acme login is 123456. Valid for 15 minutes.", "123456")
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "at character 1 expected \"Your OTP for \", got \"your OTP for Acme lo…\""
        );
        // One space more is a different text.
        let e = t
            .check("Your OTP for Acme login is 123456.  Valid for 15 minutes.", "123456")
            .unwrap_err();
        assert!(matches!(e, Mismatch::Text { .. }), "{e:?}");
    }

    #[test]
    fn the_message_must_end_where_the_template_ends() {
        let t = template("Code: {#var#}.");
        let e = t.check("Code: 123456.\n\n@example.com #123456", "123456").unwrap_err();
        assert!(e.to_string().contains("@example.com"), "{e}");
        let e = t.check("Code: 123456", "123456").unwrap_err();
        assert_eq!(
            e.to_string(),
            "at character 13 (after \"Code: ••••••\") expected \".\", got the end of the message"
        );
        let e = template("Code {#var#}").check("Code", "1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "at character 5 (after \"Code\") expected \" \", got the end of the message"
        );
    }

    #[test]
    fn each_variable_is_at_most_max_var_length_characters() {
        let t = template(REGISTERED);
        let brand = "B".repeat(30);
        assert_eq!(
            t.check(&format!("Your OTP for {brand} login is 1234. Valid for 15 minutes."), "1234"),
            Ok(())
        );
        let brand = "B".repeat(31);
        let e = t
            .check(&format!("Your OTP for {brand} login is 1234. Valid for 15 minutes."), "1234")
            .unwrap_err();
        assert_eq!(
            e,
            Mismatch::VariableTooLong {
                variable: 1,
                position: 14,
                length: 31,
                max: 30,
                value: format!("{}…", "B".repeat(20)),
            }
        );
        assert_eq!(
            e.to_string(),
            format!("{{#var#}} number 1 at character 14 would be 31 characters (\"{}…\"), over maxVarLength 30", "B".repeat(20))
        );
        // Characters, not bytes.
        let t = DltTemplate::parse("Code {#var#} from {#var#}", 4).unwrap();
        assert_eq!(t.check("Code 1234 from 株株株株", "1234"), Ok(()));
        let e = t.check("Code 1234 from 株株株株株", "1234").unwrap_err();
        assert!(
            matches!(e, Mismatch::VariableTooLong { variable: 2, length: 5, max: 4, .. }),
            "{e:?}"
        );
    }

    #[test]
    fn the_report_never_shows_the_code() {
        let t = template("Your code is {#var#} for {#var#}");
        let e = t.check("Your code: 987654 for Acme", "987654").unwrap_err();
        assert!(!e.to_string().contains("987654"), "{e}");
        let e = t.check("Your code is 987654 from Acme", "987654").unwrap_err();
        assert!(!e.to_string().contains('9'), "{e}");
        assert!(e.to_string().contains("••••••"), "{e}");
        let long = template("Your code is {#var#}.");
        let e =
            long.check(&format!("Your code is {}987654.", "x".repeat(40)), "987654").unwrap_err();
        assert!(!e.to_string().contains("987654"), "{e}");
    }

    #[test]
    fn the_search_stays_small_on_ambiguous_templates() {
        let t = DltTemplate::parse(&"{#var#} ".repeat(8), 30).unwrap();
        let message = format!("{}x", "a ".repeat(60));
        assert!(t.check(&message, "1").is_err());
        assert_eq!(t.check(&"a ".repeat(8), "1"), Ok(()));
    }

    #[test]
    fn templates_need_a_variable_and_only_var_variables() {
        assert!(DltTemplate::parse("Your code is 123", 30)
            .unwrap_err()
            .contains("needs a {#var#}"));
        let e = DltTemplate::parse("Your code is {#numeric#}", 30).unwrap_err();
        assert!(e.contains("\"{#numeric#}\""), "{e}");
        let e = DltTemplate::parse("{#var#} at {#url#}", 30).unwrap_err();
        assert!(e.contains("\"{#url#}\""), "{e}");
        assert_eq!(
            DltTemplate::parse("{#var#}", 0).unwrap_err(),
            "maxVarLength must be at least 1"
        );
        assert_eq!(template("{#var#}{#var#}").max_var_length(), 30);
    }
}
