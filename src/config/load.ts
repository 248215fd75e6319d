/**
 * Loads and validates the YAML config. Every problem is reported with file, line, field path
 * and what is wrong, before anything touches the database. Passwords are read from the
 * environment into a separate map so that the config object itself can be logged and stored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { boundaryKey, inspectMbtiles, inspectPmtiles, readBoundaries } from './map.js';
import { configSchemaFor, type CameraConfig, type ChannelSchemas, type RawConfig, type UnitConfig } from './schema.js';

export interface ConfigIssue {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
  path: string;
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return `${where} ${issue.path || '(top level)'}: ${issue.message}`;
}

/** A unit of the tree with its place in it, flattened for lookups. */
export interface UnitNode {
  id: string;
  name: string;
  kind: UnitConfig['kind'];
  code?: string | undefined;
  parentId?: string | undefined;
  population?: number | undefined;
  areaKm2?: number | undefined;
  contacts: UnitConfig['contacts'];
  /** ids from the root down to this unit, inclusive */
  lineage: string[];
}

export interface Config {
  file: string;
  raw: RawConfig;
  units: Map<string, UnitNode>;
  /** Camera id → password, from the environment. Never serialise this. */
  secrets: ReadonlyMap<string, string>;
  /**
   * Password variables that are not set (only when loaded with `requireSecrets: false`, for the
   * commands that never talk to a camera); `run` and `check` refuse to start without them.
   */
  missingSecrets: readonly string[];
}

type PathKey = string | number;

function formatPath(segments: readonly PathKey[]): string {
  return segments.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${key}` : key), '');
}

/** The nearest YAML node that exists on the path (a missing field points at its parent). */
function locate(doc: Document, lines: LineCounter, segments: readonly PathKey[]) {
  for (let depth = segments.length; depth >= 0; depth--) {
    const node = doc.getIn(segments.slice(0, depth), true);
    if (isNode(node) && node.range) {
      const pos = lines.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
  }
  return {};
}

function walkUnits(units: UnitConfig[], parent: UnitNode | undefined, out: Map<string, UnitNode>, report: (p: PathKey[], m: string) => void, at: PathKey[]) {
  units.forEach((unit, index) => {
    const here = [...at, index];
    if (out.has(unit.id)) report([...here, 'id'], `unit id "${unit.id}" is used twice; ids must be unique in the whole tree`);
    const node: UnitNode = {
      id: unit.id,
      name: unit.name,
      kind: unit.kind,
      code: unit.code,
      parentId: parent?.id,
      population: unit.population,
      areaKm2: unit.area_km2,
      contacts: unit.contacts,
      lineage: [...(parent?.lineage ?? []), unit.id],
    };
    out.set(unit.id, node);
    walkUnits(unit.children, node, out, report, [...here, 'children']);
  });
}

function crossCheck(raw: RawConfig, env: NodeJS.ProcessEnv, requireSecrets: boolean, report: (p: PathKey[], m: string) => void) {
  const units = new Map<string, UnitNode>();
  walkUnits(raw.units, undefined, units, report, ['units']);

  const codes = new Map<string, string>();
  for (const unit of units.values()) {
    if (!unit.code) continue;
    const other = codes.get(unit.code);
    if (other) report(['units'], `official code "${unit.code}" is given to both "${other}" and "${unit.id}"`);
    codes.set(unit.code, unit.id);
  }

  const contractorIds = new Set<string>();
  raw.contractors.forEach((contractor, index) => {
    if (contractorIds.has(contractor.id)) report(['contractors', index, 'id'], `contractor id "${contractor.id}" is used twice`);
    contractorIds.add(contractor.id);
  });

  const secrets = new Map<string, string>();
  const missingSecrets: string[] = [];
  const cameraIds = new Set<string>();
  raw.cameras.forEach((camera: CameraConfig, index) => {
    const at = ['cameras', index];
    if (cameraIds.has(camera.id)) report([...at, 'id'], `camera id "${camera.id}" is used twice`);
    cameraIds.add(camera.id);
    if (!units.has(camera.unit)) report([...at, 'unit'], `unit "${camera.unit}" is not in the units tree`);
    if (camera.contractor && !contractorIds.has(camera.contractor)) {
      report([...at, 'contractor'], `contractor "${camera.contractor}" is not listed under contractors`);
    }
    if ((camera.lat === undefined) !== (camera.lon === undefined)) report([...at, camera.lat === undefined ? 'lat' : 'lon'], 'give both lat and lon, or neither');
    const password = env[camera.onvif.password_env];
    if (password !== undefined && password !== '') secrets.set(camera.id, password);
    else if (requireSecrets) report([...at, 'onvif', 'password_env'], `environment variable ${camera.onvif.password_env} is not set; set it to the camera's password`);
    else if (!missingSecrets.includes(camera.onvif.password_env)) missingSecrets.push(camera.onvif.password_env);
  });
  return { units, secrets, missingSecrets };
}

