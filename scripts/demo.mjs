// `npm run demo`: a whole report without internet. Starts `natprobe serve` on two loopback
// addresses (so it is a full RFC 5780 server) and diagnoses against it.
import { spawn, spawnSync } from 'node:child_process';

const port = 34780 + Math.floor(Math.random() * 200) * 2;
const twoAddresses = process.platform === 'linux'; // all of 127/8 answers on Linux's lo
const serveArgs = ['dist/cli.js', 'serve', '--primary', `127.0.0.1:${port}`];
if (twoAddresses) serveArgs.push('--alternate', `127.0.0.2:${port + 1}`);

const server = spawn(process.execPath, serveArgs, { stdio: ['ignore', 'pipe', 'inherit'] });
const ready = await new Promise((resolve) => {
  let seen = '';
  server.stdout.on('data', (chunk) => {
    seen += chunk;
    process.stdout.write(chunk);
    if (seen.includes('serving')) resolve(true);
  });
  server.once('exit', () => resolve(false));
  setTimeout(() => resolve(false), 5000);
});
if (!ready) {
  console.error('demo: the server did not start');
  server.kill();
  process.exit(1);
}
console.log(`\n$ natprobe diagnose --server 127.0.0.1:${port}\n`);
const r = spawnSync(process.execPath, ['dist/cli.js', 'diagnose', '--server', `127.0.0.1:${port}`, ...process.argv.slice(2)], { stdio: 'inherit' });
server.kill('SIGTERM');
console.log('\n(Loopback has no NAT, so this shows "open internet"; run it behind a real NAT against your own `natprobe serve` for the real thing.)');
process.exit(r.status ?? 1);
