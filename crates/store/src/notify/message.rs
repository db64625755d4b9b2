//! The words of e-mail and webhook alerts, in French (English when the settings say so):
//! the certificate, where it lives, the days left, and what to do next (the renewal
//! steps and the platform, from `assets/renewal.json`).

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::{DateTime, Local, Utc};
use serde::Deserialize;

use crate::alerts::{days_for, Alert};
use crate::settings::Settings;
use crate::view::{CertificateView, PlaceKind};

use super::MailSettings;

#[derive(Deserialize)]
struct Renewal {
    platform: String,
    steps: BTreeMap<String, Vec<String>>,
}

fn renewal() -> &'static Renewal {
    static RENEWAL: OnceLock<Renewal> = OnceLock::new();
    RENEWAL.get_or_init(|| serde_json::from_str(include_str!("../../assets/renewal.json")).expect("renewal.json is valid"))
}

/// The IGC-Santé platform's address the messages point to.
pub fn platform_url() -> &'static str {
    &renewal().platform
}

fn steps(english: bool) -> Vec<String> {
    let language = if english { "en" } else { "fr" };
    renewal().steps.get(language).map(|steps| steps.iter().map(|s| s.replace("{platform}", platform_url())).collect()).unwrap_or_default()
}

fn date(at: DateTime<Utc>) -> String {
    at.with_timezone(&Local).format("%d/%m/%Y").to_string()
}

fn enum_text<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

/// "7 et 0" / "7 and 0".
fn join(days: &[i64], english: bool) -> String {
    let words: Vec<String> = days.iter().map(i64::to_string).collect();
    match words.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} {} {last}", rest.join(", "), if english { "and" } else { "et" }),
    }
}

/// "30 et 7 jours avant la fin, puis le jour même".
fn reminders(days: &[i64], english: bool) -> String {
    let before: Vec<i64> = days.iter().copied().filter(|&d| d > 0).collect();
    let on_the_day = days.contains(&0);
    match (before.is_empty(), on_the_day, english) {
        (true, true, false) => "Prochain rappel : le jour de la fin.".into(),
        (true, true, true) => "Next reminder: on the last day.".into(),
        (true, false, false) => "Ce message est le dernier rappel prévu pour ce certificat.".into(),
        (true, false, true) => "This is the last reminder planned for this certificate.".into(),
        (false, true, false) => format!("Prochains rappels : {} jours avant la fin, puis le jour même.", join(&before, false)),
        (false, true, true) => format!("Next reminders: {} days before the end, then on the day itself.", join(&before, true)),
        (false, false, false) => format!("Prochains rappels : {} jours avant la fin.", join(&before, false)),
        (false, false, true) => format!("Next reminders: {} days before the end.", join(&before, true)),
    }
}

/// One alert about one certificate, ready to be worded.
pub(crate) struct Notice<'a> {
    alert: &'a Alert,
    cert: &'a CertificateView,
    english: bool,
    workstation: &'a str,
    /// The reminders still to come for this certificate, most distant first.
    next: Vec<i64>,
}

impl<'a> Notice<'a> {
    pub(crate) fn new(alert: &'a Alert, cert: &'a CertificateView, settings: &Settings, workstation: &'a str) -> Self {
        let next = if alert.expired {
            vec![]
        } else {
            days_for(settings, cert.structure_id.as_deref()).iter().copied().filter(|&d| d < alert.threshold_days && d >= 0).collect()
        };
        Self { alert, cert, english: settings.language == "en", workstation, next }
    }

