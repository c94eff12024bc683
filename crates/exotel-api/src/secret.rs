//! A string that must never be printed: the app secret, the token, the agent's `SipSecret`.

use std::fmt;

/// Holds a credential. `Debug` and `Display` print `[redacted]`; the value is only reachable
/// through [`Secret::expose`], so every place that uses it is easy to find.
///
/// It deliberately implements neither `Serialize` nor `Clone`-into-string helpers: a secret
/// reaches the wire or the keyring only by an explicit `expose()`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The value itself, for the one place that needs it (a request header or body, the keyring).
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(Secret)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = Secret::new("b*5#TGC$2!r&s#X2H1Rt");
        assert!(!format!("{s:?}").contains("TGC"));
        assert!(!format!("{s}").contains("TGC"));
        assert!(!format!("{:?}", Some(&s)).contains("TGC"));
        assert_eq!(s.expose(), "b*5#TGC$2!r&s#X2H1Rt");
    }
}
