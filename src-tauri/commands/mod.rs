//! Commands grouped by screen; each only translates between the UI and the core.

pub mod alerts;
pub mod card;
pub mod dashboard;
pub mod files;
pub mod group;
pub mod orders;
pub mod procedure;
