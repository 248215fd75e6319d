/**
 * Loads and validates the YAML config. Every problem is reported with file, line, field path
 * and what is wrong, before anything touches the database. Passwords are read from the
 * environment into a separate map so that the config object itself can be logged and stored.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, parseDocument, isNode, visit, type Document } from 'yaml';
import { z } from 'zod';
import { boundaryKey, inspectMbtiles, inspectPmtiles, readBoundaries } from './map.js';
import { localize, readSchemaMessage, type ConfigMessageKey, type ConfigText, type Localized } from './messages.js';
import { LOCALES, type Locale } from '../i18n/index.js';
import { configSchemaFor, type CameraConfig, type ChannelSchemas, type RawConfig, type UnitConfig } from './schema.js';

export interface ConfigIssue {
  file: string;
  line?: number | undefined;
  column?: number | undefined;
  path: string;
  /** what is wrong and how to fix it, in each language */
  text: Localized;
}

export class ConfigError extends Error {
  /**
   * @param locale the broken config's own `locale`, when it could be read: the language to tell
   * its problems in, unless the command was asked for another.
   */
  constructor(
    readonly issues: ConfigIssue[],
    readonly locale?: Locale | undefined,
  ) {
    super(issues.map((issue) => formatIssue(issue)).join('\n'));
    this.name = 'ConfigError';
  }

  /** The problems, one line each, in a language. */
  lines(locale: Locale): string[] {
    return this.issues.map((issue) => formatIssue(issue, locale));
  }
}

function formatIssue(issue: ConfigIssue, locale: Locale = 'en'): string {
  const where = issue.line ? `${issue.file}:${issue.line}:${issue.column ?? 1}` : issue.file;
  return `${where} ${issue.path || localize({ key: 'topLevel' })[locale]}: ${issue.text[locale]}`;
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
/** Records a problem at a field, as a message of the catalogue. */
type Report = (segments: PathKey[], text: ConfigText) => void;

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

function walkUnits(units: UnitConfig[], parent: UnitNode | undefined, out: Map<string, UnitNode>, report: Report, at: PathKey[]) {
  units.forEach((unit, index) => {
    const here = [...at, index];
    if (out.has(unit.id)) report([...here, 'id'], { key: 'unitTwice', params: { id: unit.id } });
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

function crossCheck(raw: RawConfig, env: NodeJS.ProcessEnv, requireSecrets: boolean, report: Report) {
  const units = new Map<string, UnitNode>();
  walkUnits(raw.units, undefined, units, report, ['units']);

  const codes = new Map<string, string>();
  for (const unit of units.values()) {
    if (!unit.code) continue;
    const other = codes.get(unit.code);
    if (other) report(['units'], { key: 'codeTwice', params: { code: unit.code, first: other, second: unit.id } });
    codes.set(unit.code, unit.id);
  }

  const contractorIds = new Set<string>();
  raw.contractors.forEach((contractor, index) => {
    if (contractorIds.has(contractor.id)) report(['contractors', index, 'id'], { key: 'contractorTwice', params: { id: contractor.id } });
    contractorIds.add(contractor.id);
  });

  const secrets = new Map<string, string>();
  const missingSecrets: string[] = [];
  const cameraIds = new Set<string>();
  raw.cameras.forEach((camera: CameraConfig, index) => {
    const at = ['cameras', index];
    if (cameraIds.has(camera.id)) report([...at, 'id'], { key: 'cameraTwice', params: { id: camera.id } });
    cameraIds.add(camera.id);
    if (!units.has(camera.unit)) report([...at, 'unit'], { key: 'unknownUnit', params: { unit: camera.unit } });
    if (camera.contractor && !contractorIds.has(camera.contractor)) {
      report([...at, 'contractor'], { key: 'unknownContractor', params: { id: camera.contractor } });
    }
    if ((camera.lat === undefined) !== (camera.lon === undefined)) report([...at, camera.lat === undefined ? 'lat' : 'lon'], { key: 'latLon' });
    const password = env[camera.onvif.password_env];
    if (password !== undefined && password !== '') secrets.set(camera.id, password);
    else if (requireSecrets) report([...at, 'onvif', 'password_env'], { key: 'passwordUnset', params: { name: camera.onvif.password_env } });
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
        return { file, line: pos?.line, column: pos?.col, path: '', text: localize({ key: 'yamlSyntax', params: { detail: error.message.split('\n')[0] ?? '' } }) };
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
      cycle = { file, line: pos?.line, column: pos?.col, path: '', text: localize({ key: 'aliasCycle', params: { name: alias.source } }) };
      return visit.BREAK;
    },
  });
  if (cycle) throw new ConfigError([cycle]);
  const issues: ConfigIssue[] = [];
  const localizedAt = (segments: PathKey[], text: Localized) => issues.push({ file, ...locate(doc, lines, segments), path: formatPath(segments), text });
  const report: Report = (segments, text) => localizedAt(segments, localize(text));

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // Aliases of aliases that expand without end ("billion laughs").
    throw new ConfigError([{ file, path: '', text: localize({ key: 'aliasTooFar', params: { detail: error instanceof Error ? error.message : String(error) } }) }]);
  }
  const schema = configSchemaFor(options.channels);
  // The refused value is kept in each issue: it tells a missing field from a wrong one, and names what was given.
  const parsed = schema.safeParse(data, { reportInput: true });
  const locale = ownLocale(data);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) localizedAt(issue.path as PathKey[], describe(issue as z.core.$ZodIssue));
    throw new ConfigError(issues, locale);
  }
  const { units, secrets, missingSecrets } = crossCheck(parsed.data, env, options.requireSecrets ?? true, report);
  const evidence = path.resolve(path.dirname(file), parsed.data.evidence_dir);
  const inside = (dir: string) => evidence === dir || evidence.startsWith(dir + path.sep);
  if (evidence === path.parse(evidence).root || SYSTEM_DIRS.some(inside)) {
    report(['evidence_dir'], { key: 'systemFolder', params: { dir: evidence } });
  }
  checkMapFiles(parsed.data, file, units, report);
  if (issues.length > 0) throw new ConfigError(issues, locale);
  return { file, raw: parsed.data, units, secrets, missingSecrets };
}

