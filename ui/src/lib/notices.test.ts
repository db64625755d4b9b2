import { describe, expect, it } from 'vitest';

import { NO_BACKEND, type ApiError } from './api';
import { Busy, NoticeSlot, QUIET_WITHOUT_BACKEND, runApi } from './notices.svelte';

const refused: ApiError = { code: 'registry.database', message: 'disk I/O error' };

describe('runApi', () => {
  it('answers the value, busy only while the call runs', async () => {
    const busy = new Busy();
    const notices = new NoticeSlot();
    let finish: (value: number) => void = () => {};
    const running = runApi(() => new Promise<number>((resolve) => (finish = resolve)), { notices, busy });
    expect(busy.active).toBe(true);
    finish(42);
    expect(await running).toEqual({ ok: true, value: 42 });
    expect(busy.active).toBe(false);
    expect(notices.current).toBeNull();
  });

  it('turns a rejection into an error notice, keeping its code', async () => {
    const busy = new Busy();
    const notices = new NoticeSlot();
    const outcome = await runApi(() => Promise.reject(refused), { notices, busy });
    expect(outcome).toEqual({ ok: false, error: refused });
    expect(notices.error).toEqual(refused);
    expect(busy.active).toBe(false);
  });

  it('gives any other rejection the app.unknown code', async () => {
    const notices = new NoticeSlot();
    await runApi(() => Promise.reject(new Error('boom')), { notices });
    expect(notices.error).toEqual({ code: 'app.unknown', message: 'boom' });
  });

  it('hands the codes asked for to their handler instead of a notice', async () => {
    const notices = new NoticeSlot();
    const handled: string[] = [];
    await runApi(() => Promise.reject(refused), { notices, codes: { 'registry.database': (e) => handled.push(e.message) } });
    expect(handled).toEqual(['disk I/O error']);
    expect(notices.current).toBeNull();
    await runApi(() => Promise.reject({ code: NO_BACKEND, message: '' }), { notices, codes: QUIET_WITHOUT_BACKEND });
    expect(notices.current).toBeNull();
  });

  it('shows the success notice, and dismisses the previous error when a new try starts', async () => {
    const notices = new NoticeSlot();
    notices.fail(refused);
    let finish: (value: string) => void = () => {};
    const running = runApi(() => new Promise<string>((resolve) => (finish = resolve)), {
      notices,
      success: (path) => ({ kind: 'success', key: 'export.done', params: { path } }),
    });
    expect(notices.current).toBeNull();
    finish('/tmp/a.csv');
    await running;
    expect(notices.current).toEqual({ kind: 'success', key: 'export.done', params: { path: '/tmp/a.csv' } });
    // A success stays while another call runs; only an error is dismissed.
    await runApi(() => Promise.resolve(1), { notices });
    expect(notices.current?.kind).toBe('success');
  });

  it('reports to any error target (a list of failures)', async () => {
    const failures: ApiError[] = [];
    await runApi(() => Promise.reject(refused), { notices: { fail: (error) => failures.push(error) } });
    expect(failures).toEqual([refused]);
  });

  it('counts overlapping calls', async () => {
    const busy = new Busy();
    const finishers: Array<() => void> = [];
    const call = () => new Promise<void>((resolve) => finishers.push(resolve));
    const notices = new NoticeSlot();
    const first = runApi(call, { notices, busy });
    const second = runApi(call, { notices, busy });
    finishers[0]();
    await first;
    expect(busy.active).toBe(true);
    finishers[1]();
    await second;
    expect(busy.active).toBe(false);
  });
});
