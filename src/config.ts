/**
 * Every setting Koppel reads from the environment, declared once with its meaning and default.
 * The README's configuration table and `koppel config` are made from this list.
 */
import path from 'node:path';

export interface Setting {
  name: string;
  description: string;
  default?: string;
}

export const SETTINGS = [
  { name: 'KOPPEL_DATA_DIR', description: 'Data folder of the embedded store (PGlite).', default: './koppel-data' },
  { name: 'DATABASE_URL', description: 'PostgreSQL connection URL; when set, the embedded store is not used.' },
  { name: 'KOPPEL_PORT', description: 'Port of `koppel serve`.', default: '8080' },
  { name: 'KOPPEL_HOST', description: 'Address `koppel serve` listens on.', default: '127.0.0.1' },
  { name: 'KOPPEL_PUBLIC_URL', description: 'Public base URL of the API, used in notices for the verification page.', default: 'http://localhost:8080' },
  { name: 'KOPPEL_LOG_LEVEL', description: 'Log level: fatal, error, warn, info, debug, trace.', default: 'info' },
  { name: 'KOPPEL_INBOX', description: '`koppel serve` ingests files dropped in this folder, then moves each to processed/ or failed/.' },
  { name: 'KOPPEL_RETRO_DAYS', description: 'A new or newly verified asset is matched against the observations of this many past days.', default: '30' },
  { name: 'KOPPEL_RETENTION_DAYS', description: '`koppel purge` removes observations older than this many days.', default: '90' },
  { name: 'KOPPEL_RESOLVE_AFTER_DAYS', description: 'A finding from a source that reports daily is resolved when not seen for this many days.', default: '7' },
  { name: 'KOPPEL_SMTP_URL', description: 'Mail server for notices: smtp://host:port, smtps://user:password@host:465. Without it, e-mail notices are held (visible, never dropped) until one is configured.' },
  { name: 'KOPPEL_SMTP_FROM', description: 'Sender address of notices, e.g. "Koppel <waarschuwing@centre.example>"; its domain is in every Message-ID.' },
  { name: 'KOPPEL_DKIM_DOMAIN', description: 'DKIM signing domain (with KOPPEL_DKIM_SELECTOR and KOPPEL_DKIM_KEY_FILE; all three or none).' },
  { name: 'KOPPEL_DKIM_SELECTOR', description: 'DKIM selector.' },
  { name: 'KOPPEL_DKIM_KEY_FILE', description: 'Path of the DKIM private key (PEM).' },
  { name: 'KOPPEL_WEBHOOK_ALLOW_PRIVATE', description: 'Set to 1 to allow webhooks to loopback, private, link-local and other non-public addresses (refused by default).' },
  { name: 'KOPPEL_DELIVERY_MAX_ATTEMPTS', description: 'Attempts before a notice that keeps failing is dead-lettered.', default: '8' },
  { name: 'KOPPEL_CENTRE_NAME', description: 'Who signs the notices.', default: 'Koppel' },
  { name: 'KOPPEL_NATS_URL', description: 'NATS server (nats://host:4222) through which processes sharing a PostgreSQL store hear of each other\'s registry changes.' },
  { name: 'KOPPEL_SHADOWSERVER_SCHEMA', description: "Path of Shadowserver's published report schema (the IntelMQ JSON); when set, its field roles and classifications are used." },
] as const satisfies readonly Setting[];

export type SettingName = (typeof SETTINGS)[number]['name'];

export type Environment = Readonly<Record<string, string | undefined>>;

/** A setting that is a whole number (of days, of attempts). */
/** Digits alone, of a size numbers hold exactly: not `1e3`, `0x10`, ` 5` or `-1`. */
export const isWholeNumber = (text: string | undefined): text is string => text !== undefined && /^\d+$/.test(text) && Number.isSafeInteger(Number(text));

export function wholeNumber(env: Environment, name: SettingName): number {
  const text = setting(env, name);
  if (!isWholeNumber(text)) throw new Error(`${name} must be a whole number, not "${text}"`);
  return Number(text);
}

export function setting(env: Environment, name: SettingName): string | undefined {
  const value = env[name];
  if (value !== undefined && value !== '') return value;
  return (SETTINGS as readonly Setting[]).find((s) => s.name === name)?.default;
}

export type StoreLocation = { kind: 'postgres'; url: string } | { kind: 'embedded'; dataDir: string };

/** Where the data lives: PostgreSQL when DATABASE_URL is set, otherwise the embedded data folder. */
export function storeLocation(env: Environment, cwd: string, dataDirOption?: string): StoreLocation {
  const url = env.DATABASE_URL;
  if (url && !dataDirOption) return { kind: 'postgres', url };
  return { kind: 'embedded', dataDir: path.resolve(cwd, dataDirOption ?? setting(env, 'KOPPEL_DATA_DIR') ?? './koppel-data') };
}
