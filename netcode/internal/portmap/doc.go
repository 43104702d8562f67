// Package portmap asks the home router to forward a public UDP port to a
// session's socket, so that friends on the internet can reach it: NAT-PMP
// (RFC 6886) and UPnP-IGD, tried at once, the first that maps kept.
//
// Quick start (netcode calls Map once when a session starts, when port
// mapping is on, and Close when it ends):
//
//	m, err := portmap.Map(ctx, portmap.Config{InternalPort: port})
//	if err != nil {
//		// errors.Is(err, portmap.ErrNoMapping): no router mapped; play on
//		// without, the error says what each protocol got.
//	} else {
//		defer m.Close()             // removes the mapping from the router
//		candidates = append([]netip.AddrPort{m.External()}, candidates...)
//	}
//
// Map returns within Config.Timeout (a second by default). The Mapping
// renews its lease at half of what the router granted while it lives, on
// a goroutine that Close stops and waits for.
//
// Everything Map sends goes to the gateway (NAT-PMP to its port 5351, an
// SSDP search to its port 1900, then HTTP to the description and control
// URLs it gives, which must be on the gateway too), plus, with the default
// SSDPInterface scope, the SSDP search to the multicast group
// 239.255.255.250:1900 on the one interface facing the gateway. Only an
// answer from the gateway is taken. IPv4 only.
//
// Its tests against a real miniupnpd, in a router of internal/netlab's
// namespace lab, carry the netlab build tag (make lab).
package portmap
