"""Every email the service writes, in English, Spanish and German: one template per
kind and language, rendered as plain text and as HTML (each value escaped there).

Values that come from a request (the IP address and the browser's User-Agent) are
shown as data, never as markup or links: control characters are dropped and HTML
is escaped, and the only link is the tenant's own page.
"""

from __future__ import annotations

import html
import string
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime

from .languages import supported

# Kinds of email: one per kind of fact that is emailed ("used" may say few are left).
USED, LOW, ADDED, REGENERATED, REMOVED, MFA_RESET = (
    "used", "low", "added", "regenerated", "removed", "mfa_reset")


@dataclass(frozen=True)
class Letter:
    """What an email says, before it is rendered in the user's language."""

    kind: str
    language: str
    tenant_name: str
    username: str
    at: float
    link: str
    remaining: int | None = None
    ip: str | None = None
    user_agent: str | None = None
    few_left: bool = False  # a used-code email that also says few are left


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@dataclass(frozen=True)
class Language:
    """One language's texts. Terms as the page uses them (frontend/src/i18n/)."""

    months: tuple[str, ...]
    date: str  # a string.Template over $day, $month, $year, $time
    codes: tuple[str, str]  # one code, $n codes
    left: tuple[str, str, str]  # none left, one left, $n left
    unknown_browser: str
    greeting: str
    subjects: dict[str, str]
    bodies: dict[str, tuple[str, ...]]  # paragraphs
    used_from: str  # where a code was used from
    changed_from: str  # where a change came from, when it is known
    few_left: str
    # The closing of an email about something the user may not have done.
    not_you: tuple[str, ...]
    not_expected: str  # the closing of an administrator's action


ENGLISH = Language(
    months=("January", "February", "March", "April", "May", "June", "July", "August",
            "September", "October", "November", "December"),
    date="$day $month $year at $time UTC",
    codes=("1 backup code", "$n backup codes"),
    left=("You have no backup codes left.", "You have 1 backup code left.",
          "You have $n backup codes left."),
    unknown_browser="an unknown browser",
    greeting="Hello $username,",
    subjects={
        USED: "A backup code was used to sign in to $tenant",
        LOW: "Only $codes left for $tenant",
        ADDED: "Backup codes were added to your $tenant account",
        REGENERATED: "Your $tenant backup codes were regenerated",
        REMOVED: "Your $tenant backup codes were removed",
        MFA_RESET: "Your second factor for $tenant was reset",
    },
    bodies={
        USED: ("A backup code was used to sign in to your $tenant account ($username) "
               "on $when.",),
        LOW: ("You have only $codes left for your $tenant account ($username). Each code "
              "works once: create new ones at $link before you run out.",),
        ADDED: ("Backup codes were added to your $tenant account ($username) on $when. "
                "Your other sessions were ended.",),
        REGENERATED: ("Your $tenant backup codes ($username) were regenerated on $when. "
                      "The old codes no longer work, and your other sessions were ended.",),
        REMOVED: ("Your $tenant backup codes ($username) were removed on $when. Your other "
                  "sessions were ended.",),
        MFA_RESET: ("An administrator reset the second factor of your $tenant account "
                    "($username) on $when: your authenticator app and your backup codes no "
                    "longer work, and every session was ended. You will set them up again "
                    "at your next sign-in.",),
    },
    used_from="It was used from the IP address $ip, with this browser: $browser.",
    changed_from="The change came from the IP address $ip, with this browser: $browser.",
    few_left="Only a few are left: create new ones at $link before you run out.",
    not_you=("If this was you, there is nothing to do.",
             "If it was not you, sign in at $link now, regenerate your backup codes and "
             "change your password, then tell your administrator."),
    not_expected="If you did not expect this, tell your administrator.",
)

