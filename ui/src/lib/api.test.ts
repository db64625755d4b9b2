import { describe, expect, it } from 'vitest';

import {
  addWatched,
  auditLog,
  auditVerify,
  cancelOrder,
  cardStatus,
  checkCard,
  checkPkcs12,
  createOrder,
  exportCsr,
  getDashboard,
  hasBackend,
  importCertificate,
  installOrder,
  listOrders,
  onCardEvent,
  onDragDrop,
  onOrdersUpdated,
  openPortal,
  orderOptions,
  pickFile,
  pickFiles,
  pickFolder,
  pickFolders,
  pickSavePath,
  removeWatched,
  renewOrder,
  rescan,
  revokeOrder,
  saveSecret,
  saveSettings,
  showSecret,
  subscribe,
  suggestedNames,
  toApiError,
  validateOrder,
} from './api';
import { emptyRequest } from './orders';
import { defaultSettings } from './settings';

describe('toApiError', () => {
  it('keeps an ApiError as is', () => {
    expect(toApiError({ code: 'certs.p12_bad_password', message: 'bad', extra: 1 })).toEqual({
      code: 'certs.p12_bad_password',
      message: 'bad',
    });
  });

  it('turns other rejections into app.unknown', () => {
    expect(toApiError('plain text')).toEqual({ code: 'app.unknown', message: 'plain text' });
    expect(toApiError(new Error('boom'))).toEqual({ code: 'app.unknown', message: 'boom' });
    expect(toApiError({ message: 'no code' })).toEqual({ code: 'app.unknown', message: 'no code' });
    expect(toApiError({ code: 42, message: 'numeric code' })).toEqual({ code: 'app.unknown', message: 'numeric code' });
    expect(toApiError(null)).toEqual({ code: 'app.unknown', message: 'null' });
    expect(toApiError(undefined)).toEqual({ code: 'app.unknown', message: 'undefined' });
    expect(toApiError({ a: 1 })).toEqual({ code: 'app.unknown', message: '{"a":1}' });
  });
});

describe('without the Tauri back end', () => {
  it('knows there is no back end', () => {
    expect(hasBackend()).toBe(false);
  });

  it('fails every call with app.no_backend', async () => {
    const calls: Array<() => Promise<unknown>> = [
      () => getDashboard(),
      () => addWatched(['/tmp']),
      () => removeWatched('/tmp'),
      () => rescan(),
      () => saveSettings(defaultSettings()),
      () => checkPkcs12('/tmp/a.p12', 'secret'),
      () => cardStatus(),
      () => checkCard(null, '1234'),
      () => onCardEvent(() => {}),
      () => pickFolders('title'),
      () => pickFiles('title', 'Certificats'),
      () => pickFile('title', 'Certificats'),
      () => pickFolder('title'),
      () => pickSavePath('title', 'a.p12', 'PKCS#12', ['p12']),
      () => onDragDrop({ hover: () => {}, drop: () => {} }),
      () => onOrdersUpdated(() => {}),
      () => orderOptions(),
      () => validateOrder(emptyRequest()),
      () => suggestedNames('ORG', 'AUTH_CLI'),
      () => listOrders(),
      () => createOrder(emptyRequest()),
      () => exportCsr('cmd-1', null),
      () => importCertificate('/tmp/a.p12', 'secret'),
      () => installOrder('cmd-1', { kind: 'nss', db_dir: '' }, null),
      () => renewOrder('cmd-1'),
      () => revokeOrder('cmd-1', 'superseded', true),
      () => cancelOrder('cmd-1'),
      () => saveSecret('cmd-1', 'revocation_code', 'secret'),
      () => showSecret('cmd-1', 'revocation_code', true),
      () => auditLog(10),
      () => auditVerify(),
      () => openPortal('TEST'),
      () =>
        subscribe({
          scanStarted: () => {},
          scanProgress: () => {},
          scanFinished: () => {},
          dashboardUpdated: () => {},
          dragHover: () => {},
          filesDropped: () => {},
        }),
    ];
    for (const call of calls) {
      await expect(call()).rejects.toMatchObject({ code: 'app.no_backend' });
    }
  });
});
