/** Advice in English: plain language for a small company first, technical details for its IT supplier after. */
import type { Advice, VulnerabilityDetails } from '../model.ts';
import type { AdviceBook, AdviceContext } from './book.ts';

const at = (c: AdviceContext): string => (c.port === undefined ? c.indicator : `${c.indicator} (port ${c.port})`);
const portOr = (c: AdviceContext, usual: string): string => (c.port === undefined ? usual : String(c.port));
const family = (c: AdviceContext): string => (c.malware ? ` The source identifies the malicious software as "${c.malware}".` : '');

function update(v: VulnerabilityDetails): { step: string; technical: string[] } {
  const product = v.product ? `${v.product}${v.version ? ` ${v.version}` : ''}` : 'the affected software';
  const step = v.fixedIn
    ? `Ask your IT supplier to install the manufacturer's update for ${product}: version ${v.fixedIn} or later.`
    : v.remediation
      ? `Ask your IT supplier to carry out the manufacturer's remedy for ${product} (see the technical details below).`
      : `Ask your IT supplier to install the manufacturer's latest update for ${product}.`;
  const technical = [
    ...(v.product ? [`Product: ${product}.`] : []),
    ...(v.cve ? [`Vulnerability: ${v.cve}.`] : []),
    ...(v.advisory ? [`Advisory: ${v.advisory}.`] : []),
    ...(v.fixedIn ? [`Fixed in: ${v.fixedIn}. Update to this version or later.`] : []),
    ...(v.remediation ? [`Vendor's remediation: ${v.remediation}`] : []),
    ...(v.kev
      ? [
          `Known to be exploited (CISA KEV catalogue).${v.kev.requiredAction ? ` Required action: ${v.kev.requiredAction}` : ''}${v.kev.dueDate ? ` (due date for US federal agencies: ${v.kev.dueDate}).` : ''}`,
          'Because it is exploited in the wild, check the system for signs of compromise as well as updating it.',
        ]
      : []),
  ];
  return { step, technical };
}

/** Common advice for a service anyone on the internet can reach. */
function exposure(c: AdviceContext, why: string, now: string[], technical: string[]): Advice {
  return {
    why,
    now,
    technical: [`Reported: ${c.type} on ${at(c)}.`, ...technical, 'Afterwards, check from outside your network that the service can no longer be reached.'],
  };
}

