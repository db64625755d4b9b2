// Every string the UI shows, in French (the default) and English, with the formatting
// helpers that depend on the language. Pure module: no Svelte, no Tauri.

export const LANGUAGES = ['fr', 'en'] as const;
export type Lang = (typeof LANGUAGES)[number];
export const DEFAULT_LANG: Lang = 'fr';

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

const fr = {
  'app.title': 'CertiSanté',
  'app.subtitle': 'Certificats logiciels IGC-Santé',
  'app.loading': 'Chargement du tableau de bord…',

  'header.toolbar': 'Actions',
  'header.scan': 'Analyser à nouveau',
  'header.scanning': 'Analyse en cours…',
  'header.addFolder': 'Ajouter un dossier',
  'header.addFile': 'Ajouter des fichiers',
  'header.language': 'Langue',
  'header.settings': 'Réglages',

  'lang.fr': 'Français',
  'lang.en': 'English',

  'dialog.folderTitle': 'Choisir des dossiers contenant des certificats',
  'dialog.fileTitle': 'Choisir des fichiers de certificats',
  'dialog.filterName': 'Certificats',

  'settings.title': 'Réglages',
  'settings.thresholds': 'Seuils d’alerte avant expiration',
  'settings.warnDays': 'Alerte (jours)',
  'settings.critDays': 'Critique (jours)',
  'settings.hideExpired': 'Masquer les certificats expirés depuis plus de',
  'settings.hideExpiredDays': 'Nombre de jours',
  'settings.days': 'jours',
  'settings.includeOsStores': 'Inclure les magasins de certificats du système (Firefox/NSS, Windows, macOS)',
  'settings.save': 'Enregistrer',
  'settings.saving': 'Enregistrement…',
  'settings.close': 'Fermer les réglages',
  'settings.saved': 'Réglages enregistrés.',
  'settings.invalidThresholds': 'Les seuils doivent vérifier : 0 ≤ critique ≤ alerte ≤ 3650 jours (nombres entiers).',
  'settings.invalidHide': 'Le nombre de jours doit être un entier positif ou nul.',

  'progress.label': 'Progression de l’analyse',
  'progress.count': '{done} / {total} fichiers',
  'progress.starting': 'Préparation de l’analyse…',
  'progress.current': 'En cours : {path}',
  'scan.summary': 'Analyse terminée : {seen} fichier(s) vu(s), {parsed} lu(s), {unchanged} inchangé(s), {errors} erreur(s).',

  'banner.dismiss': 'Fermer le message',
  'banner.noBackend':
    'Le moteur de CertiSanté n’est pas joignable : cette page est ouverte hors de l’application. Aucun certificat ne peut être lu.',
  'banner.added': 'Ajouté à la surveillance : {count} élément(s).',
  'banner.removed': 'Retiré de la surveillance : {path}',

  'summary.label': 'Répartition des certificats',
  'summary.total': '{count} certificat(s)',

  'filters.label': 'Recherche et filtres',
  'filters.search': 'Rechercher',
  'filters.searchPlaceholder': 'Nom, établissement, FINESS/SIRET, émetteur, chemin, empreinte…',
  'filters.status': 'Statut',
  'filters.usage': 'Usage',
  'filters.environment': 'Environnement',
  'filters.all': 'Tous',
  'filters.usageNone': 'Non reconnu',
  'filters.hideExpired': 'Masquer les expirés depuis plus de {days} j',
  'filters.hiddenCount': '{count} masqué(s)',
  'filters.shown': '{shown} sur {total} affiché(s)',
  'filters.reset': 'Réinitialiser',
  'filters.noMatch': 'Aucun certificat ne correspond à la recherche ou aux filtres.',

  'status.valid': 'Valide',
  'status.expiring': 'Expire bientôt',
  'status.expired': 'Expiré',
  'status.not_yet_valid': 'Pas encore valide',

  'severity.ok': 'Normal',
  'severity.warning': 'Alerte',
  'severity.critical': 'Critique',

  'env.PROD': 'PROD',
  'env.TEST': 'TEST',
  'env.OTHER': 'AUTRE',
  'env.long.PROD': 'Production IGC-Santé',
  'env.long.TEST': 'Environnement de TEST IGC-Santé : ne pas utiliser en production',
  'env.long.OTHER': 'Hors IGC-Santé (autre autorité ou chaîne non vérifiée)',

  'offer.ORG': 'Organisation (ORG)',
  'offer.SERV': 'Serveur (SERV)',
  'usage.AUTH_CLI': 'Authentification client',
  'usage.SIGN': 'Signature',
  'usage.CONF': 'Confidentialité (chiffrement)',
  'usage.SSL_SERV': 'Serveur SSL/TLS',

  'structure.FINESS': 'FINESS',
  'structure.SIRET': 'SIRET',
  'structure.OTHER': 'Identifiant',
  'structure.check.valid': 'Clé de contrôle correcte',
  'structure.check.invalid': 'Clé de contrôle incorrecte',
  'structure.check.unchecked': 'Non contrôlé',

  'table.caption': 'Certificats trouvés, l’expiration la plus proche en premier',
  'table.cn': 'Nom (CN)',
  'table.structure': 'Structure',
  'table.offerUsage': 'Offre · usage',
  'table.environment': 'Env.',
  'table.expiry': 'Expiration',
  'table.daysLeft': 'Échéance',
  'table.key': 'Clé',
  'table.sortBy': 'Trier par « {column} »',
  'table.privateKey': 'Clé privée présente',
  'table.noCn': '(sans nom)',
  'table.none': '—',

  'days.in': 'dans {n} j',
  'days.today': 'expire aujourd’hui',
  'days.expiredToday': 'expiré aujourd’hui',
  'days.expiredSince': 'expiré depuis {n} j',

  'details.title': 'Détails du certificat',
  'details.close': 'Fermer les détails',
  'details.identity': 'Identité',
  'details.cn': 'Nom (CN)',
  'details.organization': 'Organisation (O)',
  'details.structure': 'Structure',
  'details.state': 'Localisation (ST)',
  'details.department': 'Département',
  'details.subject': 'Sujet',
  'details.issuer': 'Émetteur',
  'details.serial': 'Numéro de série',
  'details.profile': 'Offre et usage',
  'details.validity': 'Validité',
  'details.notBefore': 'Début de validité',
  'details.notAfter': 'Fin de validité',
  'details.status': 'Statut',
  'details.daysLeft': 'Échéance',
  'details.key': 'Clé et signature',
  'details.keyAlgorithm': 'Algorithme de la clé',
  'details.keyBits': '{bits} bits',
  'details.signatureAlgorithm': 'Algorithme de signature',
  'details.keyUsage': 'Usages de la clé (KeyUsage)',
  'details.eku': 'Usages étendus (EKU)',
  'details.policies': 'Politiques de certification',
  'details.dnsNames': 'Noms DNS',
  'details.isCa': 'Autorité de certification',
  'details.yes': 'Oui',
  'details.no': 'Non',
  'details.none': 'Aucun',
  'details.chain': 'Chaîne de confiance',
  'details.chainStatus': 'Vérification',
  'details.chainPath': 'Chemin de certification',
  'details.chainEnvironment': 'Environnement',
  'details.fingerprints': 'Empreintes',
  'details.sha256': 'SHA-256',
  'details.sha1': 'SHA-1',
  'details.warnings': 'Avertissements',
  'details.places': 'Emplacements',
  'details.placesCount': '{count} emplacement(s)',
  'details.format': 'Format',
  'details.kind': 'Source',
  'details.position': 'Position dans le fichier',
  'details.privateKey': 'Clé privée',
  'details.integrity': 'Intégrité',
  'details.firstSeen': 'Vu pour la première fois',
  'details.lastSeen': 'Vu pour la dernière fois',

  'chain.trusted': 'Chaîne vérifiée',
  'chain.signature_invalid': 'Signature invalide',
  'chain.issuer_unknown': 'Émetteur inconnu',
  'chain.untrusted_root': 'Racine non reconnue',

  'format.pem': 'PEM',
  'format.der': 'DER',
  'format.pkcs7': 'PKCS#7',
  'format.pkcs12': 'PKCS#12',
  'format.store': 'Magasin système',

  'place.file': 'Fichier',
  'place.nss': 'Magasin NSS (Firefox)',
  'place.windows_store': 'Magasin Windows',
  'place.macos_keychain': 'Trousseau macOS',

  'integrity.not_applicable': 'Sans objet',
  'integrity.unverified': 'Non vérifiée (mot de passe nécessaire)',
  'integrity.verified': 'Vérifiée',

  'pkcs12.verify': 'Vérifier avec le mot de passe',
  'pkcs12.password': 'Mot de passe du fichier',
  'pkcs12.submit': 'Vérifier',
  'pkcs12.checking': 'Vérification…',
  'pkcs12.hint': 'Le mot de passe sert uniquement à cette vérification : il n’est ni enregistré ni conservé.',
  'pkcs12.verified': 'Mot de passe correct : intégrité du fichier vérifiée.',
  'pkcs12.notVerified': 'L’intégrité du fichier n’a pas pu être vérifiée.',
  'pkcs12.contents': '{count} certificat(s) dans le fichier, clé privée : {key}.',

  'errors.title': 'Fichiers illisibles ({count})',
  'errors.hint': 'Ces fichiers ont été ignorés pendant l’analyse.',

  'watched.title': 'Dossiers et fichiers surveillés',
  'watched.empty': 'Aucun dossier ni fichier surveillé.',
  'watched.folder': 'Dossier',
  'watched.file': 'Fichier',
  'watched.missing': 'Introuvable',
  'watched.missingHint': 'Introuvable : disque débranché, dossier déplacé ou supprimé ?',
  'watched.addedAt': 'Ajouté le {date}',
  'watched.remove': 'Retirer',
  'watched.removeLabel': 'Retirer {path} de la surveillance',

  'empty.title': 'Aucun certificat pour l’instant',
  'empty.body':
    'Ajoutez le dossier où sont enregistrés vos certificats, par exemple celui où vous avez sauvegardé les fichiers .p12 téléchargés depuis le portail IGC-Santé (souvent « Téléchargements » ou « Documents »).',
  'empty.drop': 'Vous pouvez aussi glisser-déposer des fichiers ou des dossiers dans cette fenêtre.',
  'empty.formats': 'Formats reconnus : .pem, .crt, .cer, .der, .p7b, .p7c, .p12, .pfx.',
  'empty.noBackend': 'Ouvrez CertiSanté depuis l’application installée pour analyser vos certificats.',

  'drop.overlay': 'Déposez vos fichiers ou dossiers pour les surveiller',

  'error.generic': 'Une erreur inattendue s’est produite.',
  'error.app.no_backend': 'Le moteur de CertiSanté n’est pas disponible (page ouverte hors de l’application).',
  'error.certs.p12_bad_password': 'Mot de passe incorrect pour ce fichier PKCS#12.',
  'error.certs.p12_password_required': 'Ce fichier PKCS#12 est protégé par un mot de passe.',
  'error.certs.p12_partly_encrypted': 'Une partie de ce fichier PKCS#12 est chiffrée et ne peut être lue sans son mot de passe.',
  'error.certs.p12_invalid': 'Fichier PKCS#12 invalide ou endommagé.',
  'error.certs.p12_unsupported': 'Ce fichier PKCS#12 utilise un chiffrement non pris en charge.',
  'error.certs.not_pkcs12': 'Ce fichier n’est pas un fichier PKCS#12 (.p12 / .pfx).',
  'error.certs.unrecognized_format': 'Format non reconnu : ni PEM, ni DER, ni PKCS#7, ni PKCS#12.',
  'error.certs.der_truncated': 'Fichier DER tronqué (incomplet).',
  'error.certs.der_invalid': 'Encodage DER invalide.',
  'error.certs.pem_invalid': 'Bloc PEM invalide.',
  'error.certs.empty_file': 'Fichier vide.',
  'error.certs.file_too_large': 'Fichier trop volumineux pour contenir des certificats.',
  'error.certs.no_certificate': 'Aucun certificat dans ce fichier.',
  'error.certs.certificate_invalid': 'Certificat invalide ou endommagé.',
  'error.certs.pkcs7_invalid': 'Fichier PKCS#7 invalide.',
  'error.certs.io': 'Lecture du fichier impossible.',
  'error.stores.unreadable': 'Magasin de certificats du système illisible.',
  'error.registry.database': 'La base de données de CertiSanté est inutilisable.',
  'error.registry.data_dir': 'Impossible de créer le dossier de données de CertiSanté.',
  'error.registry.invalid_setting': 'Réglage refusé : valeur invalide.',
  'error.registry.not_watched': 'Ce chemin n’est pas surveillé.',
  'error.registry.path_not_found': 'Fichier ou dossier introuvable.',
  'error.igc.forged_issuer':
    'Se réclame d’une autorité IGC-Santé, mais la signature ne correspond pas à sa clé : ce n’est pas un certificat IGC-Santé.',
  'error.igc.unverified_issuer':
    'Se réclame d’une autorité IGC-Santé, mais aucune chaîne vers les racines IGC-Santé n’a pu être vérifiée.',
  'error.igc.structure_id_invalid': 'La clé de contrôle de l’identifiant de structure (FINESS/SIRET) est incorrecte.',
} as const;

