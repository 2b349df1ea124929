/** Advies in het Nederlands: eerst in gewone taal voor een klein bedrijf, daarna de technische details voor de IT-leverancier. */
import type { Advice, VulnerabilityDetails } from '../model.ts';
import type { AdviceBook, AdviceContext } from './book.ts';

const at = (c: AdviceContext): string => (c.port === undefined ? c.indicator : `${c.indicator} (poort ${c.port})`);
const portOr = (c: AdviceContext, usual: string): string => (c.port === undefined ? usual : String(c.port));
const family = (c: AdviceContext): string => (c.malware ? ` De bron noemt de kwaadaardige software "${c.malware}".` : '');

function update(v: VulnerabilityDetails): { step: string; technical: string[] } {
  const product = v.product ? `${v.product}${v.version ? ` ${v.version}` : ''}` : 'de getroffen software';
  const step = v.fixedIn
    ? `Vraag uw IT-leverancier de update van de fabrikant voor ${product} te installeren: versie ${v.fixedIn} of nieuwer.`
    : v.remediation
      ? `Vraag uw IT-leverancier de oplossing van de fabrikant voor ${product} uit te voeren (zie de technische details hieronder).`
      : `Vraag uw IT-leverancier de nieuwste update van de fabrikant voor ${product} te installeren.`;
  const technical = [
    ...(v.product ? [`Product: ${product}.`] : []),
    ...(v.cve ? [`Kwetsbaarheid: ${v.cve}.`] : []),
    ...(v.advisory ? [`Beveiligingsadvies: ${v.advisory}.`] : []),
    ...(v.fixedIn ? [`Opgelost in: ${v.fixedIn}. Werk bij naar deze versie of nieuwer.`] : []),
    ...(v.remediation ? [`Oplossing van de leverancier: ${v.remediation}`] : []),
    ...(v.kev
      ? [
          `Wordt actief misbruikt (CISA KEV-catalogus).${v.kev.requiredAction ? ` Vereiste actie: ${v.kev.requiredAction}` : ''}${v.kev.dueDate ? ` (uiterste datum voor Amerikaanse overheidsdiensten: ${v.kev.dueDate}).` : ''}`,
          'Omdat de kwetsbaarheid al wordt misbruikt: controleer het systeem ook op sporen van een inbraak, niet alleen bijwerken.',
        ]
      : []),
  ];
  return { step, technical };
}

/** Gemeenschappelijk advies voor een dienst die iedereen op internet kan bereiken. */
function exposure(c: AdviceContext, why: string, now: string[], technical: string[]): Advice {
  return {
    why,
    now,
    technical: [`Gemeld: ${c.type} op ${at(c)}.`, ...technical, 'Controleer daarna van buiten uw netwerk dat de dienst niet meer bereikbaar is.'],
  };
}

