// Deutsch (Anrede mit „Sie“). Feste Begriffe: „Backup-Codes“, „Authenticator-App“,
// „Sitzung“; „neu generieren“ für regenerate, „Sitzung beenden“ für eine Sitzung
// auf einem anderen Gerät (nicht „Abmelden“, das ist sign out).

import type { Catalogue } from './catalogue.js';
import { grammar } from './grammar.js';

const { num, count } = grammar('de');

export const de: Catalogue = {
  app: {
    product: 'Konto',
    skipToContent: 'Zum Inhalt springen',
    loading: 'Wird geladen…',
    retry: 'Erneut versuchen',
    language: 'Sprache',
    noTenantTitle: 'Adresse nicht erkannt',
    noTenantBody:
      'Öffnen Sie diese Seite über den Anmeldelink Ihrer Organisation. Er hat die Form /t/ihre-organisation/.',
    unknownTenantTitle: 'Diese Seite gibt es nicht',
    unknownTenantBody:
      'Unter dieser Adresse gibt es keine Anmeldeseite. Prüfen Sie den Link, den Sie erhalten haben, oder fragen Sie Ihren Administrator nach dem richtigen.',
    checkFailed: 'Diese Seite konnte nicht geladen werden',
    notFoundTitle: 'Seite nicht gefunden',
    notFoundBody: 'Unter dieser Adresse gibt es nichts.',
    notFoundLink: 'Zu Ihrem Konto',
    titleSuffix: (tenant) => `Konto bei ${tenant}`,
  },

  signIn: {
    title: 'Anmelden',
    intro: (tenant) => `Melden Sie sich mit Ihrem Konto bei ${tenant} an.`,
    username: 'Benutzername',
    password: 'Passwort',
    submit: 'Anmelden',
    usernameRequired: 'Geben Sie Ihren Benutzernamen und Ihr Passwort ein.',
    passwordLocked:
      'Nach zu vielen falschen Passwörtern ist die Anmeldung vorübergehend gesperrt. Versuchen Sie es in einigen Minuten erneut.',
    passwordLockedFor: (wait) =>
      `Nach zu vielen falschen Passwörtern ist die Anmeldung vorübergehend gesperrt. Versuchen Sie es in ${wait} erneut.`,
    mfaTitle: 'Bestätigung in zwei Schritten',
    totpIntro: 'Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.',
    totpLabel: 'Bestätigungscode',
    totpHint: '6 Ziffern, Leerzeichen sind nicht nötig.',
    totpInvalidFormat: 'Geben Sie den 6-stelligen Code aus Ihrer Authenticator-App ein.',
    backupIntro: 'Geben Sie einen Ihrer Backup-Codes ein. Jeder Code funktioniert nur einmal.',
    backupLabel: 'Backup-Code',
    backupHint:
      'Zum Beispiel ABCD-EFGH-JKLM-NPQR. Bindestriche, Leerzeichen sowie Groß- und Kleinschreibung spielen keine Rolle.',
    backupInvalidFormat: 'Geben Sie einen Backup-Code ein: Buchstaben und Ziffern, mit oder ohne Bindestriche.',
    useBackupCode: 'Stattdessen einen Backup-Code verwenden',
    useTotp: 'Stattdessen die Authenticator-App verwenden',
    verify: 'Bestätigen',
    startOver: 'Von vorn beginnen',
    invalidTotp: 'Dieser Code ist falsch. Prüfen Sie Ihre Authenticator-App und versuchen Sie es erneut.',
    invalidBackupCode: 'Dieser Backup-Code ist falsch oder wurde bereits verwendet.',
    flowExpired:
      'Ihre Anmeldung ist abgelaufen, oder es wurden zu viele falsche Codes eingegeben. Geben Sie Benutzername und Passwort erneut ein.',
    sessionEnded: 'Ihre Sitzung wurde beendet. Melden Sie sich erneut an.',
    signedOut: 'Sie sind abgemeldet.',
  },

  /** An- und Abmelden der Anwendungen der Organisation über diese Seite. */
  authorize: {
    title: (client) => `Bei ${client} anmelden`,
    intro: (tenant) => `Verwenden Sie Ihr ${tenant}-Konto.`,
    back: (client) => `Zurück zu ${client}`,
    loading: 'Die Anmeldeanfrage wird geladen …',
    continuing: (client) => `Sie werden bei ${client} angemeldet …`,
    returning: (client) => `Zurück zu ${client} …`,
    signedInAs: (username) => `Sie sind als ${username} angemeldet.`,
    confirmIntro: (client) => `${client} bittet Sie, Ihr Passwort zu bestätigen, bevor es weitergeht.`,
    confirm: 'Passwort bestätigen',
    reauthBody: (client) =>
      `${client} bittet Sie zu bestätigen, dass Sie es sind. Geben Sie Ihr Passwort ein, um fortzufahren.`,
    expiredTitle: 'Diese Anmeldeanfrage ist abgelaufen',
    expiredBody:
      'Sie wurde bereits verwendet oder hat zu lange gewartet. Kehren Sie zur Anwendung zurück und melden Sie sich dort erneut an.',
    goToAccount: 'Zu Ihrem Konto',
    failedTitle: 'Die Anmeldung konnte nicht fortgesetzt werden',
    refusedTitle: 'Die Anfrage der Anwendung wurde abgelehnt',
    errors: {
      unknown_client:
        'Die Anwendung, die Sie hierher geschickt hat, ist bei dieser Organisation nicht registriert. Prüfen Sie den Link, dem Sie gefolgt sind, oder wenden Sie sich an den Support der Anwendung.',
      invalid_redirect_uri:
        'Die Anwendung wollte Sie an eine Adresse zurückschicken, die sie nicht registriert hat; deshalb wurden Sie nicht dorthin geleitet. Wenden Sie sich an den Support der Anwendung.',
      invalid_request:
        'Die Anwendung hat eine Anfrage gesendet, die nicht gelesen werden kann. Gehen Sie zurück und versuchen Sie es erneut, oder wenden Sie sich an den Support der Anwendung.',
      other:
        'Die Anfrage der Anwendung kann nicht abgeschlossen werden. Gehen Sie zurück und versuchen Sie es erneut, oder wenden Sie sich an den Support der Anwendung.',
    },
    errorCode: (code) => `Fehlercode: ${code}`,
    signOutTitle: 'Abmelden?',
    signOutBody: (tenant) =>
      `Eine Anwendung möchte Sie von Ihrem ${tenant}-Konto abmelden. Wenn Sie sich hier abmelden, werden Sie auch von den Anwendungen abgemeldet, bei denen Sie sich damit angemeldet haben.`,
    signOut: 'Abmelden',
    staySignedIn: 'Angemeldet bleiben',
    setupIntro: (tenant, client) =>
      `${tenant} verlangt bei der Anmeldung einen zweiten Schritt. Richten Sie eine Authenticator-App ein; danach geht es weiter zu ${client}.`,
  },

  errors: {
    network: 'Der Server ist nicht erreichbar. Prüfen Sie Ihre Verbindung und versuchen Sie es erneut.',
    badResponse: 'Der Server hat eine unerwartete Antwort gesendet. Versuchen Sie es gleich noch einmal.',
    generic: 'Etwas ist schiefgelaufen. Versuchen Sie es erneut.',
    lockedFor: (wait) =>
      `Ihr Konto ist nach zu vielen Fehlversuchen gesperrt. Versuchen Sie es in ${wait} erneut.`,
    unavailableFor: (wait) => `Der Dienst ist gerade ausgelastet. Versuchen Sie es in ${wait} erneut.`,
    rateLimited: 'Zu viele Anfragen. Versuchen Sie es gleich noch einmal.',
    rateLimitedFor: (wait) => `Zu viele Anfragen. Versuchen Sie es in ${wait} erneut.`,
    byCode: {
      invalid_request:
        'Der Server hat die Angaben nicht angenommen. Prüfen Sie Ihre Eingaben und versuchen Sie es erneut.',
      invalid_json: 'Der Server konnte die Anfrage nicht lesen. Laden Sie die Seite neu und versuchen Sie es erneut.',
      invalid_credentials: 'Benutzername oder Passwort ist falsch.',
      invalid_code: 'Dieser Code ist falsch.',
      flow_expired:
        'Ihre Anmeldung ist abgelaufen, oder es wurden zu viele falsche Codes eingegeben. Geben Sie Benutzername und Passwort erneut ein.',
      unauthenticated: 'Ihre Sitzung wurde beendet. Melden Sie sich erneut an.',
      csrf: 'Diese Aktion ist nicht erlaubt. Laden Sie die Seite neu und versuchen Sie es erneut.',
      forbidden: 'Der Zugriff wurde verweigert. Laden Sie die Seite neu und versuchen Sie es erneut.',
      reauthentication_required: 'Bestätigen Sie Ihr Passwort, um fortzufahren.',
      unknown_tenant: 'Unter dieser Adresse gibt es keine Anmeldeseite.',
      not_enabled: 'Sie haben keine Backup-Codes.',
      session_not_found: 'Diese Sitzung ist bereits beendet.',
      method_not_allowed:
        'Der Server nimmt diese Anfrage nicht an. Laden Sie die Seite neu und versuchen Sie es erneut.',
      already_enabled: 'Sie haben bereits Backup-Codes.',
      generation_mismatch:
        'Ihre Backup-Codes wurden an anderer Stelle geändert. Laden Sie die Seite neu, um den aktuellen Stand zu sehen.',
      payload_too_large: 'Ihre Eingabe ist zu lang.',
      unsupported_media_type:
        'Der Server konnte die Anfrage nicht lesen. Laden Sie die Seite neu und versuchen Sie es erneut.',
      locked:
        'Ihr Konto ist nach zu vielen Fehlversuchen gesperrt. Versuchen Sie es später erneut, oder bitten Sie Ihren Administrator, es zu entsperren.',
      mfa_setup_required:
        'Ihre Organisation verlangt eine Authenticator-App. Richten Sie eine ein, um fortzufahren.',
      no_pending_setup:
        'Es gibt keine Einrichtung einer Authenticator-App, die bestätigt werden könnte. Beginnen Sie die Einrichtung erneut.',
      setup_expired:
        'Diese Einrichtung ist abgelaufen, oder es wurden zu viele falsche Codes eingegeben. Beginnen Sie die Einrichtung erneut.',
      second_factor_required:
        'Ihre Organisation verlangt einen zweiten Faktor, und dies ist Ihr einziger. Fügen Sie zuerst einen weiteren hinzu.',
      internal: 'Auf dem Server ist ein Fehler aufgetreten. Versuchen Sie es gleich noch einmal.',
      unavailable: 'Der Dienst ist gerade ausgelastet. Versuchen Sie es gleich noch einmal.',
      invalid_client: 'Die Anwendung konnte nicht erkannt werden. Wenden Sie sich an Ihren Administrator.',
      invalid_grant:
        'Die Anmeldeanfrage ist nicht mehr gültig. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
      unsupported_grant_type:
        'Die Anwendung hat etwas angefordert, das der Dienst nicht unterstützt. Wenden Sie sich an Ihren Administrator.',
      invalid_scope:
        'Die Anwendung hat einen Zugriff angefordert, den der Dienst nicht gewährt. Wenden Sie sich an Ihren Administrator.',
      invalid_token: 'Das Zugriffstoken ist ungültig oder abgelaufen. Melden Sie sich erneut an.',
      insufficient_scope: 'Dazu fehlt Ihnen die Berechtigung.',
      request_not_found:
        'Diese Anmeldeanfrage ist abgelaufen oder wurde bereits verwendet. Kehren Sie zur Anwendung zurück und melden Sie sich erneut an.',
      not_found: 'Das Angeforderte gibt es nicht.',
      conflict: 'Das steht im Widerspruch zu einer Änderung an anderer Stelle. Laden Sie die Seite neu und versuchen Sie es erneut.',
    },
  },

  header: {
    signedInAs: 'Angemeldet als',
    signOut: 'Abmelden',
  },

  account: {
    // A soft hyphen: on a phone the heading breaks as "Wiederherstellungs-/optionen".
    title: 'Wiederherstellungs\u00ADoptionen',
    breadcrumbLabel: 'Navigationspfad',
    crumbSecurity: 'Sicherheit',
    crumbAdditional: 'Zusätzliche Authentifizierung',
    crumbRecovery: 'Wiederherstellungsoptionen',
    intro:
      'Mit den Wiederherstellungsoptionen können Sie sich anmelden, wenn Sie keinen Code von Ihrer Authenticator-App erhalten.',
    loadFailed: 'Ihr Konto konnte nicht geladen werden.',
  },

  setupRequired: {
    title: 'Richten Sie Ihre Authenticator-App ein',
    intro: (tenant) =>
      `${tenant} verlangt bei der Anmeldung einen zweiten Schritt. Richten Sie eine Authenticator-App ein, um zu Ihrem Konto zu gelangen.`,
    start: 'Authenticator-App einrichten',
  },

  authenticator: {
    heading: 'Authenticator-App',
    description:
      'Eine App auf Ihrem Smartphone, etwa Google Authenticator oder Microsoft Authenticator, zeigt Ihnen bei jeder Anmeldung einen Code.',
    sessionsNote:
      'Wenn Sie die Authenticator-App einrichten, ersetzen oder entfernen, werden Ihre anderen Sitzungen beendet.',
    loading: 'Ihre Authenticator-App wird geladen…',
    loadFailed: 'Der Status Ihrer Authenticator-App konnte nicht geladen werden.',
    on: 'Ihre Authenticator-App ist eingerichtet. Bei jeder Anmeldung wird ein Code daraus abgefragt.',
    off: 'Sie haben keine Authenticator-App eingerichtet.',
    enabledBadge: 'Ein',
    disabledBadge: 'Aus',
    setUp: 'Authenticator-App einrichten',
    replace: 'Authenticator-App ersetzen',
    remove: 'Authenticator-App entfernen',
    added: 'Ihre Authenticator-App ist eingerichtet. Ihre anderen Sitzungen wurden beendet.',
    replaced:
      'Ihre neue Authenticator-App ist eingerichtet; die bisherige funktioniert nicht mehr. Ihre anderen Sitzungen wurden beendet.',
    removed: 'Ihre Authenticator-App wurde entfernt. Ihre anderen Sitzungen wurden beendet.',
    notEnabledAnymore: 'Sie haben keine Authenticator-App mehr. Jetzt wird der aktuelle Stand angezeigt.',
  },

  lastFactor: {
    totp: 'Ihre Organisation verlangt einen zweiten Faktor, und die Authenticator-App ist Ihr einziger. Fügen Sie Backup-Codes hinzu, bevor Sie sie entfernen.',
    codes:
      'Ihre Organisation verlangt einen zweiten Faktor, und die Backup-Codes sind Ihr einziger. Richten Sie eine Authenticator-App ein, bevor Sie sie entfernen.',
  },

  totpSetupDialog: {
    title: 'Richten Sie Ihre Authenticator-App ein',
    replaceTitle: 'Ersetzen Sie Ihre Authenticator-App',
    scan: 'Scannen Sie diesen QR-Code mit Ihrer Authenticator-App.',
    replaceNote: 'Ihre bisherige Authenticator-App funktioniert weiter, bis Sie die neue bestätigen.',
    qrLabel: 'QR-Code für Ihre Authenticator-App',
    qrMissing: 'Der QR-Code kann nicht angezeigt werden. Geben Sie stattdessen den Schlüssel unten ein.',
    keyIntro: 'Scannen nicht möglich? Geben Sie stattdessen diesen Schlüssel in der App ein:',
    keyLabel: 'Schlüssel',
    copyKey: 'Schlüssel kopieren',
    keyCopied: 'Schlüssel kopiert',
    keyCopyFailed: 'Der Schlüssel konnte nicht kopiert werden. Tippen Sie ihn ab.',
    expires: (time) => `Bestätigen Sie bis ${time}.`,
    codeLabel: 'Code aus der App',
    codeHint: 'Der 6-stellige Code, den die App gerade anzeigt.',
    confirm: 'Bestätigen',
    cancel: 'Abbrechen',
    startAgain: 'Neu beginnen',
    invalidFormat: 'Geben Sie den 6-stelligen Code ein, den die App anzeigt.',
    invalidCode:
      'Dieser Code ist falsch. Geben Sie den Code ein, den die App gerade anzeigt, und prüfen Sie die Uhrzeit Ihres Smartphones.',
    expired:
      'Diese Einrichtung ist abgelaufen, oder es wurden zu viele falsche Codes eingegeben. Beginnen Sie neu, um einen neuen Schlüssel zu erhalten.',
  },

  removeTotpDialog: {
    title: 'Authenticator-App entfernen?',
    body: 'Codes aus Ihrer Authenticator-App funktionieren sofort nicht mehr. Ihre anderen Sitzungen werden beendet.',
    confirm: 'Entfernen',
    cancel: 'Abbrechen',
  },

  codesOffer: {
    title: 'Auch Backup-Codes hinzufügen?',
    body: 'Wenn Sie Ihr Smartphone verlieren, können Sie sich mit Backup-Codes anmelden. Jeder Code gilt einmal, und Sie sehen sie nur jetzt.',
    confirm: 'Backup-Codes hinzufügen',
    cancel: 'Nicht jetzt',
  },

  activity: {
    heading: 'Letzte Sicherheitsaktivitäten',
    description: 'Anmeldungen und Änderungen an der Sicherheit Ihres Kontos, die neuesten zuerst.',
    loading: 'Ihre letzten Aktivitäten werden geladen…',
    loadFailed: 'Ihre letzten Aktivitäten konnten nicht geladen werden.',
    empty: 'Noch keine Sicherheitsaktivitäten.',
    listLabel: 'Letzte Sicherheitsereignisse',
    refresh: 'Aktivitäten aktualisieren',
    ip: 'IP-Adresse',
    byOperator: 'Durch den Betreiber des Dienstes',
    byAdmin: 'Durch einen Administrator',
    events: {
      sign_in: 'Angemeldet',
      sign_in_password: 'Mit Ihrem Passwort angemeldet',
      sign_in_totp: 'Mit Ihrer Authenticator-App angemeldet',
      sign_in_backup_code: 'Mit einem Backup-Code angemeldet',
      sign_in_failed: 'Fehlgeschlagene Anmeldung',
      sign_in_failed_password: 'Fehlgeschlagene Anmeldung: falsches Passwort',
      sign_in_failed_totp: 'Fehlgeschlagene Anmeldung: falscher Code der Authenticator-App',
      sign_in_failed_backup_code: 'Fehlgeschlagene Anmeldung: falscher Backup-Code',
      second_factor_locked: 'Zweiter Schritt nach zu vielen falschen Codes gesperrt',
      backup_code_used: 'Backup-Code verwendet',
      backup_codes_added: 'Backup-Codes hinzugefügt',
      backup_codes_regenerated: 'Backup-Codes neu generiert',
      backup_codes_removed: 'Backup-Codes entfernt',
      authenticator_added: 'Authenticator-App eingerichtet',
      authenticator_removed: 'Authenticator-App entfernt',
      mfa_reset: 'Zweite Faktoren zurückgesetzt',
      unlocked: 'Konto entsperrt',
      sessions_ended: 'Sitzungen beendet',
      user_created: 'Konto erstellt',
      user_deleted: 'Konto gelöscht',
      password_reset: 'Passwort zurückgesetzt',
      email_changed: 'E-Mail-Adresse geändert',
      other: 'Anderes Sicherheitsereignis',
    },
  },

  backupNotice: {
    remaining: (n) =>
      n === 0
        ? 'Sie haben sich mit einem Backup-Code angemeldet. Sie haben keine Backup-Codes mehr.'
        : count(n, {
            one: 'Sie haben sich mit einem Backup-Code angemeldet. Sie haben noch # Backup-Code.',
            other: 'Sie haben sich mit einem Backup-Code angemeldet. Sie haben noch # Backup-Codes.',
          }),
    regenerateAdvice: 'Generieren Sie Ihre Backup-Codes jetzt neu, damit sie Ihnen nicht ausgehen.',
    regenerateNow: 'Jetzt neu generieren',
    dismiss: 'Ausblenden',
  },

  codes: {
    heading: 'Backup-Codes',
    description:
      'Einmal-Codes für die Anmeldung, wenn Sie Ihre Authenticator-App nicht verwenden können. Bewahren Sie sie an einem sicheren Ort auf.',
    sessionsNote:
      'Wenn Sie Backup-Codes hinzufügen, neu generieren oder entfernen, werden Ihre anderen Sitzungen beendet.',
    loading: 'Backup-Codes werden geladen…',
    loadFailed: 'Der Status Ihrer Backup-Codes konnte nicht geladen werden.',
    notEnabled: 'Sie haben keine Backup-Codes.',
    add: 'Backup-Codes hinzufügen',
    regenerate: 'Backup-Codes neu generieren',
    remove: 'Backup-Codes entfernen',
    enabledBadge: 'Aktiv',
    disabledBadge: 'Inaktiv',
    left: (n, total) => `${num(n)} von ${num(total)} Codes übrig`,
    fewLeft: (n) =>
      n === 0
        ? 'Sie haben alle Backup-Codes verbraucht. Generieren Sie sie neu, um einen neuen Satz zu erhalten.'
        : count(n, {
            one: 'Nur noch # Code übrig. Generieren Sie die Codes neu, um einen neuen Satz zu erhalten.',
            other: 'Nur noch # Codes übrig. Generieren Sie die Codes neu, um einen neuen Satz zu erhalten.',
          }),
    created: 'Erstellt',
    lastUsed: 'Zuletzt verwendet',
    neverUsed: 'Nie',
    usageHeading: 'Verlauf',
    usageCaption: 'Anmeldungen mit einem Backup-Code',
    usageEmpty: 'Es wurde noch kein Backup-Code verwendet.',
    usageIp: 'IP-Adresse',
    generationMismatch:
      'Ihre Backup-Codes wurden an anderer Stelle geändert, zum Beispiel in einem anderen Tab. Jetzt wird der aktuelle Stand angezeigt.',
    alreadyEnabled: 'Sie haben bereits Backup-Codes. Jetzt wird der aktuelle Stand angezeigt.',
    notEnabledAnymore: 'Sie haben keine Backup-Codes mehr. Jetzt wird der aktuelle Stand angezeigt.',
    added: 'Backup-Codes sind aktiv. Ihre anderen Sitzungen wurden beendet.',
    regenerated: 'Sie haben neue Backup-Codes; die alten funktionieren nicht mehr. Ihre anderen Sitzungen wurden beendet.',
    removed: 'Ihre Backup-Codes wurden entfernt. Ihre anderen Sitzungen wurden beendet.',
  },

  codesDialog: {
    title: 'Ihre Backup-Codes',
    meta: (username, tenant, created) => `Für ${username} (${tenant}), erstellt am ${created}`,
    onceEach: 'Jeder Code kann nur einmal verwendet werden.',
    shownOnce:
      'Diese Codes werden nur dieses eine Mal angezeigt. Laden Sie sie herunter, kopieren oder drucken Sie sie, und bewahren Sie sie an einem sicheren Ort auf.',
    listLabel: 'Backup-Codes',
    download: 'Codes herunterladen',
    copy: 'Codes kopieren',
    print: 'Drucken',
    copied: 'Kopiert',
    copyFailed: 'Die Codes konnten nicht kopiert werden. Verwenden Sie stattdessen „Codes herunterladen“ oder „Drucken“.',
    downloaded: 'Download gestartet',
    confirmSaved: 'Ich habe diese Codes gespeichert',
    close: 'Schließen',
    confirmFirst: 'Bestätigen Sie, dass Sie diese Codes gespeichert haben, bevor Sie dieses Fenster schließen.',
  },

  codesFile: {
    namePrefix: 'backup-codes',
    title: 'Backup-Codes',
    organisation: 'Organisation',
    user: 'Benutzer',
    created: 'Erstellt',
    advice: 'Jeder Code kann nur einmal verwendet werden. Bewahren Sie diese Datei an einem sicheren Ort auf.',
  },

  regenerateDialog: {
    title: 'Backup-Codes neu generieren?',
    body: 'Ihre aktuellen Backup-Codes funktionieren sofort nicht mehr, und ein neuer Satz Codes wird einmalig angezeigt. Ihre anderen Sitzungen werden beendet.',
    confirm: 'Neu generieren',
    cancel: 'Abbrechen',
  },

  removeDialog: {
    title: 'Backup-Codes entfernen?',
    body: 'Ihre Backup-Codes funktionieren sofort nicht mehr. Ihre anderen Sitzungen werden beendet.',
    confirm: 'Entfernen',
    cancel: 'Abbrechen',
  },

  reauthDialog: {
    title: 'Bestätigen Sie Ihr Passwort, um fortzufahren',
    body: 'Geben Sie zu Ihrer Sicherheit Ihr Passwort erneut ein, bevor Sie Ihre Authenticator-App, Backup-Codes oder Sitzungen ändern.',
    password: 'Passwort',
    confirm: 'Bestätigen',
    cancel: 'Abbrechen',
    wrongPassword: 'Das Passwort ist falsch.',
    passwordRequired: 'Geben Sie Ihr Passwort ein.',
  },

  sessions: {
    heading: 'Sitzungen',
    description: 'Geräte und Browser, auf denen Sie angemeldet sind.',
    loading: 'Sitzungen werden geladen…',
    loadFailed: 'Ihre Sitzungen konnten nicht geladen werden.',
    empty: 'Keine offenen Sitzungen.',
    listLabel: 'Offene Sitzungen',
    thisDevice: 'Dieses Gerät',
    ip: 'IP-Adresse',
    created: 'Angemeldet',
    lastSeen: 'Zuletzt aktiv',
    end: 'Sitzung beenden',
    endWhich: (browser, ip, lastSeen) =>
      lastSeen ? ` (${browser}, ${ip}, zuletzt aktiv ${lastSeen})` : ` (${browser}, ${ip})`,
    ended: 'Die Sitzung wurde beendet.',
    refresh: 'Sitzungen aktualisieren',
  },

  userAgent: {
    unknownBrowser: 'Unbekannter Browser',
    on: (browser, os) => `${browser} unter ${os}`,
  },

  dates: {
    unknown: 'Unbekannt',
    justNow: 'gerade eben',
    relativeWithAbsolute: (relative, absolute) => `${relative} (${absolute})`,
  },
};
