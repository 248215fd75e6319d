/**
 * The fleet's WS-Discovery side: one UDP socket on the multicast group 239.255.255.250:3702 that
 * answers a Probe for video transmitters with one ProbeMatches per camera, as each camera would,
 * sent twice (SOAP-over-UDP repeats unicast replies once). Its scopes carry the camera's maker
 * and model, its XAddrs the ONVIF device service URL. An offline or hung camera does not answer;
 * a `discovery_garbage` camera answers only with broken replies (malformed XML, another probe's
 * RelatesTo, an oversized datagram, a DOCTYPE of entities) that a client must ignore.
 * Off by default: tests running side by side on one host would all answer each other's probes.
 */
import { createHash } from 'node:crypto';
import dgram from 'node:dgram';
import type { DeviceInformation } from './onvif-service.js';
import { element, escapeXml } from './onvif-service.js';
import type { SimulatedFault } from './camera.js';

const GROUP = '239.255.255.250';
const PORT = 3702;
const PROBE_ACTION = 'http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe';

export interface DiscoverableCamera {
  readonly id: string;
  readonly host: string;
  readonly httpPort: number;
  readonly onvifUrl: string;
  readonly fault: SimulatedFault;
  readonly device: DeviceInformation;
}

/** A stable urn:uuid per camera id, as a real camera keeps one across reboots. */
function endpointOf(id: string): string {
  const hex = createHash('sha1').update(id).digest('hex');
  return `urn:uuid:${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const scope = (key: string, value: string) => `onvif://www.onvif.org/${key}/${encodeURIComponent(value)}`;

function probeMatches(relatesTo: string, endpoint: string, scopes: string, xaddrs: string, doctype = ''): string {
  const id = `uuid:${createHash('sha1').update(`${endpoint}${relatesTo}${xaddrs}`).digest('hex').slice(0, 32)}`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>${doctype}` +
    '<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://www.w3.org/2003/05/soap-envelope" xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl" xmlns:tds="http://www.onvif.org/ver10/device/wsdl">' +
    '<SOAP-ENV:Header>' +
    `<wsa:MessageID>${id}</wsa:MessageID>` +
    `<wsa:RelatesTo>${escapeXml(relatesTo)}</wsa:RelatesTo>` +
    '<wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>' +
    '<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>' +
    '</SOAP-ENV:Header>' +
    '<SOAP-ENV:Body><d:ProbeMatches><d:ProbeMatch>' +
    `<wsa:EndpointReference><wsa:Address>${endpoint}</wsa:Address></wsa:EndpointReference>` +
    '<d:Types>dn:NetworkVideoTransmitter tds:Device</d:Types>' +
    `<d:Scopes>${escapeXml(scopes)}</d:Scopes>` +
    `<d:XAddrs>${escapeXml(xaddrs)}</d:XAddrs>` +
    '<d:MetadataVersion>1</d:MetadataVersion>' +
    '</d:ProbeMatch></d:ProbeMatches></SOAP-ENV:Body></SOAP-ENV:Envelope>'
  );
}

function scopesOf(camera: DiscoverableCamera): string {
  return [
    'onvif://www.onvif.org/type/video_encoder',
    'onvif://www.onvif.org/Profile/Streaming',
    scope('hardware', camera.device.model),
    scope('name', camera.device.manufacturer),
    'onvif://www.onvif.org/location/country/vietnam',
  ].join(' ');
}

/** What a camera sends back to a probe: the good reply, or the broken ones of `discovery_garbage`. */
export function answersTo(camera: DiscoverableCamera, relatesTo: string): string[] {
  const endpoint = endpointOf(camera.id);
  const url = (path: string) => `http://${camera.host}:${camera.httpPort}${path}`;
  if (camera.fault !== 'discovery_garbage') {
    const reply = probeMatches(relatesTo, endpoint, scopesOf(camera), camera.onvifUrl);
    return [reply, reply];
  }
  const unclosed = probeMatches(relatesTo, endpoint, scopesOf(camera), url('/malformed')).replace('</d:ProbeMatches>', '');
  const laughs = '<!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>';
  return [
    unclosed,
    probeMatches('uuid:00000000-0000-0000-0000-000000000000', endpoint, scopesOf(camera), url('/wrong-relates-to')),
    probeMatches(relatesTo, endpoint, `${scopesOf(camera)} ${scope('location', 'x'.repeat(40_000))}`, url('/huge')),
    probeMatches(relatesTo, endpoint, `${scopesOf(camera)} ${scope('name', '&b;')}`, url('/entities'), laughs).replace('%26b%3B', '&b;'),
  ];
}

export class DiscoveryResponder {
  private socket: dgram.Socket | undefined;

  /** `interfaceAddress`: the IPv4 address whose interface joins the group (the fleet's host). */
  constructor(
    private readonly cameras: () => readonly DiscoverableCamera[],
    private readonly interfaceAddress: string,
  ) {}

  start(): Promise<void> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    this.socket = socket;
    socket.on('message', (message, remote) => this.answer(message.toString('utf8'), remote));
    return new Promise((resolve, reject) => {
      socket.once('error', reject);
      // Bound to the group, the socket gets the probes and nothing sent to this host's other addresses.
      socket.bind(PORT, GROUP, () => {
        try {
          socket.addMembership(GROUP, this.interfaceAddress);
        } catch (error) {
          reject(error as Error);
          return;
        }
        socket.off('error', reject);
        socket.on('error', () => undefined);
        resolve();
      });
    });
  }

  private answer(message: string, remote: dgram.RemoteInfo): void {
    if (message.length > 64 * 1024 || element(message, 'Action')?.text !== PROBE_ACTION) return;
    const messageId = element(message, 'MessageID')?.text;
    const types = element(message, 'Types')?.text ?? '';
    if (!messageId || (types !== '' && !/(^|[\s:])(NetworkVideoTransmitter|Device)(\s|$)/.test(types))) return;
    for (const camera of this.cameras()) {
      if (camera.fault === 'offline' || camera.fault === 'hang') continue;
      for (const reply of answersTo(camera, messageId)) this.socket?.send(reply, remote.port, remote.address);
    }
  }

  stop(): Promise<void> {
    const socket = this.socket;
    this.socket = undefined;
    return new Promise((resolve) => (socket ? socket.close(() => resolve()) : resolve()));
  }
}