SPANISH = Language(
    months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
            "septiembre", "octubre", "noviembre", "diciembre"),
    date="$day de $month de $year a las $time UTC",
    codes=("1 código de respaldo", "$n códigos de respaldo"),
    left=("No le queda ningún código de respaldo.", "Le queda 1 código de respaldo.",
          "Le quedan $n códigos de respaldo."),
    unknown_browser="un navegador desconocido",
    greeting="Hola, $username:",
    subjects={
        USED: "Se ha usado un código de respaldo para iniciar sesión en $tenant",
        LOW: "Solo le quedan $codes en $tenant",
        ADDED: "Se han añadido códigos de respaldo a su cuenta de $tenant",
        REGENERATED: "Se han vuelto a generar sus códigos de respaldo de $tenant",
        REMOVED: "Se han eliminado sus códigos de respaldo de $tenant",
        MFA_RESET: "Se ha restablecido su segundo factor de $tenant",
    },
    bodies={
        USED: ("Se usó un código de respaldo para iniciar sesión en su cuenta de $tenant "
               "($username) el $when.",),
        LOW: ("Solo le quedan $codes en su cuenta de $tenant ($username). Cada código "
              "solo sirve una vez: genere otros nuevos en $link antes de que se le acaben.",),
        ADDED: ("Se añadieron códigos de respaldo a su cuenta de $tenant ($username) el "
                "$when. Sus otras sesiones se finalizaron.",),
        REGENERATED: ("Sus códigos de respaldo de $tenant ($username) se volvieron a generar "
                      "el $when. Los códigos anteriores ya no sirven y sus otras sesiones "
                      "se finalizaron.",),
        REMOVED: ("Sus códigos de respaldo de $tenant ($username) se eliminaron el $when. "
                  "Sus otras sesiones se finalizaron.",),
        MFA_RESET: ("Un administrador restableció el segundo factor de su cuenta de $tenant "
                    "($username) el $when: su aplicación de autenticación y sus códigos de "
                    "respaldo ya no sirven y todas sus sesiones se finalizaron. Volverá a "
                    "configurarlos la próxima vez que inicie sesión.",),
    },
    used_from="Se usó desde la dirección IP $ip, con este navegador: $browser.",
    changed_from="El cambio se hizo desde la dirección IP $ip, con este navegador: $browser.",
    few_left="Le quedan pocos: genere otros nuevos en $link antes de que se le acaben.",
    not_you=("Si fue usted, no tiene que hacer nada.",
             "Si no fue usted, inicie sesión ahora en $link, vuelva a generar sus códigos "
             "de respaldo y cambie su contraseña; después avise a su administrador."),
    not_expected="Si no esperaba este cambio, avise a su administrador.",
)

GERMAN = Language(
    months=("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
            "September", "Oktober", "November", "Dezember"),
    date="$day. $month $year um $time UTC",
    codes=("1 Backup-Code", "$n Backup-Codes"),
    left=("Sie haben keine Backup-Codes mehr.", "Sie haben noch 1 Backup-Code.",
          "Sie haben noch $n Backup-Codes."),
    unknown_browser="einem unbekannten Browser",
    greeting="Hallo $username,",
    subjects={
        USED: "Anmeldung bei $tenant mit einem Backup-Code",
        LOW: "Nur noch $codes für $tenant",
        ADDED: "Backup-Codes für Ihr Konto bei $tenant hinzugefügt",
        REGENERATED: "Ihre Backup-Codes für $tenant wurden neu generiert",
        REMOVED: "Ihre Backup-Codes für $tenant wurden entfernt",
        MFA_RESET: "Ihr zweiter Faktor für $tenant wurde zurückgesetzt",
    },
    bodies={
        USED: ("Am $when hat sich jemand mit einem Backup-Code bei Ihrem Konto bei "
               "$tenant ($username) angemeldet.",),
        LOW: ("Sie haben nur noch $codes für Ihr Konto bei $tenant ($username). Jeder Code "
              "gilt nur einmal: Generieren Sie unter $link neue, bevor sie ausgehen.",),
        ADDED: ("Am $when wurden Ihrem Konto bei $tenant ($username) Backup-Codes "
                "hinzugefügt. Ihre anderen Sitzungen wurden beendet.",),
        REGENERATED: ("Am $when wurden Ihre Backup-Codes für $tenant ($username) neu "
                      "generiert. Die alten Codes gelten nicht mehr, und Ihre anderen "
                      "Sitzungen wurden beendet.",),
        REMOVED: ("Am $when wurden Ihre Backup-Codes für $tenant ($username) entfernt. Ihre "
                  "anderen Sitzungen wurden beendet.",),
        MFA_RESET: ("Am $when hat ein Administrator den zweiten Faktor Ihres Kontos bei "
                    "$tenant ($username) zurückgesetzt: Ihre Authenticator-App und Ihre "
                    "Backup-Codes gelten nicht mehr, und alle Sitzungen wurden beendet. Bei "
                    "der nächsten Anmeldung richten Sie beides neu ein.",),
    },
    used_from="Die Anmeldung kam von der IP-Adresse $ip, mit diesem Browser: $browser.",
    changed_from="Die Änderung kam von der IP-Adresse $ip, mit diesem Browser: $browser.",
    few_left="Es sind nur noch wenige: Generieren Sie unter $link neue, bevor sie ausgehen.",
    not_you=("Wenn Sie das waren, ist nichts zu tun.",
             "Wenn nicht, melden Sie sich sofort unter $link an, generieren Sie Ihre "
             "Backup-Codes neu, ändern Sie Ihr Passwort und informieren Sie Ihren "
             "Administrator."),
    not_expected="Wenn Sie das nicht erwartet haben, informieren Sie Ihren Administrator.",
)

