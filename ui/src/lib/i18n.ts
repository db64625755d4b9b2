// Every string the UI shows, in French (the default) and English, with the formatting
// helpers that depend on the language. Pure module: no Svelte, no Tauri. The texts of error
// and rule codes come from the back end's one catalog (`bindings/errorTexts.ts`).

import { ERROR_TEXTS } from './bindings/errorTexts';

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
  'settings.card': 'Carte CPx',
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
  'status.replaced': 'Remplacé',

  'severity.ok': 'Normal',
  'severity.warning': 'Alerte',
  'severity.critical': 'Critique',

  'env.PROD': 'PROD',
  'env.TEST': 'TEST',
  'env.OTHER': 'AUTRE',
  'env.long.PROD': 'Production IGC-Santé',
  'env.long.TEST': 'Environnement de TEST IGC-Santé : ne pas utiliser en production',
  'env.long.OTHER': 'Hors IGC-Santé (autre autorité ou chaîne non vérifiée)',

  'offer.ORG': 'ORG (personne morale)',
  'offer.SERV': 'SERV (serveur applicatif)',
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
  'details.notAfter': 'Fin de validité du certificat',
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
  'chain.ca_expired': 'Autorité de la chaîne expirée',
  'chain.ca_not_yet_valid': 'Autorité de la chaîne pas encore valide',
  'chain.issuer_not_ca': 'Émetteur non autorisé à certifier',
  'chain.path_len_exceeded': 'Longueur de chaîne dépassée',
  'chain.unknown_critical_extension': 'Extension critique inconnue',
  'chain.invalid_extensions': 'Extensions invalides',

  'format.pem': 'PEM',
  'format.der': 'DER',
  'format.pkcs7': 'PKCS#7',
  'format.pkcs12': 'PKCS#12',
  'format.store': 'Magasin système',

  'place.file': 'Fichier',
  'place.nss': 'Magasin NSS (Firefox)',
  'place.windows_store': 'Magasin Windows',
  'place.macos_keychain': 'Trousseau macOS',
  'place.keystore': 'Trousseau du système (clé privée)',

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
  'errors.setAside':
    '{count} fichier(s) mis de côté : leur lecture a interrompu une analyse précédente. Ils ne sont relus que s’ils changent, ou à votre demande.',
  'errors.retrySetAside': 'Relire les fichiers mis de côté',

  'delivery.title': 'Des alertes n’ont pas pu être envoyées ({count})',
  'delivery.mail': 'E-mail à {address}',
  'delivery.webhook': 'Webhook {name}',
  'delivery.since': '(en échec depuis le {date}, {count} alerte(s) en attente)',
  'delivery.hint': 'CertiSanté réessaie à chaque vérification (toutes les heures) ; vérifiez le serveur de messagerie ou le webhook (certisante alerts show).',

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
    'Ajoutez le dossier où sont enregistrés vos certificats, par exemple celui où vous avez sauvegardé les fichiers .p12 téléchargés depuis la plateforme IGC-Santé (souvent « Téléchargements » ou « Documents »).',
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
  'card.checkUnavailable': 'Insérez une carte CPx (CPS, CPE, CPA ou CDE) lisible par son middleware (Cryptolib CPS).',
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
    'Le code PIN de cette carte est bloqué. Il se débloque avec le code de déblocage de la carte, à l’aide des outils de la carte de l’ANS (Cryptolib CPS). CertiSanté n’essaie jamais de code sur une carte bloquée.',
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
  'nav.label': 'Sections',
  'nav.dashboard': 'Tableau de bord',
  'nav.orders': 'Commandes',
  'nav.audit': 'Journal',

  'dialog.close': 'Fermer',
  'dialog.cancel': 'Annuler',
  'dialog.choose': 'Choisir…',
  'dialog.details': 'Détails techniques',

  'orderState.draft': 'Brouillon',
  'orderState.key_generated': 'Bi-clé générée',
  'orderState.csr_exported': 'Demande (CSR) exportée',
  'orderState.certificate_imported': 'Certificat importé',
  'orderState.installed': 'Installé',
  'orderState.renewed': 'Renouvelé',
  'orderState.revoked': 'Révoqué',
  'orderState.expired': 'Expiré',
  'orderState.cancelled': 'Annulé',

  'orders.title': 'Commandes de certificats',
  'orders.intro':
    'Deux chemins mènent à la même commande suivie : la plateforme IGC-Santé génère la bi-clé et délivre un fichier .p12 que vous importez ici (recommandé par l’ANS), ou CertiSanté génère la bi-clé sur ce poste et prépare la demande (CSR) que vous déposez sur la plateforme avec votre carte CPx.',
  'orders.new': 'Nouvelle commande',
  'orders.refresh': 'Actualiser',
  'orders.loading': 'Chargement des commandes…',
  'orders.empty': 'Aucune commande pour l’instant.',
  'orders.emptyHint':
    'Commencez par « Nouvelle commande », ou importez le certificat ou le fichier .p12 reçu de la plateforme IGC-Santé.',
  'orders.list': 'Commandes, la plus récente en premier',
  'orders.awaiting': 'En attente du certificat de la plateforme',
  'orders.expires': 'Expire le {date} ({days})',
  'orders.created': 'Créée le {date}',
  'orders.reference': 'Réf. {id}',
  'orders.referenceLabel': 'Référence',
  'orders.renews': 'Renouvelle {id}',
  'orders.renewedBy': 'Renouvelée par {id}',
  'orders.revocationReason': 'Motif de révocation : {reason}',
  'orders.keyOrigin.local': 'Bi-clé générée sur ce poste par CertiSanté',
  'orders.keyOrigin.portal_p12': 'Bi-clé générée par la plateforme (.p12)',
  'orders.keyRetired': 'Clé retirée du trousseau',
  'orders.actions': 'Actions pour {cn}',
  'orders.cancelled': 'Demande {cn} annulée : sa clé a été supprimée du trousseau.',
  'orders.revoked': 'Révocation de {cn} enregistrée.',

  'action.view_csr': 'Voir / exporter la demande (CSR)',
  'action.open_portal': 'Ouvrir la plateforme IGC-Santé',
  'action.import': 'Importer le certificat reçu',
  'action.cancel': 'Annuler la demande',
  'action.install': 'Installer…',
  'action.renew': 'Renouveler',
  'action.revoke': 'Révoquer…',
  'action.secrets': 'Code de révocation / mot de passe .p12',

  'csr.title': 'Demande de certificat (CSR) : {cn}',
  'csr.intro':
    'Copiez ou enregistrez cette demande, déposez-la sur la plateforme IGC-Santé avec votre carte CPx, puis importez ici le certificat délivré. La clé privée reste dans le trousseau du système.',
  'csr.pem': 'Demande au format PEM',
  'csr.copy': 'Copier',
  'csr.copied': 'Demande copiée dans le presse-papiers.',
  'csr.copyFailed':
    'La copie a échoué : sélectionnez le texte et copiez-le (Ctrl+C), ou enregistrez-le dans un fichier.',
  'csr.save': 'Enregistrer…',
  'csr.saveTitle': 'Enregistrer la demande (CSR)',
  'csr.filterName': 'Demande de certificat',
  'csr.saved': 'Demande enregistrée : {path}',

  'wizard.title': 'Nouvelle commande de certificat',
  'wizard.steps': 'Étapes de la commande',
  'wizard.step1': 'Offre et environnement',
  'wizard.step2': 'Structure',
  'wizard.step3': 'Nom du certificat',
  'wizard.step4': 'Demande (CSR)',
  'wizard.loading': 'Chargement des profils…',
  'wizard.profile': 'Offre et usage',
  'wizard.unconfirmed': 'valeurs non confirmées',
  'wizard.unconfirmedHint':
    'Aucune source publique ne confirme encore les usages de ce profil : vérifiez le certificat délivré.',
  'wizard.environment': 'Environnement',
  'wizard.envProd': 'Production : les téléservices réels',
  'wizard.envTest': 'Test : essais uniquement',
  'wizard.envTestWarning':
    'Un certificat de TEST n’est accepté par aucun téléservice en production : choisissez-le seulement pour des essais.',
  'wizard.organization': 'Raison sociale',
  'wizard.organizationHint': 'Telle qu’elle figure au répertoire FINESS ou SIRENE (champ O du certificat).',
  'wizard.structureId': 'Identifiant national de la structure',
  'wizard.structureIdHint': 'FINESS (9 caractères) ou SIRET (14 chiffres).',
  'wizard.department': 'Département',
  'wizard.departmentSearch': 'Rechercher un département (numéro ou nom)',
  'wizard.departmentChoose': 'Choisissez un département',
  'wizard.departmentNone': 'Aucun département ne correspond à « {query} ».',
  'wizard.commonName': 'Nom du certificat (CN)',
  'wizard.commonNameHint': 'Le téléservice auquel ce certificat est destiné : un certificat par téléservice.',
  'wizard.commonNameFqdnHint': 'Le nom DNS complet du serveur, en minuscules (ex. serveur.ch-exemple.fr).',
  'wizard.suggestions': 'Suggestions',
  'wizard.useSuggestion': 'Utiliser le nom {name}',
  'wizard.back': 'Précédent',
  'wizard.next': 'Suivant',
  'wizard.generate': 'Générer la bi-clé et la demande',
  'wizard.generatingKey': 'Génération de la bi-clé RSA 2048…',
  'wizard.generatingKeystore': 'Enregistrement de la clé privée dans le trousseau du système…',
  'wizard.validating': 'Vérification des règles…',
  'wizard.violations': '{count} point(s) à corriger avant de générer la bi-clé.',
  'wizard.ready': 'La demande respecte les règles IGC-Santé.',
  'wizard.summary': 'Récapitulatif',
  'wizard.created': 'Bi-clé générée, clé privée enregistrée dans le trousseau du système : la demande est prête.',
  'wizard.nothingCreated': 'Rien n’a été créé : corrigez le problème, puis recommencez.',
  'wizard.finish': 'Terminer',

  'renew.title': 'Renouvellement de {cn}',
  'renew.working': 'Création de la demande de renouvellement avec une nouvelle bi-clé…',
  'renew.done':
    'Nouvelle demande créée avec une nouvelle bi-clé. L’ancien certificat reste utilisable : il sera marqué « renouvelé » à l’import du nouveau.',

  'install.title': 'Installer le certificat {cn}',
  'install.target': 'Destination',
  'install.p12': 'Fichier .p12 (certificat et clé protégés par un mot de passe)',
  'install.pem': 'Fichiers PEM dans un dossier (clé, certificat, chaîne)',
  'install.nss': 'Base de certificats NSS (Firefox, Chrome sous Linux)',
  'install.path': 'Fichier .p12 à écrire',
  'install.saveTitle': 'Enregistrer le fichier .p12',
  'install.filterName': 'Fichier PKCS#12',
  'install.password': 'Mot de passe du fichier .p12',
  'install.passwordConfirm': 'Confirmation du mot de passe',
  'install.passwordHint':
    'Le logiciel qui utilisera ce fichier vous le demandera. CertiSanté ne le garde pas : vous pouvez l’enregistrer dans le trousseau avec « Code de révocation / mot de passe .p12 ».',
  'install.passwordEmpty': 'Choisissez un mot de passe pour protéger la clé privée.',
  'install.passwordMismatch': 'Les deux mots de passe ne sont pas identiques.',
  'install.legacy': 'Format ancien (3DES/SHA-1) pour les anciens clients Java/Windows',
  'install.overwrite': 'Remplacer s’il existe déjà',
  'install.folder': 'Dossier des fichiers PEM',
  'install.folderTitle': 'Choisir le dossier des fichiers PEM',
  'install.pemHint':
    'Quatre fichiers sont écrits : la clé privée (lisible par vous seul), le certificat, la chaîne, et le certificat suivi de la chaîne.',
  'install.nssDefault': 'Base par défaut de l’utilisateur (~/.pki/nssdb)',
  'install.nssFolder': 'Autre base (dossier)',
  'install.nssFolderTitle': 'Choisir le dossier de la base NSS',
  'install.pathEmpty': 'Indiquez où écrire.',
  'install.submit': 'Installer',
  'install.installing': 'Installation…',
  'install.done': 'Installé : {paths}',

  'revoke.title': 'Révoquer le certificat {cn}',
  'revoke.explain':
    'La révocation se fait sur la plateforme IGC-Santé, avec votre carte CPx et le code de révocation choisi au retrait du certificat. Révoquez d’abord le certificat sur la plateforme, puis enregistrez la révocation ici : CertiSanté retire alors sa clé du trousseau du système.',
  'revoke.confKeeps':
    'La clé d’un certificat de confidentialité est conservée, pour pouvoir encore déchiffrer ce qui a été chiffré pour elle.',
  'revoke.reason': 'Motif de la révocation',
  'revoke.understand': 'Je comprends que la révocation est définitive',
  'revoke.submit': 'Enregistrer la révocation',
  'revoke.revoking': 'Enregistrement…',

  'revocationReason.key_compromise': 'Compromission de la clé (perte, vol, fuite)',
  'revocationReason.affiliation_changed': 'Changement d’affiliation (structure, nom)',
  'revocationReason.superseded': 'Remplacé par un autre certificat',
  'revocationReason.cessation_of_operation': 'Cessation d’activité',
  'revocationReason.unspecified': 'Non précisé',

  'secret.title': 'Secrets de {cn}',
  'secret.intro':
    'Conservez dans le trousseau du système le code de révocation choisi sur la plateforme, ou le mot de passe d’un fichier .p12. Ils ne sont jamais inscrits au journal.',
  'secret.kind': 'Secret',
  'secret.value': 'Valeur à enregistrer',
  'secret.save': 'Enregistrer dans le trousseau',
  'secret.saving': 'Enregistrement…',
  'secret.saved': 'Enregistré dans le trousseau du système.',
  'secret.empty': 'Saisissez la valeur à enregistrer.',
  'secret.show': 'Afficher le secret enregistré…',
  'secret.showConfirm': 'Afficher ce secret à l’écran ? L’affichage est inscrit au journal (sans le secret).',
  'secret.showYes': 'Oui, afficher',
  'secret.shownLabel': 'Secret enregistré',
  'secret.hide': 'Masquer',

  'secretKind.revocation_code': 'Code de révocation',
  'secretKind.p12_password': 'Mot de passe du fichier .p12',
  'secretKind.private_key': 'Clé privée',

  'cancel.title': 'Annuler la demande {cn} ?',
  'cancel.body':
    'La clé de cette demande sera supprimée du trousseau du système : si la demande a déjà été déposée sur la plateforme, le certificat délivré ne pourra plus être utilisé.',
  'cancel.confirm': 'Annuler la demande',
  'cancel.keep': 'Garder la demande',

  'import.title': 'Importer ce que la plateforme a délivré',
  'import.drop': 'Déposez ici le certificat (.pem, .cer, .p7b) ou le fichier .p12 reçu, ou :',
  'import.chooseFile': 'Importer un fichier…',
  'import.fileTitle': 'Choisir le certificat ou le fichier .p12 reçu',
  'import.filterName': 'Certificats et fichiers .p12',
  'import.path': 'Chemin du fichier',
  'import.pathHint': 'Vous pouvez coller un chemin, y compris sur un partage réseau.',
  'import.submit': 'Importer',
  'import.importing': 'Import de {path}…',
  'import.done': 'Certificat importé pour la commande {cn} ({id}).',
  'import.already': 'Déjà importé (commande {id}) : rien n’a changé.',
  'import.passwordTitle': 'Mot de passe du fichier .p12',
  'import.passwordIntro':
    'Ce fichier contient une clé privée. Saisissez le mot de passe choisi au retrait sur la plateforme : la clé sera rangée dans le trousseau du système.',
  'import.passwordLabel': 'Mot de passe',
  'import.passwordSubmit': 'Importer',
  'import.passwordEmpty': 'Saisissez le mot de passe du fichier.',
  'drop.overlayOrders': 'Déposez le certificat ou le fichier .p12 reçu pour l’importer',

  'audit.title': 'Journal d’audit',
  'audit.intro':
    'Chaque action sur les commandes y est inscrite et chaînée à la précédente : une entrée modifiée, déplacée ou supprimée se voit à la vérification.',
  'audit.verify': 'Vérifier l’intégrité du journal',
  'audit.verifying': 'Vérification…',
  'audit.intact': 'Journal intact : {count} entrée(s) vérifiée(s).',
  'audit.broken': 'Journal altéré à l’entrée n° {seq} : {problem}.',
  'audit.brokenNoSeq': 'Journal altéré : {problem}.',
  'audit.problem.edited': 'l’entrée a été modifiée après son écriture',
  'audit.problem.removed': 'des entrées manquent à partir d’ici',
  'audit.problem.reordered': 'l’entrée a été déplacée',
  'audit.problem.head_mismatch': 'l’en-tête du journal ne correspond pas à ses entrées',
  'audit.loading': 'Chargement du journal…',
  'audit.empty': 'Le journal est vide : aucune action sur les commandes pour l’instant.',
  'audit.caption': 'Les {count} dernières entrées, la plus récente en premier',
  'audit.seq': 'N°',
  'audit.at': 'Date',
  'audit.actor': 'Acteur',
  'audit.action': 'Action',
  'audit.object': 'Objet',
  'audit.details': 'Détails',

  'actorKind.card_holder': 'titulaire de la carte',
  'actorKind.os_user': 'utilisateur du système',

  'auditAction.order_created': 'Commande créée',
  'auditAction.key_generated': 'Bi-clé générée',
  'auditAction.csr_exported': 'Demande (CSR) exportée',
  'auditAction.certificate_imported': 'Certificat importé',
  'auditAction.installed': 'Certificat installé',
  'auditAction.exported': 'Certificat exporté',
  'auditAction.renewed': 'Renouvellement',
  'auditAction.revoked': 'Révocation enregistrée',
  'auditAction.secret_shown': 'Secret affiché',
  'auditAction.key_retired': 'Clé retirée du trousseau',
  'auditAction.order_cancelled': 'Commande annulée',
  'auditAction.watch_added': 'Ajouté à la surveillance',
  'auditAction.watch_removed': 'Retiré de la surveillance',
  'auditAction.settings_changed': 'Réglages modifiés',
  'auditAction.place_lost': 'Emplacement disparu',



  'header.readOnly': 'Lecture seule',
  'header.readOnlyWhy': 'Poste en lecture seule : tableau de bord, états et exports uniquement',
  'export.button': 'Exporter',
  'export.exporting': 'Export en cours…',
  'export.menuLabel': 'Formats d’export',
  'export.format.ics': 'Calendrier des renouvellements (.ics)',
  'export.format.csv': 'Tableau (CSV)',
  'export.format.json': 'Tableau (JSON)',
  'export.dialogTitle.ics': 'Enregistrer le calendrier des renouvellements',
  'export.dialogTitle.csv': 'Enregistrer le tableau (CSV)',
  'export.dialogTitle.json': 'Enregistrer le tableau (JSON)',
  'export.filterName.ics': 'Calendrier (iCalendar)',
  'export.filterName.csv': 'Tableau CSV',
  'export.filterName.json': 'Fichier JSON',
  'export.fileName.ics': 'certisante-renouvellements.ics',
  'export.fileName.csv': 'certisante-certificats.csv',
  'export.fileName.json': 'certisante-certificats.json',
  'export.done': 'Export enregistré : {path}',
  'settings.workstation': 'Ce poste',
  'settings.readOnly': 'Poste en lecture seule (secrétariat)',
  'settings.readOnlyHint': 'Tableau de bord, états et exports uniquement : aucune action sur les clés, la carte ou les commandes.',
  'settings.readOnlyForced': 'Imposé par l’installation de ce poste (option --read-only ou CERTISANTE_READ_ONLY) : ce réglage ne peut pas le désactiver.',
  'settings.startAtLogin': 'Démarrer avec la session (dans la zone de notification)',
  'settings.runInBackground': 'Garder CertiSanté actif dans la zone de notification à la fermeture',

  'age.justNow': 'à l’instant',

  'status.revoked': 'Révoqué',
  'details.revocation': 'Révocation',
  'details.revocationState': 'État',
  'revocation.source.ocsp': 'OCSP',
  'revocation.source.crl': 'liste de révocation',
  'revocation.good': 'Valide ({source})',
  'revocation.goodChecked': 'Valide ({source}), vérifié {age}',
  'revocation.revoked': 'Révoqué le {date} — motif : {reason}',
  'revocation.revokedNoDate': 'Révoqué — motif : {reason}',
  'revocation.unknownAnswer': 'Inconnu : le serveur ({source}) ne connaît pas ce certificat (réponse obtenue {age})',
  'revocation.unknownFailed': 'Inconnu : {error}',
  'revocation.neverChecked': 'Inconnu : pas encore vérifié',
  'revocation.failedKept': 'Dernière vérification impossible ({error}) — la réponse obtenue {age} est conservée',
  'revocation.stale': 'Réponse périmée (mise à jour attendue le {date}) : conservée en attendant une nouvelle vérification',
  'revocation.staleNoDate': 'Réponse périmée : conservée en attendant une nouvelle vérification',
  'crlReason.unspecified': 'non précisé',
  'crlReason.key_compromise': 'compromission de la clé',
  'crlReason.ca_compromise': 'compromission de l’autorité',
  'crlReason.affiliation_changed': 'changement d’affiliation',
  'crlReason.superseded': 'remplacé',
  'crlReason.cessation_of_operation': 'cessation d’activité',
  'crlReason.certificate_hold': 'suspendu',
  'crlReason.remove_from_crl': 'retiré de la liste',
  'crlReason.privilege_withdrawn': 'privilège retiré',
  'crlReason.aa_compromise': 'compromission de l’autorité d’attributs',

  'settings.alerts': 'Notifications avant expiration',
  'settings.alertDays': 'Jours avant l’expiration (0 : le jour même)',
  'settings.alertDaysHint': 'Par défaut : {days}. L’ANS envoie aussi son propre courriel de rappel {lead} jours avant l’expiration. Laissez vide pour ne recevoir aucune notification.',
  'settings.overrides': 'Par établissement',
  'settings.overridesHint': 'Remplace la liste ci-dessus pour les certificats de cet établissement ; une liste vide coupe ses notifications.',
  'settings.overrideStructure': 'Identifiant de l’établissement (FINESS, SIRET…)',
  'settings.overrideDays': 'Jours d’alerte pour {structure}',
  'settings.overrideNew': 'le nouvel établissement',
  'settings.overrideAdd': 'Ajouter un établissement',
  'settings.overrideRemove': 'Retirer {structure}',
  'settings.invalidAlertDays': 'Jours d’alerte : des nombres entiers de 0 à 3650, chacun une seule fois, séparés par des virgules.',
  'settings.overrideNoStructure': 'Indiquez l’identifiant de chaque établissement (FINESS, SIRET…).',
  'settings.overrideTwice': 'Un établissement figure deux fois dans la liste.',

  'revocation.check': 'Vérifier la révocation',
  'revocation.checking': 'Vérification de la révocation…',
  'revocation.checkedAll': 'Révocation vérifiée auprès des autorités.',

  'details.managed': 'Écrit par CertiSanté, vérifié à chaque analyse',
  'details.entry': 'Entrée du trousseau',
  'details.order': 'Commande',
  'details.orderReference': 'Référence',
  'details.orderState': 'État',
  'details.orderHistory': 'Historique',
  'details.replacedBy': 'Remplacé par',
  'details.successor': 'le certificat valable jusqu’au {date}',
  'details.successorHint': 'Ouvrir les détails du certificat qui le remplace',
  'details.renewal': 'Renouvellement en cours',
  'details.renewalState': '{state} (commande {id})',
  'details.orderActions': 'Actions sur la commande {id}',
  'details.showOrder': 'Voir la commande',
  'details.orderLoading': 'Ouverture de la commande…',

  'orders.certificate': 'Certificat : {status}',
  'orders.certificateDays': 'Certificat : {status}, {days}',
  'orders.openCertificate': 'Voir dans le tableau de bord',

  'pending.title': 'Commandes en attente de la plateforme',
  'pending.intro': 'La demande (CSR) est faite, le certificat de la plateforme n’est pas encore importé. Au-delà de 7 jours sans réponse, relancez la plateforme.',
  'pending.caption': 'Commandes en attente, la plus ancienne en premier',
  'pending.cn': 'Nom (CN)',
  'pending.usage': 'Usage',
  'pending.since': 'Depuis le',
  'pending.waiting': 'Attente',
  'pending.days': '{n} j',
  'pending.chase': 'à relancer',
  'pending.open': 'Voir la commande {cn}',

  'lost.title': 'Des emplacements écrits par CertiSanté ont disparu',
  'lost.intro': 'L’analyse ne les a plus trouvés : ils sont retirés de la liste et inscrits au journal.',
  'lost.of': '{cn} — commande {order}',
  'lost.lastCopy': 'C’était la dernière copie de ce certificat : plus aucun fichier ni magasin ne le contient. Installez-le ou exportez-le à nouveau.',
  'lost.keyLost': 'La clé privée n’était plus qu’à cet endroit : elle est perdue, et le certificat ne peut plus servir. Sans sauvegarde, il faut en commander un nouveau (et révoquer celui-ci).',
  'lost.dismiss': 'Fermer l’avis des emplacements disparus',
  'lost.chain': 'et {count} certificat(s) de sa chaîne de certification',
  'lost.open': 'Ouvrir les détails de {cn}',
  'auditAction.teleservices_recorded': 'Téléservices enregistrés',
  'auditAction.habilitation_recorded': 'Habilitation enregistrée',
  'auditAction.habilitation_removed': 'Habilitation retirée',
  'cardType.CDE': 'CDE (directeur d’établissement, représentant légal)',
  'cardType.CDA': 'CDA (directeur, personnel autorisé)',
  'nav.guide': 'Avant de commander',
  'action.new_order': 'Nouvelle commande',
  'action.guidedRevocation': 'Révocation guidée…',
  'renewal.afterExpiry': 'Certificat expiré : l’ANS ne renouvelle qu’un certificat encore actif. Après expiration, il faut une nouvelle commande.',
  'cancel.csrSent': 'La demande (CSR) de cette commande a déjà été transmise à la plateforme. Si un certificat a été délivré, l’annulation ne suffit pas : il faut le révoquer sur la plateforme, puis enregistrer la révocation ici.',
  'import.mismatchRevoke': 'Un certificat délivré par erreur doit être révoqué sur la plateforme IGC-Santé, puis commandé à nouveau. Révoquez-le sur la plateforme, puis enregistrez la révocation sur la commande concernée :',
  'import.revokeOrder': 'Révocation guidée : {cn} ({id})…',
  'details.keyUsableUntil': 'Clé de signature utilisable jusqu’au',
  'details.keyUsableWhy': 'Ce certificat de signature porte une période d’usage de sa clé privée (privateKeyUsagePeriod) qui se termine avant lui : après cette date, la clé ne peut plus signer et le certificat ne sert plus. L’état, l’échéance, les alertes et le calendrier suivent cette date.',
  'table.keyEnd': 'fin de la clé',
  'table.keyEndTitle': 'Clé de signature utilisable jusqu’au {usable} ; fin du certificat le {end}',
  'table.teleservices': 'Téléservices',
  'filters.teleservice': 'Téléservice',
  'filters.teleserviceNone': 'Aucun',
  'details.teleservices': 'Téléservices',
  'details.teleservicesNone': 'Aucun téléservice',
  'details.teleservicesFromCn': 'lu dans le nom (CN), non enregistré',
  'details.teleservicesRecorded': 'enregistré',
  'details.teleservicesEdit': 'Modifier…',
  'details.teleservicesChoose': 'Téléservices servis par ce certificat',
  'details.teleservicesHint': 'L’ANS recommande un certificat par téléservice.',
  'details.teleservicesLoading': 'Chargement des téléservices…',
  'details.teleservicesSave': 'Enregistrer',
  'teleservices.saved': 'Téléservices de {cn} enregistrés.',
  'guide.title': 'Avant de commander',
  'guide.intro': 'La procédure de l’ANS pour les certificats logiciels IGC-Santé, en trois étapes : les prérequis, l’habilitation, puis la commande et l’installation, que CertiSanté suit.',
  'guide.open': 'Avant de commander : prérequis et habilitation',
  'guide.loading': 'Chargement de la procédure…',
  'guide.otherwise': 'Sinon, à envoyer : {form}',
  'guide.withForm': 'À envoyer : {form}',
  'guide.roles': 'Qui fait quoi',
  'guide.roleCard': 'Carte : {card}',
  'guide.roleMay': 'Peut :',
  'guide.habilitations': 'Habilitations enregistrées pour l’établissement',
  'guide.habilitationsIntro': 'Notez ici les offres et usages pour lesquels vos administrateurs techniques sont habilités (formulaire n°413) : l’assistant de commande vous prévient avant une commande hors habilitation, sans l’empêcher.',
  'guide.routes': 'Deux façons de générer la bi-clé',
  'guide.platforms': 'Adresses de la plateforme',
  'guide.openedByApp': 'ouverte par « Ouvrir la plateforme IGC-Santé »',
  'guide.source': 'Source : {title}',
  'guide.sources': 'Sources',
  'habilitation.none': 'Aucune habilitation enregistrée.',
  'habilitation.structure': 'Établissement (FINESS ou SIRET)',
  'habilitation.profile': 'Offre et usage',
  'habilitation.teleservice': 'Téléservice',
  'habilitation.anyTeleservice': 'Tous',
  'habilitation.note': 'Note',
  'habilitation.noteColumn': 'Note',
  'habilitation.add': 'Enregistrer l’habilitation',
  'habilitation.remove': 'Retirer',
  'habilitation.removeLabel': 'Retirer l’habilitation {profile} de {structure}',
  'habilitation.recorded': 'Habilitation enregistrée.',
  'habilitation.removed': 'Habilitation retirée.',
  'help.title': 'Besoin d’aide ?',
  'help.customerService': 'Service client des certificats de l’ANS :',
  'help.guide': 'Guide utilisateur de la plateforme :',
  'help.chapter': 'chapitre {chapter} ({title})',
  'wizard.stepRoute': 'Bi-clé',
  'wizard.stepPlatform': 'Sur la plateforme',
  'wizard.stepImport': 'Import du .p12',
  'wizard.routeLegend': 'Où générer la bi-clé ?',
  'wizard.routeIntro': 'Les deux chemins mènent à la même commande, suivie par CertiSanté jusqu’à l’installation et l’expiration.',
  'wizard.platformStep1': 'Ouvrez la plateforme IGC-Santé et connectez-vous avec votre carte CPx.',
  'wizard.platformStep2': 'Commandez le certificat en laissant la plateforme générer la bi-clé, puis retirez-le : vous choisissez un code de révocation et le mot de passe qui protège le fichier .p12.',
  'wizard.platformStep3': 'Importez ici le fichier .p12 délivré (asip-p12-EL-…) : CertiSanté crée la commande, range la clé dans le trousseau du système et surveille l’expiration.',
  'wizard.importP12': 'Importer le fichier .p12…',
  'wizard.habilitationsRecorded': 'Habilitations enregistrées : {list}.',
  'wizard.habilitationsNone': 'Aucune habilitation n’est enregistrée : vérifiez que l’administrateur technique est habilité (formulaire n°413) avant de commander.',
  'wizard.habilitationNotBlocking': 'Ce n’est qu’un avertissement : vous pouvez commander quand même.',
  'wizard.suggestionTeleservice': 'Téléservice {teleservice} : {label}',
  'habilitation.notePlaceholder': 'titulaire, date d’envoi du formulaire n°413…',
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
  'settings.card': 'CPx card',
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
  'status.replaced': 'Replaced',

  'severity.ok': 'Normal',
  'severity.warning': 'Warning',
  'severity.critical': 'Critical',

  'env.PROD': 'PROD',
  'env.TEST': 'TEST',
  'env.OTHER': 'OTHER',
  'env.long.PROD': 'IGC-Santé production',
  'env.long.TEST': 'IGC-Santé TEST environment: do not use in production',
  'env.long.OTHER': 'Not IGC-Santé (other authority or unverified chain)',

  'offer.ORG': 'ORG (legal entity)',
  'offer.SERV': 'SERV (application server)',
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
  'details.notAfter': 'Certificate valid until',
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
  'chain.ca_expired': 'Chain authority expired',
  'chain.ca_not_yet_valid': 'Chain authority not yet valid',
  'chain.issuer_not_ca': 'Issuer not allowed to certify',
  'chain.path_len_exceeded': 'Path length exceeded',
  'chain.unknown_critical_extension': 'Unknown critical extension',
  'chain.invalid_extensions': 'Invalid extensions',

  'format.pem': 'PEM',
  'format.der': 'DER',
  'format.pkcs7': 'PKCS#7',
  'format.pkcs12': 'PKCS#12',
  'format.store': 'System store',

  'place.file': 'File',
  'place.nss': 'NSS store (Firefox)',
  'place.windows_store': 'Windows store',
  'place.macos_keychain': 'macOS keychain',
  'place.keystore': 'OS keystore (private key)',

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
  'errors.setAside': '{count} file(s) set aside: reading them interrupted an earlier scan. They are read again only when they change, or when you ask.',
  'errors.retrySetAside': 'Read the set-aside files again',

  'delivery.title': 'Alerts could not be sent ({count})',
  'delivery.mail': 'E-mail to {address}',
  'delivery.webhook': 'Webhook {name}',
  'delivery.since': '(failing since {date}, {count} alert(s) waiting)',
  'delivery.hint': 'CertiSanté tries again at each check (every hour); check the mail server or the webhook (certisante alerts show).',

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
    'Add the folder where your certificates are saved, for example the one where you saved the .p12 files downloaded from the IGC-Santé platform (often “Downloads” or “Documents”).',
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
  'card.checkUnavailable': 'Insert a CPx card (CPS, CPE, CPA or CDE) its middleware (Cryptolib CPS) can read.',
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
    'This card’s PIN is locked. It is unblocked with the card’s unblock code, using ANS’s card tools (Cryptolib CPS). CertiSanté never tries a PIN on a locked card.',
  'pin.toBeChanged': 'This card’s PIN must be changed before use, with ANS’s card tools (Cryptolib CPS).',
  'pin.protectedPath': 'Type the PIN on the reader or in the card software’s window.',
  'pin.protectedWaiting': 'Waiting for the PIN on the reader or in the card software’s window…',
  'pin.triesOk':
    'The card reports no wrong PIN since it was last used successfully. It does not tell the exact number of tries left.',
  'pin.triesNotExact': 'The card does not tell the exact number of tries left.',
  'pin.triesUnknown': 'The PIN state could not be read: whether wrong PINs were already entered is unknown.',
  'pin.noToken': 'The card is no longer detected: insert it again to check it.',

  'error.generic': 'An unexpected error occurred.',
  'nav.label': 'Sections',
  'nav.dashboard': 'Dashboard',
  'nav.orders': 'Orders',
  'nav.audit': 'Audit log',

  'dialog.close': 'Close',
  'dialog.cancel': 'Cancel',
  'dialog.choose': 'Choose…',
  'dialog.details': 'Technical details',

  'orderState.draft': 'Draft',
  'orderState.key_generated': 'Key pair generated',
  'orderState.csr_exported': 'Request (CSR) exported',
  'orderState.certificate_imported': 'Certificate imported',
  'orderState.installed': 'Installed',
  'orderState.renewed': 'Renewed',
  'orderState.revoked': 'Revoked',
  'orderState.expired': 'Expired',
  'orderState.cancelled': 'Cancelled',

  'orders.title': 'Certificate orders',
  'orders.intro':
    'Two paths lead to the same tracked order: the IGC-Santé platform makes the key pair and delivers a .p12 file you import here (recommended by ANS), or CertiSanté makes the key pair on this workstation and prepares the request (CSR) you hand to the platform with your CPx card.',
  'orders.new': 'New order',
  'orders.refresh': 'Refresh',
  'orders.loading': 'Loading the orders…',
  'orders.empty': 'No orders yet.',
  'orders.emptyHint':
    'Start with “New order”, or import the certificate or the .p12 file received from the IGC-Santé platform.',
  'orders.list': 'Orders, newest first',
  'orders.awaiting': 'Waiting for the platform’s certificate',
  'orders.expires': 'Expires on {date} ({days})',
  'orders.created': 'Created on {date}',
  'orders.reference': 'Ref. {id}',
  'orders.referenceLabel': 'Reference',
  'orders.renews': 'Renews {id}',
  'orders.renewedBy': 'Renewed by {id}',
  'orders.revocationReason': 'Revocation reason: {reason}',
  'orders.keyOrigin.local': 'Key pair made on this workstation by CertiSanté',
  'orders.keyOrigin.portal_p12': 'Key pair made by the platform (.p12)',
  'orders.keyRetired': 'Key removed from the keystore',
  'orders.actions': 'Actions for {cn}',
  'orders.cancelled': 'Request {cn} cancelled: its key was deleted from the keystore.',
  'orders.revoked': 'Revocation of {cn} recorded.',

  'action.view_csr': 'View / export the request (CSR)',
  'action.open_portal': 'Open the IGC-Santé platform',
  'action.import': 'Import the certificate received',
  'action.cancel': 'Cancel the request',
  'action.install': 'Install…',
  'action.renew': 'Renew',
  'action.revoke': 'Revoke…',
  'action.secrets': 'Revocation code / .p12 password',

  'csr.title': 'Certificate request (CSR): {cn}',
  'csr.intro':
    'Copy or save this request, hand it to the IGC-Santé platform with your CPx card, then import the issued certificate here. The private key stays in the system keystore.',
  'csr.pem': 'Request in PEM format',
  'csr.copy': 'Copy',
  'csr.copied': 'Request copied to the clipboard.',
  'csr.copyFailed': 'Copying failed: select the text and copy it (Ctrl+C), or save it to a file.',
  'csr.save': 'Save…',
  'csr.saveTitle': 'Save the request (CSR)',
  'csr.filterName': 'Certificate request',
  'csr.saved': 'Request saved: {path}',

  'wizard.title': 'New certificate order',
  'wizard.steps': 'Order steps',
  'wizard.step1': 'Offer and environment',
  'wizard.step2': 'Structure',
  'wizard.step3': 'Certificate name',
  'wizard.step4': 'Request (CSR)',
  'wizard.loading': 'Loading the profiles…',
  'wizard.profile': 'Offer and usage',
  'wizard.unconfirmed': 'unconfirmed values',
  'wizard.unconfirmedHint': 'No public source confirms this profile’s usages yet: check the issued certificate.',
  'wizard.environment': 'Environment',
  'wizard.envProd': 'Production: the real téléservices',
  'wizard.envTest': 'Test: trials only',
  'wizard.envTestWarning': 'No production téléservice accepts a TEST certificate: choose it for trials only.',
  'wizard.organization': 'Legal name (raison sociale)',
  'wizard.organizationHint': 'As in the FINESS or SIRENE directory (the certificate’s O field).',
  'wizard.structureId': 'National structure identifier',
  'wizard.structureIdHint': 'FINESS (9 characters) or SIRET (14 digits).',
  'wizard.department': 'Département',
  'wizard.departmentSearch': 'Search a département (number or name)',
  'wizard.departmentChoose': 'Choose a département',
  'wizard.departmentNone': 'No département matches “{query}”.',
  'wizard.commonName': 'Certificate name (CN)',
  'wizard.commonNameHint': 'The téléservice this certificate is for: one certificate per téléservice.',
  'wizard.commonNameFqdnHint': 'The server’s full DNS name, in lower case (e.g. server.ch-example.fr).',
  'wizard.suggestions': 'Suggestions',
  'wizard.useSuggestion': 'Use the name {name}',
  'wizard.back': 'Back',
  'wizard.next': 'Next',
  'wizard.generate': 'Make the key pair and the request',
  'wizard.generatingKey': 'Making the RSA 2048 key pair…',
  'wizard.generatingKeystore': 'Saving the private key in the system keystore…',
  'wizard.validating': 'Checking the rules…',
  'wizard.violations': '{count} point(s) to fix before the key pair is made.',
  'wizard.ready': 'The request follows the IGC-Santé rules.',
  'wizard.summary': 'Summary',
  'wizard.created': 'Key pair made, private key saved in the system keystore: the request is ready.',
  'wizard.nothingCreated': 'Nothing was created: fix the problem, then try again.',
  'wizard.finish': 'Finish',

  'renew.title': 'Renewal of {cn}',
  'renew.working': 'Creating the renewal request with a new key pair…',
  'renew.done':
    'New request created with a new key pair. The old certificate stays usable: it is marked “renewed” when the new one is imported.',

  'install.title': 'Install the certificate {cn}',
  'install.target': 'Destination',
  'install.p12': '.p12 file (certificate and key protected by a password)',
  'install.pem': 'PEM files in a folder (key, certificate, chain)',
  'install.nss': 'NSS certificate database (Firefox, Chrome on Linux)',
  'install.path': '.p12 file to write',
  'install.saveTitle': 'Save the .p12 file',
  'install.filterName': 'PKCS#12 file',
  'install.password': '.p12 file password',
  'install.passwordConfirm': 'Confirm the password',
  'install.passwordHint':
    'The software using this file will ask for it. CertiSanté does not keep it: you may save it in the keystore with “Revocation code / .p12 password”.',
  'install.passwordEmpty': 'Choose a password to protect the private key.',
  'install.passwordMismatch': 'The two passwords differ.',
  'install.legacy': 'Old format (3DES/SHA-1) for old Java/Windows clients',
  'install.overwrite': 'Replace it if it exists',
  'install.folder': 'Folder for the PEM files',
  'install.folderTitle': 'Choose the folder for the PEM files',
  'install.pemHint':
    'Four files are written: the private key (readable by you only), the certificate, the chain, and the certificate followed by the chain.',
  'install.nssDefault': 'The user’s default database (~/.pki/nssdb)',
  'install.nssFolder': 'Another database (folder)',
  'install.nssFolderTitle': 'Choose the NSS database folder',
  'install.pathEmpty': 'Say where to write.',
  'install.submit': 'Install',
  'install.installing': 'Installing…',
  'install.done': 'Installed: {paths}',

  'revoke.title': 'Revoke the certificate {cn}',
  'revoke.explain':
    'Revocation is done on the IGC-Santé platform, with your CPx card and the revocation code chosen when the certificate was collected. Revoke the certificate on the platform first, then record the revocation here: CertiSanté then removes its key from the system keystore.',
  'revoke.confKeeps': 'A confidentiality certificate’s key is kept, so that what was encrypted for it can still be read.',
  'revoke.reason': 'Revocation reason',
  'revoke.understand': 'I understand that revocation is final',
  'revoke.submit': 'Record the revocation',
  'revoke.revoking': 'Recording…',

  'revocationReason.key_compromise': 'Key compromise (lost, stolen, leaked)',
  'revocationReason.affiliation_changed': 'Affiliation changed (structure, name)',
  'revocationReason.superseded': 'Superseded by another certificate',
  'revocationReason.cessation_of_operation': 'Cessation of operation',
  'revocationReason.unspecified': 'Unspecified',

  'secret.title': 'Secrets of {cn}',
  'secret.intro':
    'Keep the revocation code chosen on the platform, or a .p12 file’s password, in the system keystore. They are never written to the audit log.',
  'secret.kind': 'Secret',
  'secret.value': 'Value to save',
  'secret.save': 'Save in the keystore',
  'secret.saving': 'Saving…',
  'secret.saved': 'Saved in the system keystore.',
  'secret.empty': 'Type the value to save.',
  'secret.show': 'Show the saved secret…',
  'secret.showConfirm': 'Show this secret on screen? The showing is written to the audit log (without the secret).',
  'secret.showYes': 'Yes, show it',
  'secret.shownLabel': 'Saved secret',
  'secret.hide': 'Hide',

  'secretKind.revocation_code': 'Revocation code',
  'secretKind.p12_password': '.p12 file password',
  'secretKind.private_key': 'Private key',

  'cancel.title': 'Cancel the request {cn}?',
  'cancel.body':
    'This request’s key will be deleted from the system keystore: if the request was already handed to the platform, the issued certificate can no longer be used.',
  'cancel.confirm': 'Cancel the request',
  'cancel.keep': 'Keep the request',

  'import.title': 'Import what the platform delivered',
  'import.drop': 'Drop the certificate (.pem, .cer, .p7b) or the .p12 file received here, or:',
  'import.chooseFile': 'Import a file…',
  'import.fileTitle': 'Choose the certificate or .p12 file received',
  'import.filterName': 'Certificates and .p12 files',
  'import.path': 'File path',
  'import.pathHint': 'You may paste a path, a network share’s included.',
  'import.submit': 'Import',
  'import.importing': 'Importing {path}…',
  'import.done': 'Certificate imported for the order {cn} ({id}).',
  'import.already': 'Already imported (order {id}): nothing changed.',
  'import.passwordTitle': '.p12 file password',
  'import.passwordIntro':
    'This file holds a private key. Type the password chosen when collecting it on the platform: the key will be moved into the system keystore.',
  'import.passwordLabel': 'Password',
  'import.passwordSubmit': 'Import',
  'import.passwordEmpty': 'Type the file’s password.',
  'drop.overlayOrders': 'Drop the certificate or .p12 file received to import it',

  'audit.title': 'Audit log',
  'audit.intro':
    'Every action on the orders is written here, chained to the one before: an entry changed, moved or removed shows at verification.',
  'audit.verify': 'Verify the log’s integrity',
  'audit.verifying': 'Verifying…',
  'audit.intact': 'Log intact: {count} entry(ies) verified.',
  'audit.broken': 'Log tampered with at entry no. {seq}: {problem}.',
  'audit.brokenNoSeq': 'Log tampered with: {problem}.',
  'audit.problem.edited': 'the entry was changed after it was written',
  'audit.problem.removed': 'entries are missing from here',
  'audit.problem.reordered': 'the entry was moved',
  'audit.problem.head_mismatch': 'the log’s head record does not match its entries',
  'audit.loading': 'Loading the log…',
  'audit.empty': 'The log is empty: no action on the orders yet.',
  'audit.caption': 'The last {count} entries, newest first',
  'audit.seq': 'No.',
  'audit.at': 'Date',
  'audit.actor': 'Actor',
  'audit.action': 'Action',
  'audit.object': 'Object',
  'audit.details': 'Details',

  'actorKind.card_holder': 'card holder',
  'actorKind.os_user': 'system user',

  'auditAction.order_created': 'Order created',
  'auditAction.key_generated': 'Key pair generated',
  'auditAction.csr_exported': 'Request (CSR) exported',
  'auditAction.certificate_imported': 'Certificate imported',
  'auditAction.installed': 'Certificate installed',
  'auditAction.exported': 'Certificate exported',
  'auditAction.renewed': 'Renewal',
  'auditAction.revoked': 'Revocation recorded',
  'auditAction.secret_shown': 'Secret shown',
  'auditAction.key_retired': 'Key removed from the keystore',
  'auditAction.order_cancelled': 'Order cancelled',
  'auditAction.watch_added': 'Added to the watched list',
  'auditAction.watch_removed': 'Removed from the watched list',
  'auditAction.settings_changed': 'Settings changed',
  'auditAction.place_lost': 'Place gone',



  'header.readOnly': 'Read-only',
  'header.readOnlyWhy': 'Read-only workstation: dashboard, statuses and exports only',
  'export.button': 'Export',
  'export.exporting': 'Exporting…',
  'export.menuLabel': 'Export formats',
  'export.format.ics': 'Renewal calendar (.ics)',
  'export.format.csv': 'Table (CSV)',
  'export.format.json': 'Table (JSON)',
  'export.dialogTitle.ics': 'Save the renewal calendar',
  'export.dialogTitle.csv': 'Save the table (CSV)',
  'export.dialogTitle.json': 'Save the table (JSON)',
  'export.filterName.ics': 'Calendar (iCalendar)',
  'export.filterName.csv': 'CSV table',
  'export.filterName.json': 'JSON file',
  'export.fileName.ics': 'certisante-renewals.ics',
  'export.fileName.csv': 'certisante-certificates.csv',
  'export.fileName.json': 'certisante-certificates.json',
  'export.done': 'Export saved: {path}',
  'settings.workstation': 'This workstation',
  'settings.readOnly': 'Read-only workstation (front desk)',
  'settings.readOnlyHint': 'Dashboard, statuses and exports only: no key, card or order action.',
  'settings.readOnlyForced': 'Set by this workstation’s installation (--read-only option or CERTISANTE_READ_ONLY): this setting cannot turn it off.',
  'settings.startAtLogin': 'Start with the session (in the notification area)',
  'settings.runInBackground': 'Keep CertiSanté running in the notification area when the window is closed',

  'age.justNow': 'just now',

  'status.revoked': 'Revoked',
  'details.revocation': 'Revocation',
  'details.revocationState': 'Status',
  'revocation.source.ocsp': 'OCSP',
  'revocation.source.crl': 'revocation list',
  'revocation.good': 'Valid ({source})',
  'revocation.goodChecked': 'Valid ({source}), checked {age}',
  'revocation.revoked': 'Revoked on {date} — reason: {reason}',
  'revocation.revokedNoDate': 'Revoked — reason: {reason}',
  'revocation.unknownAnswer': 'Unknown: the server ({source}) does not know this certificate (answer obtained {age})',
  'revocation.unknownFailed': 'Unknown: {error}',
  'revocation.neverChecked': 'Unknown: not checked yet',
  'revocation.failedKept': 'Last check failed ({error}) — the answer obtained {age} is kept',
  'revocation.stale': 'Outdated answer (update expected on {date}): kept until the next check',
  'revocation.staleNoDate': 'Outdated answer: kept until the next check',
  'crlReason.unspecified': 'unspecified',
  'crlReason.key_compromise': 'key compromise',
  'crlReason.ca_compromise': 'CA compromise',
  'crlReason.affiliation_changed': 'affiliation changed',
  'crlReason.superseded': 'superseded',
  'crlReason.cessation_of_operation': 'cessation of operation',
  'crlReason.certificate_hold': 'certificate on hold',
  'crlReason.remove_from_crl': 'removed from the list',
  'crlReason.privilege_withdrawn': 'privilege withdrawn',
  'crlReason.aa_compromise': 'attribute authority compromise',

  'settings.alerts': 'Notifications before expiry',
  'settings.alertDays': 'Days before expiry (0: the day itself)',
  'settings.alertDaysHint': 'Default: {days}. ANS also sends its own reminder e-mail {lead} days before expiry. Leave empty for no notification.',
  'settings.overrides': 'By establishment',
  'settings.overridesHint': 'Replaces the list above for this establishment’s certificates; an empty list silences it.',
  'settings.overrideStructure': 'Establishment identifier (FINESS, SIRET…)',
  'settings.overrideDays': 'Alert days for {structure}',
  'settings.overrideNew': 'the new establishment',
  'settings.overrideAdd': 'Add an establishment',
  'settings.overrideRemove': 'Remove {structure}',
  'settings.invalidAlertDays': 'Alert days: whole numbers from 0 to 3650, each once, separated by commas.',
  'settings.overrideNoStructure': 'Type each establishment’s identifier (FINESS, SIRET…).',
  'settings.overrideTwice': 'An establishment is listed twice.',

  'revocation.check': 'Check revocation',
  'revocation.checking': 'Checking revocation…',
  'revocation.checkedAll': 'Revocation checked with the authorities.',

  'details.managed': 'Written by CertiSanté, checked at every scan',
  'details.entry': 'Keystore entry',
  'details.order': 'Order',
  'details.orderReference': 'Reference',
  'details.orderState': 'State',
  'details.orderHistory': 'History',
  'details.replacedBy': 'Replaced by',
  'details.successor': 'the certificate valid until {date}',
  'details.successorHint': 'Open the details of the certificate that replaces it',
  'details.renewal': 'Renewal under way',
  'details.renewalState': '{state} (order {id})',
  'details.orderActions': 'Actions on order {id}',
  'details.showOrder': 'Show the order',
  'details.orderLoading': 'Opening the order…',

  'orders.certificate': 'Certificate: {status}',
  'orders.certificateDays': 'Certificate: {status}, {days}',
  'orders.openCertificate': 'Show on the dashboard',

  'pending.title': 'Orders waiting for the platform',
  'pending.intro': 'The request (CSR) is made, the platform’s certificate is not imported yet. After 7 days without an answer, chase the platform.',
  'pending.caption': 'Waiting orders, the oldest first',
  'pending.cn': 'Name (CN)',
  'pending.usage': 'Usage',
  'pending.since': 'Since',
  'pending.waiting': 'Waiting',
  'pending.days': '{n} d',
  'pending.chase': 'to chase',
  'pending.open': 'Show the order {cn}',

  'lost.title': 'Places written by CertiSanté are gone',
  'lost.intro': 'The scan did not find them any more: they are taken off the list and recorded in the audit log.',
  'lost.of': '{cn} — order {order}',
  'lost.lastCopy': 'That was the last copy of this certificate: no file or store holds it any more. Install or export it again.',
  'lost.keyLost': 'The private key was only there: it is lost, and the certificate can no longer be used. Without a backup, order a new one (and revoke this one).',
  'lost.dismiss': 'Dismiss the notice about places gone',
  'lost.chain': 'and {count} certificate(s) of its certification chain',
  'lost.open': 'Open the details of {cn}',
  'auditAction.teleservices_recorded': 'Téléservices recorded',
  'auditAction.habilitation_recorded': 'Habilitation recorded',
  'auditAction.habilitation_removed': 'Habilitation removed',
  'cardType.CDE': 'CDE (establishment director, legal representative)',
  'cardType.CDA': 'CDA (director, authorised staff)',
  'nav.guide': 'Before ordering',
  'action.new_order': 'New order',
  'action.guidedRevocation': 'Guided revocation…',
  'renewal.afterExpiry': 'Certificate expired: ANS renews a certificate only while it is active. Once expired, a new order is needed.',
  'cancel.csrSent': 'This order’s request (CSR) was already handed to the platform. If a certificate was issued, cancelling is not enough: it must be revoked on the platform, then the revocation recorded here.',
  'import.mismatchRevoke': 'A certificate issued in error must be revoked on the IGC-Santé platform, then ordered again. Revoke it on the platform, then record the revocation on the order concerned:',
  'import.revokeOrder': 'Guided revocation: {cn} ({id})…',
  'details.keyUsableUntil': 'Signing key usable until',
  'details.keyUsableWhy': 'This signing certificate carries a private key usage period (privateKeyUsagePeriod) that ends before it does: after that date the key may no longer sign and the certificate is of no more use. The status, the days left, the alerts and the calendar follow that date.',
  'table.keyEnd': 'key’s end',
  'table.keyEndTitle': 'Signing key usable until {usable}; the certificate ends on {end}',
  'table.teleservices': 'Téléservices',
  'filters.teleservice': 'Téléservice',
  'filters.teleserviceNone': 'None',
  'details.teleservices': 'Téléservices',
  'details.teleservicesNone': 'No téléservice',
  'details.teleservicesFromCn': 'read from the name (CN), not recorded',
  'details.teleservicesRecorded': 'recorded',
  'details.teleservicesEdit': 'Change…',
  'details.teleservicesChoose': 'Téléservices this certificate serves',
  'details.teleservicesHint': 'ANS advises one certificate per téléservice.',
  'details.teleservicesLoading': 'Loading the téléservices…',
  'details.teleservicesSave': 'Save',
  'teleservices.saved': 'Téléservices of {cn} recorded.',
  'guide.title': 'Before ordering',
  'guide.intro': 'ANS’s procedure for IGC-Santé software certificates, in three steps: the prerequisites, the habilitation, then the order and the installation, which CertiSanté tracks.',
  'guide.open': 'Before ordering: prerequisites and habilitation',
  'guide.loading': 'Loading the procedure…',
  'guide.otherwise': 'Otherwise, send: {form}',
  'guide.withForm': 'To send: {form}',
  'guide.roles': 'Who does what',
  'guide.roleCard': 'Card: {card}',
  'guide.roleMay': 'May:',
  'guide.habilitations': 'Habilitations recorded for the establishment',
  'guide.habilitationsIntro': 'Record here the offers and usages your technical administrators are habilitated for (form n°413): the order wizard warns you before an order outside them, without preventing it.',
  'guide.routes': 'Two ways to make the key pair',
  'guide.platforms': 'The platform’s addresses',
  'guide.openedByApp': 'opened by “Open the IGC-Santé platform”',
  'guide.source': 'Source: {title}',
  'guide.sources': 'Sources',
  'habilitation.none': 'No habilitation recorded.',
  'habilitation.structure': 'Establishment (FINESS or SIRET)',
  'habilitation.profile': 'Offer and usage',
  'habilitation.teleservice': 'Téléservice',
  'habilitation.anyTeleservice': 'Any',
  'habilitation.note': 'Note',
  'habilitation.noteColumn': 'Note',
  'habilitation.add': 'Record the habilitation',
  'habilitation.remove': 'Remove',
  'habilitation.removeLabel': 'Remove the habilitation {profile} of {structure}',
  'habilitation.recorded': 'Habilitation recorded.',
  'habilitation.removed': 'Habilitation removed.',
  'help.title': 'Need help?',
  'help.customerService': 'ANS certificate customer service:',
  'help.guide': 'The platform’s user guide:',
  'help.chapter': 'chapter {chapter} ({title})',
  'wizard.stepRoute': 'Key pair',
  'wizard.stepPlatform': 'On the platform',
  'wizard.stepImport': 'Importing the .p12',
  'wizard.routeLegend': 'Where to make the key pair?',
  'wizard.routeIntro': 'Both paths lead to the same order, tracked by CertiSanté up to the installation and the expiry.',
  'wizard.platformStep1': 'Open the IGC-Santé platform and log in with your CPx card.',
  'wizard.platformStep2': 'Order the certificate, letting the platform make the key pair, then collect it: you choose a revocation code and the password that protects the .p12 file.',
  'wizard.platformStep3': 'Import the .p12 file delivered (asip-p12-EL-…) here: CertiSanté makes the order, puts the key in the system keystore and watches the expiry.',
  'wizard.importP12': 'Import the .p12 file…',
  'wizard.habilitationsRecorded': 'Habilitations recorded: {list}.',
  'wizard.habilitationsNone': 'No habilitation is recorded: check that the technical administrator is habilitated (form n°413) before ordering.',
  'wizard.habilitationNotBlocking': 'This is only a warning: you may order all the same.',
  'wizard.suggestionTeleservice': 'Téléservice {teleservice}: {label}',
  'habilitation.notePlaceholder': 'holder, date form n°413 was sent…',
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

