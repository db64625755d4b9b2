// @vitest-environment happy-dom
import { flushSync, mount, unmount } from 'svelte';
import { afterEach, describe, expect, it } from 'vitest';

import type { Unsubscribe } from './api';
import ListenProbe from './ListenProbe.test-support.svelte';

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

let log: string[] = [];

afterEach(() => {
  log = [];
  document.body.innerHTML = '';
});

function probe(subscribe: () => Promise<Unsubscribe>) {
  const target = document.body.appendChild(document.createElement('div'));
  const component = mount(ListenProbe, { target, props: { subscribe, ready: () => log.push('ready') } });
  flushSync();
  return component;
}

describe('listenWhileMounted', () => {
  it('subscribes on mount, says when ready, unsubscribes on destroy', async () => {
    const component = probe(async () => {
      log.push('subscribed');
      return () => log.push('unsubscribed');
    });
    await settle();
    expect(log).toEqual(['subscribed', 'ready']);
    unmount(component);
    expect(log).toEqual(['subscribed', 'ready', 'unsubscribed']);
  });

  it('unsubscribes a subscription that resolves after the destruction, and is then not ready', async () => {
    let resolve: (stop: Unsubscribe) => void = () => {};
    const component = probe(() => new Promise<Unsubscribe>((r) => (resolve = r)));
    unmount(component);
    resolve(() => log.push('unsubscribed'));
    await settle();
    expect(log).toEqual(['unsubscribed']);
  });

  it('is ready even when nothing can be listened to (outside Tauri)', async () => {
    const component = probe(() => Promise.reject({ code: 'app.no_backend', message: '' }));
    await settle();
    expect(log).toEqual(['ready']);
    unmount(component);
  });
});
