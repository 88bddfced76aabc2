#!/bin/bash
# The wire part of docs/troubleshooting.md: a client, a node running `lbctl announce` and a rogue
# host on one bridge. Documentation addresses only, namespaces lbt-l2doc-*, deleted on exit.
set -u
[ "$(id -u)" = 0 ] || { echo "needs root (network namespaces)" >&2; exit 2; }
P=lbt-l2doc-$$
L2=$(cd "$(dirname "$0")/.." && pwd)
LBCTL="node $L2/bin/lbctl"
# The cluster dump (Services, pool, policy, Nodes, EndpointSlices and the Lease for 192.0.2.211
# held by k8s-w1 from eth0=02:00:00:00:00:a1), with the lease renewed "now".
DUMP=$(mktemp /tmp/lbt-l2doc-XXXXXX.yaml)
sed -E "s/^( *)renewTime: .*/\1renewTime: \"$(date -u +%Y-%m-%dT%H:%M:%S.000000Z)\"/" "${1:-$L2/docs/l2-lab/lab-dump.yaml}" > "$DUMP"
cleanup() { rm -f "$DUMP"; for n in client w1 rogue sw; do ip netns pids $P-$n 2>/dev/null | xargs -r kill -9 2>/dev/null; ip netns del $P-$n 2>/dev/null; done; }
trap cleanup EXIT
for n in sw client w1 rogue; do ip netns add $P-$n; ip -n $P-$n link set lo up; done
ip -n $P-sw link add br0 type bridge forward_delay 0; ip -n $P-sw link set br0 up
i=0
for n in client w1 rogue; do
  i=$((i+1)); mac=02:00:00:00:00:0$i
  case $n in client) mac=02:00:00:00:00:0c; ip=192.0.2.1;; w1) mac=02:00:00:00:00:a1; ip=192.0.2.11;; rogue) mac=02:00:00:00:00:66; ip=192.0.2.66;; esac
  ip -n $P-sw link add p$i type veth peer name eth0 netns $P-$n address $mac
  ip -n $P-sw link set p$i master br0; ip -n $P-sw link set p$i up
  ip -n $P-$n addr add $ip/24 dev eth0; ip -n $P-$n link set eth0 up
done
sleep 0.5
export NO_COLOR=1 LBCTL_TEST_NETNS_GUARD=1
run() { local ns=$1; shift; echo "\$ $*"; ip netns exec $P-$ns "$@" 2>&1; echo "[exit $?]"; echo; }
# the node's announcer for the VIP (stand-in for lbctl announce in cluster mode on k8s-w1)
ip netns exec $P-w1 $LBCTL announce -i '^eth0$' --vip 192.0.2.211 --no-probe > /dev/null 2>&1 &
sleep 1.5
run client $LBCTL arping -c 3 192.0.2.211
run client $LBCTL l2 status -f "$DUMP" --probe
run client $LBCTL l2 status -f "$DUMP" --probe -o wide
# a second host claims the VIP: its kernel answers (a stale /32 left behind, kube-vip #588 style)
ip -n $P-rogue addr add 192.0.2.211/32 dev eth0
run client $LBCTL arping -c 2 192.0.2.211
run client $LBCTL l2 status -f "$DUMP" --probe
ip -n $P-rogue addr del 192.0.2.211/32 dev eth0
# the announcer stops (its lease is still fresh in the dump)
ip netns pids $P-w1 | xargs -r kill -TERM; sleep 0.5
run client $LBCTL l2 status -f "$DUMP" --probe
