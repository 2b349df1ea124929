/**
 * The one i18next instance of the notices, with the Dutch and English texts.
 *
 * i18next resolves each text once per language, key and plural form (fallback language, plural
 * rules); filling in the values is then one string replacement. Calling i18next's `t()` for every
 * text costs 5–25 µs here, and a notice needs dozens: that alone would cap composition at a few
 * thousand notices a second.
 */
import i18next from 'i18next';
import en from './locales/en.json' with { type: 'json' };
import nl from './locales/nl.json' with { type: 'json' };
import { LANGUAGES, type Language } from './model.ts';

const i18n = i18next.createInstance();
i18n.init({
  resources: { en: { translation: en }, nl: { translation: nl } },
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: [...LANGUAGES],
  initAsync: false,
  // Escaping is the renderer's job: the same strings go into plain text and HTML.
  interpolation: { escapeValue: false },
});

export type Vars = Record<string, string | number>;
export type Translate = (key: string, vars?: Vars) => string;

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/;

/** A text split at its placeholders: `[text, name, text, name, …, text]`. */
type Template = string[];

function makeTranslator(language: Language): Translate {
  const plurals = new Intl.PluralRules(language);
  const templates = new Map<string, Template>();
  const template = (key: string, count: number | undefined): Template => {
    const id = count === undefined ? key : `${key}_${plurals.select(count)}`;
    let parts = templates.get(id);
    if (parts === undefined) {
      const text = i18n.t(key, { lng: language, skipInterpolation: true, ...(count === undefined ? {} : { count }) });
      parts = text.split(PLACEHOLDER);
      templates.set(id, parts);
    }
    return parts;
  };
  // Values are inserted in one pass, so a value that itself contains `{{…}}` stays as it is.
  return (key, vars) => {
    const parts = template(key, typeof vars?.count === 'number' ? vars.count : undefined);
    let text = parts[0];
    for (let i = 1; i < parts.length; i += 2) {
      const value = vars?.[parts[i]];
      text += (value === undefined ? `{{${parts[i]}}}` : String(value)) + parts[i + 1];
    }
    return text;
  };
}

const translators = Object.fromEntries(LANGUAGES.map((l) => [l, makeTranslator(l)])) as Record<Language, Translate>;

export const translator = (language: Language): Translate => translators[language];
