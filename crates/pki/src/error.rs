//! The one error model. Every module has its own `thiserror` enum; each implements
//! [`CodedError`] through [`error_codes!`], which gives every failure a stable code (what
//! the UI, scripts and tests match, never the message) and lists every code the enum can
//! give, so that the full set can be exported and checked against the UI's texts.

use serde::Serialize;
use ts_rs::TS;

/// An error with a stable code such as `certs.p12_bad_password`.
pub trait CodedError: std::error::Error {
    fn code(&self) -> &'static str;

    /// Every code this type can give, those of the errors it wraps included.
    fn codes() -> Vec<&'static str>
    where
        Self: Sized;
}

/// Implements [`CodedError`] from one table: a pattern and its code per variant, and the
/// variants that wrap another coded error (their code is the inner error's).
///
/// ```ignore
/// error_codes!(CertsError {
///     Self::Empty => "certs.empty_file",
///     Self::TooLarge(_) => "certs.file_too_large",
/// } wraps { Registry(RegistryError) });
/// ```
#[macro_export]
macro_rules! error_codes {
    ($ty:ty { $($pat:pat => $code:literal),* $(,)? } $(wraps { $($variant:ident($inner:ty)),* $(,)? })?) => {
        impl $crate::CodedError for $ty {
            fn code(&self) -> &'static str {
                match self {
                    $($pat => $code,)*
                    $($(Self::$variant(inner) => $crate::CodedError::code(inner),)*)?
                }
            }

            fn codes() -> ::std::vec::Vec<&'static str> {
                #[allow(unused_mut)]
                let mut all: ::std::vec::Vec<&'static str> = ::std::vec![$($code),*];
                $($(all.extend(<$inner as $crate::CodedError>::codes());)*)?
                all
            }
        }

        #[allow(dead_code)]
        impl $ty {
            /// The stable code (see [`CodedError`]), callable without importing the trait.
            pub fn code(&self) -> &'static str {
                <Self as $crate::CodedError>::code(self)
            }
        }
    };
}

/// The only error shape a front end receives: it matches `code`, never `message`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct ApiError {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Self { code: code.to_owned(), message: message.into() }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code)
    }
}

/// Every coded error becomes an `ApiError` the same way: its code, its message.
impl<E: CodedError> From<E> for ApiError {
    fn from(error: E) -> Self {
        Self { code: error.code().to_owned(), message: error.to_string() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Inner {
        #[error("inner a")]
        A,
    }
    error_codes!(Inner { Self::A => "inner.a" });

    #[derive(Debug, thiserror::Error)]
    enum Outer {
        #[error("outer {0}")]
        B(u32),
        #[error(transparent)]
        Wrapped(#[from] Inner),
    }
    error_codes!(Outer { Self::B(_) => "outer.b" } wraps { Wrapped(Inner) });

    #[test]
    fn codes_and_conversion() {
        assert_eq!(Outer::B(3).code(), "outer.b");
        assert_eq!(Outer::from(Inner::A).code(), "inner.a");
        assert_eq!(Outer::codes(), ["outer.b", "inner.a"]);
        let api: ApiError = Outer::B(7).into();
        assert_eq!(api, ApiError { code: "outer.b".into(), message: "outer 7".into() });
    }
}