export type Key = keyof typeof fr;
export type Dictionary = Record<Key, string>;

const en: Dictionary = {
  'app.title': 'CertiSanté',
  'app.subtitle': 'IGC-Santé software certificates',
  'app.loading': 'Loading the dashboard…',

  'header.toolbar': 'Actions',
  'header.scan': 'Scan again',
  'header.scanning': 'Scanning…',
  'header.addFolder': 'Add a folder',
  'header.addFile': 'Add files',
  'header.language': 'Language',
  'header.settings': 'Settings',

  'lang.fr': 'Français',
  'lang.en': 'English',

  'dialog.folderTitle': 'Choose folders containing certificates',
  'dialog.fileTitle': 'Choose certificate files',
  'dialog.filterName': 'Certificates',

  'settings.title': 'Settings',
  'settings.thresholds': 'Alert thresholds before expiry',
  'settings.warnDays': 'Warning (days)',
  'settings.critDays': 'Critical (days)',
  'settings.hideExpired': 'Hide certificates expired more than',
  'settings.hideExpiredDays': 'Number of days',
  'settings.days': 'days ago',
  'settings.includeOsStores': 'Include the system certificate stores (Firefox/NSS, Windows, macOS)',
  'settings.save': 'Save',
  'settings.saving': 'Saving…',
  'settings.close': 'Close settings',
  'settings.saved': 'Settings saved.',
  'settings.invalidThresholds': 'Thresholds must satisfy: 0 ≤ critical ≤ warning ≤ 3650 days (whole numbers).',
  'settings.invalidHide': 'The number of days must be a whole number, zero or more.',

  'progress.label': 'Scan progress',
  'progress.count': '{done} / {total} files',
  'progress.starting': 'Preparing the scan…',
  'progress.current': 'Now reading: {path}',
  'scan.summary': 'Scan finished: {seen} file(s) seen, {parsed} read, {unchanged} unchanged, {errors} error(s).',

  'banner.dismiss': 'Dismiss message',
  'banner.noBackend':
    'The CertiSanté engine cannot be reached: this page is open outside the application. No certificate can be read.',
  'banner.added': 'Now watching {count} more item(s).',
  'banner.removed': 'No longer watched: {path}',

  'summary.label': 'Certificates by status',
  'summary.total': '{count} certificate(s)',

  'filters.label': 'Search and filters',
  'filters.search': 'Search',
  'filters.searchPlaceholder': 'Name, organisation, FINESS/SIRET, issuer, path, fingerprint…',
  'filters.status': 'Status',
  'filters.usage': 'Usage',
  'filters.environment': 'Environment',
  'filters.all': 'All',
  'filters.usageNone': 'Not recognised',
  'filters.hideExpired': 'Hide expired more than {days} d ago',
  'filters.hiddenCount': '{count} hidden',
  'filters.shown': '{shown} of {total} shown',
  'filters.reset': 'Reset',
  'filters.noMatch': 'No certificate matches the search or filters.',

  'status.valid': 'Valid',
  'status.expiring': 'Expiring soon',
  'status.expired': 'Expired',
  'status.not_yet_valid': 'Not yet valid',

  'severity.ok': 'Normal',
  'severity.warning': 'Warning',
  'severity.critical': 'Critical',

  'env.PROD': 'PROD',
  'env.TEST': 'TEST',
  'env.OTHER': 'OTHER',
  'env.long.PROD': 'IGC-Santé production',
  'env.long.TEST': 'IGC-Santé TEST environment: do not use in production',
  'env.long.OTHER': 'Not IGC-Santé (other authority or unverified chain)',

  'offer.ORG': 'Organisation (ORG)',
  'offer.SERV': 'Server (SERV)',
  'usage.AUTH_CLI': 'Client authentication',
  'usage.SIGN': 'Signature',
  'usage.CONF': 'Confidentiality (encryption)',
  'usage.SSL_SERV': 'SSL/TLS server',

  'structure.FINESS': 'FINESS',
  'structure.SIRET': 'SIRET',
  'structure.OTHER': 'Identifier',
  'structure.check.valid': 'Check digit correct',
  'structure.check.invalid': 'Check digit wrong',
  'structure.check.unchecked': 'Not checked',

  'table.caption': 'Certificates found, soonest expiry first',
  'table.cn': 'Name (CN)',
  'table.structure': 'Structure',
  'table.offerUsage': 'Offer · usage',
  'table.environment': 'Env.',
  'table.expiry': 'Expiry',
  'table.daysLeft': 'Due',
  'table.key': 'Key',
  'table.sortBy': 'Sort by “{column}”',
  'table.privateKey': 'Private key present',
  'table.noCn': '(no name)',
  'table.none': '—',

  'days.in': 'in {n} d',
  'days.today': 'expires today',
  'days.expiredToday': 'expired today',
  'days.expiredSince': 'expired {n} d ago',

  'details.title': 'Certificate details',
  'details.close': 'Close details',
  'details.identity': 'Identity',
  'details.cn': 'Name (CN)',
  'details.organization': 'Organisation (O)',
  'details.structure': 'Structure',
  'details.state': 'Location (ST)',
  'details.department': 'Département',
  'details.subject': 'Subject',
  'details.issuer': 'Issuer',
  'details.serial': 'Serial number',
  'details.profile': 'Offer and usage',
  'details.validity': 'Validity',
  'details.notBefore': 'Valid from',
  'details.notAfter': 'Valid until',
  'details.status': 'Status',
  'details.daysLeft': 'Due',
  'details.key': 'Key and signature',
  'details.keyAlgorithm': 'Key algorithm',
  'details.keyBits': '{bits} bits',
  'details.signatureAlgorithm': 'Signature algorithm',
  'details.keyUsage': 'Key usage',
  'details.eku': 'Extended key usage (EKU)',
  'details.policies': 'Certificate policies',
  'details.dnsNames': 'DNS names',
  'details.isCa': 'Certification authority',
  'details.yes': 'Yes',
  'details.no': 'No',
  'details.none': 'None',
  'details.chain': 'Chain of trust',
  'details.chainStatus': 'Verification',
  'details.chainPath': 'Certification path',
  'details.chainEnvironment': 'Environment',
  'details.fingerprints': 'Fingerprints',
  'details.sha256': 'SHA-256',
  'details.sha1': 'SHA-1',
  'details.warnings': 'Warnings',
  'details.places': 'Locations',
  'details.placesCount': '{count} location(s)',
  'details.format': 'Format',
  'details.kind': 'Source',
  'details.position': 'Position in the file',
  'details.privateKey': 'Private key',
  'details.integrity': 'Integrity',
  'details.firstSeen': 'First seen',
  'details.lastSeen': 'Last seen',

  'chain.trusted': 'Chain verified',
  'chain.signature_invalid': 'Invalid signature',
  'chain.issuer_unknown': 'Unknown issuer',
  'chain.untrusted_root': 'Unrecognised root',

  'format.pem': 'PEM',
  'format.der': 'DER',
  'format.pkcs7': 'PKCS#7',
  'format.pkcs12': 'PKCS#12',
  'format.store': 'System store',

  'place.file': 'File',
  'place.nss': 'NSS store (Firefox)',
  'place.windows_store': 'Windows store',
  'place.macos_keychain': 'macOS keychain',

  'integrity.not_applicable': 'Not applicable',
  'integrity.unverified': 'Not verified (password needed)',
  'integrity.verified': 'Verified',

  'pkcs12.verify': 'Verify with the password',
  'pkcs12.password': 'File password',
  'pkcs12.submit': 'Verify',
  'pkcs12.checking': 'Verifying…',
  'pkcs12.hint': 'The password is only used for this check: it is neither saved nor kept.',
  'pkcs12.verified': 'Password correct: the file’s integrity is verified.',
  'pkcs12.notVerified': 'The file’s integrity could not be verified.',
  'pkcs12.contents': '{count} certificate(s) in the file, private key: {key}.',

  'errors.title': 'Unreadable files ({count})',
  'errors.hint': 'These files were skipped during the scan.',

  'watched.title': 'Watched folders and files',
  'watched.empty': 'No folder or file is watched.',
  'watched.folder': 'Folder',
  'watched.file': 'File',
  'watched.missing': 'Missing',
  'watched.missingHint': 'Missing: unplugged drive, moved or deleted folder?',
  'watched.addedAt': 'Added on {date}',
  'watched.remove': 'Remove',
  'watched.removeLabel': 'Stop watching {path}',

  'empty.title': 'No certificates yet',
  'empty.body':
    'Add the folder where your certificates are saved, for example the one where you saved the .p12 files downloaded from the IGC-Santé portal (often “Downloads” or “Documents”).',
  'empty.drop': 'You can also drag and drop files or folders onto this window.',
  'empty.formats': 'Recognised formats: .pem, .crt, .cer, .der, .p7b, .p7c, .p12, .pfx.',
  'empty.noBackend': 'Open CertiSanté from the installed application to scan your certificates.',

  'drop.overlay': 'Drop your files or folders to watch them',

  'error.generic': 'An unexpected error occurred.',
  'error.app.no_backend': 'The CertiSanté engine is not available (page opened outside the application).',
  'error.certs.p12_bad_password': 'Wrong password for this PKCS#12 file.',
  'error.certs.p12_password_required': 'This PKCS#12 file is protected by a password.',
  'error.certs.p12_partly_encrypted': 'Part of this PKCS#12 file is encrypted and cannot be read without its password.',
  'error.certs.p12_invalid': 'Invalid or damaged PKCS#12 file.',
  'error.certs.p12_unsupported': 'This PKCS#12 file uses an unsupported encryption.',
  'error.certs.not_pkcs12': 'This file is not a PKCS#12 file (.p12 / .pfx).',
  'error.certs.unrecognized_format': 'Unrecognised format: not PEM, DER, PKCS#7 or PKCS#12.',
  'error.certs.der_truncated': 'Truncated (incomplete) DER file.',
  'error.certs.der_invalid': 'Invalid DER encoding.',
  'error.certs.pem_invalid': 'Invalid PEM block.',
  'error.certs.empty_file': 'Empty file.',
  'error.certs.file_too_large': 'File too large to hold certificates.',
  'error.certs.no_certificate': 'No certificate in this file.',
  'error.certs.certificate_invalid': 'Invalid or damaged certificate.',
  'error.certs.pkcs7_invalid': 'Invalid PKCS#7 file.',
  'error.certs.io': 'The file cannot be read.',
  'error.stores.unreadable': 'System certificate store unreadable.',
  'error.registry.database': 'The CertiSanté database cannot be used.',
  'error.registry.data_dir': 'The CertiSanté data folder cannot be created.',
  'error.registry.invalid_setting': 'Setting rejected: invalid value.',
  'error.registry.not_watched': 'This path is not watched.',
  'error.registry.path_not_found': 'No such file or folder.',
  'error.igc.forged_issuer':
    'Claims an IGC-Santé issuer, but the signature does not match that authority’s key: not an IGC-Santé certificate.',
  'error.igc.unverified_issuer': 'Claims an IGC-Santé issuer, but no chain to the IGC-Santé roots could be verified.',
  'error.igc.structure_id_invalid': 'The structure identifier’s check digit (FINESS/SIRET) is wrong.',
};

