// Generated from crates/api/src/bindings.rs: do not edit. Defaults from the profile data and the back end's rules.
export const DEFAULT_ALERT_DAYS: readonly number[] = [90, 60, 30, 7, 0];
export const DEFAULT_RENEWAL_LEAD_DAYS = 60;
/** The SMTP port used when none is given (`MailSecurity::default_port`). */
export const DEFAULT_MAIL_PORTS = { starttls: 587, tls: 465, plain: 25 } as const;
/** A webhook's name as the back end accepts it (`check_webhook_name`). */
export const WEBHOOK_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
