// Orders waiting for the portal's certificate, as the dashboard shows them. Pure module.

import type { PendingOrder } from './bindings/PendingOrder';

/** A CSR handed out this many days ago with nothing back is something to chase. */
export const CHASE_AFTER_DAYS = 7;

/** True when the portal has kept the order waiting beyond CHASE_AFTER_DAYS. */
export function toChase(order: Pick<PendingOrder, 'days_waiting'>): boolean {
  return order.days_waiting > CHASE_AFTER_DAYS;
}
