// The workspace folder the integration suite opens (test/integration/README.md, "The suite").
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** A fresh workspace folder with fixture files, outside the repo. */
export function makeWorkspace(tmp) {
  const ws = path.join(tmp, 'workspace');
  mkdirSync(ws, { recursive: true });
  writeFileSync(
    path.join(ws, 'wg0.conf'),
    `[Interface]
PrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=
Address = 10.0.0.2/32
ListenPort = 51820

[Peer]
PublicKey = xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=
Endpoint = 192.0.2.1:51820
AllowedIPs = 0.0.0.0/0
`,
  );
  writeFileSync(
    path.join(ws, 'client.ovpn'),
    `client
dev tun
proto udp
remote 192.0.2.1 1194
nobind
persist-key
persist-tun
`,
  );
  return ws;
}
