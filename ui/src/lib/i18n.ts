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
  'settings.card': 'Carte CPS',
  'settings.pkcs11Module': 'Module PKCS#11 de la carte (Cryptolib CPS)',
  'settings.pkcs11ModulePlaceholder': 'Emplacement habituel, par ex. {path}',
  'settings.pkcs11ModuleHint': 'Laissez vide pour utiliser l’emplacement habituel de Cryptolib CPS.',
  'settings.pkcs11ModuleInUse': 'Module utilisé : {path}',

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
  'usage.SMIME': 'S/MIME (messagerie)',

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

  'card.region': 'Carte et lecteur',
  'card.state.no_service': 'Service des cartes à puce arrêté',
  'card.state.no_reader': 'Aucun lecteur de carte connecté',
  'card.state.no_card': 'Aucune carte dans le lecteur',
  'card.unrecognized': 'Carte non reconnue',
  'card.atr': 'ATR {atr}',
  'card.otherReaders': '+ {count} autre(s) lecteur(s)',
  'card.reader.card_in_use': 'utilisée par une autre application',
  'card.reader.mute': 'la carte ne répond pas (mal insérée ?)',
  'card.reader.unavailable': 'lecteur indisponible',
  'card.cannotSign': 'Sans contact : cette carte ne permet pas de signer',
  'card.holderUnknown': 'Titulaire non lu',
  'card.typeUnconfirmed': '{type} (à confirmer)',
  'card.middlewareMissing': 'Middleware de la carte introuvable',
  'card.middlewareError': 'Middleware de la carte en erreur',
  'card.check': 'Vérifier la carte',
  'card.checkUnavailable': 'Insérez une carte CPS lisible par son middleware (Cryptolib CPS).',
  'card.checked': 'Carte vérifiée : {holder}',

  'cardType.CPS': 'CPS (professionnel de santé)',
  'cardType.CPE': 'CPE (personnel d’établissement)',
  'cardType.CPA': 'CPA (personnel autorisé)',
  'cardType.CPF': 'CPF (professionnel en formation)',
  'cardType.unknown': 'Type de carte inconnu',

  'pin.title': 'Vérifier la carte',
  'pin.intro':
    'CertiSanté ouvre une session sur la carte, fait signer un défi par sa clé d’authentification, puis ferme la session. Le code PIN sert uniquement à cette vérification : il n’est ni enregistré ni conservé.',
  'pin.label': 'Code PIN de la carte',
  'pin.length': '{min} à {max} caractères',
  'pin.lengthMin': 'Au moins {min} caractères',
  'pin.lengthMax': 'Au plus {max} caractères',
  'pin.submit': 'Vérifier',
  'pin.checking': 'Vérification…',
  'pin.cancel': 'Annuler',
  'pin.close': 'Fermer',
  'pin.empty': 'Saisissez le code PIN.',
  'pin.countLow': 'Un code PIN erroné a déjà été saisi : il reste peu d’essais.',
  'pin.finalTry': 'Dernier essai : un code erroné bloquera la carte.',
  'pin.locked':
    'Le code PIN de cette carte est bloqué. Il doit être débloqué avec le code de déblocage de la carte, à l’aide des outils de la carte de l’ANS (Cryptolib CPS). CertiSanté n’essaie jamais de code sur une carte bloquée.',
  'pin.toBeChanged':
    'Le code PIN de cette carte doit être changé avant usage, avec les outils de la carte de l’ANS (Cryptolib CPS).',
  'pin.protectedPath': 'Saisissez le code sur le lecteur ou dans la fenêtre du logiciel de la carte.',
  'pin.protectedWaiting': 'En attente du code sur le lecteur ou dans la fenêtre du logiciel de la carte…',
  'pin.triesOk':
    'La carte ne signale aucun code erroné depuis sa dernière utilisation réussie. Elle n’indique pas le nombre exact d’essais restants.',
  'pin.triesNotExact': 'La carte n’indique pas le nombre exact d’essais restants.',
  'pin.triesUnknown':
    'L’état du code PIN n’a pas pu être lu : on ne sait pas si des codes erronés ont déjà été saisis.',
  'pin.noToken': 'La carte n’est plus détectée : réinsérez-la pour la vérifier.',

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
  'error.app.internal': 'Erreur interne de CertiSanté.',
  'error.card.pcsc_unavailable':
    'Le service des cartes à puce n’est pas démarré : démarrez pcscd (Linux) ou le service Windows « Carte à puce ».',
  'error.card.no_reader': 'Aucun lecteur de carte à puce n’est connecté.',
  'error.card.no_card': 'Aucune carte dans le lecteur : insérez la carte CPS.',
  'error.card.pcsc_error': 'Le service des cartes à puce a renvoyé une erreur.',
  'error.token.pin_incorrect': 'Code PIN incorrect. Le nombre d’essais est limité avant le blocage de la carte.',
  'error.token.pin_locked':
    'Code PIN bloqué : la carte doit être débloquée avec son code de déblocage, à l’aide des outils de la carte de l’ANS (Cryptolib CPS). CertiSanté n’essaie jamais de code sur une carte bloquée.',
  'error.token.pin_length': 'Le code PIN n’a pas la longueur attendue par cette carte : il n’a pas été envoyé.',
  'error.token.pin_required': 'Le code PIN de la carte est nécessaire pour cette vérification.',
  'error.token.pin_expired': 'Le code PIN a expiré : changez-le avec les outils de la carte de l’ANS (Cryptolib CPS).',
  'error.token.card_removed': 'La carte a été retirée pendant l’opération.',
  'error.token.no_token':
    'Le middleware de la carte ne voit aucune carte : insérez la carte CPS ; si elle est insérée, redémarrez le middleware.',
  'error.token.module_not_found':
    'Middleware de la carte (Cryptolib CPS) introuvable : installez Cryptolib CPS, ou indiquez le chemin de son module PKCS#11 dans les réglages.',
  'error.token.module_not_loadable':
    'Le module PKCS#11 de la carte ne peut pas être chargé (fichier incompatible ou endommagé) : réinstallez Cryptolib CPS ou corrigez le chemin dans les réglages.',
  'error.token.already_logged_in': 'Une session est déjà ouverte sur cette carte : fermez-la, puis recommencez.',
  'error.token.not_logged_in': 'La session sur la carte a été perdue (carte retirée puis réinsérée ?).',
  'error.token.key_not_found': 'Clé d’authentification introuvable sur la carte.',
  'error.token.key_always_authenticate': 'Cette clé demande le code PIN à chaque usage : CertiSanté ne l’utilise pas.',
  'error.token.key_cannot_sign': 'Cette clé de la carte n’est pas autorisée à signer.',
  'error.token.mechanism_mismatch': 'Mécanisme de signature incompatible avec la clé de la carte.',
  'error.token.mechanism_unsupported': 'La carte ne propose pas ce mécanisme de signature.',
  'error.token.pkcs11_error': 'Le middleware de la carte a renvoyé une erreur.',
  'error.token.login_cancelled': 'Saisie du code annulée.',
  'error.install.key_invalid': 'La clé privée n’est pas une clé PKCS#8 utilisable (RSA ou EC).',
  'error.install.key_mismatch': 'La clé privée ne correspond pas au certificat : rien n’a été écrit.',
  'error.install.chain_invalid': 'La chaîne de certificats est vide ou illisible.',
  'error.install.password_invalid':
    'Ce mot de passe ne peut pas protéger un fichier PKCS#12 (vide, ou avec des caractères comme des émojis).',
  'error.install.invalid_name': 'Nom invalide : il ne doit être ni vide ni contenir de séparateur de dossier.',
  'error.install.p12_bad_password': 'Mot de passe incorrect pour ce fichier PKCS#12.',
  'error.install.p12_failed': 'Le fichier PKCS#12 n’a pas pu être utilisé.',
  'error.install.exists': 'Le fichier existe déjà : choisissez de le remplacer ou un autre nom.',
  'error.install.disk_full': 'Le disque est plein : le fichier n’a pas été écrit (aucun fichier partiel ne reste).',
  'error.install.permission_denied':
    'Écriture refusée (dossier ou disque en lecture seule, ou droits insuffisants) : rien n’a été écrit.',
  'error.install.io': 'Le fichier n’a pas pu être écrit.',
  'error.install.nss_tool_missing':
    'Les outils NSS sont absents : installez libnss3-tools (Debian, Ubuntu) ou nss-tools (Fedora).',
  'error.install.nss_failed': 'La base de certificats NSS a refusé l’installation.',
  'error.install.windows_store': 'Le magasin de certificats Windows a refusé l’installation.',
  'error.install.macos_keychain': 'Le trousseau macOS a refusé l’installation.',
  'error.audit.secret_in_details': 'Un secret ne peut pas être inscrit au journal d’audit : l’action n’a pas été enregistrée.',
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
  'settings.card': 'CPS card',
  'settings.pkcs11Module': 'Card PKCS#11 module (Cryptolib CPS)',
  'settings.pkcs11ModulePlaceholder': 'Usual location, e.g. {path}',
  'settings.pkcs11ModuleHint': 'Leave empty to use Cryptolib CPS’s usual location.',
  'settings.pkcs11ModuleInUse': 'Module in use: {path}',

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
  'usage.SMIME': 'S/MIME (mail)',

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

  'card.region': 'Card and reader',
  'card.state.no_service': 'Smart-card service stopped',
  'card.state.no_reader': 'No card reader connected',
  'card.state.no_card': 'No card in the reader',
  'card.unrecognized': 'Unrecognised card',
  'card.atr': 'ATR {atr}',
  'card.otherReaders': '+ {count} other reader(s)',
  'card.reader.card_in_use': 'in use by another application',
  'card.reader.mute': 'the card does not answer (badly inserted?)',
  'card.reader.unavailable': 'reader unavailable',
  'card.cannotSign': 'Contactless: this card cannot sign',
  'card.holderUnknown': 'Holder not read',
  'card.typeUnconfirmed': '{type} (unconfirmed)',
  'card.middlewareMissing': 'Card middleware not found',
  'card.middlewareError': 'Card middleware error',
  'card.check': 'Check the card',
  'card.checkUnavailable': 'Insert a CPS card its middleware (Cryptolib CPS) can read.',
  'card.checked': 'Card checked: {holder}',

  'cardType.CPS': 'CPS (health professional)',
  'cardType.CPE': 'CPE (facility staff)',
  'cardType.CPA': 'CPA (authorised staff)',
  'cardType.CPF': 'CPF (professional in training)',
  'cardType.unknown': 'Unknown card type',

  'pin.title': 'Check the card',
  'pin.intro':
    'CertiSanté opens a session on the card, has its authentication key sign a challenge, then closes the session. The PIN is only used for this check: it is neither saved nor kept.',
  'pin.label': 'Card PIN',
  'pin.length': '{min} to {max} characters',
  'pin.lengthMin': 'At least {min} characters',
  'pin.lengthMax': 'At most {max} characters',
  'pin.submit': 'Check',
  'pin.checking': 'Checking…',
  'pin.cancel': 'Cancel',
  'pin.close': 'Close',
  'pin.empty': 'Type the PIN.',
  'pin.countLow': 'A wrong PIN has already been entered: few tries are left.',
  'pin.finalTry': 'Last try: a wrong PIN will lock the card.',
  'pin.locked':
    'This card’s PIN is locked. It must be unblocked with the card’s unblock code, using ANS’s card tools (Cryptolib CPS). CertiSanté never tries a PIN on a locked card.',
  'pin.toBeChanged': 'This card’s PIN must be changed before use, with ANS’s card tools (Cryptolib CPS).',
  'pin.protectedPath': 'Type the PIN on the reader or in the card software’s window.',
  'pin.protectedWaiting': 'Waiting for the PIN on the reader or in the card software’s window…',
  'pin.triesOk':
    'The card reports no wrong PIN since it was last used successfully. It does not tell the exact number of tries left.',
  'pin.triesNotExact': 'The card does not tell the exact number of tries left.',
  'pin.triesUnknown': 'The PIN state could not be read: whether wrong PINs were already entered is unknown.',
  'pin.noToken': 'The card is no longer detected: insert it again to check it.',

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
  'error.app.internal': 'CertiSanté internal error.',
  'error.card.pcsc_unavailable':
    'The smart-card service is not running: start pcscd (Linux) or the Windows “Smart Card” (Carte à puce) service.',
  'error.card.no_reader': 'No smart-card reader is connected.',
  'error.card.no_card': 'No card in the reader: insert the CPS card.',
  'error.card.pcsc_error': 'The smart-card service returned an error.',
  'error.token.pin_incorrect': 'Wrong PIN. The number of tries before the card locks is limited.',
  'error.token.pin_locked':
    'PIN locked: the card must be unblocked with its unblock code, using ANS’s card tools (Cryptolib CPS). CertiSanté never tries a PIN on a locked card.',
  'error.token.pin_length': 'The PIN does not have the length this card expects: it was not sent.',
  'error.token.pin_required': 'The card’s PIN is needed for this check.',
  'error.token.pin_expired': 'The PIN has expired: change it with ANS’s card tools (Cryptolib CPS).',
  'error.token.card_removed': 'The card was removed during the operation.',
  'error.token.no_token':
    'The card middleware sees no card: insert the CPS card; if it is inserted, restart the middleware.',
  'error.token.module_not_found':
    'Card middleware (Cryptolib CPS) not found: install Cryptolib CPS, or set the path of its PKCS#11 module in the settings.',
  'error.token.module_not_loadable':
    'The card’s PKCS#11 module cannot be loaded (incompatible or damaged file): reinstall Cryptolib CPS or fix the path in the settings.',
  'error.token.already_logged_in': 'A session is already open on this card: close it, then try again.',
  'error.token.not_logged_in': 'The session on the card was lost (card removed and inserted again?).',
  'error.token.key_not_found': 'Authentication key not found on the card.',
  'error.token.key_always_authenticate': 'This key asks for the PIN on every use: CertiSanté does not use it.',
  'error.token.key_cannot_sign': 'This key of the card is not allowed to sign.',
  'error.token.mechanism_mismatch': 'Signature mechanism incompatible with the card’s key.',
  'error.token.mechanism_unsupported': 'The card does not offer this signature mechanism.',
  'error.token.pkcs11_error': 'The card middleware returned an error.',
  'error.token.login_cancelled': 'PIN entry cancelled.',
  'error.install.key_invalid': 'The private key is not a usable PKCS#8 key (RSA or EC).',
  'error.install.key_mismatch': 'The private key does not match the certificate: nothing was written.',
  'error.install.chain_invalid': 'The certificate chain is empty or unreadable.',
  'error.install.password_invalid': 'This password cannot protect a PKCS#12 file (empty, or with characters such as emoji).',
  'error.install.invalid_name': 'Invalid name: it must not be empty nor contain a folder separator.',
  'error.install.p12_bad_password': 'Wrong password for this PKCS#12 file.',
  'error.install.p12_failed': 'The PKCS#12 file could not be used.',
  'error.install.exists': 'The file already exists: choose to replace it or another name.',
  'error.install.disk_full': 'The disk is full: the file was not written (no partial file is left).',
  'error.install.permission_denied': 'Writing refused (read-only folder or disk, or missing rights): nothing was written.',
  'error.install.io': 'The file could not be written.',
  'error.install.nss_tool_missing': 'The NSS tools are missing: install libnss3-tools (Debian, Ubuntu) or nss-tools (Fedora).',
  'error.install.nss_failed': 'The NSS certificate database refused the installation.',
  'error.install.windows_store': 'The Windows certificate store refused the installation.',
  'error.install.macos_keychain': 'The macOS keychain refused the installation.',
  'error.audit.secret_in_details': 'A secret cannot be written to the audit log: the action was not recorded.',
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
