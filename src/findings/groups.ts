/**
 * Sightings added up into findings before they are written: one group per organisation and threat,
 * however many observations and assets reach it. Pure.
 */
import { SEVERITIES, TLP_LABELS, type Kind, type Severity, type Tlp } from '../observations/model.ts';
import type { ReachedAsset, Sighting } from './model.ts';

/** A finding names its latest observations, not all: a threat seen every day for months would otherwise drag a long list along. */
export const OBSERVATIONS_KEPT = 20;

/**
 * What the sightings of one finding add up to: the source of the first, the most serious severity
 * and the strictest TLP of all, the port and malware family of the latest.
 */
export interface FindingGroup extends Pick<Sighting, 'sourceId' | 'kind' | 'type' | 'indicator' | 'severity' | 'tlp' | 'port' | 'malware'> {
  organisationId: number;
  earliest: string;
  last: string;
  received: string;
  /** Distinct observations; 0 when the source only sent again what was stored before. */
  count: number;
  /** The latest OBSERVATIONS_KEPT observation ids, oldest first. */
  observations: number[];
  assets: number[];
  /** The group of the same threat for another organisation. */
  next: FindingGroup | undefined;
}

const severityOrder = (s: Severity) => SEVERITIES.indexOf(s);
const tlpOrder = (t: Tlp) => TLP_LABELS.indexOf(t);

const newGroup = (s: Sighting, reached: ReachedAsset): FindingGroup => ({
  organisationId: reached.organisationId,
  sourceId: s.sourceId,
  kind: s.kind,
  type: s.type,
  indicator: s.indicator,
  severity: s.severity,
  tlp: s.tlp,
  earliest: s.observedAt,
  last: s.observedAt,
  received: s.receivedAt,
  port: s.port,
  malware: s.malware,
  count: s.observationId === undefined ? 0 : 1,
  observations: s.observationId === undefined ? [] : [s.observationId],
  assets: [reached.assetId],
  next: undefined,
});

/** Map.get, making the entry when missing. */
function entry<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let value = map.get(key);
  if (value === undefined) map.set(key, (value = make()));
  return value;
}

export class FindingGroups {
  /**
   * By kind, type and indicator, each threat's groups chained, one an organisation: lookups by the
   * observation's own strings rather than a key made for each, and no map a threat (most reach one or
   * two organisations).
   */
  private readonly threats = new Map<Kind, Map<string, Map<string, FindingGroup>>>();
  private groups = 0;

  get size(): number {
    return this.groups;
  }

  /** Adds an observation and the assets it reached; an observation added twice counts once, one sent again only as received. */
  add(s: Sighting, reached: readonly ReachedAsset[]): void {
    const byIndicator = entry(entry(this.threats, s.kind, () => new Map()), s.type, () => new Map());
    let first = byIndicator.get(s.indicator);
    for (const asset of reached) {
      let g = first;
      while (g !== undefined && g.organisationId !== asset.organisationId) g = g.next;
      if (g === undefined) {
        const group = newGroup(s, asset);
        group.next = first;
        byIndicator.set(s.indicator, (first = group));
        this.groups++;
        continue;
      }
      if (!g.assets.includes(asset.assetId)) g.assets.push(asset.assetId);
      if (s.receivedAt > g.received) g.received = s.receivedAt;
      if (s.observationId === undefined || g.observations.includes(s.observationId)) continue;
      g.count++;
      g.observations.push(s.observationId);
      if (g.observations.length > OBSERVATIONS_KEPT) g.observations.shift();
      if (s.observedAt >= g.last) {
        g.last = s.observedAt;
        g.port = s.port;
        g.malware = s.malware;
      }
      if (s.observedAt < g.earliest) g.earliest = s.observedAt;
      if (severityOrder(s.severity) < severityOrder(g.severity)) g.severity = s.severity;
      if (tlpOrder(s.tlp) > tlpOrder(g.tlp)) g.tlp = s.tlp;
    }
  }

  /**
   * The groups in one order (organisation, kind, type, indicator), and the groups emptied: concurrent
   * writers then lock their findings in that order and never deadlock.
   */
  take(): FindingGroup[] {
    const list: FindingGroup[] = [];
    for (const byType of this.threats.values()) {
      for (const byIndicator of byType.values()) {
        for (const first of byIndicator.values()) for (let g: FindingGroup | undefined = first; g !== undefined; g = g.next) list.push(g);
      }
    }
    this.threats.clear();
    this.groups = 0;
    const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return list.sort((a, b) => a.organisationId - b.organisationId || text(a.kind, b.kind) || text(a.type, b.type) || text(a.indicator, b.indicator));
  }
}
