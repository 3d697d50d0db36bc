package web

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddress is the IP address the request came from: the peer of the
// connection, or, when that is a trusted proxy, the nearest address in
// X-Forwarded-For that is not one (the ones to its left could be forged).
func (s *Server) clientAddress(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	if len(s.TrustedProxies) == 0 || !s.trusted(host) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := hopAddress(strings.TrimSpace(hops[i]))
		if !ok {
			break // a mangled header: stop at the last proxy that wrote sense
		}
		if !s.trusted(hop) {
			return hop
		}
		host = hop
	}
	return host
}

// hopAddress is the IP address of one X-Forwarded-For entry, which some
// load balancers write with the client's port ("203.0.113.5:41234",
// "[2001:db8::7]:443").
func hopAddress(hop string) (string, bool) {
	if ip, err := netip.ParseAddr(hop); err == nil {
		return ip.String(), true
	}
	if ap, err := netip.ParseAddrPort(hop); err == nil {
		return ap.Addr().String(), true
	}
	return "", false
}

func (s *Server) trusted(addr string) bool {
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return false
	}
	ip = ip.Unmap().WithZone("")
	for _, p := range s.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// ParseTrustedProxies reads a comma-separated list of IP addresses and CIDR
// prefixes (POLICYDESK_TRUSTED_PROXIES).
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if p, err := netip.ParsePrefix(item); err == nil {
			out = append(out, p.Masked())
			continue
		}
		ip, err := netip.ParseAddr(item)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR prefix", item)
		}
		ip = ip.Unmap()
		out = append(out, netip.PrefixFrom(ip, ip.BitLen()))
	}
	return out, nil
}