const kinds: AdviceBook['kinds'] = {
  compromised: (c) => ({
    why: `A system at ${at(c)} shows signs that criminals control it.${family(c)} They can use it to steal data, spy on your business, install ransomware or attack others.`,
    now: [
      'Have an IT specialist examine this machine today. Do not wait for it to get worse.',
      'If you can do without the machine for a while, disconnect it from the network, but do not switch it off or wipe it before the specialist has looked at it: that would destroy the traces.',
      'From another, clean device, change the passwords that were used on or through this machine.',
      'If data was stolen or a ransom is demanded, report it to the police. If personal data may have been stolen, you may have to report a data breach to the data protection authority within 72 hours.',
    ],
    technical: [
      `Reported: ${c.type} on ${at(c)}${c.malware ? `, malware family ${c.malware}` : ''}.`,
      'Identify the host behind this address at the times shown (NAT, DHCP and firewall logs).',
      'Isolate it and secure evidence (memory, disk image, logs) before cleaning up.',
      'Look for persistence, new accounts and lateral movement; find out how the attacker got in (often an unpatched internet-facing device or a stolen password) and close that way in.',
      'Rebuild from known-good media rather than cleaning, and reset all credentials used on the host.',
    ],
  }),
  infected: (c) => ({
    why: `A device using the internet address ${at(c)} is infected with malicious software.${family(c)} We know because it tried to contact a server that criminals use to control infected devices. The device can be a computer, a phone, a camera or a router. Criminals use such infections to steal passwords and data, and as a way in for ransomware.`,
    now: [
      'Ask your IT supplier to find out which device used this address at the times shown; your router or firewall keeps track of this.',
      'Have an IT specialist examine and clean that device; reinstalling it is the safest way.',
      'From another, clean device, change the passwords that were used on the infected device.',
      'Make sure all devices receive updates and that virus protection is switched on.',
    ],
    technical: [
      `Reported: ${c.type} from ${at(c)}${c.malware ? `, malware family ${c.malware}` : ''}.`,
      'The address is usually a NAT gateway: find the internal host in firewall, proxy or DNS logs by the times (and the source port, if reported) of the connections.',
      ...(c.malware ? [`Use public analyses of ${c.malware} for its indicators and persistence mechanisms.`] : []),
      'Reimage the host, reset the credentials used on it, and block outbound connections that the business does not need.',
    ],
  }),
  vulnerable: (c) => {
    const v = c.vulnerability;
    const remedy = update(v ?? {});
    const what = v?.product ? `${v.product}${v.version ? ` ${v.version}` : ''}` : 'Software';
    return {
      why: `${what} at ${at(c)} contains a known vulnerability${v?.cve ? ` (${v.cve})` : ''}. Criminals use such weaknesses to break in.${v?.kev ? ' This one is already being exploited in attacks, so it is urgent.' : ''}`,
      now: [
        remedy.step,
        'If the update cannot be installed right away, have the system shielded from the internet until it is.',
        ...(v?.kev ? ['Because this vulnerability is already being exploited, also have the system checked for signs of a break-in.'] : []),
      ],
      technical: [`Reported: ${c.type} on ${at(c)}.`, ...remedy.technical],
    };
  },
  'exposed-service': (c) =>
    exposure(
      c,
      `A service on ${at(c)} can be reached by anyone on the internet. Criminals search the whole internet for such services every day, to break in, to steal data or to misuse them in attacks on others.`,
      [
        'Ask your IT supplier whether this service really needs to be reachable from the internet.',
        'If it does not, have it closed or blocked by your firewall.',
        'If it does, make sure it is kept up to date and only reachable for those who need it, for example through a VPN.',
      ],
      [
        'Block the port at the perimeter firewall, or allow only known source addresses or VPN users.',
        'Switch the service off where it is not needed; install current security updates where it is.',
        'Check its logs for access from unknown addresses.',
      ],
    ),
  'malicious-infrastructure': (c) => ({
    why: `Something on your network at ${at(c)} is used in attacks on others (${c.type}). Usually a server or website was broken into and is being misused without its owner knowing. Until it is removed, others are harmed and your address may end up on blocklists.`,
    now: [
      'Ask your IT supplier or hosting provider which server or website this is.',
      'Have the harmful content removed or the server taken off the internet.',
      'Have it examined: criminals usually got in through a missing update or a stolen password, and will come back the same way.',
    ],
    technical: [
      `Reported: ${c.type} at ${at(c)}${c.malware ? `, malware family ${c.malware}` : ''}.`,
      'Locate the host or site; remove the malicious content and anything the attacker left behind (web shells, scheduled tasks, accounts).',
      'Find and close the way in: update the operating system, CMS and plugins; reset credentials.',
      'If the system belongs to a customer of yours, handle this through your abuse procedure.',
    ],
  }),
  'attack-source': (c) => ({
    why: `Attacks on other systems came from ${at(c)} (${c.type}). That usually means that a device on your network is infected or misused by criminals.`,
    now: [
      'Ask your IT supplier which device used this address at the times shown.',
      'Have that device examined and cleaned.',
      'If this is a security test that you ordered yourself, you can ignore this message.',
    ],
    technical: [
      `Reported: ${c.type} from ${at(c)}.`,
      'Find the internal host by the times of the activity in NAT or firewall logs.',
      'Look for malware, cryptominers and unknown scripts or scheduled tasks; reset credentials.',
      'Filter outbound traffic: block connections that the business does not need.',
    ],
  }),
  'leaked-credentials': (c) => ({
    why: `Login details of your organisation (${c.indicator}) were found in a collection of stolen usernames and passwords. With them, criminals can log in to e-mail, cloud services or remote access as if they were your staff.`,
    now: [
      'Have the passwords of the accounts concerned changed today, and everywhere else the same password was used.',
      'Switch on two-step verification (MFA) for e-mail, cloud services and remote access.',
      'Check the mailboxes for forwarding rules you do not know and for logins from unusual places.',
    ],
    technical: [
      `Reported: ${c.type} for ${c.indicator}.`,
      'Force a password reset and revoke active sessions and tokens for the affected accounts.',
      'Enforce MFA; review sign-in logs and mailbox rules for misuse.',
      'Check the device the password was stolen from for information-stealing malware.',
    ],
  }),
  phishing: (c) => ({
    why: `A phishing site was seen at ${at(c)}. It either imitates your organisation to deceive your customers or staff, or it runs on your website or server without your knowledge, usually after a break-in.`,
    now: [
      'If the site runs on your own website or server: have it taken offline and find out how it got there.',
      'If it imitates you on someone else\'s address: report it to that hosting provider and domain registrar so they take it down, and warn your customers.',
      'If staff or customers entered details on it, have those passwords changed.',
    ],
    technical: [
      `Reported: ${c.type} at ${at(c)}.`,
      'On your own systems: remove the phishing kit, find the way in (web shell, outdated CMS or plugin, stolen FTP or hosting password) and close it.',
      'On third-party systems: request a takedown from the hosting provider and the registrar\'s abuse contact.',
      'Publish SPF, DKIM and a DMARC policy of p=reject so your domain cannot easily be used as a sender.',
    ],
  }),
  information: (c) => ({
    why: `We received information about ${at(c)} that concerns your organisation. It needs no urgent action, but it may help you keep your systems safe.`,
    now: ['Forward this message to the person or company that manages your IT.', 'If something is unclear, contact us and mention the ticket number.'],
    technical: [`Reported: ${c.type} about ${at(c)}.`],
  }),
};

