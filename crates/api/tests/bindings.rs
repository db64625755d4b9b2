//! The UI's TypeScript types are generated from Rust: this test fails when the committed
//! files in `ui/src/lib/bindings/` are stale. Regenerate with
//! `UPDATE_BINDINGS=1 cargo test -p certisante-api --test bindings`.

use std::path::PathBuf;

#[test]
fn ui_bindings_are_up_to_date() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/lib/bindings");
    let generated = certisante_api::bindings::typescript_bindings().expect("bindings generate");
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &generated {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut committed: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|_| panic!("{} is missing: run with UPDATE_BINDINGS=1", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            (path.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    committed.sort();
    let names = |v: &[(String, String)]| v.iter().map(|(n, _)| n.clone()).collect::<Vec<_>>();
    assert_eq!(names(&committed), names(&generated), "binding files differ: run with UPDATE_BINDINGS=1");
    for ((name, old), (_, new)) in committed.iter().zip(&generated) {
        assert_eq!(old, new, "ui/src/lib/bindings/{name} is stale: run with UPDATE_BINDINGS=1");
    }
}