// Building an Intl formatter costs far more than using one, and every table row formats
// a date, a date and time and a number: one formatter per language and kind.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();

function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(kind: string, lang: Lang, make: (locale: string) => T): T {
  const key = `${kind}:${lang}`;
  let found = formatters.get(key) as T | undefined;
  if (found === undefined) {
    found = make(localeOf(lang));
    formatters.set(key, found);
  }
  return found;
}

function formatParam(lang: Lang, value: string | number): string {
  return typeof value === 'number' ? formatter('number', lang, (locale) => new Intl.NumberFormat(locale)).format(value) : value;
}


/**
 * The translation of a back-end error or warning by its code; the back end's own
 * message for a code this UI does not know.
 */
/** The catalog's texts of `code` (own properties only: "constructor" is not a code). */
function errorText(code: string): { fr: string; en: string } | undefined {
  return Object.prototype.hasOwnProperty.call(ERROR_TEXTS, code) ? ERROR_TEXTS[code] : undefined;
}

export function translateCode(lang: Lang, item: { code: string; message: string }): string {
  const text = errorText(item.code);
  if (text) {
    return text[lang];
  }
  return item.message.trim() !== '' ? item.message : translate(lang, 'error.generic');
}

/**
 * A broken order rule, for the wizard. The back end's message is French and says exactly
 * what is wrong with the value typed, so French shows it as is; other languages use the
 * code's text, and the French message for a code without one.
 */
