//! The group inventory against a real PostgreSQL 15 (tests/harness/postgres.sh: the cluster
//! scripts/test.sh starts, one database per test; a private cluster for the tests that stop
//! the server), with real registries (SQLite) holding certificates of the test PKI.
//!
//!   bash tests/harness/postgres.sh start /tmp/pg && CERTISANTE_POSTGRES_HARNESS=/tmp/pg cargo test -p certisante-group
//!
//! Without the harness each test says loudly that it did not run.

mod access;
mod limits;
mod outage;
mod publish;
mod tls;

use std::path::PathBuf;
use std::sync::OnceLock;

use certisante_group::publish::PublishSummary;
use certisante_group::read::ReadOptions;
use certisante_group::{schema, snapshot, Address, GroupError};
use certisante_pki::view::Thresholds;
use certisante_store::inventory::ScanOptions;
use certisante_store::registry::Registry;
use certisante_testpki::postgres::{Cluster, Database};
use certisante_testpki::{Hierarchy, Leaf, LeafSpec, Usage};

/// The shared cluster, or None after saying loudly that the test did not run.
pub fn cluster() -> Option<&'static Cluster> {
    let cluster = Cluster::shared();
    if cluster.is_none() {
        eprintln!("\n*** SKIPPED: no PostgreSQL: {} ***\n", Cluster::missing().unwrap_or_default());
    }
    cluster
}

/// A new database of the shared cluster with the inventory's schema.
pub fn group_database(cluster: &Cluster) -> Database {
    let database = cluster.database();
    init(&database.admin_url());
    database
}

pub fn init(url: &str) -> schema::InitReport {
    let session = certisante_group::connect(&Address::parse(url).unwrap(), None).unwrap();
    schema::init(&session).unwrap()
}

pub fn read_options() -> ReadOptions {
    ReadOptions { thresholds: Thresholds::default(), now: chrono::Utc::now() }
}

/// The test PKI, and leaves made once (RSA keys take a moment).
pub struct Pki {
    pub hierarchy: Hierarchy,
    pub leaves: Vec<(String, Leaf)>,
}

pub fn pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(|| {
        let hierarchy = Hierarchy::new();
        let key = hierarchy.issue(&LeafSpec::new(Usage::AuthCli, "KEY", 100)).key_pem;
        let specs = [
            (Usage::AuthCli, "DMP", 400, "310000001"),
            (Usage::Sign, "MSSANTE SIGNATURE", 80, "310000001"),
            (Usage::Conf, "MSSANTE CHIFFREMENT", 25, "320000002"),
            (Usage::SslServ, "portail.ch-test.fr", 5, "320000002"),
            (Usage::AuthCli, "INSI-AUTO", -3, "330000003"),
            (Usage::AuthCli, "ROC", 200, "330000003"),
        ];
        let leaves = specs
            .iter()
            .enumerate()
            .map(|(i, (usage, cn, days, finess))| {
                let mut spec = LeafSpec::new(*usage, cn, *days);
                spec.structure_id = format!("1{finess}");
                spec.serial = 0x5000 + i as u64;
                spec.key = Some(key.clone());
                (cn.to_string(), hierarchy.issue(&spec))
            })
            .collect();
        Pki { hierarchy, leaves }
    })
}

pub fn leaf(cn: &str) -> &'static Leaf {
    &pki().leaves.iter().find(|(name, _)| name == cn).unwrap_or_else(|| panic!("no leaf {cn}")).1
}

/// A workstation: its own registry watching its own folder of certificates.
pub struct Workstation {
    _dir: tempfile::TempDir,
    pub name: String,
    pub registry: Registry,
    pub certs: PathBuf,
}

impl Workstation {
    pub fn new(name: &str, cns: &[&str]) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let certs = dir.path().join("certs");
        std::fs::create_dir_all(&certs).unwrap();
        let registry = Registry::open(&dir.path().join("registry.sqlite3")).unwrap();
        registry.add_watch(&certs).unwrap();
        let workstation = Workstation { _dir: dir, name: name.to_owned(), registry, certs };
        for cn in cns {
            workstation.add(cn);
        }
        workstation.scan();
        workstation
    }

    pub fn file(&self, cn: &str) -> PathBuf {
        self.certs.join(format!("{}.pem", cn.replace(' ', "_")))
    }

    pub fn add(&self, cn: &str) {
        std::fs::write(self.file(cn), &leaf(cn).cert_pem).unwrap();
    }

    pub fn remove(&self, cn: &str) {
        std::fs::remove_file(self.file(cn)).unwrap();
    }

    pub fn scan(&self) {
        self.registry.scan(&|_| {}).unwrap();
    }

    pub fn items(&self) -> Vec<certisante_store::group_outbox::GroupItem> {
        let report = self.registry.list(&ScanOptions::default()).unwrap();
        let orders = certisante_store::lifecycle::list_orders(&self.registry).unwrap();
        snapshot::items(&self.name, &report, &orders)
    }

    pub fn publish(&self, url: &str) -> Result<PublishSummary, GroupError> {
        self.publish_as(url, &self.name)
    }

    pub fn publish_as(&self, url: &str, name: &str) -> Result<PublishSummary, GroupError> {
        let address = Address::parse(url)?;
        let report = self.registry.list(&ScanOptions::default()).unwrap();
        let orders = certisante_store::lifecycle::list_orders(&self.registry).unwrap();
        let items = snapshot::items(name, &report, &orders);
        certisante_group::publish::publish(&self.registry, &address, None, name, &items)
    }
}