const kinds: AdviceBook['kinds'] = {
  compromised: (c) => ({
    why: `Een systeem op ${at(c)} vertoont tekenen dat criminelen het in handen hebben.${family(c)} Zij kunnen het gebruiken om gegevens te stelen, uw bedrijf te bespioneren, ransomware te installeren of anderen aan te vallen.`,
    now: [
      'Laat dit apparaat vandaag nog onderzoeken door een IT-specialist. Wacht niet af.',
      'Kunt u het apparaat even missen, haal het dan van het netwerk, maar zet het niet uit en wis het niet voordat de specialist ernaar heeft gekeken: dan gaan de sporen verloren.',
      'Wijzig vanaf een ander, schoon apparaat de wachtwoorden die op of via dit apparaat zijn gebruikt.',
      'Zijn er gegevens gestolen of wordt er losgeld geëist, doe dan aangifte bij de politie. Zijn mogelijk persoonsgegevens gestolen, dan moet u dit misschien binnen 72 uur als datalek melden bij de Autoriteit Persoonsgegevens.',
    ],
    technical: [
      `Gemeld: ${c.type} op ${at(c)}${c.malware ? `, malwarefamilie ${c.malware}` : ''}.`,
      'Stel vast welk systeem op de genoemde tijden achter dit adres zat (NAT-, DHCP- en firewall-logs).',
      'Isoleer het en stel bewijs veilig (geheugen, schijfkopie, logs) voordat u opruimt.',
      'Zoek naar persistentie, nieuwe accounts en laterale beweging; achterhaal hoe de aanvaller binnenkwam (vaak een niet bijgewerkt apparaat aan internet of een gestolen wachtwoord) en sluit die weg af.',
      'Installeer het systeem opnieuw vanaf betrouwbare media in plaats van het op te schonen, en vervang alle inloggegevens die erop zijn gebruikt.',
    ],
  }),
  infected: (c) => ({
    why: `Een apparaat dat het internetadres ${at(c)} gebruikt, is besmet met kwaadaardige software.${family(c)} Dat weten we omdat het contact zocht met een server waarmee criminelen besmette apparaten besturen. Het apparaat kan een computer, telefoon, camera of router zijn. Criminelen gebruiken zo'n besmetting om wachtwoorden en gegevens te stelen, en als opstap voor ransomware.`,
    now: [
      'Vraag uw IT-leverancier uit te zoeken welk apparaat dit adres op de genoemde tijden gebruikte; uw router of firewall houdt dat bij.',
      'Laat dat apparaat onderzoeken en opschonen door een IT-specialist; opnieuw installeren is het veiligst.',
      'Wijzig vanaf een ander, schoon apparaat de wachtwoorden die op het besmette apparaat zijn gebruikt.',
      'Zorg dat alle apparaten updates krijgen en dat de virusbescherming aanstaat.',
    ],
    technical: [
      `Gemeld: ${c.type} vanaf ${at(c)}${c.malware ? `, malwarefamilie ${c.malware}` : ''}.`,
      'Het adres is meestal een NAT-gateway: vind het interne systeem in firewall-, proxy- of DNS-logs aan de hand van de tijden (en de bronpoort, als die is gemeld) van de verbindingen.',
      ...(c.malware ? [`Gebruik openbare analyses van ${c.malware} voor de kenmerken en persistentiemechanismen.`] : []),
      'Installeer het systeem opnieuw, vervang de inloggegevens die erop zijn gebruikt en blokkeer uitgaande verbindingen die het bedrijf niet nodig heeft.',
    ],
  }),
  vulnerable: (c) => {
    const v = c.vulnerability;
    const remedy = update(v ?? {});
    const what = v?.product ? `${v.product}${v.version ? ` ${v.version}` : ''}` : 'Software';
    return {
      why: `${what} op ${at(c)} bevat een bekende kwetsbaarheid${v?.cve ? ` (${v.cve})` : ''}. Criminelen gebruiken zulke zwakke plekken om binnen te komen.${v?.kev ? ' Deze kwetsbaarheid wordt al bij aanvallen misbruikt; het is dus dringend.' : ''}`,
      now: [
        remedy.step,
        'Kan de update niet meteen worden geïnstalleerd, laat het systeem dan tot die tijd afschermen van internet.',
        ...(v?.kev ? ['Omdat deze kwetsbaarheid al wordt misbruikt: laat het systeem ook controleren op sporen van een inbraak.'] : []),
      ],
      technical: [`Gemeld: ${c.type} op ${at(c)}.`, ...remedy.technical],
    };
  },
  'exposed-service': (c) =>
    exposure(
      c,
      `Een dienst op ${at(c)} is voor iedereen op internet bereikbaar. Criminelen doorzoeken dagelijks het hele internet naar zulke diensten, om in te breken, gegevens te stelen of ze te misbruiken bij aanvallen op anderen.`,
      [
        'Vraag uw IT-leverancier of deze dienst echt vanaf internet bereikbaar moet zijn.',
        'Is dat niet zo, laat de dienst dan uitzetten of door uw firewall blokkeren.',
        'Is dat wel zo, zorg dan dat de dienst wordt bijgewerkt en alleen bereikbaar is voor wie hem nodig heeft, bijvoorbeeld via een VPN.',
      ],
      [
        'Blokkeer de poort op de firewall aan de rand van het netwerk, of sta alleen bekende bronadressen of VPN-gebruikers toe.',
        'Zet de dienst uit waar hij niet nodig is; installeer actuele beveiligingsupdates waar hij wel nodig is.',
        'Controleer de logs op toegang vanaf onbekende adressen.',
      ],
    ),
  'malicious-infrastructure': (c) => ({
    why: `Iets op uw netwerk op ${at(c)} wordt gebruikt bij aanvallen op anderen (${c.type}). Meestal is er ingebroken op een server of website, die nu zonder medeweten van de eigenaar wordt misbruikt. Zolang het niet is verwijderd, worden anderen benadeeld en kan uw adres op blokkeerlijsten belanden.`,
    now: [
      'Vraag uw IT-leverancier of hostingprovider om welke server of website het gaat.',
      'Laat de schadelijke inhoud verwijderen of de server van internet halen.',
      'Laat het systeem onderzoeken: criminelen kwamen meestal binnen via een ontbrekende update of een gestolen wachtwoord, en komen langs dezelfde weg terug.',
    ],
    technical: [
      `Gemeld: ${c.type} op ${at(c)}${c.malware ? `, malwarefamilie ${c.malware}` : ''}.`,
      'Zoek het systeem of de site op; verwijder de kwaadaardige inhoud en alles wat de aanvaller heeft achtergelaten (webshells, geplande taken, accounts).',
      'Vind en sluit de weg naar binnen: werk besturingssysteem, CMS en plug-ins bij; vervang inloggegevens.',
      'Is het systeem van een klant van u, handel dit dan af via uw abuse-procedure.',
    ],
  }),
  'attack-source': (c) => ({
    why: `Vanaf ${at(c)} zijn andere systemen aangevallen (${c.type}). Dat betekent meestal dat een apparaat op uw netwerk besmet is of door criminelen wordt misbruikt.`,
    now: [
      'Vraag uw IT-leverancier welk apparaat dit adres op de genoemde tijden gebruikte.',
      'Laat dat apparaat onderzoeken en opschonen.',
      'Gaat het om een beveiligingstest die u zelf hebt laten uitvoeren, dan kunt u dit bericht negeren.',
    ],
    technical: [
      `Gemeld: ${c.type} vanaf ${at(c)}.`,
      'Vind het interne systeem aan de hand van de tijden van de activiteit in NAT- of firewall-logs.',
      'Zoek naar malware, cryptominers en onbekende scripts of geplande taken; vervang inloggegevens.',
      'Filter uitgaand verkeer: blokkeer verbindingen die het bedrijf niet nodig heeft.',
    ],
  }),
  'leaked-credentials': (c) => ({
    why: `Inloggegevens van uw organisatie (${c.indicator}) zijn gevonden in een verzameling gestolen gebruikersnamen en wachtwoorden. Daarmee kunnen criminelen inloggen op e-mail, clouddiensten of toegang op afstand, alsof zij uw medewerkers zijn.`,
    now: [
      'Laat vandaag nog de wachtwoorden van de betrokken accounts wijzigen, en overal waar hetzelfde wachtwoord werd gebruikt.',
      'Zet tweestapsverificatie (MFA) aan voor e-mail, clouddiensten en toegang op afstand.',
      'Controleer de mailboxen op doorstuurregels die u niet kent en op aanmeldingen vanaf ongebruikelijke plaatsen.',
    ],
    technical: [
      `Gemeld: ${c.type} voor ${c.indicator}.`,
      'Dwing een wachtwoordwijziging af en trek actieve sessies en tokens van de betrokken accounts in.',
      'Verplicht MFA; controleer aanmeldlogs en mailboxregels op misbruik.',
      'Controleer het apparaat waarvan het wachtwoord is gestolen op malware die gegevens steelt (infostealer).',
    ],
  }),
  phishing: (c) => ({
    why: `Er is een phishingsite gezien op ${at(c)}. Die doet zich voor als uw organisatie om uw klanten of medewerkers te misleiden, of draait zonder dat u het weet op uw eigen website of server, meestal na een inbraak.`,
    now: [
      'Draait de site op uw eigen website of server: laat hem offline halen en uitzoeken hoe hij daar kwam.',
      'Doet de site zich op het adres van een ander voor als u: meld dit bij die hostingprovider en domeinregistrar zodat zij hem verwijderen, en waarschuw uw klanten.',
      'Hebben medewerkers of klanten er gegevens ingevuld, laat die wachtwoorden dan wijzigen.',
    ],
    technical: [
      `Gemeld: ${c.type} op ${at(c)}.`,
      'Op uw eigen systemen: verwijder de phishingkit, vind de weg naar binnen (webshell, verouderd CMS of verouderde plug-in, gestolen FTP- of hostingwachtwoord) en sluit die af.',
      'Op systemen van derden: vraag de hostingprovider en het abuse-adres van de registrar om de site te verwijderen.',
      'Publiceer SPF, DKIM en een DMARC-beleid met p=reject, zodat uw domein niet zomaar als afzender kan worden misbruikt.',
    ],
  }),
  information: (c) => ({
    why: `We hebben informatie ontvangen over ${at(c)} die uw organisatie betreft. Er is geen dringende actie nodig, maar het kan u helpen uw systemen veilig te houden.`,
    now: ['Stuur dit bericht door naar de persoon of het bedrijf dat uw IT beheert.', 'Is iets niet duidelijk, neem dan contact met ons op en noem het ticketnummer.'],
    technical: [`Gemeld: ${c.type} over ${at(c)}.`],
  }),
};

