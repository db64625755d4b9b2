// Generated from crates/api/src/bindings.rs: do not edit. Defaults from the profile data.
export const DEFAULT_ALERT_DAYS: readonly number[] = [90, 60, 30, 7, 0];
export const DEFAULT_RENEWAL_LEAD_DAYS = 60;