const topics: AdviceBook['topics'] = {
  rdp: (c) =>
    exposure(
      c,
      `Remote Desktop (RDP) on ${at(c)} can be reached from the internet. This is one of the most common ways in for ransomware: criminals guess or buy passwords and then log in as if they were your staff.`,
      [
        'Ask your IT supplier today to make Remote Desktop unreachable from the internet.',
        'If staff need to work remotely, let them first connect through a VPN with two-step verification (MFA).',
        'Have the passwords changed of all accounts that can log in through Remote Desktop.',
      ],
      [
        `Block TCP and UDP ${portOr(c, '3389')} at the perimeter; offer RDP only behind a VPN or a Remote Desktop Gateway with MFA.`,
        'Require Network Level Authentication and install current Windows updates.',
        'Review Windows security logs (events 4624 with logon type 10, and 4625) for logons from unknown addresses.',
      ],
    ),
  smb: (c) =>
    exposure(
      c,
      `Windows file sharing (SMB) on ${at(c)} can be reached from the internet. Files may be readable, and worms and ransomware such as WannaCry spread through this service.`,
      ['Ask your IT supplier today to block file sharing from the internet.', 'Share files with people outside the office through a VPN or a secure cloud service instead.'],
      [
        `Block TCP 445 and 139 and UDP 137–138${c.port === undefined ? '' : ` (reported port: ${c.port})`} at the perimeter.`,
        'Disable SMBv1 and install current Windows updates (including MS17-010).',
        'Check which shares exist and who can read them.',
      ],
    ),
  telnet: (c) =>
    exposure(
      c,
      `Telnet on ${at(c)} can be reached from the internet. Telnet sends passwords unencrypted, and botnets such as Mirai take over routers and cameras through it by trying default passwords.`,
      [
        'Ask your IT supplier to switch Telnet off or block it from the internet; this is often a router, camera or other device.',
        'Have the default password of that device replaced by a strong one of its own.',
      ],
      [
        `Disable Telnet (TCP ${portOr(c, '23/2323')}); use SSH for management, reachable only from the management network or a VPN.`,
        'Update the device firmware and change all default credentials.',
      ],
    ),
  database: (c) =>
    exposure(
      c,
      `A database (${c.type}) on ${at(c)} can be reached from the internet. Databases often hold customer data; criminals copy or wipe such databases and then demand a ransom.`,
      [
        'Ask your IT supplier today to make the database reachable only for the systems that need it, not for the internet.',
        'Have it checked whether someone has read, changed or deleted data.',
      ],
      [
        'Bind the database to localhost or an internal interface and block its port at the firewall (usual ports: MySQL 3306, PostgreSQL 5432, MS SQL 1433, MongoDB 27017, Redis 6379, CouchDB 5984).',
        'Require authentication with strong passwords and use TLS; for Redis, keep protected mode on.',
        'Check logs and contents for unknown access, unknown databases or ransom notes.',
      ],
    ),
  memcached: (c) =>
    exposure(
      c,
      `Memcached on ${at(c)} can be reached from the internet. Its contents can be read, and it is misused to multiply the traffic of denial-of-service attacks on others many thousands of times.`,
      ['Ask your IT supplier to make Memcached reachable only from the server that uses it.'],
      [`Start memcached with UDP disabled (-U 0) and listening on localhost (-l 127.0.0.1); block TCP/UDP ${portOr(c, '11211')} at the firewall.`],
    ),
  elasticsearch: (c) =>
    exposure(
      c,
      `Elasticsearch on ${at(c)} can be reached from the internet. Without login protection anyone can read, change or delete all data in it; criminals wipe such databases and leave a ransom note.`,
      ['Ask your IT supplier today to shield Elasticsearch from the internet and protect it with a login.', 'Have it checked whether data has been read or deleted.'],
      [
        'Enable the security features (authentication and TLS: xpack.security.enabled) and bind network.host to an internal address.',
        `Block TCP ${portOr(c, '9200')} and 9300 at the firewall.`,
        'Look for unknown indices, ransom notes and deleted data; restore from backup where needed.',
      ],
    ),
  'vpn-appliance': (c) =>
    exposure(
      c,
      `The VPN or firewall device at ${at(c)} (${c.type}) can be reached from the internet. That is normal for a VPN, but these devices are a favourite target: their weaknesses are exploited within days of becoming known, and a device that has been broken into gives access to your whole network.`,
      [
        'Ask your IT supplier today to check that the device has the latest update from the manufacturer.',
        'Have the management screen of the device made unreachable from the internet.',
        'Ask your IT supplier to check the device for signs of a break-in, following the manufacturer\'s instructions.',
        'Switch on two-step verification (MFA) for everyone who logs in through the VPN.',
      ],
      [
        'Install the latest firmware according to the vendor\'s security advisories.',
        'Restrict the management interface (HTTPS, SSH) to an internal management network.',
        'Run the vendor\'s integrity or compromise check where one exists; if compromise is suspected, reset the device, and rotate credentials, keys and certificates.',
        'Enforce MFA for VPN users.',
      ],
    ),
  'remote-control': (c) =>
    exposure(
      c,
      `Remote-control software (${c.type}) on ${at(c)} can be reached from the internet. Whoever guesses or steals the password controls the computer.`,
      ['Ask your IT supplier to make this remote control unreachable from the internet.', 'For remote work, use a VPN with two-step verification (MFA).'],
      [`Block TCP ${portOr(c, '5900')} (or the reported port) at the perimeter; allow remote control only through a VPN; require strong passwords and updates.`],
    ),
  ftp: (c) =>
    exposure(
      c,
      `An FTP server on ${at(c)} can be reached from the internet. FTP sends passwords and files unencrypted, so they can be intercepted.`,
      ['Ask your IT supplier whether this FTP server is still needed; if not, have it switched off.', 'If it is, have it replaced by an encrypted alternative such as SFTP.'],
      [`Disable FTP/TFTP (port ${portOr(c, '21')}) or restrict it to known addresses; migrate to SFTP or FTPS; disable anonymous access.`],
    ),
  snmp: (c) =>
    exposure(
      c,
      `SNMP on ${at(c)} can be reached from the internet. It gives away details of your network equipment, sometimes allows settings to be changed, and is misused to multiply denial-of-service attacks on others.`,
      ['Ask your IT supplier to block SNMP from the internet.'],
      [`Block UDP ${portOr(c, '161')} at the perimeter; disable SNMP where unused, otherwise use SNMPv3 and replace default community strings such as "public".`],
    ),
  ipmi: (c) =>
    exposure(
      c,
      `The management board (IPMI/BMC) of a server on ${at(c)} can be reached from the internet. Whoever gets in controls the server completely, even when it is switched off.`,
      ['Ask your IT supplier today to make the management board unreachable from the internet.'],
      [
        `Block UDP ${portOr(c, '623')} and the BMC web interface at the perimeter; place BMCs on a separate management network.`,
        'Update the BMC firmware and change default passwords.',
      ],
    ),
  'container-api': (c) =>
    exposure(
      c,
      `A container management interface (${c.type}) on ${at(c)} can be reached from the internet. Anyone can use it to run their own software on your servers, for example to mine cryptocurrency or to break in further.`,
      ['Ask your IT supplier today to make this interface unreachable from the internet.', 'Have the servers checked for software that does not belong there.'],
      [
        'Bind the Docker API to the local socket or require TLS client certificates; protect the Kubernetes API and kubelet with authentication and authorisation.',
        `Block the port (${portOr(c, 'Docker 2375/2376, Kubernetes 6443, kubelet 10250')}) at the firewall.`,
        'Look for unknown containers, images and scheduled jobs.',
      ],
    ),
  'open-resolver': (c) =>
    exposure(
      c,
      `A DNS server on ${at(c)} answers questions from anyone on the internet. Criminals misuse such servers to multiply the traffic of denial-of-service attacks on others.`,
      ['Ask your IT supplier to let this DNS server answer only your own network.'],
      ['Restrict recursion to your own networks (for example allow-recursion in BIND) or block UDP/TCP 53 from outside; on routers, disable the DNS service on the internet side.'],
    ),
  amplifier: (c) =>
    exposure(
      c,
      `A service on ${at(c)} (${c.type}) answers anyone on the internet with more data than it receives. Criminals misuse this to multiply the traffic of denial-of-service attacks on others, which also burdens your own connection.`,
      ['Ask your IT supplier to switch this service off or to block it from the internet.'],
      [
        'Disable the service or block its UDP port at the perimeter.',
        'For NTP, disable the monitor (monlist) and mode 6/7 queries; for SSDP, switch UPnP off on the internet side of the router.',
      ],
    ),
  'open-proxy': (c) =>
    exposure(
      c,
      `A proxy on ${at(c)} passes on traffic for anyone on the internet. Criminals use it to hide, so their attacks and fraud appear to come from your address.`,
      ['Ask your IT supplier to switch the proxy off or to restrict it to your own staff.'],
      ['Require authentication and allow only internal addresses; check logs for misuse; look for malware that may have installed the proxy.'],
    ),
  website: (c) => ({
    why: `Your website at ${at(c)} has been broken into. Criminals can use it to spread malware, to host phishing pages or to steal the data of your visitors.`,
    now: [
      'Ask your web builder or hosting provider today to check and clean the website.',
      'Have the website software and all its plugins updated.',
      'Have the passwords changed for the website\'s administration, the hosting account and FTP.',
    ],
    technical: [
      `Reported: ${c.type} at ${at(c)}.`,
      'Compare the site\'s files with a clean copy; look for web shells, injected scripts and unknown administrator accounts.',
      'Restore from a backup made before the break-in where possible; update CMS, plugins and themes; reset all credentials.',
    ],
  }),
  ransomware: (c) => ({
    why: `A ransomware group claims to have broken into your organisation (reported for ${at(c)}). Such groups steal data and threaten to publish it unless a ransom is paid.`,
    now: [
      'Call in an IT specialist in incident response today.',
      'Report it to the police, and inform your insurer if you have cyber insurance.',
      'If personal data may have been stolen, report a data breach to the data protection authority within 72 hours.',
    ],
    technical: [
      `Reported: ${c.type} for ${at(c)}.`,
      'Look for the way in (VPN, remote access, phishing), for persistence and for data exfiltration; secure evidence before restoring.',
      'Verify that offline backups are intact before relying on them.',
    ],
  }),
  c2: (c) => ({
    why: `A server on your network at ${at(c)} is used to control malicious software on other people's computers${c.malware ? ` (${c.malware})` : ''}. It has most likely been broken into and is misused without its owner knowing.`,
    now: [
      'Ask your IT supplier or hosting provider which server this is.',
      'Have it taken off the internet and examined by an IT specialist.',
    ],
    technical: [
      `Reported: ${c.type} at ${at(c)}${c.malware ? `, malware family ${c.malware}` : ''}.`,
      'Isolate the host and secure evidence; remove the command-and-control software and find the way in.',
      'If the server belongs to a customer of yours, suspend it through your abuse procedure.',
    ],
  }),
  'malware-hosting': (c) => ({
    why: `Malicious software is being offered for download from ${at(c)}. Usually a website was broken into and files were placed on it without the owner knowing.`,
    now: ['Ask your web builder or hosting provider to remove the files today.', 'Have the website checked to find out how they got there, and have it updated.'],
    technical: [
      `Reported: ${c.type} at ${at(c)}${c.malware ? `, malware family ${c.malware}` : ''}.`,
      'Remove the files and any web shells; update CMS and plugins; reset hosting and CMS credentials.',
    ],
  }),
  bruteforce: (c) => ({
    why: `From ${at(c)}, passwords of other systems were being guessed. A device on your network is probably infected or misused.`,
    now: ['Ask your IT supplier which device used this address at the times shown.', 'Have that device examined and cleaned, and its passwords changed.'],
    technical: [
      `Reported: ${c.type} from ${at(c)}.`,
      'Find the host through NAT or firewall logs (look for many outbound connections to SSH, RDP or mail ports).',
      'Look for malware and unknown scripts; reset credentials; block outbound traffic the business does not need.',
    ],
  }),
  scanner: (c) => ({
    why: `From ${at(c)}, other systems on the internet were being scanned for weaknesses. A device on your network is probably infected or misused, unless this is a security test you ordered.`,
    now: [
      'Ask your IT supplier which device used this address at the times shown.',
      'Have that device examined and cleaned.',
      'If this is a security test that you ordered yourself, you can ignore this message.',
    ],
    technical: [`Reported: ${c.type} from ${at(c)}.`, 'Find the host through NAT or firewall logs and look for malware; filter outbound traffic.'],
  }),
  ddos: (c) => ({
    why: `A device at ${at(c)} took part in denial-of-service attacks on others. It is probably infected, often a router, camera or other internet-connected device.`,
    now: ['Ask your IT supplier to find the device.', 'Have its software updated, its default password changed, and have it reset to factory settings if needed.'],
    technical: [`Reported: ${c.type} from ${at(c)}.`, 'Find the host through NAT or firewall logs; update firmware, change default credentials, block its management interfaces from the internet.'],
  }),
};

export const en: AdviceBook = { kinds, topics, update };
