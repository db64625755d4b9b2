//! `certisante teleservice|habilitation|procedure`: which téléservices each certificate
//! serves, what the establishment's administrators are habilitated for (form n°413), and
//! ANS's procedure (the three steps, forms, customer service). `--json` is the contract.

use certisante_api::model::*;
use clap::Subcommand;

use crate::orders::{OfferArg, UsageArg};
use crate::{print_json, text, Context, Failure};

type Outcome = Result<u8, Failure>;

#[derive(Subcommand)]
pub enum TeleserviceAction {
    /// The known téléservices (id, name, what each profile serves).
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record the téléservices a certificate serves (none: it serves none); replaces what was recorded.
    Set {
        /// The certificate's SHA-256, or its first 8 hexadecimal digits or more.
        certificate: String,
        /// Téléservice ids: DMP, INSi, ROC, MSSante, SAS...
        teleservices: Vec<String>,
    },
}

#[derive(Subcommand)]
pub enum HabilitationAction {
    /// The recorded habilitations.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Record that the establishment's technical administrators are habilitated (form n°413).
    Add {
        #[command(flatten)]
        habilitation: HabilitationArgs,
        /// Free text: who holds it, when the form was sent...
        #[arg(long, default_value = "")]
        note: String,
    },
    Remove {
        #[command(flatten)]
        habilitation: HabilitationArgs,
    },
}

#[derive(clap::Args)]
pub struct HabilitationArgs {
    /// The establishment: FINESS (9) or SIRET (14), with or without its 1/3 prefix.
    #[arg(long)]
    structure_id: String,
    #[arg(long, value_enum)]
    offer: OfferArg,
    #[arg(long, value_enum)]
    usage: UsageArg,
    /// Only for this téléservice (form n°413 part 4.1); any when absent.
    #[arg(long)]
    teleservice: Option<String>,
}

impl HabilitationArgs {
    fn habilitation(&self, note: String) -> Habilitation {
        Habilitation {
            structure_id: self.structure_id.clone(),
            offer: self.offer.into(),
            usage: self.usage.into(),
            teleservice: self.teleservice.clone(),
            note,
        }
    }
}

pub fn teleservice(action: TeleserviceAction, context: &Context) -> Outcome {
    let lang = context.lang;
    match action {
        TeleserviceAction::List { json } => {
            let all = certisante_api::teleservices();
            if json {
                print_json(&all)?;
            } else {
                for service in all {
                    println!("{:<8} {}", service.id, text::pick_name(lang, &service.name_fr, &service.name_en));
                    for used in &service.uses {
                        println!(
                            "         {:<4} {:<9} {}",
                            crate::enum_text(&used.offer),
                            crate::enum_text(&used.usage),
                            text::pick_name(lang, &used.what_fr, &used.what_en)
                        );
                    }
                }
            }
            Ok(0)
        }
        TeleserviceAction::Set { certificate, teleservices } => {
            let ties = context.api(true)?.set_teleservices(&certificate, &teleservices).map_err(|e| context.fail(e, true))?;
            println!("{}", text::teleservices_recorded(lang, &certificate, &ties));
            Ok(0)
        }
    }
}

pub fn habilitation(action: HabilitationAction, context: &Context) -> Outcome {
    let lang = context.lang;
    let refused = |e| context.fail(e, true);
    match action {
        HabilitationAction::List { json } => {
            let all = context.api(false)?.habilitations().map_err(|e| context.fail(e, false))?;
            if json {
                print_json(&all)?;
            } else if all.is_empty() {
                println!("{}", text::no_habilitation(lang));
            } else {
                for h in &all {
                    let service = h.teleservice.as_deref().unwrap_or("*");
                    println!("{:<16} {:<4} {:<9} {:<8} {}", h.structure_id, crate::enum_text(&h.offer), crate::enum_text(&h.usage), service, h.note);
                }
            }
            Ok(0)
        }
        HabilitationAction::Add { habilitation, note } => {
            let recorded = context.api(true)?.record_habilitation(&habilitation.habilitation(note)).map_err(refused)?;
            println!("{}", text::habilitation_recorded(lang, &recorded.structure_id));
            Ok(0)
        }
        HabilitationAction::Remove { habilitation } => {
            let removed = context.api(true)?.remove_habilitation(&habilitation.habilitation(String::new())).map_err(refused)?;
            println!("{}", text::habilitation_removed(lang, removed));
            Ok(if removed { 0 } else { 1 })
        }
    }
}

/// ANS's procedure: the three steps, the forms, the roles, customer service.
pub fn procedure(json: bool, context: &Context) -> Outcome {
    let procedure = certisante_api::procedure();
    if json {
        print_json(procedure)?;
        return Ok(0);
    }
    let lang = context.lang;
    let fr = matches!(lang, text::Lang::Fr);
    let pick = |fr_text: &str, en_text: &str| if fr { fr_text.to_owned() } else { en_text.to_owned() };
    for step in &procedure.steps {
        println!("{}", pick(&step.title_fr, &step.title_en));
        for item in &step.items {
            let form = item.otherwise_form.as_deref().map(|n| text::otherwise_form(lang, n)).unwrap_or_default();
            println!("  - {}{form}", pick(&item.text_fr, &item.text_en));
        }
    }
    if let Some(platform) = procedure.platforms.iter().find(|p| p.opened_by_the_app) {
        println!("{}", text::platform_line(lang, &platform.url));
    }
    let service = &procedure.customer_service;
    println!("{}", text::customer_service(lang, &service.email, &service.phone, &pick(&service.hours_fr, &service.hours_en)));
    Ok(0)
}
