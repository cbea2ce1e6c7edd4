/**
 * OV16: what OpenVPN 2.6 itself warns about once all options are read, and starts anyway
 * (options.c: add_option's "ignored by previous <connection> blocks", options_postprocess_mutate,
 * options_postprocess_verify_ce; helper.c: the net30 deprecation). The cipher deprecation is OV04.
 */
import { report, type RuleContext } from '../context';
import { deleteDirective, fix, insertAfter } from '../fixes';
import { OPTIONS, TO_EVERY_CONNECTION } from '../options';
import type { Directive } from '../parser';
import { startupState } from './startup';

export function ov16(ctx: RuleContext): void {
  const s = startupState(ctx);
  const at = (d: Directive) => [d.nameToken.start, d.nameToken.end] as const;

  // A connection-level option at top level after a <connection> block does not reach that block.
  const firstBlock = ctx.parsed.blocks[0];
  if (firstBlock) {
    const blockStart = firstBlock.directive.lineStart;
    for (const d of ctx.model.valid) {
      if (ctx.sink.full) return;
      if (d.context !== 'main' || d.lineStart <= blockStart || d.name === 'connection') continue;
      if (!OPTIONS.get(d.name)?.connection) continue;
      // options_postprocess_mutate_ce hands the top-level tls-auth/tls-crypt(-v2) to every entry
      // without its own, so for these the warning is OpenVPN's, not a lost setting.
      if (TO_EVERY_CONNECTION.has(d.name)) {
        report(ctx, 'OV16', 'information', `${d.name} after a <connection> block: OpenVPN 2.6 warns "ignored by previous <connection> blocks", yet still uses it for every block without its own ${d.name}; move it above the first <connection> to silence the warning`, ...at(d));
        continue;
      }
      report(ctx, 'OV16', 'warning', `${d.name} comes after a <connection> block, which copied the connection options before it: it does not apply to that block (OpenVPN warns "ignored by previous <connection> blocks"); move it above the first <connection> or into each block`, ...at(d));
    }
  }

  const dh = s.get('dh');
  if (dh && !s.tlsServer) {
    report(ctx, 'OV16', 'information', `dh is only used by a TLS server: OpenVPN ignores it here and warns; you may delete it`, ...at(dh), [fix("Delete 'dh'", [deleteDirective(ctx, dh)], true)]);
  }

  const server = s.get('server');
  if (server && s.devType === 'tun' && server.args[2]?.text !== 'nopool') {
    const topology = s.get('topology');
    const net30 = topology?.args[0]?.text ?? 'net30';
    if (net30 === 'net30') {
      // Not preferred: subnet hands clients different addresses than net30, so client-config-dir
      // entries written for net30 (ifconfig-push pairs) need changing with it.
      const fixes = topology ? [] : [fix("Add 'topology subnet'", [insertAfter(ctx, server, 'topology subnet')])];
      if (topology) report(ctx, 'OV16', 'warning', `topology net30 with a server address pool is deprecated: OpenVPN 2.6 warns that a future release removes it; use 'topology subnet' (clients 2.1 and later support it)`, ...at(topology));
      else report(ctx, 'OV16', 'information', `no topology: OpenVPN 2.6 defaults to net30 for 'server' with dev tun, which it warns is deprecated (2.7 defaults to subnet); add 'topology subnet'`, ...at(server), fixes);
    }
  }

  const pullFilter = s.get('pull-filter');
  if (pullFilter && s.serverMode) report(ctx, 'OV16', 'warning', 'pull-filter filters options pushed to a client: a server ignores it (OpenVPN warns); it belongs in the client config', ...at(pullFilter));

  const nodelay = s.get('tcp-nodelay');
  if (nodelay && !s.serverMode) report(ctx, 'OV16', 'information', 'tcp-nodelay on a client does not affect the server (OpenVPN warns): set it in the server config to have it in both directions', ...at(nodelay));

  const vcc = s.get('verify-client-cert');
  if (vcc && s.serverMode && (vcc.args[0]?.text === 'none' || vcc.args[0]?.text === 'optional')) {
    report(ctx, 'OV16', 'warning', `verify-client-cert ${vcc.args[0].text} may let clients in without a certificate (OpenVPN warns "potentially dangerous"): make sure auth-user-pass-verify or the plugin really authenticates them`, ...at(vcc));
  }

  const mgmt = s.get('management');
  if (mgmt && mgmt.args[1]?.text !== 'unix' && !mgmt.args[2]) {
    report(ctx, 'OV16', 'warning', 'management on a TCP port without a password file: anyone who can reach the port controls OpenVPN (it warns "strongly discouraged"); add a password file as third parameter or use a unix socket', ...at(mgmt));
  }

  if (!s.get('pkcs11-providers')) {
    for (const name of ['pkcs11-id', 'pkcs11-id-management']) {
      const d = s.get(name);
      if (d) report(ctx, 'OV16', 'warning', `${name} without pkcs11-providers is ignored (OpenVPN warns): add pkcs11-providers`, ...at(d));
    }
  }
}
