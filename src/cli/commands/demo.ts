/**
 * `koppel demo`: a first look for a newcomer. A dozen fictitious organisations with documentation
 * addresses (RFC 5737, RFC 3849), `.example` domains and documentation AS numbers, feeds made on
 * the spot in real formats, and the whole loop: registry import, ingest, matching, findings, and the
 * notices that would be sent.
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Command } from 'commander';
import { inProcessContext } from '../../context.ts';
import { KoppelError } from '../../errors.ts';
import { listFindings } from '../../findings/index.ts';
import { planNotices } from '../../notices/plan.ts';
import { ingestFile } from '../../pipeline/index.ts';
import { importRegistry } from '../../registry/index.ts';
import { openStore } from '../../store/index.ts';
import { printTable } from '../output.ts';
import type { Runtime } from '../runtime.ts';

interface DemoOrganisation {
  ref: string;
  name: string;
  language: 'nl' | 'en';
  email: string;
  assets: string[];
}

const ORGANISATIONS: DemoOrganisation[] = [
  { ref: 'KVK-10000001', name: 'Bakkerij De Gouden Korst', language: 'nl', email: 'eigenaar@goudenkorst.example', assets: ['192.0.2.16/29', 'goudenkorst.example'] },
  { ref: 'KVK-10000002', name: 'Tandartspraktijk Smile', language: 'nl', email: 'praktijk@smile-tandarts.example', assets: ['192.0.2.32/28', 'smile-tandarts.example'] },
  { ref: 'KVK-10000003', name: 'Hosting Noord BV', language: 'nl', email: 'abuse@hostingnoord.example', assets: ['198.51.100.0/24', '2001:db8:100::/48', 'AS64501', 'hostingnoord.example'] },
  { ref: 'KVK-10000004', name: 'Webwinkel Fietsplezier', language: 'nl', email: 'info@fietsplezier.example', assets: ['198.51.100.64/27', 'fietsplezier.example'] },
  { ref: 'KVK-10000005', name: 'Harbour Logistics', language: 'en', email: 'security@harbour-logistics.example', assets: ['203.0.113.0/26', 'harbour-logistics.example'] },
  { ref: 'KVK-10000006', name: 'Gemeente Voorbeeld', language: 'nl', email: 'ciso@gemeente-voorbeeld.example', assets: ['203.0.113.64/26', '2001:db8:200::/48', 'gemeente-voorbeeld.example'] },
  { ref: 'KVK-10000007', name: 'Accountantskantoor Cijfers', language: 'nl', email: 'ict@cijfers.example', assets: ['192.0.2.48/29', 'cijfers.example'] },
  { ref: 'KVK-10000008', name: 'Northwind Engineering', language: 'en', email: 'it@northwind.example', assets: ['203.0.113.128/27', 'northwind.example'] },
  { ref: 'KVK-10000009', name: 'Zorggroep Het Anker', language: 'nl', email: 'informatiebeveiliging@hetanker.example', assets: ['192.0.2.64/27', 'hetanker.example'] },
  { ref: 'KVK-10000010', name: 'Installatiebedrijf Warmte', language: 'nl', email: 'kantoor@warmte.example', assets: ['192.0.2.100'] },
  { ref: 'KVK-10000011', name: 'Studio Pixel', language: 'en', email: 'hello@studiopixel.example', assets: ['2001:db8:300::/48', 'studiopixel.example'] },
  { ref: 'KVK-10000012', name: 'Transport Van Dijk', language: 'nl', email: 'planning@vandijk-transport.example', assets: ['203.0.113.200', 'vandijk-transport.example'] },
];

const csv = (rows: Array<Array<string | number>>) => rows.map((r) => r.map((v) => (typeof v === 'number' ? String(v) : `"${v}"`)).join(',')).join('\n') + '\n';

/** The feeds of one ordinary day, in the formats their publishers use. */
function feeds(day: string): Record<string, string> {
  const time = `${day} 03:12:45`;
  return {
    [`${day}-scan_rdp-nl-geo.csv`]: csv([
      ['timestamp', 'ip', 'protocol', 'port', 'hostname', 'tag', 'asn', 'geo', 'severity'],
      [time, '192.0.2.18', 'tcp', 3389, 'kassa.goudenkorst.example', 'rdp', 64500, 'NL', 'high'],
      [time, '198.51.100.70', 'tcp', 3389, '', 'rdp', 64501, 'NL', 'high'],
      [time, '203.0.113.210', 'tcp', 3389, 'not-registered.example', 'rdp', 64502, 'NL', 'high'],
    ]),
    [`${day}-scan_ntp-nl-geo.csv`]: csv([
      ['timestamp', 'ip', 'protocol', 'port', 'hostname', 'tag', 'asn', 'geo', 'severity'],
      [time, '192.0.2.40', 'udp', 123, '', 'ntp', 64500, 'NL', 'low'],
    ]),
    [`${day}-event4_sinkhole_http-nl-geo.csv`]: csv([
      ['timestamp', 'protocol', 'src_ip', 'src_port', 'src_asn', 'src_geo', 'dst_ip', 'dst_port', 'dst_asn', 'infection', 'family', 'tag', 'http_host'],
      [time, 'tcp', '203.0.113.140', 49152, 64502, 'NL', '192.0.2.250', 80, 64510, 'qakbot', 'qakbot', 'qakbot', 'sinkhole.example'],
      [time, 'tcp', '192.0.2.70', 51000, 64500, 'NL', '192.0.2.250', 80, 64510, 'emotet', 'emotet', 'emotet', 'sinkhole.example'],
    ]),
    [`${day}-compromised_website-nl-geo.csv`]: csv([
      ['timestamp', 'ip', 'port', 'http_host', 'tag', 'asn', 'geo', 'severity'],
      [time, '198.51.100.80', 443, 'fietsplezier.example', 'webshell', 64501, 'NL', 'critical'],
    ]),
    'drop.txt': `; Spamhaus DROP List ${day}\n; Last-Modified: ${day}T06:00:00Z\n198.51.100.128/25 ; SBL000001\n`,
    'phishing.txt': `# phishing sites seen today (defanged)\nhxxps://inloggen.gemeente-voorbeeld[.]example.phish.example/digid\nhxxp://harbour-logistics[.]example/invoice/pay\n`,
  };
}

