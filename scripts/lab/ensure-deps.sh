#!/usr/bin/env bash
# Make sure the tools of the network-namespace lab (test/lab/) are installed.
#
#   - all present            -> prints nothing, exit 0
#   - missing, running root  -> apt-get update (once) + apt-get install -y --no-install-recommends
#                               of the packages that provide them; exit 1 with a clear line if that fails
#   - missing, not root      -> prints what is missing and exits 0 (the lab tests then skip)
#
# Idempotent; safe to run from CI before the lab suite.
set -u

export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# tool:package pairs (a package may provide several tools)
TOOLS=(
  "ip:iproute2"
  "ss:iproute2"
  "nft:nftables"
  "conntrack:conntrack"
  "sysctl:procps"
  "timeout:coreutils"
  "turnserver:coturn"
  "turnutils_natdiscovery:coturn"
  "stun:stun-client"
  "stund:stun-server"
  "miniupnpd:miniupnpd-nftables"
  "wg:wireguard-tools"
  "wireguard-go:wireguard-go"
  "openvpn:openvpn"
  "systemd-analyze:systemd"
)

missing_tools=()
missing_pkgs=()
for pair in "${TOOLS[@]}"; do
  tool="${pair%%:*}"
  pkg="${pair#*:}"
  if ! command -v "$tool" >/dev/null 2>&1; then
    missing_tools+=("$tool")
    case " ${missing_pkgs[*]-} " in
      *" $pkg "*) ;;
      *) missing_pkgs+=("$pkg") ;;
    esac
  fi
done

if [ "${#missing_tools[@]}" -eq 0 ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "lab deps: missing tools: ${missing_tools[*]} (packages: ${missing_pkgs[*]}); not root, so not installing — the lab tests will skip."
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "lab deps: ERROR: missing tools ${missing_tools[*]} and no apt-get to install ${missing_pkgs[*]}." >&2
  exit 1
fi

echo "lab deps: installing ${missing_pkgs[*]} (missing: ${missing_tools[*]})"
log="$(mktemp -t natlab-apt.XXXXXX)"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get update >"$log" 2>&1; then
  tail -n 20 "$log" >&2
  echo "lab deps: ERROR: apt-get update failed (log: $log)." >&2
  exit 1
fi
# Never start the packaged daemons (stun-server's init script would start a stund
# in the root namespace, miniupnpd's would start a port-mapping daemon there): a policy-rc.d that forbids it, only when none exists.
policy=/usr/sbin/policy-rc.d
made_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
fi
apt-get install -y --no-install-recommends "${missing_pkgs[@]}" >>"$log" 2>&1
rc=$?
if [ "$made_policy" -eq 1 ]; then rm -f "$policy"; fi
if [ "$rc" -ne 0 ]; then
  tail -n 20 "$log" >&2
  echo "lab deps: ERROR: apt-get install ${missing_pkgs[*]} failed (exit $rc, log: $log)." >&2
  exit 1
fi

still=()
for t in "${missing_tools[@]}"; do
  command -v "$t" >/dev/null 2>&1 || still+=("$t")
done
if [ "${#still[@]}" -ne 0 ]; then
  echo "lab deps: ERROR: still missing after install: ${still[*]} (log: $log)." >&2
  exit 1
fi
rm -f "$log"
echo "lab deps: installed ${missing_pkgs[*]}"
exit 0
