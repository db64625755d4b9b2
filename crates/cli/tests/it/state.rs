//! The registry's state under concurrent starts: processes opening a fresh registry
//! together.

use std::path::Path;
use std::process::Command;

fn certisante(args: &[&str], data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_certisante"));
    command.args(args).env("CERTISANTE_DATA_DIR", data).env_remove("CERTISANTE_READ_ONLY");
    command
}

#[test]
fn processes_starting_together_on_a_fresh_registry_all_succeed() {
    for _ in 0..5 {
        let data = tempfile::tempdir().unwrap();
        // Started one after another, running together: each opens (and migrates) the same
        // new registry at about the same moment.
        let started: Vec<_> = (0..4)
            .map(|_| certisante(&["scan", "--json"], data.path()).stdout(std::process::Stdio::piped()).stderr(std::process::Stdio::piped()).spawn().unwrap())
            .collect();
        for child in started {
            let out = child.wait_with_output().unwrap();
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }
}
