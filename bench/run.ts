/** `npm run bench -- <name> [args]`: runs bench/<name>.ts (compiled to dist/bench). */
const BENCHES = ['probe', 'quality', 'store', 'live', 'fleet', 'queue', 'province'] as const;

const [name, ...args] = process.argv.slice(2);
if (!name || !(BENCHES as readonly string[]).includes(name)) {
  console.error(`usage: npm run bench -- <${BENCHES.join('|')}> [options]`);
  process.exit(2);
}
const bench = (await import(`./${name}.js`)) as { run: (args: string[]) => Promise<void> };
await bench.run(args);
