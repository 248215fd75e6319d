/**
 * ONVIF WS-Discovery: a Probe for video transmitters sent to the LAN's multicast group, and the
 * ProbeMatches that come back within a bounded time. Anyone on the LAN can answer, so replies
 * are read defensively: a datagram over MAX_REPLY_BYTES, one that is not well-formed XML, one
 * that answers another probe (RelatesTo) or that names no video transmitter is counted and
 * dropped; strings are stripped of control characters (they end up on a terminal); a device
 * that answers twice (SOAP-over-UDP repeats every message) is listed once.
 */
import { randomUUID } from 'node:crypto';
import dgram from 'node:dgram';
import { child, childrenNamed, parseXml, type XmlElement } from './xml.js';

export const DISCOVERY_GROUP = '239.255.255.250';
export const DISCOVERY_PORT = 3702;
/** A camera's ProbeMatches is 1–4 KB; more is not a camera's answer. */
export const MAX_REPLY_BYTES = 32 * 1024;
/** Devices kept from one probe: a flood of distinct fake devices stops growing the list here. */
export const MAX_DEVICES = 256;
/** SOAP-over-UDP (MULTICAST_UDP_REPEAT = 1): the probe is sent once more, this long after the first. */
const REPEAT_AFTER_MS = 200;
/** Seconds a discovery may run: cameras answer within a second or two; longer only holds the command. */
export const DISCOVERY_TIMEOUT_S = { min: 0.5, max: 30, default: 3 } as const;

const XML_LIMITS = { maxElements: 400, maxDepth: 16 };
const MAX_ADDRESSES = 8;
const MAX_SCOPES = 64;
const MAX_STRING = 1024;
const MAX_LABEL = 100;

const ONVIF_SCOPE = 'onvif://www.onvif.org/';
const PROBE_MATCHES = 'http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches';

export interface DiscoveredDevice {
  /** the device's WS-Addressing endpoint, usually urn:uuid:… */
  endpoint: string;
  /** from the scope onvif://www.onvif.org/name/… (many cameras put their maker there), else mfr/… */
  maker: string | undefined;
  /** from the scope onvif://www.onvif.org/hardware/… */
  model: string | undefined;
  /** the ONVIF device service URLs it announces (XAddrs) */
  addresses: string[];
  scopes: string[];
  /** the address its reply came from */
  from: string;
}

export interface DiscoveryResult {
  devices: DiscoveredDevice[];
  /** replies dropped: too large, not well-formed, for another probe, or not a video transmitter */
  ignored: number;
  /** true when more than MAX_DEVICES devices answered */
  truncated: boolean;
}

export interface DiscoveryOptions {
  /** how long replies are collected after the first probe */
  timeoutMs: number;
  /** the IPv4 address of the interface to probe on; the routing table's choice when absent */
  interfaceAddress?: string | undefined;
  /** for tests only: the group and port to probe */
  group?: string;
  port?: number;
}

export function probeMessage(messageId: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>' +
    '<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" ' +
    'xmlns:d="http://schemas.xmlsoap.org/ws/2005/04/discovery" xmlns:dn="http://www.onvif.org/ver10/network/wsdl">' +
    '<s:Header>' +
    '<a:Action s:mustUnderstand="1">http://schemas.xmlsoap.org/ws/2005/04/discovery/Probe</a:Action>' +
    `<a:MessageID>${messageId}</a:MessageID>` +
    '<a:ReplyTo><a:Address>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>' +
    '<a:To s:mustUnderstand="1">urn:schemas-xmlsoap-org:ws:2005:04:discovery</a:To>' +
    '</s:Header>' +
    '<s:Body><d:Probe><d:Types>dn:NetworkVideoTransmitter</d:Types></d:Probe></s:Body>' +
    '</s:Envelope>'
  );
}

/** Printable text: no control characters (a terminal escape in a device name), bounded. */
function printable(text: string, max: number): string {
  return text.replace(/[\p{Cc}\p{Cf}]/gu, '').trim().slice(0, max);
}

/** The whitespace-separated list in an element, each item printable and bounded. */
function list(element: XmlElement | undefined, max: number): string[] {
  const items = (element?.text ?? '').split(/\s+/).filter(Boolean).slice(0, max);
  return items.map((item) => printable(item, MAX_STRING)).filter(Boolean);
}

/** The value of the first scope under onvif://www.onvif.org/<key>/, %-decoded. */
function scopeValue(scopes: readonly string[], key: string): string | undefined {
  const prefix = `${ONVIF_SCOPE}${key}/`;
  const scope = scopes.find((s) => s.toLowerCase().startsWith(prefix));
  if (!scope) return undefined;
  let value = scope.slice(prefix.length);
  try {
    value = decodeURIComponent(value);
  } catch {
    // left as sent: a malformed %-escape is still a readable name
  }
  return printable(value.replace(/\/+$/, ''), MAX_LABEL) || undefined;
}

