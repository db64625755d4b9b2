// Builders for unit tests only (never imported by the application).

import type { CertificateView } from './bindings/CertificateView';

export function makeCert(overrides: Partial<CertificateView> = {}): CertificateView {
  const base: CertificateView = {
    sha256: 'aa'.repeat(32),
    sha1: 'bb'.repeat(20),
    cn: 'TELESERVICE-TEST',
    organization: 'CENTRE HOSPITALIER DE TEST',
    structure_id: '1750712184',
    structure_kind: 'FINESS',
    structure_number: '750712184',
    structure_check: 'valid',
    state: 'Paris (75)',
    department: '75',
    environment: 'PROD',
    offer: 'ORG',
    usage: 'AUTH_CLI',
    subject: 'CN=TELESERVICE-TEST,OU=1750712184,O=CENTRE HOSPITALIER DE TEST,ST=Paris (75),C=FR',
    issuer: 'CN=AC IGC-SANTE ELEMENTAIRE ORGANISATIONS,OU=IGC-SANTE,O=ANS,C=FR',
    serial: '01:02:03',
    not_before: '2025-04-03T12:00:00Z',
    not_after: '2028-04-03T12:00:00Z',
    days_left: 400,
    status: 'valid',
    severity: 'ok',
    key_algorithm: 'RSA',
    key_bits: 2048,
    signature_algorithm: 'sha256WithRSAEncryption',
    key_usage: ['digitalSignature'],
    extended_key_usage: ['clientAuth'],
    policies: [],
    dns_names: [],
    is_ca: false,
    chain: { status: 'trusted', environment: 'PROD', path: ['AC IGC-SANTE ELEMENTAIRE ORGANISATIONS'] },
    has_private_key: true,
    paths: ['/home/user/Documents/certs/teleservice.p12'],
    places: [
      {
        path: '/home/user/Documents/certs/teleservice.p12',
        kind: 'file',
        format: 'pkcs12',
        position: 0,
        has_private_key: true,
        integrity: 'unverified',
      },
    ],
    warnings: [],
    first_seen: null,
    last_seen: null,
  };
  return { ...base, ...overrides };
}
