// Group rows and answers for the tests and the bench (not loaded by the app).

import type { GroupCertificateDetails } from './bindings/GroupCertificateDetails';
import type { GroupRow } from './bindings/GroupRow';
import type { GroupView } from './bindings/GroupView';
import type { Status } from './bindings/Status';
import type { Usage } from './bindings/Usage';
import { makeCert } from './test-fixtures';

export function makeRow(overrides: Partial<GroupRow> = {}): GroupRow {
  return {
    sha256: 'ab'.repeat(32),
    cn: 'DMP',
    organization: 'CH de Lyon',
    structure_id: '1690000001',
    structure_kind: 'FINESS',
    structure_number: '690000001',
    environment: 'PROD',
    offer: 'ORG',
    usage: 'AUTH_CLI',
    not_after: '2027-06-01T00:00:00Z',
    usable_until: '2027-06-01T00:00:00Z',
    days_left: 400,
    status: 'valid',
    severity: 'ok',
    has_private_key: true,
    workstations: ['POSTE-A'],
    ...overrides,
  };
}

const STATUSES: Status[] = ['valid', 'valid', 'expiring', 'valid', 'expired', 'revoked'];
const USAGES: (Usage | null)[] = ['AUTH_CLI', 'SIGN', 'CONF', 'SSL_SERV', null];

/** `count` rows over `workstations` workstations and 50 establishments. */
export function syntheticRows(count: number, workstations = 500): GroupRow[] {
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const status = STATUSES[i % STATUSES.length];
    const days = Math.floor((i * 900) / Math.max(1, count)) - 60;
    const establishment = `1${String(310_000_000 + (i % 50)).padStart(9, '0')}`;
    const end = new Date(start + days * 86_400_000).toISOString();
    return makeRow({
      sha256: i.toString(16).padStart(8, '0').repeat(8),
      cn: `CERT-${String(i).padStart(5, '0')}`,
      organization: `CENTRE HOSPITALIER ${i % 50}`,
      structure_id: establishment,
      structure_number: establishment.slice(1),
      usage: USAGES[i % USAGES.length],
      environment: i % 7 === 0 ? 'TEST' : 'PROD',
      status,
      severity: status === 'valid' ? 'ok' : status === 'expiring' ? 'warning' : 'critical',
      days_left: days,
      usable_until: end,
      not_after: end,
      workstations: i % 40 === 0 ? [`POSTE-${String(i % workstations).padStart(3, '0')}`, 'SRV-WEB'] : [`POSTE-${String(i % workstations).padStart(3, '0')}`],
    });
  });
}

export function groupView(rows: GroupRow[]): GroupView {
  const names = [...new Set(rows.flatMap((r) => r.workstations))].sort();
  return {
    server: 'postgresql://lecteur@pg.ght.local:5432/certisante?sslmode=verify-full',
    read_at: new Date().toISOString(),
    backlog: { pending: 0, oldest_queued_at: null, last_attempt_at: null, last_success_at: '2026-01-10T10:00:00Z', last_failure: null },
    rows,
    workstations: names.map((name) => ({
      name,
      establishments: [],
      certificates: rows.filter((r) => r.workstations.includes(name)).length,
      orders: 0,
      errors: 0,
      app_version: '0.1.0',
      os: 'linux',
      first_published_at: '2026-01-01T10:00:00Z',
      last_published_at: '2026-01-10T10:00:00Z',
      last_contact_at: new Date().toISOString(),
      stale: false,
    })),
  };
}

/** The details of `row`: one copy per workstation, one file place each. */
export function groupDetails(row: GroupRow): GroupCertificateDetails {
  const cert = makeCert({ sha256: row.sha256, cn: row.cn, status: row.status, days_left: row.days_left });
  return {
    certificate: { ...cert, workstations: row.workstations },
    holders: row.workstations.map((workstation) => ({
      workstation,
      places: [{ path: `/srv/${workstation}/dmp.p12`, kind: 'file', format: 'pkcs12', position: 0, has_private_key: true, integrity: 'verified', managed: false }],
      has_private_key: true,
      status: row.status,
      severity: row.severity,
      days_left: row.days_left,
      published_at: '2026-01-10T10:00:00Z',
    })),
  };
}
