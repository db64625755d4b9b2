// Builders for unit tests only (never imported by the application).

// ANS's procedure and the téléservices as the back end ships them (the data files
// themselves, so that the tests follow the data).
import procedureData from '../../../crates/pki/assets/procedure.json';
import teleservicesData from '../../../crates/pki/assets/teleservices.json';

import type { CardIdentity } from './bindings/CardIdentity';
import type { CardStatus } from './bindings/CardStatus';
import type { CertificateView } from './bindings/CertificateView';
import type { Dashboard } from './bindings/Dashboard';
import type { Order } from './bindings/Order';
import type { OrderLink } from './bindings/OrderLink';
import type { OrderOptions } from './bindings/OrderOptions';
import type { PinStatus } from './bindings/PinStatus';
import type { Procedure } from './bindings/Procedure';
import type { Teleservice } from './bindings/Teleservice';
import type { ReaderView } from './bindings/ReaderView';
import { unknownRevocation } from './revocation';
import type { TokenView } from './bindings/TokenView';

/** A dashboard with nothing in it, in French. */
export function emptyDashboard(): Dashboard {
  return {
    certificates: [],
    errors: [],
    watched: [],
    settings: {
      language: 'fr',
      thresholds: { warn_days: 30, crit_days: 7 },
      hide_expired_after_days: null,
      include_os_stores: true,
      pkcs11_module: null,
      read_only: false,
      start_at_login: false,
      run_in_background: true,
    },
    read_only: { enabled: false, forced: false },
    policy: { source: '/etc/certisante/policy.json', forced: [], values: {}, error: null },
    pending_orders: [],
  };
}

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
    private_key_usage_end: null,
    usable_until: '2028-04-03T12:00:00Z',
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
    teleservices: [],
    teleservices_recorded: false,
    revocation: unknownRevocation(),
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
        managed: false,
      },
    ],
    order: null,
    warnings: [],
    first_seen: null,
    last_seen: null,
  };
  // A certificate without a key usage period is usable until its own end.
  return { ...base, usable_until: overrides.not_after ?? base.usable_until, ...overrides };
}

export const CPS3_ATR = '3B AC 00 40 2A 00 12 25 00 64 80 00 03 10 00 90 00';
export const READER = 'Identiv uTrust 2700 R Smart Card Reader [CCID Interface] 00 00';

export function cps3(overrides: Partial<CardIdentity> = {}): CardIdentity {
  return {
    atr: CPS3_ATR,
    recognized: true,
    model: 'cps3_contact',
    family: 'CPS3',
    label_fr: 'CPS3 (contact)',
    label_en: 'CPS3 (contact)',
    interface: 'contact',
    can_sign: true,
    ...overrides,
  };
}

export function makeReader(overrides: Partial<ReaderView> = {}): ReaderView {
  return { name: READER, status: 'empty', atr: null, card: null, ...overrides };
}

export function makePin(overrides: Partial<PinStatus> = {}): PinStatus {
  return {
    known: true,
    initialized: true,
    count_low: false,
    final_try: false,
    locked: false,
    to_be_changed: false,
    protected_authentication_path: false,
    min_length: 4,
    max_length: 8,
    ...overrides,
  };
}

export function makeToken(pin: Partial<PinStatus> = {}, overrides: Partial<TokenView> = {}): TokenView {
  return {
    details: {
      slot_id: 1,
      label: 'CPS de Jean DUPONT',
      manufacturer: 'ASIP-SANTE',
      model: 'CPS3',
      serial_number: '8000123456',
      slot_description: READER,
      source: 'token',
      initialized: true,
      pin: makePin(pin),
    },
    holder: {
      name: 'Jean DUPONT',
      identifier: '810001234567',
      card_type: 'CPS',
      card_type_confirmed: true,
      organization: null,
      structure_id: null,
    },
    certificates: [],
    warnings: [],
    ...overrides,
  };
}

/** A CPS3 in the reader, seen by the middleware. */
export function cardInReader(token: TokenView = makeToken()): CardStatus {
  return {
    readers: [makeReader({ status: 'card_present', atr: CPS3_ATR, card: cps3() })],
    readers_error: null,
    tokens: {
      module: { path: '/usr/local/galss/libcps3_pkcs11_lux.so', source: 'default', manufacturer: null, description: null, version: null },
      tokens: [token],
    },
    tokens_error: null,
  };
}

/** A reader without a card (the middleware is not asked then). */
export function emptyReader(): CardStatus {
  return { readers: [makeReader()], readers_error: null, tokens: null, tokens_error: null };
}

export const CSR_PEM = '-----BEGIN CERTIFICATE REQUEST-----\nMIICrjCCAZYCAQAwaTELMAkGA1UEBhMCRlI=\n-----END CERTIFICATE REQUEST-----\n';

/** An order waiting for the portal's certificate (TEST ORG AUTH_CLI INSI-AUTO). */
export function makeOrder(overrides: Partial<Order> = {}): Order {
  return {
    id: 'cmd-20261129-0a1b2c3d',
    state: 'csr_exported',
    request: {
      environment: 'TEST',
      offer: 'ORG',
      usage: 'AUTH_CLI',
      organization: 'CLINIQUE DES LILAS',
      structure_id: '11B0073160',
      department: '75',
      common_name: 'INSI-AUTO',
    },
    key_origin: 'local',
    key_kind: 'rsa2048',
    key_in_keystore: true,
    csr_pem: CSR_PEM,
    certificate_sha256: null,
    not_after: null,
    renews: null,
    renewed_by: null,
    revocation_reason: null,
    history: [{ state: 'csr_exported', at: '2026-11-29T10:00:00Z' }],
    created_at: '2026-11-29T10:00:00Z',
    updated_at: '2026-11-29T10:00:00Z',
    ...overrides,
  };
}