const deviceAddress = (text: string) => {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/**
 * The devices of one reply to the probe `messageIds` names, or undefined when the reply is to be
 * ignored (see the module comment).
 */
export function parseProbeMatches(datagram: Buffer, messageIds: ReadonlySet<string>, from: string): DiscoveredDevice[] | undefined {
  if (datagram.length > MAX_REPLY_BYTES) return undefined;
  const envelope = parseXml(datagram.toString('utf8'), XML_LIMITS);
  if (envelope?.name !== 'Envelope') return undefined;
  const header = child(envelope, 'Header');
  if (!messageIds.has(child(header, 'RelatesTo')?.text.trim() ?? '')) return undefined;
  const action = child(header, 'Action')?.text.trim();
  if (action !== undefined && action !== PROBE_MATCHES) return undefined;
  const devices = childrenNamed(child(child(envelope, 'Body'), 'ProbeMatches'), 'ProbeMatch').flatMap((match) => {
    const types = list(child(match, 'Types'), MAX_SCOPES);
    if (!types.some((type) => type.endsWith(':NetworkVideoTransmitter') || type === 'NetworkVideoTransmitter')) return [];
    const addresses = list(child(match, 'XAddrs'), MAX_ADDRESSES).filter(deviceAddress);
    if (addresses.length === 0) return [];
    const scopes = list(child(match, 'Scopes'), MAX_SCOPES);
    const endpoint = printable(child(child(match, 'EndpointReference'), 'Address')?.text ?? '', MAX_STRING) || addresses[0]!;
    return [{ endpoint, maker: scopeValue(scopes, 'name') ?? scopeValue(scopes, 'mfr'), model: scopeValue(scopes, 'hardware'), addresses, scopes, from }];
  });
  return devices.length > 0 ? devices : undefined;
}

/** Adds a device to the list, merging it into one it repeats (same endpoint, or an address in common). */
function merge(devices: DiscoveredDevice[], device: DiscoveredDevice): 'added' | 'merged' | 'full' {
  const same = devices.find((d) => d.endpoint === device.endpoint || d.addresses.some((a) => device.addresses.includes(a)));
  if (same) {
    same.addresses = [...new Set([...same.addresses, ...device.addresses])].slice(0, MAX_ADDRESSES);
    same.scopes = [...new Set([...same.scopes, ...device.scopes])].slice(0, MAX_SCOPES);
    same.maker ??= device.maker;
    same.model ??= device.model;
    return 'merged';
  }
  if (devices.length >= MAX_DEVICES) return 'full';
  devices.push(device);
  return 'added';
}

/** Probes the LAN and collects the answers for `timeoutMs`; rejects only when the probe cannot be sent at all. */
export function discover(options: DiscoveryOptions): Promise<DiscoveryResult> {
  const group = options.group ?? DISCOVERY_GROUP;
  const port = options.port ?? DISCOVERY_PORT;
  const messageId = `uuid:${randomUUID()}`;
  const ids = new Set([messageId]);
  const probe = Buffer.from(probeMessage(messageId));
  const result: DiscoveryResult = { devices: [], ignored: 0, truncated: false };
  const socket = dgram.createSocket({ type: 'udp4' });
  return new Promise((resolve, reject) => {
    const timers: NodeJS.Timeout[] = [];
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      for (const timer of timers) clearTimeout(timer);
      socket.close();
      if (error) reject(error);
      else resolve(result);
    };
    const send = () => socket.send(probe, port, group, (error) => error && finish(error));
    socket.on('error', (error) => finish(error));
    socket.on('message', (datagram, remote) => {
      const devices = parseProbeMatches(datagram, ids, remote.address);
      if (!devices) result.ignored++;
      for (const device of devices ?? []) if (merge(result.devices, device) === 'full') result.truncated = true;
    });
    socket.bind({ port: 0, address: options.interfaceAddress }, () => {
      try {
        if (options.interfaceAddress) socket.setMulticastInterface(options.interfaceAddress);
        // Discovery stays on the local link (WS-Discovery: TTL 1).
        socket.setMulticastTTL(1);
      } catch (error) {
        finish(error as Error);
        return;
      }
      send();
      timers.push(setTimeout(send, Math.min(REPEAT_AFTER_MS, options.timeoutMs / 2)), setTimeout(() => finish(), options.timeoutMs));
    });
  });
}
