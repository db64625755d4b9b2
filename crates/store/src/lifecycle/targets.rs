//! Where an order's certificate can be installed on this computer, and where it should go
//! by default: the install dialog offers exactly this list (each OS's stores, files
//! everywhere), pre-selecting what the usage and the key's user call for, with the reason.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::csr::OrderRequest;
use crate::igc::{Offer, Usage};

/// One place the dialog offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InstallPlace {
    /// A .p12 file (everywhere).
    P12,
    /// PEM files: key, certificate, chain (everywhere).
    PemFiles,
    /// The user's NSS database (Linux: Firefox, Chromium, NSS-based software).
    Nss,
    /// Windows: the user's "My" store ("Magasin Windows de l'utilisateur").
    WindowsUser,
    /// Windows: the computer's "My" store, for services under a system account.
    WindowsMachine,
    /// macOS: the login keychain.
    MacKeychain,
}

/// Why the default is the default: one sentence in the dialog (the UI's text per value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum InstallAdvice {
    /// A server certificate on Windows: the server (IIS, a service) runs under a system
    /// account, which reads the computer's store.
    WindowsServer,
    /// Calls made without a user (INSI-AUTO): the software runs as a service under a system
    /// account, which reads the computer's store.
    WindowsUnattended,
    /// Software in the user's Windows session reads the user's store.
    WindowsSession,
    /// Software in the user's macOS session reads the login keychain.
    MacSession,
    /// Servers (Apache, nginx, HAProxy) read PEM files.
    ServerFiles,
    /// Firefox, Chromium and NSS-based software read the user's NSS database.
    Browser,
    /// Signing and encryption software reads a .p12 file.
    P12File,
}

/// What the dialog offers for one order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct InstallChoices {
    /// The places of this platform, in the order offered.
    pub places: Vec<InstallPlace>,
    /// The default: one of `places`.
    pub recommended: InstallPlace,
    pub advice: InstallAdvice,
}

/// The operating systems whose places differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    Windows,
    MacOs,
    /// Linux and the other unixes (NSS).
    Unix,
}

impl Platform {
    /// The platform this was built for.
    pub const fn current() -> Self {
        if cfg!(windows) {
            Self::Windows
        } else if cfg!(target_os = "macos") {
            Self::MacOs
        } else {
            Self::Unix
        }
    }
}

/// The CNs whose certificates are used without a user: common-names.json says INSI-AUTO is
/// for "appels automatisés, sans utilisateur" (INSI-MANU: calls made by a user).
const UNATTENDED_CNS: &[&str] = &["INSI-AUTO"];

/// What this computer offers for `request`'s certificate.
pub fn install_choices(request: &OrderRequest) -> InstallChoices {
    choices_for(Platform::current(), request)
}

