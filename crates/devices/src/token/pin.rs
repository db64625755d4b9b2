//! The card's PIN state, read from the token flags, and the rules applied before and
//! after the one `C_Login` a login makes. Tries left, PIN length and lock rules are the
//! card's: nothing here is hard-coded, and a PIN is never retried.

use cryptoki::error::RvError;
use serde::Serialize;
use ts_rs::TS;

use super::TokenError;

/// What the token says about its user PIN.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct PinStatus {
    /// False when the token's information could not be read: every flag below is then
    /// unknown (shown false).
    pub known: bool,
    pub initialized: bool,
    /// A wrong PIN was entered since the last successful login (CKF_USER_PIN_COUNT_LOW).
    pub count_low: bool,
    /// The next wrong PIN locks the card (CKF_USER_PIN_FINAL_TRY).
    pub final_try: bool,
    /// The PIN is locked (CKF_USER_PIN_LOCKED): only the unblock code can free it.
    pub locked: bool,
    /// The PIN must be changed before use (CKF_USER_PIN_TO_BE_CHANGED).
    pub to_be_changed: bool,
    /// The middleware or a reader's pad asks the PIN itself (CKF_PROTECTED_AUTHENTICATION_PATH).
    pub protected_authentication_path: bool,
    /// PIN length limits in bytes, when the token gives them.
    pub min_length: Option<u32>,
    pub max_length: Option<u32>,
}

impl PinStatus {
    pub fn unknown() -> Self {
        Self::default()
    }

    pub(crate) fn from_flags(flags: u64, min_length: Option<u32>, max_length: Option<u32>) -> Self {
        use cryptoki_sys as sys;
        // CK_FLAGS is u32 on Windows, u64 elsewhere.
        #[allow(clippy::unnecessary_cast)]
        let has = |flag: sys::CK_FLAGS| flags & (flag as u64) != 0;
        Self {
            known: true,
            initialized: has(sys::CKF_USER_PIN_INITIALIZED),
            count_low: has(sys::CKF_USER_PIN_COUNT_LOW),
            final_try: has(sys::CKF_USER_PIN_FINAL_TRY),
            locked: has(sys::CKF_USER_PIN_LOCKED),
            to_be_changed: has(sys::CKF_USER_PIN_TO_BE_CHANGED),
            protected_authentication_path: has(sys::CKF_PROTECTED_AUTHENTICATION_PATH),
            min_length,
            max_length,
        }
    }

    /// The sentence shown after a wrong PIN: how close the card is to locking.
    pub fn wrong_pin_message(&self) -> &'static str {
        if self.locked {
            "wrong PIN: the card is now locked; unblock it with the card's unblock code using ANS's card tools (Cryptolib CPS)"
        } else if self.final_try {
            "wrong PIN: the next wrong PIN will lock the card"
        } else if self.count_low {
            "wrong PIN: few tries are left before the card locks"
        } else {
            "wrong PIN"
        }
    }
}

/// Decides, before anything reaches the token, whether a login may be attempted.
/// `pin_len` is the length in bytes of the PIN given, `None` when none was given.
pub(crate) fn check_before_login(status: &PinStatus, pin_len: Option<usize>) -> Result<(), TokenError> {
    // A locked card refuses every PIN: sending one would only expose it.
    if status.locked {
        return Err(TokenError::PinLocked { status: status.clone() });
    }
    match pin_len {
        // Without a PIN, only a token known to ask it itself can log in.
        None if status.known && status.protected_authentication_path => Ok(()),
        None | Some(0) => Err(TokenError::PinRequired),
        Some(len) => {
            let len = u32::try_from(len).unwrap_or(u32::MAX);
            let too_short = status.min_length.is_some_and(|min| len < min);
            let too_long = status.max_length.is_some_and(|max| len > max);
            if too_short || too_long {
                Err(TokenError::PinLength { min: status.min_length, max: status.max_length })
            } else {
                Ok(())
            }
        }
    }
}

