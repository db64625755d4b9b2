//! TLS with the test CA: verify-full passes with the right CA and host, and fails with
//! another CA or another name; verify-ca checks the chain only; a server that refuses clear
//! text stays refused; logins fail with their own codes.

use certisante_group::{connect, Address};

use crate::cluster;

fn code(url: &str) -> String {
    match connect(&Address::parse(url).unwrap(), None) {
        Ok(_) => "connected".into(),
        Err(e) => e.code().to_owned(),
    }
}

fn message(url: &str) -> String {
    connect(&Address::parse(url).unwrap(), None).err().map(|e| e.to_string()).unwrap_or_default()
}

#[test]
fn tls_verify_full_with_the_test_ca() {
    let Some(cluster) = cluster() else { return };
    let db = cluster.database();
    let role = db.role("tls", &[]);
    let (user, password, port, ca) = (&role.name, &role.password, cluster.port(), cluster.ca());
    let base = |host: &str, query: &str| format!("postgresql://{user}:{password}@{host}:{port}/{}?{query}", db.name);

    assert_eq!(code(&base("127.0.0.1", &format!("sslmode=verify-full&sslrootcert={ca}"))), "connected");
    assert_eq!(code(&base("localhost", &format!("sslmode=verify-full&sslrootcert={ca}"))), "connected");
    // No sslmode over TCP: verify-full all the same.
    assert_eq!(code(&base("localhost", &format!("sslrootcert={ca}"))), "connected");

    // Another CA: the server is not trusted.
    let other = tempfile::tempdir().unwrap();
    let other_ca = other.path().join("other-ca.pem");
    std::fs::write(&other_ca, certisante_testpki::Hierarchy::new().root_pem()).unwrap();
    let url = base("127.0.0.1", &format!("sslmode=verify-full&sslrootcert={}", other_ca.display()));
    assert_eq!(code(&url), "group.tls", "{}", message(&url));
    // The right CA, another name (the address reached is the server's, the name is not in
    // its certificate): verify-full refuses it, verify-ca accepts it.
    let renamed = |mode: &str| format!("postgresql://{user}:{password}@wrong.example:{port}/{}?hostaddr=127.0.0.1&sslmode={mode}&sslrootcert={ca}", db.name);
    assert_eq!(code(&renamed("verify-full")), "group.tls", "{}", message(&renamed("verify-full")));
    assert!(message(&renamed("verify-full")).to_lowercase().contains("name"), "{}", message(&renamed("verify-full")));
    assert_eq!(code(&renamed("verify-ca")), "connected");
    // A CA file that is not one.
    let junk = other.path().join("junk.pem");
    std::fs::write(&junk, "not a certificate").unwrap();
    assert_eq!(code(&base("127.0.0.1", &format!("sslmode=verify-full&sslrootcert={}", junk.display()))), "group.root_certificates");

    // The server refuses clear text over TCP: without TLS no login.
    assert_eq!(code(&base("127.0.0.1", "sslmode=disable")), "group.authentication");
    // Wrong password, and no password at all.
    let wrong = format!("postgresql://{user}:nope@127.0.0.1:{port}/{}?sslrootcert={ca}", db.name);
    assert_eq!(code(&wrong), "group.authentication");
    assert!(!message(&wrong).contains("nope"), "{}", message(&wrong));
    let none = format!("postgresql://{user}@127.0.0.1:{port}/{}?sslrootcert={ca}", db.name);
    assert_eq!(code(&none), "group.no_password", "{}", message(&none));
}
