/**
 * Layers only import downward: a module may import its own folder or a folder of a lower layer,
 * never one beside it or above it. The layers, lowest first, follow what each folder does.
 * And each table has one module in src/store that owns its SQL.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(import.meta.dirname, '../../src');

const LAYERS: readonly (readonly string[])[] = [
  ['redact', 'paths', 'i18n', 'deadline'],
  ['log', 'config'],
  // probing a camera needs nothing of ours; the stored check row is its result
  ['probe'],
  // the job queue between servers and workers carries checks and their results, nothing stored
  ['queue'],
  ['store'],
  ['inventory'],
  ['quality'],
  // camera states and the incident lifecycle
  ['health'],
  ['alerts'],
  ['reports'],
  ['scheduler', 'live', 'simulator'],
  // the HTTP API formats what the layers below decide
  ['server'],
  // wiring: the daemon, the demo and the commands build everything above
  ['app'],
  ['cli'],
];

interface Edge {
  from: string;
  to: string;
}

/** The folder (or top-level module) of a file under src: `health/engine.ts` → `health`, `log.ts` → `log`. */
function folderOf(relative: string): string {
  const [first] = relative.split(/[\\/]/);
  return (first ?? '').replace(/\.[jt]s$/, '');
}

function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts'))
    .map((file) => path.join(dir, file));
}

/** Every relative import of every file, static, dynamic and type-only alike, as src-relative paths. */
function importEdges(files = sourceFiles()): Edge[] {
  const edges: Edge[] = [];
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      edges.push({ from: path.relative(SRC, file), to: path.relative(SRC, path.resolve(path.dirname(file), fileName)) });
    }
  }
  return edges;
}

const rank = new Map(LAYERS.flatMap((layer, index) => layer.map((folder) => [folder, index] as const)));

/** Edges into a folder that is not strictly below the importer's (its own folder excepted). */
function upwardEdges(edges: readonly Edge[]): string[] {
  return edges
    .filter(({ from, to }) => {
      const a = folderOf(from);
      const b = folderOf(to);
      return a !== b && (rank.get(b) ?? Infinity) >= (rank.get(a) ?? -Infinity);
    })
    .map(({ from, to }) => `${from} → ${to}`);
}

describe('the import graph of src', () => {
  const edges = importEdges();

  it('reads the imports (the parser is not silently finding nothing)', () => {
    expect(edges.length).toBeGreaterThan(200);
    expect(edges).toContainEqual({ from: 'cli.ts', to: 'app/context.js' });
    expect(edges).toContainEqual({ from: 'store/checks.ts', to: 'probe/check.js' });
  });

  it('places every folder of src in a layer', () => {
    const folders = new Set(sourceFiles().map((file) => folderOf(path.relative(SRC, file))));
    expect([...folders].filter((folder) => !rank.has(folder))).toEqual([]);
  });

  it('has no import from a layer above or beside', () => {
    expect(upwardEdges(edges)).toEqual([]);
  });

  it('reports an upward import, a sideways one and one into an unplaced folder', () => {
    expect(
      upwardEdges([
        { from: 'server/routes/incidents.ts', to: 'app/ack-command.js' },
        { from: 'live/streams.ts', to: 'simulator/index.js' },
        { from: 'health/engine.ts', to: 'somewhere/new.js' },
        { from: 'health/engine.ts', to: 'health/incidents.js' },
        { from: 'app/daemon.ts', to: 'log.js' },
      ]),
    ).toEqual(['server/routes/incidents.ts → app/ack-command.js', 'live/streams.ts → simulator/index.js', 'health/engine.ts → somewhere/new.js']);
  });
});

describe('camwatch worker', () => {
  /** Every src module a module reaches through its imports, itself included. */
  function reach(start: string, edges: readonly Edge[]): Set<string> {
    const seen = new Set<string>([start]);
    for (const file of seen) for (const { from, to } of edges) if (from === file) seen.add(to.replace(/\.js$/, '.ts'));
    return seen;
  }

  it('needs no database: nothing it imports reaches src/store', () => {
    const edges = importEdges();
    expect([...reach('app/worker.ts', edges)].filter((file) => folderOf(file) === 'store')).toEqual([]);
    // and the walk does find a store where there is one
    expect([...reach('app/daemon.ts', edges)].filter((file) => folderOf(file) === 'store').length).toBeGreaterThan(3);
  });
});

