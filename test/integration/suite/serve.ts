// `natprobe serve` for the integration tests: the real CLI from dist/, on loopback.
import { type ChildProcess, spawn } from 'node:child_process';

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly output: () => string;
}

/** `natprobe serve` on two loopback addresses; retries on another port if one is taken. */
export async function startServe(cli: string, extraArgs: (port: number) => string[] = () => []): Promise<ServeProcess> {
  // The runner passes the Node it runs on; the extension host's own execPath may be Electron (the electron runner).
  const node = process.env.NATPROBE_NODE || 'node';
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = 20000 + 2 * Math.floor(Math.random() * 20000);
    const child = spawn(node, [cli, 'serve', '--primary', `127.0.0.1:${port}`, '--alternate', `127.0.0.2:${port + 1}`, ...extraArgs(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (c) => (out += c));
    child.stderr!.on('data', (c) => (out += c));
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 10_000);
      child.stdout!.on('data', () => {
        if (out.includes('serving')) {
          clearTimeout(timer);
          resolve(true);
        }
      });
      child.once('error', (err) => {
        out += String(err);
        clearTimeout(timer);
        resolve(false);
      });
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(false);
      });
    });
    if (ok) return { child, port, output: () => out };
    child.kill('SIGKILL');
    lastError = out.trim();
    if (!/in use/.test(out)) break;
  }
  throw new Error(`natprobe serve did not start: ${lastError || 'no output'}`);
}

/** `natprobe serve` answering STUN on one extra UDP and one extra TCP port; a third UDP port stays silent. */
export interface PortsServe extends ServeProcess {
  readonly udpOpen: number;
  readonly tcpOpen: number;
  readonly udpClosed: number;
}

export async function startPortsServe(cli: string): Promise<PortsServe> {
  let ports = { udpOpen: 0, tcpOpen: 0, udpClosed: 0 };
  const serve = await startServe(cli, (port) => {
    ports = { udpOpen: port + 2, tcpOpen: port + 3, udpClosed: port + 4 };
    return ['--ports', `udp:${ports.udpOpen},tcp:${ports.tcpOpen}`];
  });
  return { ...serve, ...ports };
}

