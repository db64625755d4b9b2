//! The CRLs of one refresh: downloaded at most daily per URL (see the module's
//! documentation), verified before they are kept, the kept copy used while the server
//! cannot be reached.

use std::collections::HashMap;

use certisante_pki::revocation::{verify_crl, Answer, Result, RevocationError, VerifiedCrl, MAX_ANSWER_AGE};
use chrono::{DateTime, Utc};

use crate::registry::Registry;
use x509_parser::prelude::*;

use super::cache::{self, CachedCrl};
use super::fetch::{Client, MAX_CRL_SIZE};

/// The copy kept is due for a new download.
fn due(cached: &CachedCrl, force: bool, now: DateTime<Utc>) -> bool {
    force || cached.fetched_at + MAX_ANSWER_AGE <= now || cached.next_update.is_some_and(|next| next <= now)
}

/// The CRLs of one refresh, by URL: verified and current, or why not.
pub(crate) struct CrlStore {
    crls: HashMap<String, Result<VerifiedCrl>>,
    pub downloaded: u32,
}

impl CrlStore {
    /// Brings each (URL, issuer) up to date: downloads what is due (in parallel), keeps
    /// what verifies, and falls back on the kept copy when the server cannot be reached.
    pub(crate) fn load(registry: &Registry, client: &Client, urls: &[(String, Vec<u8>)], force: bool, now: DateTime<Utc>) -> rusqlite::Result<Self> {
        let mut kept = Vec::with_capacity(urls.len());
        for (url, _) in urls {
            kept.push(cache::crl(&registry.read(), url)?);
        }
        let to_fetch: Vec<usize> = (0..urls.len()).filter(|&i| kept[i].as_ref().is_none_or(|c| due(c, force, now))).collect();
        let fetched = super::parallel(&to_fetch, |&i| client.get(&urls[i].0, MAX_CRL_SIZE));
        let mut fetched: HashMap<usize, Result<Vec<u8>>> = to_fetch.into_iter().zip(fetched).collect();

        let mut store = Self { crls: HashMap::new(), downloaded: 0 };
        for (i, (url, issuer)) in urls.iter().enumerate() {
            let outcome = match fetched.remove(&i) {
                Some(Ok(der)) => {
                    store.downloaded += 1;
                    match verify_crl(&der, issuer, now) {
                        Ok(crl) => {
                            registry.write(|tx| cache::store_crl(tx, url, &der, &crl, now))?;
                            Ok(crl)
                        }
                        Err(e) => Err(e),
                    }
                }
                // Unreachable: the copy kept still answers while it is current.
                Some(Err(network)) => match &kept[i] {
                    Some(copy) => verify_crl(&copy.der, issuer, copy.fetched_at).and_then(|crl| crl.check_current(now).map(|()| crl)).map_err(|_| network),
                    None => Err(network),
                },
                None => {
                    let copy = kept[i].as_ref().expect("not fetched means kept");
                    verify_crl(&copy.der, issuer, copy.fetched_at)
                }
            };
            store.crls.insert(url.clone(), outcome.and_then(|crl| crl.check_current(now).map(|()| crl)));
        }
        Ok(store)
    }

    /// The first answer the certificate's CRLs give, or the first one's failure.
    pub(crate) fn answer(&self, urls: &[String], der: &[u8]) -> Result<Answer> {
        let (_, cert) = parse_x509_certificate(der).map_err(|e| RevocationError::CertificateInvalid(e.to_string()))?;
        let mut first_failure = None;
        for url in urls {
            match self.crls.get(url) {
                Some(Ok(crl)) => return Ok(crl.answer_for(cert.raw_serial())),
                Some(Err(e)) if first_failure.is_none() => first_failure = Some(e.clone()),
                _ => {}
            }
        }
        Err(first_failure.unwrap_or(RevocationError::NoSource))
    }
}