const topics: AdviceBook['topics'] = {
  rdp: (c) =>
    exposure(
      c,
      `Extern bureaublad (Remote Desktop, RDP) op ${at(c)} is vanaf internet bereikbaar. Dit is een van de meest gebruikte wegen naar binnen voor ransomware: criminelen raden of kopen wachtwoorden en loggen dan in alsof zij uw medewerkers zijn.`,
      [
        'Vraag uw IT-leverancier vandaag nog om Extern bureaublad onbereikbaar te maken vanaf internet.',
        'Moeten medewerkers op afstand werken, laat ze dan eerst verbinding maken via een VPN met tweestapsverificatie (MFA).',
        'Laat de wachtwoorden wijzigen van alle accounts die via Extern bureaublad kunnen inloggen.',
      ],
      [
        `Blokkeer TCP en UDP ${portOr(c, '3389')} aan de rand van het netwerk; bied RDP alleen aan achter een VPN of een Remote Desktop Gateway met MFA.`,
        'Vereis Network Level Authentication en installeer actuele Windows-updates.',
        'Controleer de Windows-beveiligingslogs (gebeurtenis 4624 met aanmeldtype 10, en 4625) op aanmeldingen vanaf onbekende adressen.',
      ],
    ),
  smb: (c) =>
    exposure(
      c,
      `Windows-bestandsdeling (SMB) op ${at(c)} is vanaf internet bereikbaar. Bestanden zijn mogelijk te lezen, en wormen en ransomware zoals WannaCry verspreiden zich via deze dienst.`,
      [
        'Vraag uw IT-leverancier vandaag nog om bestandsdeling vanaf internet te blokkeren.',
        'Deel bestanden met mensen buiten kantoor voortaan via een VPN of een veilige clouddienst.',
      ],
      [
        `Blokkeer TCP 445 en 139 en UDP 137–138${c.port === undefined ? '' : ` (gemelde poort: ${c.port})`} aan de rand van het netwerk.`,
        'Schakel SMBv1 uit en installeer actuele Windows-updates (waaronder MS17-010).',
        'Controleer welke gedeelde mappen er zijn en wie ze kan lezen.',
      ],
    ),
  telnet: (c) =>
    exposure(
      c,
      `Telnet op ${at(c)} is vanaf internet bereikbaar. Telnet verstuurt wachtwoorden onversleuteld, en botnets zoals Mirai nemen er routers en camera's mee over door standaardwachtwoorden te proberen.`,
      [
        'Vraag uw IT-leverancier Telnet uit te zetten of vanaf internet te blokkeren; vaak gaat het om een router, camera of ander apparaat.',
        'Laat het standaardwachtwoord van dat apparaat vervangen door een eigen, sterk wachtwoord.',
      ],
      [
        `Schakel Telnet uit (TCP ${portOr(c, '23/2323')}); gebruik SSH voor beheer, alleen bereikbaar vanaf het beheernetwerk of via een VPN.`,
        'Werk de firmware van het apparaat bij en vervang alle standaardinloggegevens.',
      ],
    ),
  database: (c) =>
    exposure(
      c,
      `Een database (${c.type}) op ${at(c)} is vanaf internet bereikbaar. Databases bevatten vaak klantgegevens; criminelen kopiëren of wissen zulke databases en eisen daarna losgeld.`,
      [
        'Vraag uw IT-leverancier vandaag nog de database alleen bereikbaar te maken voor de systemen die hem nodig hebben, niet voor internet.',
        'Laat nagaan of iemand gegevens heeft ingezien, gewijzigd of gewist.',
      ],
      [
        'Laat de database alleen luisteren op localhost of een intern adres en blokkeer de poort op de firewall (gebruikelijke poorten: MySQL 3306, PostgreSQL 5432, MS SQL 1433, MongoDB 27017, Redis 6379, CouchDB 5984).',
        'Vereis authenticatie met sterke wachtwoorden en gebruik TLS; laat bij Redis protected mode aanstaan.',
        'Controleer logs en inhoud op onbekende toegang, onbekende databases of losgeldbriefjes.',
      ],
    ),
  memcached: (c) =>
    exposure(
      c,
      `Memcached op ${at(c)} is vanaf internet bereikbaar. De inhoud is te lezen, en de dienst wordt misbruikt om het verkeer van DDoS-aanvallen op anderen vele duizenden keren te versterken.`,
      ['Vraag uw IT-leverancier Memcached alleen bereikbaar te maken vanaf de server die het gebruikt.'],
      [`Start memcached met UDP uitgeschakeld (-U 0) en luisterend op localhost (-l 127.0.0.1); blokkeer TCP/UDP ${portOr(c, '11211')} op de firewall.`],
    ),
  elasticsearch: (c) =>
    exposure(
      c,
      `Elasticsearch op ${at(c)} is vanaf internet bereikbaar. Zonder inlogbeveiliging kan iedereen alle gegevens erin lezen, wijzigen of wissen; criminelen wissen zulke databases en laten een losgeldbriefje achter.`,
      [
        'Vraag uw IT-leverancier vandaag nog Elasticsearch af te schermen van internet en te beveiligen met een login.',
        'Laat nagaan of er gegevens zijn ingezien of gewist.',
      ],
      [
        'Zet de beveiligingsfuncties aan (authenticatie en TLS: xpack.security.enabled) en laat network.host naar een intern adres wijzen.',
        `Blokkeer TCP ${portOr(c, '9200')} en 9300 op de firewall.`,
        'Zoek naar onbekende indices, losgeldbriefjes en gewiste gegevens; zet waar nodig een back-up terug.',
      ],
    ),
  'vpn-appliance': (c) =>
    exposure(
      c,
      `Het VPN- of firewallapparaat op ${at(c)} (${c.type}) is vanaf internet bereikbaar. Voor een VPN is dat normaal, maar deze apparaten zijn een geliefd doelwit: hun zwakke plekken worden binnen enkele dagen na bekendwording misbruikt, en wie op zo'n apparaat inbreekt, komt in uw hele netwerk.`,
      [
        'Vraag uw IT-leverancier vandaag nog te controleren of het apparaat de nieuwste update van de fabrikant heeft.',
        'Laat het beheerscherm van het apparaat onbereikbaar maken vanaf internet.',
        'Vraag uw IT-leverancier het apparaat te controleren op sporen van een inbraak, volgens de instructies van de fabrikant.',
        'Zet tweestapsverificatie (MFA) aan voor iedereen die via de VPN inlogt.',
      ],
      [
        'Installeer de nieuwste firmware volgens de beveiligingsadviezen van de leverancier.',
        'Beperk de beheerinterface (HTTPS, SSH) tot een intern beheernetwerk.',
        'Gebruik de integriteits- of compromitteringscontrole van de leverancier als die bestaat; zet het apparaat bij een vermoeden van inbraak terug en vervang inloggegevens, sleutels en certificaten.',
        'Verplicht MFA voor VPN-gebruikers.',
      ],
    ),
  'remote-control': (c) =>
    exposure(
      c,
      `Software voor besturing op afstand (${c.type}) op ${at(c)} is vanaf internet bereikbaar. Wie het wachtwoord raadt of steelt, bestuurt de computer.`,
      ['Vraag uw IT-leverancier deze besturing op afstand onbereikbaar te maken vanaf internet.', 'Gebruik voor werken op afstand een VPN met tweestapsverificatie (MFA).'],
      [`Blokkeer TCP ${portOr(c, '5900')} (of de gemelde poort) aan de rand van het netwerk; sta besturing op afstand alleen via een VPN toe; vereis sterke wachtwoorden en updates.`],
    ),
  ftp: (c) =>
    exposure(
      c,
      `Een FTP-server op ${at(c)} is vanaf internet bereikbaar. FTP verstuurt wachtwoorden en bestanden onversleuteld, zodat ze kunnen worden onderschept.`,
      [
        'Vraag uw IT-leverancier of deze FTP-server nog nodig is; zo niet, laat hem dan uitzetten.',
        'Is hij wel nodig, laat hem dan vervangen door een versleuteld alternatief zoals SFTP.',
      ],
      [`Schakel FTP/TFTP uit (poort ${portOr(c, '21')}) of beperk het tot bekende adressen; stap over op SFTP of FTPS; schakel anonieme toegang uit.`],
    ),
  snmp: (c) =>
    exposure(
      c,
      `SNMP op ${at(c)} is vanaf internet bereikbaar. Het geeft details van uw netwerkapparatuur prijs, maakt soms het wijzigen van instellingen mogelijk en wordt misbruikt om DDoS-aanvallen op anderen te versterken.`,
      ['Vraag uw IT-leverancier SNMP vanaf internet te blokkeren.'],
      [`Blokkeer UDP ${portOr(c, '161')} aan de rand van het netwerk; schakel SNMP uit waar het niet wordt gebruikt, gebruik anders SNMPv3 en vervang standaard-community strings zoals "public".`],
    ),
  ipmi: (c) =>
    exposure(
      c,
      `De beheerkaart (IPMI/BMC) van een server op ${at(c)} is vanaf internet bereikbaar. Wie daar binnenkomt, heeft de server volledig in handen, zelfs als die uitstaat.`,
      ['Vraag uw IT-leverancier vandaag nog de beheerkaart onbereikbaar te maken vanaf internet.'],
      [
        `Blokkeer UDP ${portOr(c, '623')} en de webinterface van de BMC aan de rand van het netwerk; plaats BMC's in een apart beheernetwerk.`,
        'Werk de firmware van de BMC bij en vervang standaardwachtwoorden.',
      ],
    ),
  'container-api': (c) =>
    exposure(
      c,
      `Een beheerinterface voor containers (${c.type}) op ${at(c)} is vanaf internet bereikbaar. Iedereen kan daarmee eigen software op uw servers laten draaien, bijvoorbeeld om cryptovaluta te delven of verder in te breken.`,
      ['Vraag uw IT-leverancier vandaag nog deze interface onbereikbaar te maken vanaf internet.', 'Laat de servers controleren op software die er niet hoort.'],
      [
        'Laat de Docker-API alleen via de lokale socket werken of vereis TLS-clientcertificaten; beveilig de Kubernetes-API en de kubelet met authenticatie en autorisatie.',
        `Blokkeer de poort (${portOr(c, 'Docker 2375/2376, Kubernetes 6443, kubelet 10250')}) op de firewall.`,
        'Zoek naar onbekende containers, images en geplande taken.',
      ],
    ),
  'open-resolver': (c) =>
    exposure(
      c,
      `Een DNS-server op ${at(c)} beantwoordt vragen van iedereen op internet. Criminelen misbruiken zulke servers om het verkeer van DDoS-aanvallen op anderen te versterken.`,
      ['Vraag uw IT-leverancier deze DNS-server alleen uw eigen netwerk te laten bedienen.'],
      ['Beperk recursie tot uw eigen netwerken (bijvoorbeeld allow-recursion in BIND) of blokkeer UDP/TCP 53 van buitenaf; zet op routers de DNS-dienst aan de internetkant uit.'],
    ),
  amplifier: (c) =>
    exposure(
      c,
      `Een dienst op ${at(c)} (${c.type}) antwoordt iedereen op internet met meer gegevens dan hij ontvangt. Criminelen misbruiken dat om het verkeer van DDoS-aanvallen op anderen te versterken, wat ook uw eigen verbinding belast.`,
      ['Vraag uw IT-leverancier deze dienst uit te zetten of vanaf internet te blokkeren.'],
      [
        'Schakel de dienst uit of blokkeer de UDP-poort aan de rand van het netwerk.',
        'Schakel bij NTP de monitor (monlist) en mode 6/7-vragen uit; zet bij SSDP UPnP aan de internetkant van de router uit.',
      ],
    ),
  'open-proxy': (c) =>
    exposure(
      c,
      `Een proxy op ${at(c)} stuurt verkeer door voor iedereen op internet. Criminelen gebruiken hem om zich te verbergen, zodat hun aanvallen en fraude van uw adres lijken te komen.`,
      ['Vraag uw IT-leverancier de proxy uit te zetten of te beperken tot uw eigen medewerkers.'],
      ['Vereis authenticatie en sta alleen interne adressen toe; controleer de logs op misbruik; zoek naar malware die de proxy kan hebben geïnstalleerd.'],
    ),
  website: (c) => ({
    why: `Op uw website op ${at(c)} is ingebroken. Criminelen kunnen hem gebruiken om malware te verspreiden, phishingpagina's te plaatsen of de gegevens van uw bezoekers te stelen.`,
    now: [
      'Vraag uw websitebouwer of hostingprovider vandaag nog de website te controleren en op te schonen.',
      'Laat de websitesoftware en alle plug-ins bijwerken.',
      'Laat de wachtwoorden wijzigen van het websitebeheer, het hostingaccount en FTP.',
    ],
    technical: [
      `Gemeld: ${c.type} op ${at(c)}.`,
      'Vergelijk de bestanden van de site met een schone kopie; zoek naar webshells, ingevoegde scripts en onbekende beheerdersaccounts.',
      'Zet zo mogelijk een back-up van vóór de inbraak terug; werk CMS, plug-ins en thema\'s bij; vervang alle inloggegevens.',
    ],
  }),
  ransomware: (c) => ({
    why: `Een ransomwaregroep beweert bij uw organisatie te hebben ingebroken (gemeld voor ${at(c)}). Zulke groepen stelen gegevens en dreigen die te publiceren als er geen losgeld wordt betaald.`,
    now: [
      'Schakel vandaag nog een IT-specialist in die gespecialiseerd is in incidentafhandeling.',
      'Doe aangifte bij de politie en licht uw verzekeraar in als u een cyberverzekering hebt.',
      'Zijn mogelijk persoonsgegevens gestolen, meld dan binnen 72 uur een datalek bij de Autoriteit Persoonsgegevens.',
    ],
    technical: [
      `Gemeld: ${c.type} voor ${at(c)}.`,
      'Zoek de weg naar binnen (VPN, toegang op afstand, phishing), persistentie en het weglekken van gegevens; stel bewijs veilig voordat u herstelt.',
      'Controleer of offline back-ups intact zijn voordat u erop vertrouwt.',
    ],
  }),
  c2: (c) => ({
    why: `Een server op uw netwerk op ${at(c)} wordt gebruikt om kwaadaardige software op computers van anderen te besturen${c.malware ? ` (${c.malware})` : ''}. Waarschijnlijk is erop ingebroken en wordt hij zonder medeweten van de eigenaar misbruikt.`,
    now: ['Vraag uw IT-leverancier of hostingprovider om welke server het gaat.', 'Laat hem van internet halen en onderzoeken door een IT-specialist.'],
    technical: [
      `Gemeld: ${c.type} op ${at(c)}${c.malware ? `, malwarefamilie ${c.malware}` : ''}.`,
      'Isoleer het systeem en stel bewijs veilig; verwijder de besturingssoftware en vind de weg naar binnen.',
      'Is de server van een klant van u, schort hem dan op via uw abuse-procedure.',
    ],
  }),
  'malware-hosting': (c) => ({
    why: `Via ${at(c)} wordt kwaadaardige software aangeboden om te downloaden. Meestal is er ingebroken op een website en zijn er zonder medeweten van de eigenaar bestanden op gezet.`,
    now: [
      'Vraag uw websitebouwer of hostingprovider de bestanden vandaag nog te verwijderen.',
      'Laat de website onderzoeken om te achterhalen hoe de bestanden erop kwamen, en laat hem bijwerken.',
    ],
    technical: [
      `Gemeld: ${c.type} op ${at(c)}${c.malware ? `, malwarefamilie ${c.malware}` : ''}.`,
      'Verwijder de bestanden en eventuele webshells; werk CMS en plug-ins bij; vervang de inloggegevens van hosting en CMS.',
    ],
  }),
  bruteforce: (c) => ({
    why: `Vanaf ${at(c)} werden wachtwoorden van andere systemen geraden. Waarschijnlijk is een apparaat op uw netwerk besmet of wordt het misbruikt.`,
    now: [
      'Vraag uw IT-leverancier welk apparaat dit adres op de genoemde tijden gebruikte.',
      'Laat dat apparaat onderzoeken en opschonen, en de wachtwoorden erop wijzigen.',
    ],
    technical: [
      `Gemeld: ${c.type} vanaf ${at(c)}.`,
      'Vind het systeem via NAT- of firewall-logs (let op veel uitgaande verbindingen naar SSH-, RDP- of mailpoorten).',
      'Zoek naar malware en onbekende scripts; vervang inloggegevens; blokkeer uitgaand verkeer dat het bedrijf niet nodig heeft.',
    ],
  }),
  scanner: (c) => ({
    why: `Vanaf ${at(c)} werden andere systemen op internet afgezocht naar zwakke plekken. Waarschijnlijk is een apparaat op uw netwerk besmet of wordt het misbruikt, tenzij het om een beveiligingstest gaat die u zelf hebt laten uitvoeren.`,
    now: [
      'Vraag uw IT-leverancier welk apparaat dit adres op de genoemde tijden gebruikte.',
      'Laat dat apparaat onderzoeken en opschonen.',
      'Gaat het om een beveiligingstest die u zelf hebt laten uitvoeren, dan kunt u dit bericht negeren.',
    ],
    technical: [`Gemeld: ${c.type} vanaf ${at(c)}.`, 'Vind het systeem via NAT- of firewall-logs en zoek naar malware; filter uitgaand verkeer.'],
  }),
  ddos: (c) => ({
    why: `Een apparaat op ${at(c)} deed mee aan DDoS-aanvallen op anderen. Het is waarschijnlijk besmet; vaak gaat het om een router, camera of ander apparaat dat met internet is verbonden.`,
    now: [
      'Vraag uw IT-leverancier het apparaat op te sporen.',
      'Laat de software ervan bijwerken, het standaardwachtwoord wijzigen en het zo nodig terugzetten naar de fabrieksinstellingen.',
    ],
    technical: [
      `Gemeld: ${c.type} vanaf ${at(c)}.`,
      'Vind het systeem via NAT- of firewall-logs; werk de firmware bij, vervang standaardinloggegevens en blokkeer de beheerinterfaces vanaf internet.',
    ],
  }),
};

export const nl: AdviceBook = { kinds, topics, update };
