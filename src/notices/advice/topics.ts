/**
 * Types that have advice of their own. Feeds name the same thing in many ways (`open-rdp`,
 * `accessible-rdp`, `rdp`, `accessible-msrdpeudp`); each kind maps those names onto a few topics.
 * A type without a topic gets its kind's advice.
 */
import type { Kind } from '../../observations/model.ts';

export const TOPICS = {
  'exposed-service': [
    'rdp',
    'smb',
    'telnet',
    'database',
    'memcached',
    'elasticsearch',
    'vpn-appliance',
    'remote-control',
    'ftp',
    'snmp',
    'ipmi',
    'container-api',
    'open-resolver',
    'amplifier',
    'open-proxy',
  ],
  compromised: ['website', 'ransomware'],
  'malicious-infrastructure': ['c2', 'malware-hosting'],
  'attack-source': ['bruteforce', 'scanner', 'ddos'],
} as const satisfies Partial<Record<Kind, readonly string[]>>;

type TopicsOf<K> = K extends keyof typeof TOPICS ? (typeof TOPICS)[K][number] : never;
export type Topic = { [K in keyof typeof TOPICS]: TopicsOf<K> }[keyof typeof TOPICS];

const ALIASES: { [K in keyof typeof TOPICS]: Record<string, TopicsOf<K>> } = {
  'exposed-service': {
    rdp: 'rdp',
    'ms-rdp': 'rdp',
    msrdpeudp: 'rdp',
    'remote-desktop': 'rdp',
    smb: 'smb',
    cifs: 'smb',
    'netbios-nameservice': 'smb',
    netbios: 'smb',
    telnet: 'telnet',
    mysql: 'database',
    mariadb: 'database',
    postgres: 'database',
    postgresql: 'database',
    mssql: 'database',
    'ms-sql': 'database',
    oracle: 'database',
    mongodb: 'database',
    redis: 'database',
    couchdb: 'database',
    cassandra: 'database',
    'db2-discovery-service': 'database',
    database: 'database',
    hadoop: 'database',
    memcached: 'memcached',
    elasticsearch: 'elasticsearch',
    opensearch: 'elasticsearch',
    kibana: 'elasticsearch',
    vpn: 'vpn-appliance',
    'ssl-vpn': 'vpn-appliance',
    ike: 'vpn-appliance',
    ipsec: 'vpn-appliance',
    firewall: 'vpn-appliance',
    'vpn-appliance': 'vpn-appliance',
    fortinet: 'vpn-appliance',
    fortigate: 'vpn-appliance',
    fortios: 'vpn-appliance',
    ivanti: 'vpn-appliance',
    'pulse-secure': 'vpn-appliance',
    pulsesecure: 'vpn-appliance',
    citrix: 'vpn-appliance',
    'citrix-adc': 'vpn-appliance',
    netscaler: 'vpn-appliance',
    paloalto: 'vpn-appliance',
    'palo-alto': 'vpn-appliance',
    'pan-os': 'vpn-appliance',
    globalprotect: 'vpn-appliance',
    sonicwall: 'vpn-appliance',
    'cisco-asa': 'vpn-appliance',
    checkpoint: 'vpn-appliance',
    vnc: 'remote-control',
    ard: 'remote-control',
    radmin: 'remote-control',
    teamviewer: 'remote-control',
    ftp: 'ftp',
    tftp: 'ftp',
    snmp: 'snmp',
    ipmi: 'ipmi',
    docker: 'container-api',
    kubernetes: 'container-api',
    kubelet: 'container-api',
    resolver: 'open-resolver',
    dns: 'open-resolver',
    'dns-open-resolver': 'open-resolver',
    'dns-resolver': 'open-resolver',
    'ntp-version': 'amplifier',
    'ntp-monitor': 'amplifier',
    ntp: 'amplifier',
    ssdp: 'amplifier',
    chargen: 'amplifier',
    qotd: 'amplifier',
    mdns: 'amplifier',
    portmapper: 'amplifier',
    'ws-discovery': 'amplifier',
    ldap: 'amplifier',
    cldap: 'amplifier',
    slp: 'amplifier',
    'ubiquiti-discovery-service': 'amplifier',
    'ddos-middlebox': 'amplifier',
    proxy: 'open-proxy',
    'http-proxy': 'open-proxy',
    socks: 'open-proxy',
  },
  compromised: {
    'compromised-website': 'website',
    website: 'website',
    defacement: 'website',
    webshell: 'website',
    'ransomware-victim': 'ransomware',
    ransomware: 'ransomware',
  },
  'malicious-infrastructure': {
    'botnet-c2': 'c2',
    c2: 'c2',
    'c2-server': 'c2',
    cc: 'c2',
    'malware-url': 'malware-hosting',
    'malware-download': 'malware-hosting',
    'malware-distribution': 'malware-hosting',
    'payload-delivery': 'malware-hosting',
  },
  'attack-source': {
    bruteforce: 'bruteforce',
    'brute-force': 'bruteforce',
    scanner: 'scanner',
    scanning: 'scanner',
    'ddos-participant': 'ddos',
    ddos: 'ddos',
  },
};

const PREFIXES = /^(?:open|accessible|exposed|unprotected|honeypot)-/;

/** The topic with advice of its own for this kind and type, or undefined for the kind's general advice. */
export function adviceTopic(kind: Kind, type: string): Topic | undefined {
  if (!(kind in ALIASES)) return undefined;
  const aliases: Record<string, Topic> = ALIASES[kind as keyof typeof ALIASES];
  const name = type.trim().toLowerCase().replace(/[\s_]+/g, '-');
  const found = aliases[name] ?? aliases[name.replace(PREFIXES, '')];
  // Honeypots name what was scanned (`honeypot-rdp-scan`): for the source of it, that is scanning.
  return found ?? (kind === 'attack-source' && /scan/.test(name) ? 'scanner' : undefined);
}
