import net from 'node:net';
import { ProbeFailure } from './outcome.js';

/** TCP connect time to host:port, or why it failed (refused/unroutable vs no answer in time). */
export function tcpReach(host: string, port: number, deadlineMs: number, stage: 'reach' | 'rtsp_reach' = 'reach'): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new ProbeFailure('unreachable', stage, `no TCP answer from ${host}:${port} within ${deadlineMs} ms`));
    }, deadlineMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(performance.now() - started);
    });
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      reject(new ProbeFailure('unreachable', stage, `${host}:${port}: ${error.code ?? error.message}`));
    });
  });
}
