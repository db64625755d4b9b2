//! Replays the fuzzing campaign on stable, in the ordinary test run: every input of the
//! committed, minimised corpus (`fuzz/corpus/<target>/`) and every input that ever crashed
//! a target (`fuzz/artifacts-kept/<target>/`), through the same functions the fuzz
//! targets call (`certisante_pki::fuzzing`). A panic fails the test; an abort or a hang
//! fails the run.

use std::path::{Path, PathBuf};

use certisante_pki::fuzzing::{Target, TARGETS};

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `dir/<target>/` for every target, with the target's function.
fn inputs(dir: &str) -> Vec<(PathBuf, Target)> {
    let mut out = Vec::new();
    for (target, run) in TARGETS {
        let Ok(entries) = std::fs::read_dir(fuzz_dir().join(dir).join(target)) else { continue };
        let mut files: Vec<PathBuf> = entries.filter_map(|e| e.ok()).map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        out.extend(files.into_iter().map(|path| (path, *run)));
    }
    out
}

fn replay(dir: &str) -> usize {
    let inputs = inputs(dir);
    for (path, run) in &inputs {
        let data = std::fs::read(path).unwrap();
        let outcome = std::panic::catch_unwind(|| run(&data));
        assert!(outcome.is_ok(), "{} panicked", path.display());
    }
    inputs.len()
}

#[test]
fn the_minimised_corpus_replays_without_a_panic() {
    let count = replay("corpus");
    // Every target has seeds: an empty folder would make this test pass on nothing.
    for (target, _) in TARGETS {
        assert!(fuzz_dir().join("corpus").join(target).read_dir().is_ok_and(|mut d| d.next().is_some()), "no corpus for {target}");
    }
    assert!(count >= TARGETS.len());
}

#[test]
fn every_input_that_ever_crashed_replays_without_a_panic() {
    replay("artifacts-kept");
}

#[test]
fn split_and_join_are_inverse() {
    use certisante_pki::fuzzing::{join, split};
    assert_eq!(split(&join(b"issuer", b"answer")), (&b"issuer"[..], &b"answer"[..]));
    assert_eq!(split(&[0xFF, 0xFF, 1, 2]), (&[1, 2][..], &[][..]));
    assert_eq!(split(&[7]), (&[][..], &[7][..]));
}
