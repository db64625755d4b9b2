// What the dashboard's table and the Groupe view's table show the same way: the sort marks
// of their headers, and the structure and offer/usage cells.

import type { StructureKind } from './bindings/StructureKind';
import type { SortDirection } from './filters';
import { t } from './locale.svelte';

interface SortState<Key> {
  key: Key;
  direction: SortDirection;
}

export function ariaSort<Key>(sort: SortState<Key>, key: Key): 'ascending' | 'descending' | 'none' {
  if (sort.key !== key) return 'none';
  return sort.direction === 'asc' ? 'ascending' : 'descending';
}

export function sortMark<Key>(sort: SortState<Key>, key: Key): string {
  if (sort.key !== key) return '↕';
  return sort.direction === 'asc' ? '↑' : '↓';
}

/** "FINESS 123456789", or the bare id of an unknown kind; null without one. */
export function structureLabel(cert: { structure_number: string | null; structure_id: string | null; structure_kind: StructureKind }): string | null {
  const id = cert.structure_number ?? cert.structure_id;
  if (id === null) return null;
  return cert.structure_kind === 'OTHER' ? id : `${t(`structure.${cert.structure_kind}`)} ${id}`;
}

/** "ORG · SIGN", or "—" without either. */
export function offerUsage(cert: { offer: string | null; usage: string | null }): string {
  const parts = [cert.offer, cert.usage].filter((part) => part !== null);
  return parts.length > 0 ? parts.join(' · ') : t('table.none');
}
