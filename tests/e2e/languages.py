"""Helpers for the pages in Spanish and German: the catalogues as the built page has them,
and a check that nothing on screen (text, accessible names, tooltips, the title) is
still in English."""

from __future__ import annotations

from typing import Any

from browser import assert_accessible, screenshot
from playwright.sync_api import Page, expect

# The built page's own catalogues, imported as the page imports them (same origin, so the
# CSP allows it). Plain texts by their path ("codes.add"); sentences are asked for by `say`.
CATALOGUE_JS = """async (language) => {
    const module = await import(`/static/js/i18n/${language}.js`);
    const texts = {};
    const walk = (node, path) => {
        for (const [key, value] of Object.entries(node)) {
            const here = path ? `${path}.${key}` : key;
            if (typeof value === 'string') texts[here] = value;
            else if (typeof value === 'object') walk(value, here);
        }
    };
    walk(module[language], '');
    return texts;
}"""

SAY_JS = """async ([language, path, args]) => {
    const module = await import(`/static/js/i18n/${language}.js`);
    const sentence = path.split('.').reduce((node, key) => node[key], module[language]);
    return sentence(...args);
}"""

# Every phrase the English catalogue can put on screen: its texts, and the fixed parts of
# its sentences (tried with counts 0, 1 and 7, so that every plural branch shows; the
# numbers are cut out). Only phrases with two letters or more are looked for.
ENGLISH_PHRASES_JS = r"""async () => {
    const { en } = await import('/static/js/i18n/en.js');
    const samples = [[0, 0, 0], [1, 10, 1], [7, 10, 7], [7, 10, null]];
    const phrases = new Set();
    const walk = (node) => {
        for (const value of Object.values(node)) {
            if (typeof value === 'string') phrases.add(value);
            else if (typeof value === 'function') {
                for (const args of samples) {
                    for (const part of String(value(...args)).split(/\d+/)) phrases.add(part);
                }
            } else walk(value);
        }
    };
    walk(en);
    return [...phrases].map((p) => p.trim()).filter((p) => (p.match(/\p{L}/gu) || []).length >= 2);
}"""

# What a reader meets: the rendered text (dialogs and screen-reader-only text included),
# the accessible names and tooltips of visible elements, and the window's title. Each
# phrase is looked for as a whole (not inside a longer word), letter case kept.
ENGLISH_ON_SCREEN_JS = r"""(phrases) => {
    const attributes = ['aria-label', 'title', 'placeholder', 'alt'];
    const parts = [document.title, document.body.innerText];
    for (const element of document.querySelectorAll('*')) {
        if (!element.checkVisibility()) continue;
        for (const name of attributes) {
            const value = element.getAttribute(name);
            if (value) parts.push(value);
        }
    }
    const text = parts.join('\n');
    const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const alone = (phrase) => new RegExp(`(?<![\\p{L}\\d])${escape(phrase)}(?![\\p{L}\\d])`, 'u');
    return phrases.filter((phrase) => alone(phrase).test(text));
}"""

# English phrases that may rightly stand on a page in another language: none of the
# catalogue's today; brand and product names never come from it. Add here, with the
# reason, a phrase that a language really writes the same (like "OK").
# "Organisation" (the codes file's label) is German too: "Ihre Organisation verlangt ...".
SAME_IN_OTHER_LANGUAGES: frozenset[str] = frozenset({"OK", "Organisation"})

# What Intl writes in English: a date, a relative time or a wait formatted in the wrong
# locale would show one of these (case kept: Spanish abbreviates March as "mar").
ENGLISH_INTL_WORDS = ("ago", "yesterday", "today", "tomorrow", "AM", "PM", "second",
                      "seconds", "minute", "minutes", "hour", "hours", "Jan", "Feb", "Mar",
                      "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def texts(page: Page, language: str) -> dict[str, str]:
    """The plain texts of a language's catalogue, by path: the names the tests look for."""
    return dict(page.evaluate(CATALOGUE_JS, language))


def say(page: Page, language: str, path: str, *args: Any) -> str:
    """A sentence of a language's catalogue ("codes.left", 10, 10)."""
    return str(page.evaluate(SAY_JS, [language, path, list(args)]))


def english_on_screen(page: Page) -> list[str]:
    phrases = [p for p in page.evaluate(ENGLISH_PHRASES_JS) if p not in SAME_IN_OTHER_LANGUAGES]
    return list(page.evaluate(ENGLISH_ON_SCREEN_JS, phrases + list(ENGLISH_INTL_WORDS)))


def check_view(page: Page, language: str, view: str, *, full_page: bool = False) -> None:
    """The view speaks `language` only (its <html lang> says so), axe finds nothing, and
    a screenshot is kept: journey-<language>-<view>.png."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    left = english_on_screen(page)
    assert not left, f"English on the {language} page '{view}': {left}"
    assert_accessible(page, f"{view} ({language})")
    screenshot(page, f"journey-{language}-{view}", full_page=full_page)