LANGUAGES = {"en": ENGLISH, "es": SPANISH, "de": GERMAN}
SIGNATURE = "— $tenant"


def render(letter: Letter) -> Rendered:
    """The email in the letter's language (English when it has none of ours)."""
    code = supported(letter.language)
    language = LANGUAGES[code]
    values = _values(letter, language)
    paragraphs = _paragraphs(letter, language)
    subject = _fill(language.subjects[letter.kind], values)
    text = "\n\n".join(_fill(p, values) for p in paragraphs) + "\n"
    escaped = {name: html.escape(value) for name, value in values.items()}
    escaped["link"] = f'<a href="{html.escape(letter.link)}">{escaped["link"]}</a>'
    body = "\n".join(f"<p>{_fill(p, escaped)}</p>" for p in paragraphs)
    page = (f'<!DOCTYPE html>\n<html lang="{code}">\n<head><meta charset="utf-8">'
            f"<title>{html.escape(subject)}</title></head>\n<body>\n{body}\n</body>\n</html>\n")
    return Rendered(subject=subject, text=text, html=page)


def _paragraphs(letter: Letter, language: Language) -> list[str]:
    paragraphs = [language.greeting, *language.bodies[letter.kind]]
    if letter.kind == USED:
        paragraphs += [language.used_from, "$left"]
    elif letter.ip and letter.kind != LOW:
        paragraphs.append(language.changed_from)
    if letter.few_left:
        paragraphs.append(language.few_left)
    if letter.kind == MFA_RESET:
        paragraphs.append(language.not_expected)
    elif letter.kind != LOW:
        paragraphs += language.not_you
    return [*paragraphs, SIGNATURE]


def _values(letter: Letter, language: Language) -> dict[str, str]:
    remaining = letter.remaining or 0
    return {"tenant": _plain(letter.tenant_name), "username": letter.username,
            "when": when(letter.at, language), "link": letter.link,
            "ip": _plain(letter.ip or "") or "?",
            "browser": _plain(letter.user_agent or "") or language.unknown_browser,
            "codes": _count(remaining, ("", *language.codes)),
            "left": _count(remaining, language.left)}


def when(at: float, language: Language) -> str:
    """A moment as people read it, always in UTC, and saying so."""
    moment = datetime.fromtimestamp(at, UTC)
    return string.Template(language.date).substitute(
        day=moment.day, month=language.months[moment.month - 1], year=moment.year,
        time=moment.strftime("%H:%M"))


def _count(count: int, forms: tuple[str, ...]) -> str:
    """The form for none, one, or $n (English, Spanish and German agree on these three)."""
    none, one, many = forms
    if count <= 0:
        return none
    return one if count == 1 else string.Template(many).substitute(n=count)


def _fill(template: str, values: dict[str, str]) -> str:
    return string.Template(template).substitute(values)


def _plain(value: str) -> str:
    """Text that came with a request, shown as data: no control characters."""
    return "".join(c for c in value if unicodedata.category(c)[0] != "C").strip()
