import { benchLab, benchLabDeep } from './lab';
import { benchExtension } from './extension';
import { benchLint } from './lint';
import { benchPunch } from './punch';
import { benchReach } from './reach';
import { benchRouter } from './router';
import { benchSecurity } from './security';
import { benchUdpBlocked } from './udpBlocked';
import { benchVirtual } from './virtual';

async function main(): Promise<void> {
  const sections = [await benchVirtual(), await benchLint(), await benchSecurity(), await benchExtension(), await benchLab(), await benchUdpBlocked(), await benchLabDeep(), await benchRouter(), await benchReach(), await benchPunch()];
  let allOk = true;
  for (const s of sections) {
    console.log(s.lines.join('\n'));
    console.log('');
    allOk &&= s.ok;
  }
  console.log(allOk ? 'bench: all targets met' : 'bench: some targets missed (see "NO" above)');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