/// What `platform` offers for `request`'s certificate.
pub fn choices_for(platform: Platform, request: &OrderRequest) -> InstallChoices {
    use InstallAdvice as A;
    use InstallPlace as P;
    let server = request.offer == Offer::Serv || request.usage == Usage::SslServ;
    let unattended = UNATTENDED_CNS.iter().any(|cn| request.common_name.trim().eq_ignore_ascii_case(cn));
    let (places, recommended, advice) = match platform {
        Platform::Windows => {
            let (recommended, advice) = if server {
                (P::WindowsMachine, A::WindowsServer)
            } else if unattended {
                (P::WindowsMachine, A::WindowsUnattended)
            } else {
                (P::WindowsUser, A::WindowsSession)
            };
            (vec![P::WindowsUser, P::WindowsMachine, P::P12, P::PemFiles], recommended, advice)
        }
        Platform::MacOs => {
            let (recommended, advice) = if server { (P::PemFiles, A::ServerFiles) } else { (P::MacKeychain, A::MacSession) };
            (vec![P::MacKeychain, P::P12, P::PemFiles], recommended, advice)
        }
        Platform::Unix => {
            let (recommended, advice) = if server || unattended {
                (P::PemFiles, A::ServerFiles)
            } else if request.usage == Usage::AuthCli {
                (P::Nss, A::Browser)
            } else {
                (P::P12, A::P12File)
            };
            (vec![P::Nss, P::P12, P::PemFiles], recommended, advice)
        }
    };
    InstallChoices { places, recommended, advice }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::igc::Environment;

    fn request(offer: Offer, usage: Usage, cn: &str) -> OrderRequest {
        OrderRequest {
            environment: Environment::Test,
            offer,
            usage,
            organization: "CLINIQUE DES LILAS".into(),
            structure_id: "11B0073160".into(),
            department: "75".into(),
            common_name: cn.into(),
        }
    }

    #[test]
    fn each_platform_offers_its_stores_and_files() {
        let user = request(Offer::Org, Usage::AuthCli, "DMP");
        use InstallPlace as P;
        assert_eq!(choices_for(Platform::Windows, &user).places, [P::WindowsUser, P::WindowsMachine, P::P12, P::PemFiles]);
        assert_eq!(choices_for(Platform::MacOs, &user).places, [P::MacKeychain, P::P12, P::PemFiles]);
        assert_eq!(choices_for(Platform::Unix, &user).places, [P::Nss, P::P12, P::PemFiles]);
        for platform in [Platform::Windows, Platform::MacOs, Platform::Unix] {
            for (offer, usage, cn) in [(Offer::Org, Usage::AuthCli, "DMP"), (Offer::Org, Usage::Sign, "ROC"), (Offer::Serv, Usage::SslServ, "x.fr")] {
                let choices = choices_for(platform, &request(offer, usage, cn));
                assert!(choices.places.contains(&choices.recommended), "{platform:?} {usage:?}");
            }
        }
    }

    #[test]
    fn the_default_follows_the_usage_and_who_uses_the_key() {
        use InstallAdvice as A;
        use InstallPlace as P;
        let pick = |platform, offer, usage, cn: &str| {
            let c = choices_for(platform, &request(offer, usage, cn));
            (c.recommended, c.advice)
        };
        assert_eq!(pick(Platform::Windows, Offer::Org, Usage::AuthCli, "INSI-MANU"), (P::WindowsUser, A::WindowsSession));
        assert_eq!(pick(Platform::Windows, Offer::Org, Usage::AuthCli, "INSI-AUTO"), (P::WindowsMachine, A::WindowsUnattended));
        assert_eq!(pick(Platform::Windows, Offer::Serv, Usage::SslServ, "portail.clinique.fr"), (P::WindowsMachine, A::WindowsServer));
        assert_eq!(pick(Platform::MacOs, Offer::Org, Usage::Sign, "ROC"), (P::MacKeychain, A::MacSession));
        assert_eq!(pick(Platform::MacOs, Offer::Serv, Usage::SslServ, "portail.clinique.fr"), (P::PemFiles, A::ServerFiles));
        assert_eq!(pick(Platform::Unix, Offer::Org, Usage::AuthCli, "DMP"), (P::Nss, A::Browser));
        assert_eq!(pick(Platform::Unix, Offer::Org, Usage::Sign, "ROC"), (P::P12, A::P12File));
        assert_eq!(pick(Platform::Unix, Offer::Org, Usage::AuthCli, "INSI-AUTO"), (P::PemFiles, A::ServerFiles));
    }

    /// The list this build offers: the Windows stores on Windows (run under Wine in the
    /// test command), NSS on Linux.
    #[test]
    fn this_build_offers_its_platforms_places() {
        let choices = install_choices(&request(Offer::Org, Usage::AuthCli, "INSI-MANU"));
        if cfg!(windows) {
            assert_eq!(choices.places[..2], [InstallPlace::WindowsUser, InstallPlace::WindowsMachine]);
            assert_eq!(choices.recommended, InstallPlace::WindowsUser);
        } else if cfg!(target_os = "linux") {
            assert_eq!(choices.places[0], InstallPlace::Nss);
            assert!(!choices.places.contains(&InstallPlace::WindowsUser));
        }
    }
}
