//! No code: this crate only unifies third-party features across the test command's builds
//! (see its Cargo.toml for why and how to keep it up to date).
