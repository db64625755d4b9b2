// The frame around the views: which view shows, the settings panel, files dragged over
// the window, and the app's banner with the notices of the dashboard's actions.

import { NO_BACKEND } from './api';
import type { OrderRequest } from './bindings/OrderRequest';
import { allowedView, type View } from './navigation';
import { NoticeSlot, type CodeHandlers } from './notices.svelte';

export class AppShell {
  view = $state<View>('dashboard');
  settingsOpen = $state(false);
  /** Files are dragged over the window (not on the audit log or the guide, which take none). */
  dragging = $state(false);
  /** The page runs outside Tauri: a call failed with app.no_backend. */
  noBackend = $state(false);
  /** An order to bring into view on the orders view (asked from a certificate's details). */
  orderToReveal = $state<string | null>(null);
  /**
   * The order wizard to open on the orders view ("Nouvelle commande" from the guide, or
   * from an expired certificate: its request prefilled).
   */
  orderToStart = $state<{ request: OrderRequest | null } | null>(null);
  /** What the last action did, or why it failed. */
  readonly banner = new NoticeSlot();
  /** Codes the banner does not show: a missing back end has its own banner. */
  readonly codes: CodeHandlers = {
    [NO_BACKEND]: () => {
      this.noBackend = true;
    },
  };

  /** The view to show on a workstation that may have turned read-only. */
  restrictTo(readOnly: boolean) {
    this.view = allowedView(this.view, readOnly);
  }

  /** Switches to the orders view on one order (not on a read-only workstation: no orders there). */
  showOrder(id: string, readOnly: boolean) {
    if (allowedView('orders', readOnly) !== 'orders') return;
    this.orderToReveal = id;
    this.view = 'orders';
  }

  /** Opens the order wizard on the orders view (not on a read-only workstation: no orders there). */
  startOrder(request: OrderRequest | null, readOnly: boolean) {
    if (allowedView('orders', readOnly) !== 'orders') return;
    this.orderToStart = { request };
    this.view = 'orders';
  }

  toggleSettings() {
    this.settingsOpen = !this.settingsOpen;
  }

  dragHover(hovering: boolean) {
    this.dragging = hovering && this.view !== 'audit' && this.view !== 'guide';
  }
}