/** The map's files exist and are what they claim; the boundaries name at least one unit of the tree. */
function checkMapFiles(raw: RawConfig, file: string, units: ReadonlyMap<string, UnitNode>, report: Report) {
  const resolve = (target: string) => path.resolve(path.dirname(file), target);
  const { tiles, boundaries } = raw.map;
  const tileFiles = [['mbtiles', tiles?.mbtiles, inspectMbtiles], ['pmtiles', tiles?.pmtiles, inspectPmtiles]] as const;
  for (const [field, target, inspect] of tileFiles) {
    if (target === undefined) continue;
    const info = inspect(resolve(target));
    if ('problem' in info) report(['map', 'tiles', field], { key: 'fileProblem', params: { file: resolve(target), problem: info.problem } });
  }
  if (boundaries) {
    const features = readBoundaries(resolve(boundaries.file));
    if ('problem' in features) return report(['map', 'boundaries', 'file'], { key: 'fileProblem', params: { file: resolve(boundaries.file), problem: features.problem } });
    const keys = new Set([...units.values()].flatMap((unit) => [unit.id, ...(unit.code ? [unit.code] : [])]));
    if (!features.some((feature) => keys.has(boundaryKey(feature, boundaries.property) ?? ''))) {
      report(['map', 'boundaries', 'property'], { key: 'boundaryProperty', params: { file: resolve(boundaries.file), property: boundaries.property } });
    }
  }
}

/** A zod issue in both languages: the schema's own message, or zod's finding put in the catalogue's words. */
function describe(issue: z.core.$ZodIssue): Localized {
  const own = readSchemaMessage(issue.message);
  return localize(own ?? zodText(issue));
}

function zodText(issue: z.core.$ZodIssue): ConfigText {
  switch (issue.code) {
    case 'unrecognized_keys':
      return { key: 'unknownFields', params: { keys: issue.keys.map((k) => `"${k}"`).join(', ') } };
    case 'invalid_type': {
      const expected = typeWord(issue.expected);
      return issue.input === undefined ? { key: 'required', params: { expected } } : { key: 'wrongType', params: { expected, received: typeWord(kindOf(issue.input)) } };
    }
    case 'invalid_value':
      return { key: 'oneOf', params: { values: issue.values.map(String).join(', ') } };
    case 'too_big':
    case 'too_small':
      return sizeText(issue);
    case 'invalid_format':
      return issue.format === 'email' ? { key: 'email' } : { key: 'notValid', params: { detail: issue.message } };
    case 'invalid_union':
      return { key: 'noKindFits' };
    default:
      return { key: 'notValid', params: { detail: issue.message } };
  }
}

/** A bound on a number, a text's length or a list's length, as the catalogue says it. */
function sizeText(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall): ConfigText {
  const big = issue.code === 'too_big';
  const limit = Number(big ? issue.maximum : issue.minimum);
  if (issue.origin === 'string') return { key: big ? 'longest' : limit === 1 ? 'notEmpty' : 'shortest', params: { limit } };
  if (issue.origin === 'array' || issue.origin === 'set') return { key: big ? 'mostItems' : 'fewestItems', params: { limit } };
  const inclusive = issue.inclusive !== false;
  return { key: big ? (inclusive ? 'atMost' : 'below') : inclusive ? 'atLeast' : 'above', params: { limit } };
}

const TYPE_WORDS = {
  string: 'type_string',
  number: 'type_number',
  int: 'type_int',
  decimal: 'type_decimal',
  boolean: 'type_boolean',
  array: 'type_array',
  object: 'type_object',
  null: 'type_null',
} as const satisfies Record<string, ConfigMessageKey>;

function typeWord(type: string): ConfigText {
  return { key: Object.hasOwn(TYPE_WORDS, type) ? TYPE_WORDS[type as keyof typeof TYPE_WORDS] : 'type_other' };
}

/** The kind of a value the YAML gave, in the words zod names types with (and `decimal`, where a whole number was wanted). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && !Number.isInteger(value)) return 'decimal';
  return typeof value;
}

/** The config's own `locale`, when the broken file still says one. */
function ownLocale(data: unknown): Locale | undefined {
  const locale = (data as { locale?: unknown } | null)?.locale;
  return LOCALES.find((known) => known === locale);
}

export function loadConfig(file: string, env: NodeJS.ProcessEnv = process.env, options: LoadOptions = {}): Config {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const text: ConfigText = (error as NodeJS.ErrnoException).code === 'ENOENT' ? { key: 'configNotFound' } : { key: 'configUnreadable', params: { detail: String(error) } };
    throw new ConfigError([{ file, path: '', text: localize(text) }]);
  }
  return parseConfig(text, file, env, options);
}

/** Paths in the config are relative to the config file's folder. */
export function resolveFromConfig(config: Config, target: string): string {
  return path.resolve(path.dirname(config.file), target);
}