/// Maps a failed `C_Login`, with the PIN status re-read after the failure.
pub(crate) fn login_error(rv: RvError, fresh: PinStatus) -> TokenError {
    match rv {
        RvError::PinIncorrect => TokenError::PinIncorrect { status: fresh },
        RvError::PinLocked => TokenError::PinLocked { status: fresh },
        RvError::PinLenRange => TokenError::PinLength { min: fresh.min_length, max: fresh.max_length },
        RvError::PinExpired => TokenError::PinExpired,
        RvError::FunctionCanceled => TokenError::LoginCancelled,
        RvError::UserAlreadyLoggedIn | RvError::UserAnotherAlreadyLoggedIn => TokenError::AlreadyLoggedIn,
        other => super::rv_error(other, "C_Login"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cryptoki_sys as sys;

    fn status(flags: sys::CK_FLAGS) -> PinStatus {
        #[allow(clippy::useless_conversion)] // CK_FLAGS is u32 on Windows
        PinStatus::from_flags(u64::from(flags), Some(4), Some(8))
    }

    #[test]
    fn flags_are_read_one_by_one() {
        let s = status(sys::CKF_USER_PIN_COUNT_LOW | sys::CKF_USER_PIN_INITIALIZED);
        assert!(s.known && s.initialized && s.count_low && !s.final_try && !s.locked && !s.protected_authentication_path);
        let s = status(sys::CKF_USER_PIN_FINAL_TRY);
        assert!(s.final_try && !s.locked);
        let s = status(sys::CKF_USER_PIN_LOCKED | sys::CKF_PROTECTED_AUTHENTICATION_PATH | sys::CKF_USER_PIN_TO_BE_CHANGED);
        assert!(s.locked && s.protected_authentication_path && s.to_be_changed);
        assert_eq!((s.min_length, s.max_length), (Some(4), Some(8)));
    }

    #[test]
    fn no_pin_is_accepted_only_with_a_protected_authentication_path() {
        let pad = status(sys::CKF_PROTECTED_AUTHENTICATION_PATH | sys::CKF_USER_PIN_INITIALIZED);
        assert_eq!(check_before_login(&pad, None), Ok(()));
        // A PIN typed in the app still goes to such a token (the middleware decides).
        assert_eq!(check_before_login(&pad, Some(4)), Ok(()));
        let keyboard = status(sys::CKF_USER_PIN_INITIALIZED);
        assert_eq!(check_before_login(&keyboard, None).unwrap_err().code(), "token.pin_required");
        // Unknown flags: the protected path cannot be assumed.
        assert_eq!(check_before_login(&PinStatus::unknown(), None).unwrap_err().code(), "token.pin_required");
    }

    #[test]
    fn a_locked_card_gets_no_pin() {
        let locked = status(sys::CKF_USER_PIN_LOCKED);
        let err = check_before_login(&locked, Some(4)).unwrap_err();
        assert_eq!(err.code(), "token.pin_locked");
        assert!(err.to_string().contains("unblock"), "{err}");
        let locked_pad = status(sys::CKF_USER_PIN_LOCKED | sys::CKF_PROTECTED_AUTHENTICATION_PATH);
        assert_eq!(check_before_login(&locked_pad, None).unwrap_err().code(), "token.pin_locked");
    }

    #[test]
    fn pin_length_is_checked_against_the_token_limits_only() {
        let s = status(0);
        assert_eq!(check_before_login(&s, Some(3)).unwrap_err().code(), "token.pin_length");
        assert_eq!(check_before_login(&s, Some(9)).unwrap_err().code(), "token.pin_length");
        assert_eq!(check_before_login(&s, Some(4)), Ok(()));
        assert_eq!(check_before_login(&s, Some(0)).unwrap_err().code(), "token.pin_required");
        // No limits known: any non-empty PIN goes to the token, which decides.
        assert_eq!(check_before_login(&PinStatus::unknown(), Some(40)), Ok(()));
    }

    #[test]
    fn login_failures_map_to_stable_codes() {
        let fresh = status(sys::CKF_USER_PIN_FINAL_TRY);
        let err = login_error(RvError::PinIncorrect, fresh.clone());
        assert_eq!(err.code(), "token.pin_incorrect");
        assert_eq!(err.pin_status(), Some(&fresh));
        assert!(err.to_string().contains("next wrong PIN will lock"), "{err}");
        assert_eq!(login_error(RvError::PinLocked, fresh.clone()).code(), "token.pin_locked");
        assert_eq!(login_error(RvError::PinLenRange, fresh.clone()).code(), "token.pin_length");
        assert_eq!(login_error(RvError::DeviceRemoved, fresh.clone()).code(), "token.card_removed");
        assert_eq!(login_error(RvError::TokenNotPresent, fresh.clone()).code(), "token.card_removed");
        assert_eq!(login_error(RvError::FunctionCanceled, fresh.clone()).code(), "token.login_cancelled");
        assert_eq!(login_error(RvError::GeneralError, fresh).code(), "token.pkcs11_error");
    }
}
