// The one boundary between the UI and the Rust back end. This is the only module that
// imports `@tauri-apps/*`; the rest of the UI imports from here. Every failure leaves
// this module as an `ApiError` ({ code, message }) so the UI can translate by code.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { getCurrentWebview } from '@tauri-apps/api/webview';
import { open } from '@tauri-apps/plugin-dialog';

import type { ApiError } from './bindings/ApiError';
import type { CardCheck } from './bindings/CardCheck';
import type { CardEvent } from './bindings/CardEvent';
import type { CardStatus } from './bindings/CardStatus';
import type { Dashboard } from './bindings/Dashboard';
import type { Pkcs12Check } from './bindings/Pkcs12Check';
import type { ScanProgress } from './bindings/ScanProgress';
import type { ScanSummary } from './bindings/ScanSummary';
import type { Settings } from './bindings/Settings';

export type { ApiError };

/** Code of the error every call fails with when the page runs outside Tauri. */
export const NO_BACKEND = 'app.no_backend';
/** Code given to a rejection that is not an `ApiError`. */
export const UNKNOWN = 'app.unknown';

/** File extensions offered by the "add files" dialog. */
export const CERTIFICATE_EXTENSIONS = ['pem', 'crt', 'cer', 'der', 'p7b', 'p7c', 'p12', 'pfx'];

/** True when the page runs inside the Tauri webview (the IPC bridge is present). */
export function hasBackend(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** True for a value that already has the `ApiError` shape. */
export function isApiError(value: unknown): value is ApiError {
  return isRecord(value) && typeof value.code === 'string' && typeof value.message === 'string';
}

/** Turns any rejection into an `ApiError`; unknown shapes get the code "app.unknown". */
export function toApiError(error: unknown): ApiError {
  if (isApiError(error)) {
    return { code: error.code, message: error.message };
  }
  if (typeof error === 'string') {
    return { code: UNKNOWN, message: error };
  }
  if (error instanceof Error) {
    return { code: UNKNOWN, message: error.message };
  }
  if (isRecord(error) && typeof error.message === 'string') {
    return { code: UNKNOWN, message: error.message };
  }
  let message: string;
  try {
    message = JSON.stringify(error) ?? String(error);
  } catch {
    message = String(error);
  }
  return { code: UNKNOWN, message };
}

function noBackend(): ApiError {
  return { code: NO_BACKEND, message: 'The CertiSanté back end is not available (page opened outside the application).' };
}

async function call<T>(command: string, args?: Record<string, unknown>): Promise<T> {
  if (!hasBackend()) {
    throw noBackend();
  }
  try {
    return await invoke<T>(command, args);
  } catch (error) {
    throw toApiError(error);
  }
}

export function getDashboard(): Promise<Dashboard> {
  return call<Dashboard>('get_dashboard');
}

/** Adds files or folders to the watched list, scans them and returns the new dashboard. */
export function addWatched(paths: string[]): Promise<Dashboard> {
  return call<Dashboard>('add_watched', { paths });
}

export function removeWatched(path: string): Promise<Dashboard> {
  return call<Dashboard>('remove_watched', { path });
}

export function rescan(): Promise<Dashboard> {
  return call<Dashboard>('rescan');
}

export function saveSettings(settings: Settings): Promise<Dashboard> {
  return call<Dashboard>('save_settings', { settings });
}

/**
 * Verifies a PKCS#12 file's MAC with its password. The password is passed straight
 * through to the back end: it is neither logged nor kept here.
 */
export function checkPkcs12(path: string, password: string): Promise<Pkcs12Check> {
  return call<Pkcs12Check>('check_pkcs12', { path, password });
}

/** The readers, the card in them and what its middleware says, read without any PIN. */
export function cardStatus(): Promise<CardStatus> {
  return call<CardStatus>('card_status');
}

/**
 * Checks the card: one login with `pin` (null when the reader's pad or the middleware's
 * own window asks for it), one signature, one logout. Called once per user action and
 * never retried here. The PIN is passed straight through: neither logged nor kept.
 */
export function checkCard(slotId: number | null, pin: string | null): Promise<CardCheck> {
  return call<CardCheck>('check_card', { slotId, pin });
}

/** Opens the native folder picker; resolves to the chosen folders ([] when cancelled). */
export async function pickFolders(title: string): Promise<string[]> {
  if (!hasBackend()) {
    throw noBackend();
  }
  try {
    const chosen = await open({ directory: true, multiple: true, title });
    return chosen ?? [];
  } catch (error) {
    throw toApiError(error);
  }
}

/** Opens the native file picker on certificate files ([] when cancelled). */
export async function pickFiles(title: string, filterName: string): Promise<string[]> {
  if (!hasBackend()) {
    throw noBackend();
  }
  try {
    const chosen = await open({
      multiple: true,
      title,
      filters: [{ name: filterName, extensions: CERTIFICATE_EXTENSIONS }],
    });
    return chosen ?? [];
  } catch (error) {
    throw toApiError(error);
  }
}

export type Unsubscribe = () => void;

/** Everything the back end pushes to the UI. */
export interface BackendEvents {
  scanStarted: () => void;
  scanProgress: (progress: ScanProgress) => void;
  scanFinished: (summary: ScanSummary) => void;
  dashboardUpdated: (dashboard: Dashboard) => void;
  /** Files are dragged over the window (true) or left it / were dropped (false). */
  dragHover: (hovering: boolean) => void;
  /** Files or folders were dropped on the window. */
  filesDropped: (paths: string[]) => void;
}

/**
 * Listens to the back end's scan events and to drag and drop on the window.
 * Resolves to a function that stops every listener.
 */
export async function subscribe(handlers: BackendEvents): Promise<Unsubscribe> {
  if (!hasBackend()) {
    throw noBackend();
  }
  const unlisteners: UnlistenFn[] = [];
  const stop: Unsubscribe = () => {
    for (const unlisten of unlisteners.splice(0)) {
      unlisten();
    }
  };
  try {
    unlisteners.push(await listen<null>('scan-started', () => handlers.scanStarted()));
    unlisteners.push(await listen<ScanProgress>('scan-progress', (event) => handlers.scanProgress(event.payload)));
    unlisteners.push(await listen<ScanSummary>('scan-finished', (event) => handlers.scanFinished(event.payload)));
    unlisteners.push(await listen<Dashboard>('dashboard-updated', (event) => handlers.dashboardUpdated(event.payload)));
    unlisteners.push(
      await getCurrentWebview().onDragDropEvent((event) => {
        const payload = event.payload;
        if (payload.type === 'enter' || payload.type === 'over') {
          handlers.dragHover(true);
        } else if (payload.type === 'leave') {
          handlers.dragHover(false);
        } else if (payload.type === 'drop') {
          handlers.dragHover(false);
          if (payload.paths.length > 0) {
            handlers.filesDropped(payload.paths);
          }
        }
      }),
    );
  } catch (error) {
    stop();
    throw toApiError(error);
  }
  return stop;
}

/**
 * Listens to the back end's `card-event` (readers and cards coming and going, the PC/SC
 * service stopping or coming back). Resolves to a function that stops listening.
 */
export async function onCardEvent(handler: (event: CardEvent) => void): Promise<Unsubscribe> {
  if (!hasBackend()) {
    throw noBackend();
  }
  try {
    return await listen<CardEvent>('card-event', (event) => handler(event.payload));
  } catch (error) {
    throw toApiError(error);
  }
}
