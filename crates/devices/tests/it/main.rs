//! The devices layer tested on real parts (pcscd + vpcd, gnome-keyring, NSS tools, OpenSSL):
//! one test binary. The PKCS#11 tests (`token.rs`, `net.rs`) are binaries of their own:
//! a PKCS#11 module's login state is per process, and they load SoftHSM2 differently.

mod card;
mod install;
mod keystore;