/** Folders that evidence (and its retention) must never be put in. */
const SYSTEM_DIRS = ['/etc', '/usr', '/bin', '/sbin', '/lib', '/lib64', '/boot', '/dev', '/proc', '/sys', '/run', '/root', '/var/lib/dpkg', '/var/log'];

export interface LoadOptions {
  /** false for commands that never talk to a camera: unset password variables are listed, not errors */
  requireSecrets?: boolean;
  /** the alert channels (src/alerts/channels), so that their names and sections are checked at load like the rest */
  channels?: ChannelSchemas | undefined;
}

export function parseConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      doc.errors.map((error) => {
        const pos = error.linePos?.[0];
        return { file, line: pos?.line, column: pos?.col, path: '', message: `YAML syntax: ${error.message.split('\n')[0]}` };
      }),
    );
  }
  // An alias inside the node it names (`&u … children: [*u]`) would make an endless tree.
  let cycle: ConfigIssue | undefined;
  visit(doc, {
    Alias(_key, alias, ancestors) {
      const target = alias.resolve(doc);
      if (!target || !ancestors.includes(target)) return undefined;
      const pos = alias.range ? lines.linePos(alias.range[0]) : undefined;
      cycle = { file, line: pos?.line, column: pos?.col, path: '', message: `the alias *${alias.source} is inside the block &${alias.source} it repeats, which never ends; copy the block instead` };
      return visit.BREAK;
    },
  });
  if (cycle) throw new ConfigError([cycle]);
  const issues: ConfigIssue[] = [];
  const report = (segments: PathKey[], message: string) => issues.push({ file, ...locate(doc, lines, segments), path: formatPath(segments), message });

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases of aliases that expand without end ("billion laughs").
    throw new ConfigError([{ file, path: '', message: `YAML aliases expand too far: ${error instanceof Error ? error.message : String(error)}` }]);
  }
  const parsed = configSchemaFor(options.channels).safeParse(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues as z.core.$ZodIssue[]) report(issue.path as PathKey[], describe(issue));
    throw new ConfigError(issues);
  }
  const { units, secrets, missingSecrets } = crossCheck(parsed.data, env, options.requireSecrets ?? true, report);
  const evidence = path.resolve(path.dirname(file), parsed.data.evidence_dir);
  const inside = (dir: string) => evidence === dir || evidence.startsWith(dir + path.sep);
  if (evidence === path.parse(evidence).root || SYSTEM_DIRS.some(inside)) {
    report(['evidence_dir'], `"${evidence}" is a system folder; give camwatch a folder of its own, e.g. /var/lib/camwatch/evidence`);
  }
  checkMapFiles(parsed.data, file, units, report);
  if (issues.length > 0) throw new ConfigError(issues);
  return { file, raw: parsed.data, units, secrets, missingSecrets };
}

/** The map's files exist and are what they claim; the boundaries name at least one unit of the tree. */
function checkMapFiles(raw: RawConfig, file: string, units: ReadonlyMap<string, UnitNode>, report: (p: PathKey[], m: string) => void) {
  const resolve = (target: string) => path.resolve(path.dirname(file), target);
  const { tiles, boundaries } = raw.map;
  const tileFiles = [['mbtiles', tiles?.mbtiles, inspectMbtiles], ['pmtiles', tiles?.pmtiles, inspectPmtiles]] as const;
  for (const [field, target, inspect] of tileFiles) {
    if (target === undefined) continue;
    const info = inspect(resolve(target));
    if ('problem' in info) report(['map', 'tiles', field], `"${resolve(target)}" ${info.problem}`);
  }
  if (boundaries) {
    const features = readBoundaries(resolve(boundaries.file));
    if ('problem' in features) return report(['map', 'boundaries', 'file'], `"${resolve(boundaries.file)}" ${features.problem}`);
    const keys = new Set([...units.values()].flatMap((unit) => [unit.id, ...(unit.code ? [unit.code] : [])]));
    if (!features.some((feature) => keys.has(boundaryKey(feature, boundaries.property) ?? ''))) {
      report(['map', 'boundaries', 'property'], `no feature of "${resolve(boundaries.file)}" has a property "${boundaries.property}" equal to a unit's code or id; set property to the one that holds the commune code (e.g. ma_xa)`);
    }
  }
}

function describe(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}; check the spelling against the config reference in README.md`;
  if (issue.code === 'invalid_type' && issue.input === undefined) return `is required (${issue.expected})`;
  return issue.message;
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : String(error);
    throw new ConfigError([{ file, path: '', message: `cannot read the config: ${reason}` }]);
  }
  return parseConfig(text, file, env, options);
}

/** Paths in the config are relative to the config file's folder. */
export function resolveFromConfig(config: Config, target: string): string {
  return path.resolve(path.dirname(config.file), target);
}
