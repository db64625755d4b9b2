// The one way a component listens to the back end's events: from its mount to its end.

import { onMount } from 'svelte';

import type { Unsubscribe } from './api';

/**
 * Subscribes when the calling component mounts and unsubscribes when it is destroyed,
 * also when the subscription only resolves after that. Call it during the component's
 * initialisation. Outside Tauri subscribing fails: there is nothing to listen to, and the
 * first command reports the missing back end.
 *
 * `ready` runs once listening (or once nothing can be listened to), so that state read
 * then, and kept current by the events, misses no change between the two.
 */
export function listenWhileMounted(subscribe: () => Promise<Unsubscribe>, ready?: () => void): void {
  onMount(() => {
    let stop: Unsubscribe | null = null;
    let destroyed = false;
    subscribe()
      .then((unsubscribe) => {
        if (destroyed) unsubscribe();
        else stop = unsubscribe;
      })
      .catch(() => {
        // No back end: see above.
      })
      .finally(() => {
        if (!destroyed) ready?.();
      });
    return () => {
      destroyed = true;
      stop?.();
    };
  });
}