export const dictionaries: Record<Lang, Dictionary> = { fr, en };

export type Params = Record<string, string | number>;

/** The string for `key` in `lang`, with `{name}` placeholders filled from `params`. */
export function translate(lang: Lang, key: Key, params?: Params): string {
  const template = dictionaries[lang][key] ?? dictionaries[DEFAULT_LANG][key] ?? key;
  if (!params) {
    return template;
  }
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = params[name];
    return value === undefined ? whole : formatParam(lang, value);
  });
}

function formatParam(lang: Lang, value: string | number): string {
  return typeof value === 'number' ? new Intl.NumberFormat(localeOf(lang)).format(value) : value;
}

function isKey(key: string): key is Key {
  return Object.prototype.hasOwnProperty.call(fr, key);
}

/**
 * The translation of a back-end error or warning by its code; the back end's own
 * message for a code this UI does not know.
 */
export function translateCode(lang: Lang, item: { code: string; message: string }): string {
  const key = `error.${item.code}`;
  if (isKey(key)) {
    return translate(lang, key);
  }
  return item.message.trim() !== '' ? item.message : translate(lang, 'error.generic');
}

/** True when the UI has its own text for this error code. */
export function knowsCode(code: string): boolean {
  return isKey(`error.${code}`);
}

export function localeOf(lang: Lang): string {
  return lang === 'fr' ? 'fr-FR' : 'en-GB';
}

