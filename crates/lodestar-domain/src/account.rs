//! Account values: names, email addresses and the password policy.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::text::{TextError, check_line};

/// A person's display name: trimmed, 1–100 characters, one line with no control or
/// bidirectional formatting characters (see [`crate::text`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonName(String);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum NameError {
    #[error("enter your name")]
    Empty,
    #[error("must be at most 100 characters")]
    TooLong,
    #[error(transparent)]
    Text(#[from] TextError),
}

impl PersonName {
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        // Checked before whitespace is collapsed, which would quietly turn a tab or a line
        // break into a space.
        check_line(raw.trim())?;
        let name: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        match name.chars().count() {
            0 => Err(NameError::Empty),
            n if n > 100 => Err(NameError::TooLong),
            _ => Ok(Self(name)),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

/// An email address, trimmed and lower-cased so that one address is one account.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

#[derive(Debug, Error, PartialEq, Eq)]
pub enum EmailError {
    #[error("enter your email address")]
    Empty,
    #[error("is not a valid email address")]
    Invalid,
    #[error("must be at most 254 characters")]
    TooLong,
    #[error(transparent)]
    Text(#[from] TextError),
}

impl Email {
    pub fn parse(raw: &str) -> Result<Self, EmailError> {
        let email = raw.trim().to_lowercase();
        check_line(&email)?;
        if email.is_empty() {
            return Err(EmailError::Empty);
        }
        if email.len() > 254 {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = email.rsplit_once('@').ok_or(EmailError::Invalid)?;
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local.contains('@')
            && !local.chars().any(|c| c.is_whitespace() || c.is_control());
        if domain_ok && local_ok {
            Ok(Self(email))
        } else {
            Err(EmailError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password that meets the policy. The plain text lives only as long as it takes to hash.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 256;

#[derive(Debug, Error, PartialEq, Eq)]
pub enum PasswordError {
    #[error("must be at least {MIN_PASSWORD_CHARS} characters")]
    TooShort,
    #[error("must be at most {MAX_PASSWORD_CHARS} characters")]
    TooLong,
    #[error("is too common; choose one that is harder to guess")]
    Common,
    #[error("must not contain your name or email address")]
    Personal,
}

impl Password {
    /// Checks a new password against the policy: length, the list of common passwords and
    /// trivial patterns, and the person's own name and email.
    pub fn new_checked(raw: &str, name: &str, email: &str) -> Result<Self, PasswordError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(PasswordError::TooShort);
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(PasswordError::TooLong);
        }
        if is_common(raw) {
            return Err(PasswordError::Common);
        }
        let lower = raw.to_lowercase();
        let local = email.split('@').next().unwrap_or_default().to_lowercase();
        let personal = std::iter::once(local.as_str())
            .chain(name.split_whitespace())
            .map(str::to_lowercase)
            .any(|part| part.chars().count() >= 4 && lower.contains(&part));
        if personal {
            return Err(PasswordError::Personal);
        }
        Ok(Self(raw.to_owned()))
    }

    /// A password given at log-in time: not checked against the policy, which may have
    /// changed since it was set.
    pub fn unchecked(raw: &str) -> Self {
        Self(raw.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Common passwords and their obvious variants, plus passwords made of one repeated
/// character or a run of consecutive characters.
fn is_common(raw: &str) -> bool {
    let lower = raw.to_lowercase();
    let stripped = lower.trim_end_matches(|c: char| c.is_ascii_digit() || "!?.@#$*".contains(c));
    if COMMON_PASSWORDS.contains(&lower.as_str()) || COMMON_PASSWORDS.contains(&stripped) {
        return true;
    }
    let chars: Vec<char> = lower.chars().collect();
    let one_char = chars.windows(2).all(|w| w[0] == w[1]);
    let sequence = chars
        .windows(2)
        .all(|w| (w[1] as i64 - w[0] as i64).abs() == 1);
    let distinct = {
        let mut seen: Vec<char> = chars.clone();
        seen.sort_unstable();
        seen.dedup();
        seen.len()
    };
    one_char || sequence || distinct < 4
}

/// Drawn from the most frequent passwords in public breach corpora; the check also strips
/// trailing digits and punctuation, so "password2024!" is caught by "password".
const COMMON_PASSWORDS: &[&str] = &[
    "password",
    "passw0rd",
    "p@ssword",
    "p@ssw0rd",
    "123456789",
    "1234567890",
    "12345678",
    "qwerty",
    "qwertyuiop",
    "qwerty123",
    "abc123",
    "football",
    "monkey",
    "letmein",
    "dragon",
    "baseball",
    "iloveyou",
    "trustno1",
    "sunshine",
    "master",
    "welcome",
    "shadow",
    "ashley",
    "jesus",
    "michael",
    "ninja",
    "mustang",
    "password1",
    "superman",
    "batman",
    "starwars",
    "princess",
    "charlie",
    "whatever",
    "freedom",
    "hello",
    "hellothere",
    "login",
    "admin",
    "administrator",
    "changeme",
    "secret",
    "default",
    "root",
    "toor",
    "computer",
    "internet",
    "access",
    "flower",
    "hottie",
    "loveme",
    "zaq1zaq1",
    "zaq12wsx",
    "1q2w3e4r",
    "1q2w3e4r5t",
    "1qaz2wsx",
    "asdfghjkl",
    "asdfasdf",
    "qazwsx",
    "q1w2e3r4",
    "q1w2e3r4t5",
    "michelle",
    "jennifer",
    "jordan",
    "hunter",
    "buster",
    "soccer",
    "harley",
    "ranger",
    "daniel",
    "thomas",
    "robert",
    "andrew",
    "joshua",
    "matthew",
    "pepper",
    "ginger",
    "summer",
    "winter",
    "spring",
    "autumn",
    "killer",
    "tigger",
    "cookie",
    "chocolate",
    "lovely",
    "password123",
    "welcome1",
    "welcome123",
    "letmein123",
    "iloveyou1",
    "mypassword",
    "yourpassword",
    "newpassword",
    "passwordpassword",
    "qwertyqwerty",
    "11111111",
    "00000000",
    "87654321",
    "987654321",
    "123123123",
    "123qwe",
    "qwe123",
    "1q2w3e",
    "aa123456",
    "abcd1234",
    "abcdefg",
    "abcdefgh",
    "abcdefghij",
    "pokemon",
    "minecraft",
    "fortnite",
    "lodestar",
    "mentorship",
    "mentor",
    "mentee",
    "company",
    "corporate",
    "summer2024",
    "winter2024",
    "spring2025",
    "correcthorsebatterystaple",
    "liverpool",
    "chelsea",
    "arsenal",
    "manchester",
    "barcelona",
    "blink182",
    "naruto",
    "samsung",
    "google",
    "facebook",
    "linkedin",
    "microsoft",
    "apple",
    "android",
    "iphone",
    "whatsapp",
    "test",
    "testing",
    "testtest",
    "test1234",
    "guest",
    "user",
    "username",
    "temp",
    "temppass",
    "temporary",
    "unknown",
    "nothing",
    "superstar",
    "rockstar",
    "silver",
    "golden",
    "diamond",
    "orange",
    "purple",
    "yellow",
    "banana",
    "cheese",
    "coffee",
    "matrix",
    "phoenix",
    "thunder",
    "angel",
    "family",
    "forever",
    "friends",
    "heaven",
    "london",
    "paris",
    "berlin",
    "newyork",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ada@Example.ORG ").map(|e| e.0),
            Ok("ada@example.org".into())
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "ada@ex..org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be rejected");
        }
    }

    #[test]
    fn emails_refuse_control_and_bidirectional_characters() {
        assert_eq!(
            Email::parse("ada\0@example.org"),
            Err(EmailError::Text(TextError::Control))
        );
        assert_eq!(
            Email::parse("ada\u{202e}gro@example.org"),
            Err(EmailError::Text(TextError::Bidi))
        );
    }

    #[test]
    fn names_refuse_control_and_bidirectional_characters() {
        for (raw, expected) in [
            ("Ada\0", TextError::Control),
            ("Ada\u{1b}[2J", TextError::Control),
            ("Ada\tLovelace", TextError::Control),
            ("Ada\nLovelace", TextError::LineBreak),
            ("Ada \u{202e}ecalevoL", TextError::Bidi),
            ("Ada\u{2067}", TextError::Bidi),
            ("Ada\u{200f}", TextError::Bidi),
            ("Ada\u{061c}", TextError::Bidi),
        ] {
            assert_eq!(
                PersonName::parse(raw),
                Err(NameError::Text(expected)),
                "{raw:?}"
            );
        }
        assert_eq!(
            PersonName::parse("Ada\0").map_err(|e| e.to_string()),
            Err("must not contain control characters".into())
        );
        assert!(PersonName::parse("Zoë Ng-Ōtsuka").is_ok());
    }

    #[test]
    fn names_collapse_whitespace_and_are_bounded() {
        assert_eq!(
            PersonName::parse("  Ada   Lovelace ").map(|n| n.0),
            Ok("Ada Lovelace".into())
        );
        assert_eq!(PersonName::parse("   "), Err(NameError::Empty));
        assert_eq!(PersonName::parse(&"x".repeat(101)), Err(NameError::TooLong));
    }

    #[test]
    fn password_policy_rejects_short_common_and_personal_passwords() {
        let check = |p: &str| Password::new_checked(p, "Ada Lovelace", "ada@example.org");
        assert_eq!(check("short").err(), Some(PasswordError::TooShort));
        assert_eq!(check("password2024!").err(), Some(PasswordError::Common));
        assert_eq!(check("Qwertyuiop").err(), Some(PasswordError::Common));
        assert_eq!(check("aaaaaaaaaaaa").err(), Some(PasswordError::Common));
        assert_eq!(check("abcdefghijkl").err(), Some(PasswordError::Common));
        assert_eq!(
            check("lovelace-rocks-77").err(),
            Some(PasswordError::Personal)
        );
        assert!(check("tangerine-orbit-42").is_ok());
    }
}
