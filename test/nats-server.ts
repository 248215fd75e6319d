/** The tests' NATS server is the benchmarks' (bench/nats-server.ts): one helper for both. */
export { freePort, startNatsServer } from '../bench/nats-server.js';