/** The module that alone may read or write each table. */
const OWNERS: Readonly<Record<string, string>> = {
  incidents: 'store/incidents.ts',
  alerts: 'store/alerts.ts',
  audit_log: 'store/audit.ts',
  checks: 'store/checks.ts',
  maintenance_windows: 'store/maintenance.ts',
  maintenance_visits: 'store/maintenance-visits.ts',
  maintenance_photos: 'store/maintenance-visits.ts',
  users: 'store/users.ts',
  sessions: 'store/users.ts',
  login_limits: 'store/login-limits.ts',
  kv: 'store/kv.ts',
  evidence_clips: 'store/clips.ts',
  uptime_hourly: 'store/uptime.ts',
  uptime_daily: 'store/uptime.ts',
  uptime_monthly: 'store/uptime.ts',
  camera_health: 'store/camera-health.ts',
  units: 'store/inventory.ts',
  contractors: 'store/inventory.ts',
  cameras: 'store/inventory.ts',
  contacts: 'store/inventory.ts',
  camera_registrations: 'store/owners.ts',
};

/**
 * Store modules that read another owner's table in a join, because the rows they answer for are
 * shown with it: the camera listings (every camera with its state) and the contract hours of an
 * incident. They never write it.
 */
const JOINS: Readonly<Record<string, readonly string[]>> = {
  'store/camera-health.ts': ['cameras', 'units'],
  'store/incidents.ts': ['contractors'],
};

/** SQL is written upper-case here, so an upper-case keyword before a table's name is a statement on it (prose says "from alerts"). */
const touches = (table: string, keywords = 'FROM|INTO|UPDATE|JOIN|TABLE') => new RegExp(`\\b(?:${keywords})\\s+${table}\\b`);
const WRITES = 'INTO|UPDATE|TABLE|DELETE\\s+FROM';

/** `file: table` for each file that has SQL on a table it does not own. */
function foreignSql(files: readonly { file: string; text: string }[]): string[] {
  return files.flatMap(({ file, text }) =>
    Object.entries(OWNERS)
      .filter(([table, owner]) => file !== owner && touches(table, JOINS[file]?.includes(table) ? WRITES : undefined).test(text))
      .map(([table]) => `${file}: ${table}`),
  );
}

describe('the SQL of each table', () => {
  const files = sourceFiles().map((file) => ({ file: path.relative(SRC, file).split(path.sep).join('/'), text: readFileSync(file, 'utf8') }));

  it('is found in its owner module', () => {
    for (const [table, owner] of Object.entries(OWNERS)) expect(touches(table).test(files.find((f) => f.file === owner)?.text ?? '')).toBe(true);
  });

  it('is written only in its owner module', () => {
    expect(foreignSql(files)).toEqual([]);
  });

  it('reports SQL on a table outside its owner, across lines and in joins, but not prose, a longer name or an allowed join', () => {
    expect(
      foreignSql([
        { file: 'server/metrics.ts', text: "db.prepare('SELECT COUNT(*) AS n FROM alerts WHERE status = ?')" },
        { file: 'health/sla.ts', text: 'SELECT i.id\n  FROM contractors c JOIN\n  incidents i ON i.contractor_id = c.id' },
        { file: 'store/alerts.ts', text: "UPDATE alerts SET status = 'sent'" },
        { file: 'alerts/outbox.ts', text: '// the rows from alerts that were sent; SELECT * FROM alerts_archive' },
        { file: 'store/incidents.ts', text: 'SELECT i.id FROM incidents i JOIN contractors c ON c.id = i.contractor_id JOIN cameras m ON m.id = i.camera_id' },
        { file: 'store/camera-health.ts', text: "SELECT c.id FROM cameras c; UPDATE cameras SET enabled = 0; DELETE FROM units WHERE kind = 'x'" },
      ]),
    ).toEqual(['server/metrics.ts: alerts', 'health/sla.ts: incidents', 'health/sla.ts: contractors', 'store/incidents.ts: cameras', 'store/camera-health.ts: units', 'store/camera-health.ts: cameras']);
  });
});