function parseDate(iso: string): Date | null {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}

/** A date such as "3 avr. 2028" (fr) or "3 Apr 2028" (en); the input as is if unreadable. */
export function formatDate(lang: Lang, iso: string): string {
  const date = parseDate(iso);
  if (!date) {
    return iso;
  }
  return new Intl.DateTimeFormat(localeOf(lang), { day: 'numeric', month: 'short', year: 'numeric' }).format(date);
}

/** A date and time such as "3 avr. 2028, 14:05" in the local time zone. */
export function formatDateTime(lang: Lang, iso: string): string {
  const date = parseDate(iso);
  if (!date) {
    return iso;
  }
  return new Intl.DateTimeFormat(localeOf(lang), {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(date);
}

/** "dans 12 j" / "expiré depuis 3 j" from the back end's days_left and status. */
export function formatDaysLeft(lang: Lang, daysLeft: number, expired: boolean): string {
  if (expired || daysLeft < 0) {
    const ago = Math.max(0, -daysLeft);
    return ago === 0 ? translate(lang, 'days.expiredToday') : translate(lang, 'days.expiredSince', { n: ago });
  }
  return daysLeft === 0 ? translate(lang, 'days.today') : translate(lang, 'days.in', { n: daysLeft });
}

/** A hex fingerprint as colon-separated upper-case pairs (AB:CD:…). */
export function formatFingerprint(hex: string): string {
  const clean = hex.replace(/[^0-9a-f]/gi, '').toUpperCase();
  return clean.match(/.{1,2}/g)?.join(':') ?? '';
}