/** What order_options answers, cut down to what the tests use. */
export function makeOrderOptions(): OrderOptions {
  return {
    profiles: [
      {
        offer: 'ORG',
        usage: 'AUTH_CLI',
        label_fr: 'Authentification client',
        label_en: 'Client authentication',
        confirmed: true,
        suggested_names: ['INSI-AUTO', 'INSI-MANU', 'DMP'],
        suggestions: [
          { cn: 'INSI-AUTO', teleservice: 'INSi', label_fr: 'INSi, appels automatisés', label_en: 'INSi, automated calls', confirmed: true },
          { cn: 'INSI-MANU', teleservice: 'INSi', label_fr: 'INSi, appels faits par un utilisateur', label_en: 'INSi, calls made by a user', confirmed: true },
          { cn: 'DMP', teleservice: 'DMP', label_fr: 'Dossier médical partagé : authentification de la structure', label_en: 'Shared medical record: authenticating the legal entity', confirmed: false },
        ],
      },
      { offer: 'SERV', usage: 'SMIME', label_fr: 'S/MIME', label_en: 'S/MIME', confirmed: false, suggested_names: [], suggestions: [] },
    ],
    departments: [
      { code: '74', name: 'Haute-Savoie' },
      { code: '75', name: 'Paris' },
      { code: '971', name: 'Guadeloupe' },
    ],
    portals: [
      ['PROD', { url: 'https://pfc-auth.eservices.esante.gouv.fr', confirmed: true }],
      ['TEST', { url: null, confirmed: false }],
    ],
  };
}

/** What get_procedure answers: procedure.json without its comment. */
export function makeProcedure(): Procedure {
  const { _comment: _, ...data } = structuredClone(procedureData);
  return data as unknown as Procedure;
}

/** What list_teleservices answers: teleservices.json's list. */
export function makeTeleservices(): Teleservice[] {
  return structuredClone(teleservicesData.teleservices) as unknown as Teleservice[];
}

const STATUS_CYCLE = ['valid', 'valid', 'valid', 'expiring', 'expired', 'not_yet_valid', 'revoked', 'replaced'] as const;
const USAGE_CYCLE = ['AUTH_CLI', 'SIGN', 'CONF', 'SSL_SERV', 'SMIME', null] as const;
const ENVIRONMENT_CYCLE = ['PROD', 'PROD', 'TEST', 'OTHER'] as const;
const TOWNS = ['Lyon', 'Besançon', 'Saint-Étienne', 'Nîmes', 'Orléans', 'Évry', 'Brest', 'Caen', 'Rouen', 'Pau'];
const KINDS = ['CENTRE HOSPITALIER', 'Clinique', 'EHPAD', 'Hôpital', 'Laboratoire', 'Pharmacie'];
const SERVICES = ['INSI-AUTO', 'INSI-MANU', 'DMP', 'MSSANTE SIGNATURE', 'portail', 'ROC', 'Téléservice'];

/**
 * `count` distinct certificates for the group-scale tests and the benchmark: every status,
 * usage and environment, accents, missing names and organisations, in the back end's
 * order (soonest expiry first). Deterministic: the same count gives the same list.
 */
export function syntheticCertificates(count: number): CertificateView[] {
  const day = 86_400_000;
  const start = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, (_, i) => {
    const daysLeft = Math.floor((i * 1100) / Math.max(1, count)) - 200;
    const status = daysLeft < 0 ? 'expired' : STATUS_CYCLE[i % STATUS_CYCLE.length];
    const town = TOWNS[(i * 7) % TOWNS.length];
    const organization = i % 53 === 0 ? null : `${KINDS[i % KINDS.length]} de ${town} ${Math.floor(i / 60)}`;
    const structureId = organization === null ? null : `1${String(100_000_000 + ((i * 7919) % 900_000_000)).padStart(9, '0')}`;
    const cn = i % 97 === 0 ? null : `${SERVICES[i % SERVICES.length]}-${String(i).padStart(5, '0')}`;
    const path = `/srv/etablissements/${town.toLowerCase()}/${i}/certificat-${i}.p12`;
    return makeCert({
      sha256: i.toString(16).padStart(8, '0').repeat(8),
      sha1: i.toString(16).padStart(8, '0').repeat(5),
      cn,
      organization,
      structure_id: structureId,
      structure_number: structureId?.slice(1) ?? null,
      usage: USAGE_CYCLE[i % USAGE_CYCLE.length],
      environment: ENVIRONMENT_CYCLE[i % ENVIRONMENT_CYCLE.length],
      status,
      severity: status === 'expired' || status === 'revoked' ? 'critical' : status === 'expiring' ? 'warning' : 'ok',
      days_left: daysLeft,
      not_after: new Date(start + daysLeft * day).toISOString(),
      paths: [path],
      places: [{ path, kind: 'file', format: 'pkcs12', position: 0, has_private_key: true, integrity: 'unverified', managed: false }],
      has_private_key: i % 3 !== 0,
    });
  });
}

/** A certificate's order link: an installed order from 2025 unless told otherwise. */
export function makeOrderLink(overrides: Partial<OrderLink> = {}): OrderLink {
  return {
    id: 'cmd-20251001-11111111',
    state: 'installed',
    history: [
      { state: 'key_generated', at: '2025-10-01T09:00:00Z' },
      { state: 'csr_exported', at: '2025-10-01T09:05:00Z' },
      { state: 'certificate_imported', at: '2025-10-03T14:00:00Z' },
      { state: 'installed', at: '2025-10-03T14:10:00Z' },
    ],
    can_install: true,
    can_renew: true,
    can_revoke: true,
    renewal: null,
    replaced_by: null,
    ...overrides,
  };
}
