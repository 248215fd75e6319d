/**
 * What a WS-Discovery probe found, against the inventory: a device is already known when one of
 * the ONVIF addresses it announces is the host and port of a configured camera; every other one
 * comes with a `cameras:` entry to paste into the config (its password by password_env, never
 * the password itself).
 */
import { stringify } from 'yaml';
import type { Config, UnitNode } from '../config/load.js';
import type { CameraConfig } from '../config/schema.js';
import type { DiscoveredDevice, DiscoveryResult } from '../probe/discovery.js';

export interface NewDevice {
  device: DiscoveredDevice;
  /** the device service address the entry uses */
  host: string;
  port: number;
  /** the camera entry, as the config writes it */
  entry: Pick<CameraConfig, 'id' | 'name' | 'unit'> & { onvif: { host: string; port: number; user: string; password_env: string } };
  /** `entry` as YAML, one item of the `cameras:` list */
  snippet: string;
}

export interface KnownDevice {
  device: DiscoveredDevice;
  cameraId: string;
}

export interface DiscoveryReport {
  newDevices: NewDevice[];
  known: KnownDevice[];
  ignored: number;
  truncated: boolean;
}

const DEFAULT_PORTS: Readonly<Record<string, number>> = { 'http:': 80, 'https:': 443 };

/** Host (lower case, IPv6 brackets kept as the config writes them) and port of a device address. */
function hostPort(address: string): { host: string; port: number } | undefined {
  try {
    const url = new URL(address);
    return { host: url.hostname.toLowerCase(), port: url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 80) };
  } catch {
    return undefined;
  }
}

const sameAddress = (a: { host: string; port: number }, b: { host: string; port: number }) => a.host === b.host.toLowerCase() && a.port === b.port;

/** The unit new entries go under when none is asked for: the first unit with no unit below it (a commune). */
export function defaultUnit(units: ReadonlyMap<string, UnitNode>): string {
  const parents = new Set([...units.values()].map((u) => u.parentId));
  const leaf = [...units.values()].find((u) => !parents.has(u.id));
  return (leaf ?? [...units.values()][0]!).id;
}

/** An id from the address, unique among the configured cameras and the entries already made. */
function entryId(host: string, port: number, taken: Set<string>): string {
  const base = `cam-${host.replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')}${port === 80 ? '' : `-${port}`}`;
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`;
  taken.add(id);
  return id;
}

/** "maker model", once: many cameras already put the model in the name scope the maker is read from. */
export function deviceLabel(device: Pick<DiscoveredDevice, 'maker' | 'model'>): string {
  const { maker, model } = device;
  return maker && model && maker.includes(model) ? maker : [maker, model].filter(Boolean).join(' ');
}

/** Sorts the devices into known and new, and writes an entry for each new one under `unit`. */
export function compareWithInventory(config: Config, result: DiscoveryResult, unit: string = defaultUnit(config.units)): DiscoveryReport {
  const cameras = config.raw.cameras;
  const taken = new Set(cameras.map((c) => c.id));
  const report: DiscoveryReport = { newDevices: [], known: [], ignored: result.ignored, truncated: result.truncated };
  for (const device of result.devices) {
    const addresses = device.addresses.map(hostPort).filter((a) => a !== undefined);
    const camera = cameras.find((c) => addresses.some((a) => sameAddress(a, c.onvif)));
    if (camera) {
      report.known.push({ device, cameraId: camera.id });
      continue;
    }
    // An IPv4 address before a host name or an IPv6 one: what a commune's network is set up with.
    const chosen = addresses.find((a) => /^\d+\.\d+\.\d+\.\d+$/.test(a.host)) ?? addresses[0];
    if (!chosen) continue;
    const id = entryId(chosen.host, chosen.port, taken);
    const label = deviceLabel(device);
    const entry = {
      id,
      name: label ? `${label} (${chosen.host})` : chosen.host,
      unit,
      onvif: { host: chosen.host, port: chosen.port, user: 'admin', password_env: `${id.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_PASSWORD` },
    };
    report.newDevices.push({ device, ...chosen, entry, snippet: stringify([entry]) });
  }
  return report;
}

/** The report as scripts read it (and the dashboard shows it). */
export function discoveryJson(report: DiscoveryReport) {
  return {
    devices: report.newDevices.map(({ device, host, port, entry, snippet }) => ({ ...device, label: deviceLabel(device), host, port, entry, snippet })),
    known: report.known.map(({ device, cameraId }) => ({ cameraId, endpoint: device.endpoint, addresses: device.addresses })),
    ignored: report.ignored,
    truncated: report.truncated,
  };
}