export function demoCommand(rt: Runtime): Command {
  return new Command('demo')
    .description('build a small pilot in a fresh folder and run the whole loop once')
    .argument('[dir]', 'a new folder for the demo', 'koppel-demo')
    .action(async (dirText: string) => {
      const dir = path.resolve(rt.cwd, dirText);
      if (existsSync(dir) && readdirSync(dir).length > 0) throw new KoppelError('invalid', `${dir} is not empty; the demo needs a fresh folder (give another one: koppel demo DIR)`);
      const feedDir = path.join(dir, 'feeds');
      await mkdir(feedDir, { recursive: true });
      const registryFile = path.join(dir, 'registry.csv');
      await writeFile(registryFile, ['org_ref,org_name,contact_email,asset,org_language', ...ORGANISATIONS.flatMap((o) => o.assets.map((a, i) => `${o.ref},"${o.name}",${i === 0 ? o.email : ''},${a},${o.language}`))].join('\n') + '\n');
      const day = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
      for (const [name, text] of Object.entries(feeds(day))) await writeFile(path.join(feedDir, name), text);

      const dataDir = path.join(dir, 'data');
      const { store, bus, matcher } = inProcessContext(await openStore({ kind: 'embedded', dataDir }, 'demo'), rt.env);
      try {
        const imported = await importRegistry(store.db, registryFile, { actor: { ...rt.actor, via: 'import' } });
        rt.io.out(`Registry: ${imported.organisationsCreated} organisations with ${imported.assetsAdded} assets (${registryFile})\n\nFeeds of ${day}:\n`);
        const index = await matcher.index();
        for (const name of Object.keys(feeds(day))) {
          const r = await ingestFile(store.db, index, { file: path.join(feedDir, name) });
          rt.io.out(`  ${name.padEnd(42)} ${r.format.padEnd(14)} ${r.observations} observations, ${r.findingsNew} findings\n`);
        }
        rt.io.out('\nFindings:\n');
        printTable(rt.io, await listFindings(store.db), ['org', 'asset', 'indicator', 'kind', 'type', 'severity', 'status']);
        const plan = await planNotices(store.db, { now: new Date(), dryRun: true, flushDigests: true, verificationBase: 'http://localhost:8080', sender: 'Koppel (demo)' });
        rt.io.out(`\nNotices that would be sent (${plan.notices.length}); findings not sent and why:\n`);
        for (const d of plan.decisions.filter((x) => x.action === 'skip')) rt.io.out(`  finding ${d.findingId} (${d.org}): ${d.reason}\n`);
        const first = plan.notices[0];
        if (first) rt.io.out(`\n──── the first one, to ${first.contact}:\nSubject: ${first.composed.subject}\n\n${first.composed.text}\n`);
        rt.io.out(
          `\nGo further with this pilot:\n` +
            `  koppel --data-dir ${dataDir} findings\n` +
            `  koppel --data-dir ${dataDir} notify --dry-run --flush-digests\n` +
            `  koppel --data-dir ${dataDir} org show KVK-10000003\n` +
            `  koppel --data-dir ${dataDir} ingest ${path.join(feedDir, 'drop.txt')}   (again: nothing is added twice)\n` +
            `  KOPPEL_DATA_DIR=${dataDir} npm start   (the API and /docs on http://127.0.0.1:8080)\n`,
        );
      } finally {
        await bus.close();
        await store.close();
      }
    });
}