export function translateViolation(lang: Lang, violation: { code: string; message: string }): string {
  const text = errorText(violation.code);
  if (lang !== 'fr' && text) {
    return text[lang];
  }
  // The rules' messages start in lower case (they also follow "refusé : " in the CLI).
  const message = violation.message.trim();
  return message.charAt(0).toLocaleUpperCase('fr-FR') + message.slice(1);
}

/** True when the UI has its own text for this error code. */
export function knowsCode(code: string): boolean {
  return errorText(code) !== undefined;
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
  const format = formatter('date', lang, (locale) => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', year: 'numeric' }));
  return format.format(date);
}

const DATE_TIME: Intl.DateTimeFormatOptions = {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
};

/** A date and time such as "3 avr. 2028, 14:05" in the local time zone. */
export function formatDateTime(lang: Lang, iso: string): string {
  const date = parseDate(iso);
  if (!date) {
    return iso;
  }
  return formatter('dateTime', lang, (locale) => new Intl.DateTimeFormat(locale, DATE_TIME)).format(date);
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

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long ago `iso` was, relative to `now`: "à l’instant", "il y a 3 heures", "hier",
 * "il y a 2 mois" (fr) / "just now", "3 hours ago", "yesterday" (en). A time slightly in
 * the future (clock skew) reads as "just now"; the input as is if unreadable.
 */
export function formatAge(lang: Lang, iso: string, now: Date = new Date()): string {
  const date = parseDate(iso);
  if (!date) {
    return iso;
  }
  const elapsed = Math.max(0, now.getTime() - date.getTime());
  if (elapsed < MINUTE) {
    return translate(lang, 'age.justNow');
  }
  const format = new Intl.RelativeTimeFormat(localeOf(lang), { numeric: 'auto' });
  if (elapsed < HOUR) return format.format(-Math.floor(elapsed / MINUTE), 'minute');
  if (elapsed < DAY) return format.format(-Math.floor(elapsed / HOUR), 'hour');
  const days = Math.floor(elapsed / DAY);
  if (days < 30) return format.format(-days, 'day');
  if (days < 365) return format.format(-Math.floor(days / 30), 'month');
  return format.format(-Math.floor(days / 365), 'year');
}
