/**
 * Command-line entry for the camera simulator: starts a fleet, prints one line per camera, switches
 * faults on request and stops cleanly on SIGINT/SIGTERM. `camwatch demo` wires it up; it can also
 * run on its own once compiled: `node dist/src/simulator/main.js --count 20 --password demo`.
 *
 * Flags: --count N (default 10), --host H, --base-port P, --username U, --password PW (default from
 * CAMWATCH_SIM_PASSWORD, else 'demo'), --media-dir DIR, --id-prefix P, --size WxH, --photo FILE (repeatable),
 * --codec h264|hevc, --clip-seconds S (the looped clip's length, default 10: a longer one repeats its pictures
 * less often), --sub-stream WxH (a second ONVIF profile at that size), --fault ID=KIND (repeatable, applied after start), --discovery (answer ONVIF
 * WS-Discovery probes on 239.255.255.250:3702; only in a network of its own, such as a test's namespace),
 * --without-recording ID (repeatable: that camera has no recorder and answers no ONVIF Profile G),
 * --control-stdin (read `fault ID KIND` lines on stdin and switch that camera's fault, answering
 * `ok fault ID KIND` or `error …` on stdout: how a benchmark in another process scripts faults).
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { SIMULATED_FAULTS, startFleet, type CameraFleet, type FleetOptions, type SimulatedFault } from './index.js';

export interface SimulatorCliOptions extends FleetOptions {
  faults: Array<{ id: string; fault: SimulatedFault }>;
  controlStdin?: boolean;
}

export function parseSimulatorArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): SimulatorCliOptions {
  const options: SimulatorCliOptions = { count: 10, password: env.CAMWATCH_SIM_PASSWORD ?? 'demo', faults: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = () => {
      const v = argv[i + 1];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      i += 1;
      return v;
    };
    const integer = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag}: not a non-negative integer: ${v}`);
      return n;
    };
    switch (flag) {
      case '--count':
        options.count = integer(value());
        break;
      case '--host':
        options.host = value();
        break;
      case '--base-port':
        options.basePort = integer(value());
        break;
      case '--username':
        options.username = value();
        break;
      case '--password':
        options.password = value();
        break;
      case '--media-dir':
        options.mediaDir = value();
        break;
      case '--size': {
        const [width, height] = value().split('x').map(integer);
        options.video = { ...options.video, width, height };
        break;
      }
      case '--sub-stream': {
        const [width, height] = value().split('x').map(integer);
        if (!width || !height) throw new Error('--sub-stream wants WxH, e.g. 640x360');
        options.subStream = { width, height };
        break;
      }
      case '--clip-seconds':
        options.video = { ...options.video, clipSeconds: integer(value()) };
        break;
      case '--codec': {
        const codec = value();
        if (codec !== 'h264' && codec !== 'hevc') throw new Error('--codec wants h264 or hevc');
        options.video = { ...options.video, codec };
        break;
      }
      case '--photo':
        options.photos = [...(options.photos ?? []), value()];
        break;
      case '--discovery':
        options.discovery = true;
        break;
      case '--without-recording':
        options.withoutRecording = [...(options.withoutRecording ?? []), value()];
        break;
      case '--id-prefix':
        options.idPrefix = value();
        break;
      case '--control-stdin':
        options.controlStdin = true;
        break;
      case '--fault': {
        const [id, kind] = value().split('=');
        if (!id || !kind || !SIMULATED_FAULTS.includes(kind as SimulatedFault)) {
          throw new Error(`--fault wants ID=KIND with KIND one of ${SIMULATED_FAULTS.join(', ')}`);
        }
        options.faults.push({ id, fault: kind as SimulatedFault });
        break;
      }
      default:
        throw new Error(`unknown flag: ${flag}`);
    }
  }
  return options;
}

/** Starts the fleet described by `argv`, applies the requested faults, logs the cameras. */
export async function runSimulator(argv: readonly string[], log: (line: string) => void = console.log): Promise<CameraFleet> {
  const { faults, controlStdin: _controlStdin, ...fleetOptions } = parseSimulatorArgs(argv);
  const fleet = await startFleet(fleetOptions);
  for (const { id, fault } of faults) await fleet.camera(id).setFault(fault);
  log(`camwatch simulator: ${fleet.cameras.length} cameras, media ${fleet.media.dir}${fleet.media.generatedMs ? ` (made in ${Math.round(fleet.media.generatedMs)} ms)` : ''}`);
  for (const c of fleet.cameras) log(`${c.id}\t${c.fault}\t${c.onvifUrl}\t${c.rtspUrl}\t${c.snapshotUrl}`);
  return fleet;
}

/** One control line (`fault ID KIND`) applied to the fleet; the answer line says what happened. */
export async function applyControlLine(fleet: CameraFleet, line: string): Promise<string> {
  const [verb, id, kind] = line.trim().split(/\s+/);
  if (verb !== 'fault' || !id || !SIMULATED_FAULTS.includes(kind as SimulatedFault)) return `error: want "fault ID KIND" with KIND one of ${SIMULATED_FAULTS.join(', ')}`;
  if (!fleet.cameras.some((c) => c.id === id)) return `error: no camera ${id}`;
  await fleet.camera(id).setFault(kind as SimulatedFault);
  return `ok fault ${id} ${kind}`;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const fleet = await runSimulator(argv);
  if (parseSimulatorArgs(argv).controlStdin) {
    // One line at a time, in order: a later switch of the same camera never overtakes an earlier one.
    let queue = Promise.resolve();
    createInterface({ input: process.stdin }).on('line', (line) => {
      queue = queue.then(() => applyControlLine(fleet, line)).then((answer) => void process.stdout.write(`${answer}\n`));
    });
  }
  const shutdown = () => {
    void fleet.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
