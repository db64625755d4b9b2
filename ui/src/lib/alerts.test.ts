import { describe, expect, it } from 'vitest';

import { defaultPort, emptyMailForm, failureOf, mailFormFrom, mailFromForm, passwordSaved, splitAddresses, validWebhookName } from './alerts';
import type { MailSettings } from './bindings/MailSettings';

const SAVED: MailSettings = {
  host: 'smtp.ch-exemple.fr',
  port: null,
  security: 'starttls',
  username: 'alertes@ch-exemple.fr',
  from: 'CertiSanté <alertes@ch-exemple.fr>',
  recipients: ['certificats@ch-exemple.fr', 'dsi@ch-exemple.fr'],
  recipients_by_structure: { '10B0123456': ['dsi@clinique-exemple.fr'] },
  ca_file: null,
  keystore_id: 'mail-3f2a',
};

describe('alert settings form', () => {
  it('reads the saved settings into fields, the password always empty, and back unchanged', () => {
    const form = mailFormFrom(SAVED);
    expect(form).toEqual({
      host: 'smtp.ch-exemple.fr',
      port: '',
      security: 'starttls',
      username: 'alertes@ch-exemple.fr',
      password: '',
      from: 'CertiSanté <alertes@ch-exemple.fr>',
      recipients: 'certificats@ch-exemple.fr\ndsi@ch-exemple.fr',
      byStructure: [{ structure: '10B0123456', addresses: 'dsi@clinique-exemple.fr' }],
      caFile: '',
    });
    // Unchanged: the same settings (the keystore id is the back end's to keep), no password.
    expect(mailFromForm(form)).toEqual({ ok: true, mail: { ...SAVED, keystore_id: null }, password: null });
    expect(mailFormFrom(null)).toEqual(emptyMailForm());
  });

  it('sends the password only when one was typed, and only with a login', () => {
    const form = { ...mailFormFrom(SAVED), password: 's3cret', port: ' 2525 ' };
    expect(mailFromForm(form)).toMatchObject({ ok: true, mail: { port: 2525, username: 'alertes@ch-exemple.fr' }, password: 's3cret' });
    expect(mailFromForm({ ...form, username: '  ' })).toMatchObject({ ok: true, mail: { username: null }, password: null });
    // Without TLS the login goes as typed: the back end refuses it, the form never drops it.
    expect(mailFromForm({ ...form, security: 'plain' })).toMatchObject({ ok: true, mail: { security: 'plain', username: 'alertes@ch-exemple.fr' } });
  });

  it('says what is plainly missing or malformed before sending', () => {
    const form = mailFormFrom(SAVED);
    expect(mailFromForm({ ...form, host: ' ' })).toEqual({ ok: false, error: 'alertSettings.needHost' });
    expect(mailFromForm({ ...form, port: '0' })).toEqual({ ok: false, error: 'alertSettings.invalidPort' });
    expect(mailFromForm({ ...form, port: '587.5' })).toEqual({ ok: false, error: 'alertSettings.invalidPort' });
    expect(mailFromForm({ ...form, port: '70000' })).toEqual({ ok: false, error: 'alertSettings.invalidPort' });
    expect(mailFromForm({ ...form, from: '' })).toEqual({ ok: false, error: 'alertSettings.needFrom' });
    expect(mailFromForm({ ...form, recipients: ' , ', byStructure: [] })).toEqual({ ok: false, error: 'alertSettings.needRecipient' });
    expect(mailFromForm({ ...form, byStructure: [{ structure: '', addresses: 'a@b.fr' }] })).toEqual({ ok: false, error: 'alertSettings.structureMissing' });
    expect(mailFromForm({ ...form, byStructure: [{ structure: '10B1', addresses: ' ' }] })).toEqual({ ok: false, error: 'alertSettings.structureNoAddress' });
    expect(
      mailFromForm({
        ...form,
        byStructure: [
          { structure: '10B1', addresses: 'a@b.fr' },
          { structure: ' 10B1 ', addresses: 'c@b.fr' },
        ],
      }),
    ).toEqual({ ok: false, error: 'alertSettings.structureTwice' });
    // A row left blank is no row; establishments alone are recipients enough.
    expect(
      mailFromForm({
        ...form,
        recipients: '',
        byStructure: [
          { structure: '', addresses: '' },
          { structure: '10B2', addresses: 'x@b.fr; y@b.fr' },
        ],
      }),
    ).toMatchObject({ ok: true, mail: { recipients: [], recipients_by_structure: { '10B2': ['x@b.fr', 'y@b.fr'] } } });
  });

  it('splits addresses on commas, semicolons and lines', () => {
    expect(splitAddresses(' a@b.fr,c@d.fr ;\n\ne@f.fr\r\n')).toEqual(['a@b.fr', 'c@d.fr', 'e@f.fr']);
  });

  it('knows the usual ports, a saved password, webhook names and a channel’s failure', () => {
    expect([defaultPort('starttls'), defaultPort('tls'), defaultPort('plain')]).toEqual([587, 465, 25]);
    expect(passwordSaved(SAVED)).toBe(true);
    expect(passwordSaved({ ...SAVED, username: null, keystore_id: null })).toBe(false);
    expect(passwordSaved(null)).toBe(false);
    expect(['teams-dsi', 'a.b_c', 'x'.repeat(64)].every(validWebhookName)).toBe(true);
    expect(['', 'teams dsi', 'équipe', 'x'.repeat(65), 'a/b'].some(validWebhookName)).toBe(false);
    const failure = { channel: 'mail:dsi@ch.fr', code: 'notify.mail_timeout', message: '', at: '', since: '', pending: 1 };
    expect(failureOf([failure], 'mail:DSI@ch.fr')).toBe(failure);
    expect(failureOf([failure], 'webhook:teams')).toBeUndefined();
  });
});
