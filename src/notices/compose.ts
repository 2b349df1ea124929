/**
 * Composition of a notice for one contact in its language: plain text first, an HTML alternative
 * beside it. A notice with one finding tells that finding in full; a notice with several is a digest,
 * grouped by severity, the most serious first.
 */
import { severityRank, type Severity } from '../observations/model.ts';
import { adviceContext, adviceIn, type AdviceContext } from './advice/index.ts';
import { defang, headerSafe, sanitise } from './defang.ts';
import { translator, type Translate } from './i18n.ts';
import { LANGUAGES, type Advice, type AllClearInput, type ComposedNotice, type Language, type NoticeFinding, type NoticeInput, type WithdrawnFinding } from './model.ts';
import { renderHtml, renderText, type Block } from './render.ts';
import { normaliseTicket } from './ticket.ts';
import { strictestTlp, tlpMarking, type TlpMarking } from './tlp.ts';

/** Times in notices are shown as the centre's recipients read them. */
const TIME_ZONE = 'Europe/Amsterdam';
const LOCALES: Record<Language, string> = { nl: 'nl-NL', en: 'en-GB' };
const longest = { organisation: 100, name: 100, asset: 200 };

/**
 * Formats a time in the contact's language, remembering recent results: the findings of one run
 * share a handful of report times, and Intl formatting is a large part of composing.
 */
function dateFormatter(options: Intl.DateTimeFormatOptions): (language: Language, iso: string) => string {
  const formats = new Map<Language, Intl.DateTimeFormat>();
  const recent = new Map<string, string>();
  return (language, iso) => {
    const id = language + iso;
    const known = recent.get(id);
    if (known !== undefined) return known;
    const date = new Date(iso);
    let text: string;
    if (Number.isNaN(date.getTime())) {
      text = sanitise(iso, 40);
    } else {
      let format = formats.get(language);
      if (!format) {
        format = new Intl.DateTimeFormat(LOCALES[language], { ...options, timeZone: TIME_ZONE });
        formats.set(language, format);
      }
      text = format.format(date);
    }
    if (recent.size >= 10_000) recent.clear();
    recent.set(id, text);
    return text;
  };
}

const dateTime = dateFormatter({ day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZoneName: 'short' });
const dateOnly = dateFormatter({ day: 'numeric', month: 'long', year: 'numeric' });