    fn language(&self) -> &'static str {
        if self.english {
            "en"
        } else {
            "fr"
        }
    }

    /// French puts a space before a colon.
    fn colon(&self) -> &'static str {
        if self.english {
            ": "
        } else {
            " : "
        }
    }

    /// "dans 25 jours (le 28/12/2026)", "expiré le 28/12/2026"...
    fn when(&self) -> String {
        let (days, end) = (self.alert.days_left, date(self.alert.ends_at));
        let plural = if days > 1 { "s" } else { "" };
        match (self.english, self.alert.expired, days) {
            (false, true, _) => format!("plus utilisable depuis le {end}"),
            (false, false, 0) => format!("plus utilisable dans moins d'un jour (le {end})"),
            (false, false, _) => format!("plus utilisable dans {days} jour{plural} (le {end})"),
            (true, true, _) => format!("no longer usable since {end}"),
            (true, false, 0) => format!("no longer usable in less than a day ({end})"),
            (true, false, _) => format!("no longer usable in {days} day{plural} ({end})"),
        }
    }

    fn establishment(&self) -> String {
        let cert = self.cert;
        match (&cert.organization, &cert.structure_id) {
            (Some(org), Some(id)) => format!("{org}, {id}"),
            (Some(org), None) => org.clone(),
            (None, Some(id)) => id.clone(),
            (None, None) => String::new(),
        }
    }

    fn next_reminders(&self) -> String {
        reminders(&self.next, self.english)
    }

    pub(crate) fn mail_subject(&self) -> String {
        let establishment = self.establishment();
        let establishment = if establishment.is_empty() { String::new() } else { format!(" ({establishment})") };
        format!("[CertiSanté] {}{}{}{establishment} — {}", self.alert.title(self.language()), self.colon(), self.alert.cn, self.when())
    }

    fn place_line(&self, kind: PlaceKind, path: &str, has_key: bool) -> String {
        let en = self.english;
        let what = match kind {
            PlaceKind::File if en => "file",
            PlaceKind::File => "fichier",
            PlaceKind::Nss if en => "NSS database",
            PlaceKind::Nss => "base NSS",
            PlaceKind::WindowsStore if en => "Windows certificate store",
            PlaceKind::WindowsStore => "magasin de certificats Windows",
            PlaceKind::MacosKeychain if en => "macOS keychain",
            PlaceKind::MacosKeychain => "trousseau macOS",
            PlaceKind::Keystore if en => "OS keystore (the order's private key)",
            PlaceKind::Keystore => "trousseau du système (la clé privée de la commande)",
        };
        let key = match (has_key && kind != PlaceKind::Keystore, en) {
            (false, _) => "",
            (true, false) => " (avec la clé privée)",
            (true, true) => " (with the private key)",
        };
        format!("  - {what} {path}{key}")
    }

    pub(crate) fn mail_body(&self) -> String {
        let (cert, alert, en) = (self.cert, self.alert, self.english);
        let mut out = String::new();
        let mut line = |text: String| {
            out.push_str(&text);
            out.push('\n');
        };
        line(if en { "Hello,".into() } else { "Bonjour,".into() });
        line(String::new());
        line(alert.body(self.language()));
        line(String::new());

        let field = |label_fr: &str, label_en: &str, value: String| format!("  {:<22}{value}", format!("{} :", if en { label_en } else { label_fr }));
        line(if en { "The certificate".into() } else { "Le certificat".into() });
        line(field("Nom (CN)", "Name (CN)", alert.cn.clone()));
        if let Some(org) = &cert.organization {
            line(field("Organisation", "Organisation", org.clone()));
        }
        if let Some(id) = &cert.structure_id {
            line(field("Structure", "Structure", format!("{id} ({})", enum_text(&cert.structure_kind))));
        }
        let profile = match (cert.offer, cert.usage) {
            (Some(offer), Some(usage)) => format!("{} {}, ", enum_text(&offer), enum_text(&usage)),
            _ => String::new(),
        };
        line(field("Profil", "Profile", format!("{profile}{} {}", if en { "environment" } else { "environnement" }, enum_text(&cert.environment))));
        let until = date(cert.usable_until);
        let ends = if cert.usable_until < cert.not_after {
            if en {
                format!("{until} (its signing key's usage period ends; the certificate itself on {})", date(cert.not_after))
            } else {
                format!("{until} (fin de la période d'usage de la clé de signature ; le certificat lui-même le {})", date(cert.not_after))
            }
        } else {
            until
        };
        line(field("Utilisable jusqu'au", "Usable until", ends));
        line(field("Valide depuis le", "Valid from", date(cert.not_before)));
        line(field("Numéro de série", "Serial number", cert.serial.clone()));
        line(field("Émetteur", "Issuer", cert.issuer.clone()));
        line(field("Empreinte SHA-256", "SHA-256", cert.sha256.clone()));
        line(String::new());

        line(if en { format!("Where it is (workstation {})", self.workstation) } else { format!("Où il se trouve (poste {})", self.workstation) });
        if cert.places.is_empty() {
            line(if en {
                "  - in no file or store any more: only its order in CertiSanté".into()
            } else {
                "  - dans aucun fichier ni magasin : seulement sa commande dans CertiSanté".into()
            });
        }
        for place in &cert.places {
            line(self.place_line(place.kind, &place.path, place.has_private_key));
        }
        line(String::new());

        line(if en { "What to do".into() } else { "Que faire".into() });
        if let Some(order) = &cert.order {
            match (&order.renewal, en) {
                (Some(renewal), false) => line(format!(
                    "  Un renouvellement est déjà en cours dans CertiSanté (commande {}, état {}) : le mener à son terme.",
                    renewal.id,
                    enum_text(&renewal.state)
                )),
                (Some(renewal), true) => {
                    line(format!("  A renewal is already under way in CertiSanté (order {}, state {}): see it through.", renewal.id, enum_text(&renewal.state)))
                }
                (None, false) if order.can_renew => {
                    line(format!("  Commande CertiSanté de ce certificat : {} (certisante order renew {}).", order.id, order.id))
                }
                (None, true) if order.can_renew => line(format!("  This certificate's CertiSanté order: {} (certisante order renew {}).", order.id, order.id)),
                _ => {}
            }
        }
        for (n, step) in steps(en).iter().enumerate() {
            line(format!("  {}. {step}", n + 1));
        }
        line(format!("  {} {}", if en { "IGC-Santé platform:" } else { "Plateforme IGC-Santé :" }, platform_url()));
        line(String::new());

        line(self.next_reminders());
        line("-- ".into());
        line(if en {
            format!("Sent by CertiSanté from workstation {}, once for this threshold ({} days).", self.workstation, alert.threshold_days)
        } else {
            format!("Envoyé par CertiSanté depuis le poste {}, une seule fois pour ce seuil ({} jours).", self.workstation, alert.threshold_days)
        });
        out
    }

    /// `{"text": ..., "certisante": {...}}`: the text Teams, Mattermost and Slack show,
    /// and the facts for tools that read JSON.
    pub(crate) fn webhook_payload(&self) -> serde_json::Value {
        let (cert, alert, en) = (self.cert, self.alert, self.english);
        let establishment = self.establishment();
        let mut text = format!("{}{}{}", alert.title(self.language()), self.colon(), alert.cn);
        if !establishment.is_empty() {
            text.push_str(&format!(" ({establishment})"));
        }
        text.push_str(&format!(" — {}\n{}", self.when(), alert.body(self.language())));
        let paths: Vec<&str> = cert.places.iter().map(|p| p.path.as_str()).collect();
        const SHOWN: usize = 5;
        let mut places = paths.iter().take(SHOWN).copied().collect::<Vec<_>>().join(", ");
        if paths.len() > SHOWN {
            places.push_str(&if en { format!(" and {} more", paths.len() - SHOWN) } else { format!(" et {} autres", paths.len() - SHOWN) });
        }
        if en {
            text.push_str(&format!("\nWorkstation: {}", self.workstation));
            if !places.is_empty() {
                text.push_str(&format!(" · places: {places}"));
            }
            text.push_str(&format!("\nRenewal: {}", platform_url()));
        } else {
            text.push_str(&format!("\nPoste : {}", self.workstation));
            if !places.is_empty() {
                text.push_str(&format!(" · emplacements : {places}"));
            }
            text.push_str(&format!("\nRenouvellement : {}", platform_url()));
        }
        serde_json::json!({
            "text": text,
            "certisante": {
                "sha256": cert.sha256,
                "cn": cert.cn,
                "organization": cert.organization,
                "structure_id": cert.structure_id,
                "environment": cert.environment,
                "offer": cert.offer,
                "usage": cert.usage,
                "not_after": cert.not_after,
                "usable_until": cert.usable_until,
                "days_left": alert.days_left,
                "threshold_days": alert.threshold_days,
                "expired": alert.expired,
                "workstation": self.workstation,
                "places": paths,
                "platform": platform_url(),
            }
        })
    }
}

