import { describe, expect, it } from 'vitest';

import {
  addWatched,
  cardStatus,
  checkCard,
  checkPkcs12,
  getDashboard,
  hasBackend,
  onCardEvent,
  pickFiles,
  pickFolders,
  removeWatched,
  rescan,
  saveSettings,
  subscribe,
  toApiError,
} from './api';
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