/** `<base>/verify/<ticket>`, from our own configured base URL only. */
export function verificationUrl(base: string, ticket: string): string {
  const url = new URL(base);
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password || url.search || url.hash) {
    throw new Error(`the verification base must be a plain http(s) URL, not ${JSON.stringify(base)}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/verify/${ticket}`;
}

interface Shown {
  finding: NoticeFinding;
  /** The finding's feed-derived values, defanged. */
  context: AdviceContext;
  advice: Advice;
}

function findingRows(shown: Shown, t: Translate, language: Language): Array<[string, string]> {
  const { finding, context } = shown;
  const rows: Array<[string, string]> = [
    [t('field.severity'), t(`severity.${finding.severity}`)],
    [t('field.what'), `${t(`kind.${finding.kind}`)} (${context.type})`],
    [t('field.where'), finding.port === undefined ? context.indicator : `${context.indicator}, ${t('field.port', { port: finding.port })}`],
  ];
  if (context.malware) rows.push([t('field.malware'), context.malware]);
  const v = context.vulnerability;
  if (v?.cve) rows.push([t('field.cve'), v.cve]);
  if (v?.advisory) rows.push([t('field.advisory'), v.advisory]);
  if (v?.product) rows.push([t('field.product'), v.version ? `${v.product} ${v.version}` : v.product]);
  if (v?.fixedIn) rows.push([t('field.fixedIn'), v.fixedIn]);
  if (v?.kev) rows.push([t('field.kev'), t('field.kevValue')]);
  rows.push([t('field.asset'), sanitise(finding.asset.value, longest.asset)]);
  const first = dateTime(language, finding.firstSeen);
  const seen =
    finding.count <= 1 && finding.firstSeen === finding.lastSeen
      ? t('seenOnce', { first })
      : t('seenRange', { first, last: dateTime(language, finding.lastSeen), count: finding.count });
  rows.push([t('field.seen'), seen]);
  const letter = finding.source.reliability;
  rows.push([t('field.source'), t('sourceValue', { source: sanitise(finding.source.name, 100), letter, meaning: t(`reliability.${letter}`) })]);
  return rows;
}

function received(shown: Shown, organisation: string, t: Translate, language: Language): Block {
  const { asset } = shown.finding;
  return { type: 'paragraph', text: t('received', { asset: sanitise(asset.value, longest.asset), organisation, date: dateOnly(language, asset.registeredAt) }) };
}

const adviceBlocks = (advice: Advice, t: Translate, level: 1 | 3): Block[] => [
  { type: 'heading', level, text: t('heading.why') },
  { type: 'paragraph', text: advice.why },
  { type: 'heading', level, text: t('heading.now') },
  { type: 'steps', items: advice.now },
  { type: 'heading', level, text: t('heading.technical') },
  { type: 'bullets', items: advice.technical },
];

function singleBody(shown: Shown, organisation: string, t: Translate, language: Language): Block[] {
  return [
    { type: 'paragraph', text: t('intro', { organisation }) },
    { type: 'heading', level: 1, text: t('heading.seen') },
    { type: 'fields', rows: findingRows(shown, t, language) },
    ...adviceBlocks(shown.advice, t, 1),
    { type: 'heading', level: 1, text: t('heading.received') },
    received(shown, organisation, t, language),
  ];
}

function digestBody(shown: readonly Shown[], organisation: string, t: Translate, language: Language): Block[] {
  const blocks: Block[] = [{ type: 'paragraph', text: t('introDigest', { organisation, count: shown.length }) }];
  const adviceShownAt = new Map<string, number>();
  let number = 0;
  let group: Severity | undefined;
  for (const item of shown) {
    const { severity, kind } = item.finding;
    if (severity !== group) {
      group = severity;
      const count = shown.filter((s) => s.finding.severity === severity).length;
      blocks.push({ type: 'heading', level: 1, text: t('heading.group', { severity: t(`severity.${severity}`), count }) });
    }
    number++;
    blocks.push({ type: 'heading', level: 2, text: t('heading.finding', { number, title: t(`kind.${kind}`) }) });
    blocks.push({ type: 'fields', rows: findingRows(item, t, language) });
    // The same advice for the same kind of problem is told once; the indicator differs, the advice does not.
    const { indicator: _, ...sameProblem } = item.context;
    const key = JSON.stringify(sameProblem);
    const earlier = adviceShownAt.get(key);
    if (earlier === undefined) {
      adviceShownAt.set(key, number);
      blocks.push(...adviceBlocks(item.advice, t, 3));
    } else {
      blocks.push({ type: 'paragraph', text: t('adviceAsBefore', { number: earlier }) });
    }
    blocks.push(received(item, organisation, t, language));
  }
  return blocks;
}

const bySeverity = (a: NoticeFinding, b: NoticeFinding) => severityRank(b.severity) - severityRank(a.severity);

/** A ticket in its canonical form; anything else is a programming error, not a feed's. */
function validTicket(text: string): string {
  const ticket = normaliseTicket(text);
  if (!ticket) throw new Error(`not a valid ticket number: ${JSON.stringify(text)}`);
  return ticket;
}

/** The contact's language when Koppel speaks it, else English. */
const languageOf = (contact: { language: Language }): Language => (LANGUAGES.includes(contact.language) ? contact.language : 'en');

export function composeNotice(input: NoticeInput): ComposedNotice {
  const ticket = validTicket(input.ticket);
  if (input.findings.length === 0) throw new Error(`notice ${ticket} has no findings`);
  const language = languageOf(input.contact);
  const t = translator(language);
  const organisation = sanitise(input.organisation.name, longest.organisation);
  const tlp = tlpMarking(strictestTlp(input.findings.map((f) => f.tlp)));

  const shown: Shown[] = [...input.findings].sort(bySeverity).map((finding) => {
    const context = adviceContext(finding);
    return { finding, context, advice: adviceIn(context, language) };
  });
  const top = shown[0].finding;
  const severity = t(`severity.${top.severity}`);
  const subject = headerSafe(
    shown.length === 1
      ? t('subject', { tlp, ticket, severity, title: t(`kind.${top.kind}`), organisation })
      : t('subjectDigest', { tlp, ticket, severity, count: shown.length, organisation }),
    250,
  );

  const blocks = framed(input, ticket, tlp, t, shown.length === 1 ? singleBody(shown[0], organisation, t, language) : digestBody(shown, organisation, t, language));
  return { subject, text: renderText(blocks), html: renderHtml(blocks, language, subject), tlp, language };
}

/** What every notice has around its body: the TLP banners, the greeting, how to verify it, the signature. */
function framed(input: Omit<NoticeInput, 'findings'>, ticket: string, tlp: TlpMarking, t: Translate, body: Block[]): Block[] {
  const organisation = sanitise(input.organisation.name, longest.organisation);
  const contactName = input.contact.name ? sanitise(input.contact.name, longest.name) : '';
  return [
    { type: 'banner', label: tlp, text: t(`tlp.${tlp.slice(4)}`) },
    { type: 'paragraph', text: contactName ? t('greeting', { name: contactName }) : t('greetingOrganisation', { organisation }) },
    ...body,
    { type: 'heading', level: 1, text: t('heading.verify') },
    { type: 'paragraph', text: t('verify', { ticket }) },
    { type: 'link', url: verificationUrl(input.verificationBase, ticket) },
    { type: 'paragraph', text: t('verifyWarning') },
    { type: 'lines', lines: [t('closing'), sanitise(input.sender ?? 'Koppel', 100)] },
    { type: 'paragraph', text: t('footer', { ticket }) },
    { type: 'banner', label: tlp, text: t(`tlp.${tlp.slice(4)}`) },
  ];
}

function withdrawnRows(w: WithdrawnFinding, t: Translate): Array<[string, string]> {
  const v = w.vulnerability;
  const rows: Array<[string, string]> = [];
  if (v.advisory) rows.push([t('field.advisory'), defang(v.advisory)]);
  if (v.cve) rows.push([t('field.cve'), defang(v.cve)]);
  if (v.product) rows.push([t('field.product'), defang(v.version ? `${v.product} ${v.version}` : v.product)]);
  rows.push([t('field.asset'), sanitise(w.asset, longest.asset)]);
  rows.push([t('field.earlierNotice'), w.earlierTicket]);
  return rows;
}

/**
 * The all-clear after an advisory was withdrawn: short, saying that nothing needs doing, and naming
 * the notices that warned of it so that the recipient can close them.
 */
export function composeAllClear(input: AllClearInput): ComposedNotice {
  const ticket = validTicket(input.ticket);
  if (input.withdrawn.length === 0) throw new Error(`all-clear ${ticket} names no withdrawn finding`);
  const withdrawn = input.withdrawn.map((w) => ({ ...w, earlierTicket: validTicket(w.earlierTicket) }));
  const language = languageOf(input.contact);
  const t = translator(language);
  const organisation = sanitise(input.organisation.name, longest.organisation);
  const tlp = tlpMarking(strictestTlp(withdrawn.map((w) => w.tlp)));
  const earlier = [...new Set(withdrawn.map((w) => w.earlierTicket))];
  const subject = headerSafe(t('allClear.subject', { tlp, ticket, earlier: earlier.join(', '), count: earlier.length, organisation }), 250);
  const body: Block[] = [
    { type: 'paragraph', text: t('allClear.intro', { organisation, earlier: earlier.join(', '), count: earlier.length }) },
    { type: 'paragraph', text: t('allClear.noAction', { count: withdrawn.length }) },
    { type: 'heading', level: 1, text: t('allClear.heading', { count: withdrawn.length }) },
    ...withdrawn.map((w): Block => ({ type: 'fields', rows: withdrawnRows(w, t) })),
  ];
  const blocks = framed(input, ticket, tlp, t, body);
  return { subject, text: renderText(blocks), html: renderHtml(blocks, language, subject), tlp, language };
}