/// A test e-mail: subject and body.
pub(crate) fn test_mail(language: &str, workstation: &str, settings: &MailSettings) -> (String, String) {
    let server = format!("{}:{}", settings.host.trim(), settings.port());
    let recipients = settings.all_recipients().join(", ");
    if language == "en" {
        (
            "[CertiSanté] Test message of the alerts".into(),
            format!(
                "Hello,\n\nThis message confirms that CertiSanté can send its certificate alerts from workstation {workstation} through {server}.\n\nRecipients: {recipients}\n\nEach alert tells the certificate, where it is, the days left and what to do (IGC-Santé platform: {}).\n",
                platform_url()
            ),
        )
    } else {
        (
            "[CertiSanté] Message d'essai des alertes".into(),
            format!(
                "Bonjour,\n\nCe message confirme que CertiSanté peut envoyer ses alertes de certificats depuis le poste {workstation} par {server}.\n\nDestinataires : {recipients}\n\nChaque alerte indique le certificat, où il se trouve, les jours restants et que faire (plateforme IGC-Santé : {}).\n",
                platform_url()
            ),
        )
    }
}

/// A test webhook payload.
pub(crate) fn test_webhook(language: &str, workstation: &str) -> serde_json::Value {
    let text = if language == "en" {
        format!("CertiSanté test message (workstation {workstation}): certificate alerts will arrive here.")
    } else {
        format!("Message d'essai de CertiSanté (poste {workstation}) : les alertes de certificats arriveront ici.")
    };
    serde_json::json!({ "text": text, "certisante": { "test": true, "workstation": workstation } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reminders_read_naturally() {
        assert_eq!(reminders(&[30, 7, 0], false), "Prochains rappels : 30 et 7 jours avant la fin, puis le jour même.");
        assert_eq!(reminders(&[60, 30, 7], false), "Prochains rappels : 60, 30 et 7 jours avant la fin.");
        assert_eq!(reminders(&[0], false), "Prochain rappel : le jour de la fin.");
        assert_eq!(reminders(&[], true), "This is the last reminder planned for this certificate.");
        assert_eq!(reminders(&[7, 0], true), "Next reminders: 7 days before the end, then on the day itself.");
    }

    #[test]
    fn the_steps_name_the_platform() {
        assert_eq!(platform_url(), "https://pfc-auth.eservices.esante.gouv.fr");
        for english in [false, true] {
            let steps = steps(english);
            assert_eq!(steps.len(), 4);
            assert!(steps[0].contains("https://pfc-auth.eservices.esante.gouv.fr") && !steps[0].contains("{platform}"));
        }
    }
}
