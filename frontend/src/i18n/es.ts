// Español (trato de usted). Términos fijos: «códigos de respaldo», «aplicación de
// autenticación», «sesión»; «volver a generar» para regenerate, «finalizar sesión»
// para una sesión de otro dispositivo (distinto de «cerrar sesión», sign out).

import type { Catalogue } from './catalogue.js';
import { grammar } from './grammar.js';

const { num, count } = grammar('es');

export const es: Catalogue = {
  app: {
    product: 'Cuenta',
    skipToContent: 'Saltar al contenido',
    loading: 'Cargando…',
    retry: 'Volver a intentarlo',
    language: 'Idioma',
    noTenantTitle: 'Dirección no reconocida',
    noTenantBody:
      'Abra esta página desde el enlace de inicio de sesión de su organización, que tiene la forma /t/su-organizacion/.',
    unknownTenantTitle: 'Esta página no existe',
    unknownTenantBody:
      'En esta dirección no hay ninguna página de inicio de sesión. Compruebe el enlace que recibió o pida el correcto a su administrador.',
    checkFailed: 'No se ha podido cargar esta página',
    notFoundTitle: 'Página no encontrada',
    notFoundBody: 'No hay nada en esta dirección.',
    notFoundLink: 'Ir a su cuenta',
    titleSuffix: (tenant) => `Cuenta de ${tenant}`,
  },

  signIn: {
    title: 'Iniciar sesión',
    intro: (tenant) => `Inicie sesión en su cuenta de ${tenant} para continuar.`,
    username: 'Nombre de usuario',
    password: 'Contraseña',
    submit: 'Iniciar sesión',
    usernameRequired: 'Introduzca su nombre de usuario y su contraseña.',
    passwordLocked:
      'El inicio de sesión está en pausa tras demasiadas contraseñas incorrectas. Vuelva a intentarlo dentro de unos minutos.',
    passwordLockedFor: (wait) =>
      `El inicio de sesión está en pausa tras demasiadas contraseñas incorrectas. Vuelva a intentarlo dentro de ${wait}.`,
    mfaTitle: 'Verificación en dos pasos',
    totpIntro: 'Introduzca el código de 6 dígitos de su aplicación de autenticación.',
    totpLabel: 'Código de verificación',
    totpHint: '6 dígitos; no hace falta escribir espacios.',
    totpInvalidFormat: 'Introduzca el código de 6 dígitos de su aplicación de autenticación.',
    backupIntro: 'Introduzca uno de sus códigos de respaldo. Cada código solo sirve una vez.',
    backupLabel: 'Código de respaldo',
    backupHint:
      'Por ejemplo, ABCD-EFGH-JKLM-NPQR. Da igual si escribe guiones, espacios, mayúsculas o minúsculas.',
    backupInvalidFormat: 'Introduzca un código de respaldo: letras y dígitos, con o sin guiones.',
    useBackupCode: 'Usar un código de respaldo',
    useTotp: 'Usar la aplicación de autenticación',
    verify: 'Verificar',
    startOver: 'Volver a empezar',
    invalidTotp: 'El código no es correcto. Compruebe su aplicación de autenticación y vuelva a intentarlo.',
    invalidBackupCode: 'El código de respaldo no es correcto o ya se ha usado.',
    flowExpired:
      'El inicio de sesión ha caducado o se han introducido demasiados códigos incorrectos. Introduzca de nuevo su nombre de usuario y su contraseña.',
    sessionEnded: 'Su sesión ha finalizado. Vuelva a iniciar sesión.',
    signedOut: 'Ha cerrado la sesión.',
  },

  /** El inicio y el cierre de sesión de las aplicaciones de la organización en esta página. */
  authorize: {
    title: (client) => `Iniciar sesión en ${client}`,
    intro: (tenant) => `Use su cuenta de ${tenant}.`,
    back: (client) => `Volver a ${client}`,
    loading: 'Cargando la solicitud de inicio de sesión…',
    continuing: (client) => `Iniciando sesión en ${client}…`,
    returning: (client) => `Volviendo a ${client}…`,
    signedInAs: (username) => `Ha iniciado sesión como ${username}.`,
    confirmIntro: (client) => `${client} le pide que confirme su contraseña antes de continuar.`,
    confirm: 'Confirmar la contraseña',
    reauthBody: (client) => `${client} le pide que confirme su identidad. Introduzca su contraseña para continuar.`,
    expiredTitle: 'Esta solicitud de inicio de sesión ha caducado',
    expiredBody:
      'Ya se usó o esperó demasiado tiempo. Vuelva a la aplicación e inicie sesión de nuevo desde allí.',
    goToAccount: 'Ir a su cuenta',
    failedTitle: 'No se ha podido continuar con el inicio de sesión',
    refusedTitle: 'Se ha rechazado la solicitud de la aplicación',
    errors: {
      unknown_client:
        'La aplicación que le ha enviado aquí no está registrada en esta organización. Compruebe el enlace que siguió o póngase en contacto con el soporte de la aplicación.',
      invalid_redirect_uri:
        'La aplicación pidió devolverle a una dirección que no tiene registrada, así que no se le ha enviado allí. Póngase en contacto con el soporte de la aplicación.',
      invalid_request:
        'La aplicación envió una solicitud que no se puede leer. Vuelva atrás e inténtelo de nuevo, o póngase en contacto con el soporte de la aplicación.',
      other:
        'La solicitud de la aplicación no se puede completar. Vuelva atrás e inténtelo de nuevo, o póngase en contacto con el soporte de la aplicación.',
    },
    errorCode: (code) => `Código de error: ${code}`,
    signOutTitle: '¿Cerrar la sesión?',
    signOutBody: (tenant) =>
      `Una aplicación ha pedido cerrar su sesión de la cuenta de ${tenant}. Al cerrarla aquí, también se cierra en las aplicaciones en las que inició sesión con ella.`,
    signOut: 'Cerrar sesión',
    staySignedIn: 'Mantener la sesión',
    setupIntro: (tenant, client) =>
      `${tenant} exige un segundo paso al iniciar sesión. Configure una aplicación de autenticación y después continuará a ${client}.`,
  },

  errors: {
    network: 'No se puede conectar con el servidor. Compruebe su conexión y vuelva a intentarlo.',
    badResponse: 'El servidor ha enviado una respuesta inesperada. Vuelva a intentarlo en unos instantes.',
    generic: 'Algo ha fallado. Vuelva a intentarlo.',
    lockedFor: (wait) =>
      `Su cuenta se ha bloqueado tras demasiados intentos fallidos. Vuelva a intentarlo dentro de ${wait}.`,
    unavailableFor: (wait) =>
      `El servicio está sobrecargado en este momento. Vuelva a intentarlo dentro de ${wait}.`,
    rateLimited: 'Demasiadas solicitudes. Vuelva a intentarlo en unos instantes.',
    rateLimitedFor: (wait) => `Demasiadas solicitudes. Vuelva a intentarlo dentro de ${wait}.`,
    byCode: {
      invalid_request:
        'El servidor no ha aceptado los datos enviados. Revise lo que ha introducido y vuelva a intentarlo.',
      invalid_json: 'El servidor no ha podido leer la solicitud. Vuelva a cargar la página e inténtelo de nuevo.',
      invalid_credentials: 'El nombre de usuario o la contraseña no son correctos.',
      invalid_code: 'El código no es correcto.',
      flow_expired:
        'El inicio de sesión ha caducado o se han introducido demasiados códigos incorrectos. Introduzca de nuevo su nombre de usuario y su contraseña.',
      unauthenticated: 'Su sesión ha finalizado. Vuelva a iniciar sesión.',
      csrf: 'Esta acción no está permitida. Vuelva a cargar la página e inténtelo de nuevo.',
      forbidden: 'Se ha denegado el acceso. Vuelva a cargar la página e inténtelo de nuevo.',
      reauthentication_required: 'Confirme su contraseña para continuar.',
      unknown_tenant: 'En esta dirección no hay ninguna página de inicio de sesión.',
      not_enabled: 'No tiene códigos de respaldo.',
      session_not_found: 'Esa sesión ya ha finalizado.',
      method_not_allowed: 'El servidor no acepta esta solicitud. Vuelva a cargar la página e inténtelo de nuevo.',
      already_enabled: 'Ya tiene códigos de respaldo.',
      generation_mismatch:
        'Sus códigos de respaldo se han cambiado en otro lugar. Vuelva a cargar la página para ver el estado actual.',
      payload_too_large: 'Lo que ha introducido es demasiado largo.',
      unsupported_media_type:
        'El servidor no ha podido leer la solicitud. Vuelva a cargar la página e inténtelo de nuevo.',
      locked:
        'Su cuenta se ha bloqueado tras demasiados intentos fallidos. Vuelva a intentarlo más tarde o pida a su administrador que la desbloquee.',
      mfa_setup_required:
        'Su organización exige una aplicación de autenticación. Configure una para continuar.',
      no_pending_setup: 'No hay ninguna configuración de la aplicación de autenticación que confirmar. Vuelva a empezar la configuración.',
      setup_expired:
        'Esta configuración ha caducado o se han introducido demasiados códigos incorrectos. Vuelva a empezar la configuración.',
      second_factor_required:
        'Su organización exige un segundo factor y este es el único que tiene. Añada otro antes de quitarlo.',
      internal: 'Se ha producido un error en el servidor. Vuelva a intentarlo en unos instantes.',
      unavailable: 'El servicio está sobrecargado en este momento. Vuelva a intentarlo en unos instantes.',
      invalid_client: 'No se ha podido identificar la aplicación. Póngase en contacto con su administrador.',
      invalid_grant:
        'La solicitud de inicio de sesión ya no es válida. Vuelva a la aplicación e inicie sesión de nuevo.',
      unsupported_grant_type:
        'La aplicación ha pedido algo que el servicio no admite. Póngase en contacto con su administrador.',
      invalid_scope:
        'La aplicación ha pedido un acceso que el servicio no concede. Póngase en contacto con su administrador.',
      invalid_token: 'El token de acceso no es válido o ha caducado. Vuelva a iniciar sesión.',
      insufficient_scope: 'No tiene permiso para hacer esto.',
      request_not_found:
        'Esta solicitud de inicio de sesión ha caducado o ya se ha usado. Vuelva a la aplicación e inicie sesión de nuevo.',
      not_found: 'Lo que ha pedido no existe.',
      conflict: 'Esto choca con un cambio hecho en otro lugar. Vuelva a cargar la página e inténtelo de nuevo.',
    },
  },

  header: {
    signedInAs: 'Sesión iniciada como',
    signOut: 'Cerrar sesión',
  },

  account: {
    title: 'Opciones de recuperación',
    breadcrumbLabel: 'Ruta de navegación',
    crumbSecurity: 'Seguridad',
    crumbAdditional: 'Autenticación adicional',
    crumbRecovery: 'Opciones de recuperación',
    intro:
      'Las opciones de recuperación le permiten iniciar sesión cuando no puede obtener un código de su aplicación de autenticación.',
    loadFailed: 'No se ha podido cargar su cuenta.',
  },

  setupRequired: {
    title: 'Configure su aplicación de autenticación',
    intro: (tenant) =>
      `${tenant} exige un segundo paso al iniciar sesión. Configure una aplicación de autenticación para acceder a su cuenta.`,
    start: 'Configurar la aplicación de autenticación',
  },

  authenticator: {
    heading: 'Aplicación de autenticación',
    description:
      'Una aplicación de su teléfono, como Google Authenticator o Microsoft Authenticator, le da un código cada vez que inicia sesión.',
    sessionsNote:
      'Al configurar, sustituir o quitar la aplicación de autenticación, se cierran sus demás sesiones.',
    loading: 'Cargando su aplicación de autenticación…',
    loadFailed: 'No se ha podido cargar el estado de su aplicación de autenticación.',
    on: 'Su aplicación de autenticación está configurada. Cada inicio de sesión le pide un código de ella.',
    off: 'No tiene ninguna aplicación de autenticación configurada.',
    enabledBadge: 'Activada',
    disabledBadge: 'Desactivada',
    setUp: 'Configurar la aplicación de autenticación',
    replace: 'Sustituir la aplicación de autenticación',
    remove: 'Quitar la aplicación de autenticación',
    added: 'Su aplicación de autenticación está configurada. Se han cerrado sus demás sesiones.',
    replaced:
      'Su nueva aplicación de autenticación está configurada; la anterior ya no funciona. Se han cerrado sus demás sesiones.',
    removed: 'Se ha quitado su aplicación de autenticación. Se han cerrado sus demás sesiones.',
    notEnabledAnymore: 'Ya no tiene aplicación de autenticación. Ahora se muestra el estado actual.',
  },

  lastFactor: {
    totp: 'Su organización exige un segundo factor y la aplicación de autenticación es el único que tiene. Añada códigos de respaldo antes de quitarla.',
    codes:
      'Su organización exige un segundo factor y los códigos de respaldo son el único que tiene. Configure una aplicación de autenticación antes de quitarlos.',
  },

  totpSetupDialog: {
    title: 'Configure su aplicación de autenticación',
    replaceTitle: 'Sustituya su aplicación de autenticación',
    scan: 'Escanee este código QR con su aplicación de autenticación.',
    replaceNote: 'Su aplicación de autenticación actual sigue funcionando hasta que confirme la nueva.',
    qrLabel: 'Código QR para su aplicación de autenticación',
    qrMissing: 'No se puede mostrar el código QR. Introduzca la clave de abajo.',
    keyIntro: '¿No puede escanearlo? Introduzca esta clave en la aplicación:',
    keyLabel: 'Clave',
    copyKey: 'Copiar la clave',
    keyCopied: 'Clave copiada',
    keyCopyFailed: 'No se ha podido copiar la clave. Escríbala a mano.',
    expires: (time) => `Plazo para confirmarlo: ${time}.`,
    codeLabel: 'Código de la aplicación',
    codeHint: 'El código de 6 dígitos que muestra ahora la aplicación.',
    confirm: 'Confirmar',
    cancel: 'Cancelar',
    startAgain: 'Empezar de nuevo',
    invalidFormat: 'Introduzca el código de 6 dígitos que muestra la aplicación.',
    invalidCode:
      'El código no es correcto. Introduzca el que muestra ahora la aplicación y compruebe que la hora de su teléfono es correcta.',
    expired:
      'Esta configuración ha caducado o se han introducido demasiados códigos incorrectos. Empiece de nuevo para obtener una clave nueva.',
  },

  removeTotpDialog: {
    title: '¿Quitar la aplicación de autenticación?',
    body: 'Los códigos de su aplicación de autenticación dejan de funcionar de inmediato. Se cerrarán sus demás sesiones.',
    confirm: 'Quitar',
    cancel: 'Cancelar',
  },

  codesOffer: {
    title: '¿Añadir también códigos de respaldo?',
    body: 'Si pierde el teléfono, los códigos de respaldo le permiten iniciar sesión. Cada código sirve una vez y solo los verá ahora.',
    confirm: 'Añadir códigos de respaldo',
    cancel: 'Ahora no',
  },

  activity: {
    heading: 'Actividad de seguridad reciente',
    description: 'Inicios de sesión y cambios en la seguridad de su cuenta, del más reciente al más antiguo.',
    loading: 'Cargando su actividad reciente…',
    loadFailed: 'No se ha podido cargar su actividad reciente.',
    empty: 'Todavía no hay actividad de seguridad.',
    listLabel: 'Eventos de seguridad recientes',
    refresh: 'Actualizar la actividad',
    ip: 'Dirección IP',
    byOperator: 'Por el operador del servicio',
    byAdmin: 'Por un administrador',
    events: {
      sign_in: 'Inicio de sesión',
      sign_in_password: 'Inicio de sesión con su contraseña',
      sign_in_totp: 'Inicio de sesión con su aplicación de autenticación',
      sign_in_backup_code: 'Inicio de sesión con un código de respaldo',
      sign_in_failed: 'Intento de inicio de sesión fallido',
      sign_in_failed_password: 'Intento de inicio de sesión fallido: contraseña incorrecta',
      sign_in_failed_totp: 'Intento de inicio de sesión fallido: código de autenticación incorrecto',
      sign_in_failed_backup_code: 'Intento de inicio de sesión fallido: código de respaldo incorrecto',
      second_factor_locked: 'Segundo paso bloqueado tras demasiados códigos incorrectos',
      backup_code_used: 'Código de respaldo usado',
      backup_codes_added: 'Códigos de respaldo añadidos',
      backup_codes_regenerated: 'Códigos de respaldo generados de nuevo',
      backup_codes_removed: 'Códigos de respaldo quitados',
      authenticator_added: 'Aplicación de autenticación configurada',
      authenticator_removed: 'Aplicación de autenticación quitada',
      mfa_reset: 'Segundos factores restablecidos',
      unlocked: 'Cuenta desbloqueada',
      sessions_ended: 'Sesiones finalizadas',
      user_created: 'Cuenta creada',
      user_deleted: 'Cuenta eliminada',
      password_reset: 'Contraseña restablecida',
      email_changed: 'Dirección de correo electrónico cambiada',
      other: 'Otro evento de seguridad',
    },
  },

  backupNotice: {
    remaining: (n) =>
      n === 0
        ? 'Ha iniciado sesión con un código de respaldo. Ya no le quedan códigos de respaldo.'
        : count(n, {
            one: 'Ha iniciado sesión con un código de respaldo. Le queda # código de respaldo.',
            other: 'Ha iniciado sesión con un código de respaldo. Le quedan # códigos de respaldo.',
          }),
    regenerateAdvice: 'Vuelva a generar sus códigos de respaldo ahora para no quedarse sin ellos.',
    regenerateNow: 'Volver a generar ahora',
    dismiss: 'Descartar',
  },

  codes: {
    heading: 'Códigos de respaldo',
    description:
      'Códigos de un solo uso para iniciar sesión cuando no pueda usar su aplicación de autenticación. Guárdelos en un lugar seguro.',
    sessionsNote:
      'Al añadir, volver a generar o eliminar los códigos de respaldo, se cierran sus demás sesiones.',
    loading: 'Cargando los códigos de respaldo…',
    loadFailed: 'No se ha podido cargar el estado de sus códigos de respaldo.',
    notEnabled: 'No tiene códigos de respaldo.',
    add: 'Añadir códigos de respaldo',
    regenerate: 'Volver a generar los códigos de respaldo',
    remove: 'Eliminar los códigos de respaldo',
    enabledBadge: 'Activados',
    disabledBadge: 'Desactivados',
    left: (n, total) =>
      count(n, { one: `Queda # de ${num(total)} códigos`, other: `Quedan # de ${num(total)} códigos` }),
    fewLeft: (n) =>
      n === 0
        ? 'Ha usado todos sus códigos de respaldo. Vuelva a generarlos para obtener un conjunto nuevo.'
        : count(n, {
            one: 'Solo le queda # código. Vuelva a generar los códigos para obtener un conjunto nuevo.',
            other: 'Solo le quedan # códigos. Vuelva a generar los códigos para obtener un conjunto nuevo.',
          }),
    created: 'Creados',
    lastUsed: 'Último uso',
    neverUsed: 'Nunca',
    usageHeading: 'Uso reciente',
    usageCaption: 'Inicios de sesión con un código de respaldo',
    usageEmpty: 'Todavía no se ha usado ningún código de respaldo.',
    usageIp: 'Dirección IP',
    generationMismatch:
      'Sus códigos de respaldo se han cambiado en otro lugar, por ejemplo, en otra pestaña. Ahora se muestra el estado actual.',
    alreadyEnabled: 'Ya tiene códigos de respaldo. Ahora se muestra el estado actual.',
    notEnabledAnymore: 'Ya no tiene códigos de respaldo. Ahora se muestra el estado actual.',
    added: 'Los códigos de respaldo están activados. Se han cerrado sus demás sesiones.',
    regenerated:
      'Tiene códigos de respaldo nuevos; los anteriores ya no funcionan. Se han cerrado sus demás sesiones.',
    removed: 'Se han eliminado sus códigos de respaldo. Se han cerrado sus demás sesiones.',
  },

  codesDialog: {
    title: 'Sus códigos de respaldo',
    meta: (username, tenant, created) => `Para ${username} (${tenant}), creados el ${created}`,
    onceEach: 'Cada código solo se puede usar una vez.',
    shownOnce:
      'Estos códigos solo se muestran esta vez. Descárguelos, cópielos o imprímalos y guárdelos en un lugar seguro.',
    listLabel: 'Códigos de respaldo',
    download: 'Descargar códigos',
    copy: 'Copiar códigos',
    print: 'Imprimir',
    copied: 'Copiados',
    copyFailed: 'No se han podido copiar los códigos. Use «Descargar códigos» o «Imprimir».',
    downloaded: 'Descarga iniciada',
    confirmSaved: 'He guardado estos códigos',
    close: 'Cerrar',
    confirmFirst: 'Confirme que ha guardado estos códigos antes de cerrar esta ventana.',
  },

  codesFile: {
    namePrefix: 'codigos-de-respaldo',
    title: 'Códigos de respaldo',
    organisation: 'Organización',
    user: 'Usuario',
    created: 'Creados',
    advice: 'Cada código solo se puede usar una vez. Guarde este archivo en un lugar seguro.',
  },

  regenerateDialog: {
    title: '¿Volver a generar los códigos de respaldo?',
    body: 'Sus códigos de respaldo actuales dejarán de funcionar de inmediato y se mostrará, una sola vez, un conjunto nuevo. Se cerrarán sus demás sesiones.',
    confirm: 'Volver a generar',
    cancel: 'Cancelar',
  },

  removeDialog: {
    title: '¿Eliminar los códigos de respaldo?',
    body: 'Sus códigos de respaldo dejarán de funcionar de inmediato. Se cerrarán sus demás sesiones.',
    confirm: 'Eliminar',
    cancel: 'Cancelar',
  },

  reauthDialog: {
    title: 'Confirme su contraseña para continuar',
    body: 'Por su seguridad, vuelva a introducir su contraseña antes de cambiar su aplicación de autenticación, sus códigos de respaldo o sus sesiones.',
    password: 'Contraseña',
    confirm: 'Confirmar',
    cancel: 'Cancelar',
    wrongPassword: 'La contraseña no es correcta.',
    passwordRequired: 'Introduzca su contraseña.',
  },

  sessions: {
    heading: 'Sesiones',
    description: 'Dispositivos y navegadores en los que ha iniciado sesión.',
    loading: 'Cargando las sesiones…',
    loadFailed: 'No se han podido cargar sus sesiones.',
    empty: 'No hay sesiones abiertas.',
    listLabel: 'Sesiones abiertas',
    thisDevice: 'Este dispositivo',
    ip: 'Dirección IP',
    created: 'Inicio de sesión',
    lastSeen: 'Última actividad',
    end: 'Finalizar sesión',
    endWhich: (browser, ip, lastSeen) =>
      lastSeen ? ` (${browser}, ${ip}, última actividad ${lastSeen})` : ` (${browser}, ${ip})`,
    ended: 'Se ha finalizado la sesión.',
    refresh: 'Actualizar las sesiones',
  },

  userAgent: {
    unknownBrowser: 'Navegador desconocido',
    on: (browser, os) => `${browser} en ${os}`,
  },

  dates: {
    unknown: 'No disponible',
    justNow: 'hace un momento',
    relativeWithAbsolute: (relative, absolute) => `${relative} (${absolute})`,
  },
};
