//! `Sensitive<T>`: the one wrapper for PINs, passwords and private keys.
//! It zeroizes its content on drop, prints as `<redacted>` and cannot be serialized
//! (it implements neither `Serialize` nor `Display`), so a secret cannot reach a log,
//! a JSON answer or the registry by accident.

use std::fmt;
use zeroize::Zeroize;

pub struct Sensitive<T: Zeroize>(T);

impl<T: Zeroize> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }

    /// Access for the one call that needs the secret; keep the borrow short.
    pub fn expose(&self) -> &T {
        &self.0
    }

    /// Mutable access, to fill a secret in place (no copy left behind).
    pub fn expose_mut(&mut self) -> &mut T {
        &mut self.0
    }
}

impl<T: Zeroize> Drop for Sensitive<T> {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

impl<T: Zeroize> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl<T: Zeroize> From<T> for Sensitive<T> {
    fn from(value: T) -> Self {
        Self(value)
    }
}

impl<'de, T: Zeroize + serde::Deserialize<'de>> serde::Deserialize<'de> for Sensitive<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize(deserializer).map(Self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        let pin = Sensitive::new(String::from("1234"));
        assert_eq!(format!("{pin:?}"), "<redacted>");
        assert_eq!(pin.expose(), "1234");
    }
}
