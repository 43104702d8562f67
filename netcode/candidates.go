package netcode

import (
	"cmp"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/peerstep/peerstep/netcode/internal/wire"
	"github.com/peerstep/peerstep/netcode/sharecode"
)

// An address candidate is a place where another player may reach this
// peer's socket. Candidates go to the host in the join handshake, to every
// player in the lobby, and (the best few) into a direct share code; they are
// tried most likely first.

// ifaceAddr is one address of a network interface.
type ifaceAddr struct {
	name string // the interface's name, "" when unknown
	ip   netip.Addr
}

// candidateRank orders addresses by how likely they are to reach a friend:
// lower is better. Addresses that cannot reach anyone else (unspecified,
// multicast, link-local: their zone means nothing elsewhere) are left out.
type candidateRank int

const (
	rankPublic   candidateRank = iota // given in Config.PublicAddrs, or learned (a mapping, STUN)
	rankGlobal4                       // a public IPv4 address on an interface: no NAT
	rankPrivate4                      // a home or office network (RFC 1918)
	rankShared4                       // carrier-grade NAT or a VPN's range (100.64.0.0/10)
	rankGlobal6                       // a global IPv6 address
	rankLocal6                        // a unique local IPv6 address (fc00::/7)
	rankVirtual                       // a container or VM bridge on this machine: last before loopback
	rankLoopback                      // this machine only
	rankNever
)

// rankOf ranks one interface address.
func rankOf(a ifaceAddr) candidateRank {
	ip := a.ip.Unmap()
	switch {
	case !ip.IsValid() || ip.IsUnspecified() || ip.IsMulticast() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast():
		return rankNever
	case ip.IsLoopback():
		return rankLoopback
	case virtualInterface(a.name):
		return rankVirtual
	case ip.Is4() && ip.IsPrivate():
		return rankPrivate4
	case ip.Is4() && cgnat.Contains(ip):
		return rankShared4
	case ip.Is4():
		return rankGlobal4
	case ip.IsPrivate():
		return rankLocal6
	}
	return rankGlobal6
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// virtualInterface reports names Linux gives container and VM bridges and
// their virtual ends: reachable from this machine's guests, not a friend's.
func virtualInterface(name string) bool {
	for _, p := range []string{"docker", "br-", "veth", "virbr", "lxc", "lxd", "cni", "flannel", "vmnet", "vboxnet"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// rankCandidates turns interface addresses and a port into candidates,
// best first, without duplicates: public ones first in the order given,
// then the interfaces' by rank (ties keep the interfaces' order). Loopback
// addresses are kept only when nothing else is, at most max in all.
func rankCandidates(public []netip.AddrPort, ifaces []ifaceAddr, port uint16, max int) []candidate {
	var all []candidate
	for _, ap := range public {
		all = append(all, candidate{netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port()), rankPublic})
	}
	for _, a := range ifaces {
		if r := rankOf(a); r != rankNever {
			all = append(all, candidate{netip.AddrPortFrom(a.ip.Unmap(), port), r})
		}
	}
	slices.SortStableFunc(all, func(a, b candidate) int { return cmp.Compare(a.rank, b.rank) })
	var out []candidate
	for _, r := range all {
		if r.rank == rankLoopback && len(out) > 0 && out[0].rank < rankLoopback {
			break
		}
		if r.ap.Port() != 0 && !slices.ContainsFunc(out, func(o candidate) bool { return o.ap == r.ap }) {
			out = append(out, r)
		}
	}
	return out[:min(len(out), max)]
}

// candidate is an address and its rank.
type candidate struct {
	ap   netip.AddrPort
	rank candidateRank
}

func addrsOf(cs []candidate) []netip.AddrPort {
	out := make([]netip.AddrPort, len(cs))
	for i, c := range cs {
		out[i] = c.ap
	}
	return out
}

// codeCandidates picks the candidates a direct share code carries, from the
// ranked ones: no virtual bridge when there is anything better, IPv4
// addresses only when there is one (an IPv6 address costs 16 bytes of code,
// and a network with no internet, which a direct code is for, has IPv4), at
// most sharecode.MaxAddrs.
func codeCandidates(ranked []candidate) []netip.AddrPort {
	var v4, v6 []netip.AddrPort
	for _, c := range ranked {
		if c.rank >= rankVirtual && (len(v4) > 0 || len(v6) > 0) {
			break
		}
		if c.ap.Addr().Is4() {
			v4 = append(v4, c.ap)
		} else {
			v6 = append(v6, c.ap)
		}
	}
	if len(v4) == 0 {
		v4 = v6
	}
	return v4[:min(len(v4), sharecode.MaxAddrs)]
}

// systemInterfaces lists the addresses of the interfaces that are up.
func systemInterfaces() ([]ifaceAddr, error) {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil, err
	}
	var out []ifaceAddr
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 {
			continue
		}
		addrs, err := ifc.Addrs()
		if err != nil {
			continue
		}
		for _, a := range addrs {
			if pfx, err := netip.ParsePrefix(a.String()); err == nil {
				out = append(out, ifaceAddr{name: ifc.Name, ip: pfx.Addr()})
			}
		}
	}
	return out, nil
}

// localCandidates lists the addresses other players can try to reach this
// peer at, best first: Config.PublicAddrs, then the bound address, or every
// usable interface address when bound to all interfaces.
func (c *core) localCandidates() []candidate {
	local := c.ep.localAddr()
	var ifaces []ifaceAddr
	if !local.Addr().IsUnspecified() {
		ifaces = []ifaceAddr{{ip: local.Addr()}}
	} else if list, err := systemInterfaces(); err == nil {
		for _, a := range list {
			if local.Addr().Is4() && !a.ip.Unmap().Is4() {
				continue // an IPv4 socket cannot use them
			}
			ifaces = append(ifaces, a)
		}
	}
	out := rankCandidates(c.cfg.PublicAddrs, ifaces, local.Port(), wire.MaxAddrs)
	if len(out) == 0 {
		out = []candidate{{netip.AddrPortFrom(netip.AddrFrom4([4]byte{127, 0, 0, 1}), local.Port()), rankLoopback}}
	}
	return out
}
