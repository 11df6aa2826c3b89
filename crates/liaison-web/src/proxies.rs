//! Where a request comes from when Liaison sits behind a reverse proxy: the address a trusted
//! proxy says it forwarded for, and never what any other client claims.

use std::fmt;
use std::net::IpAddr;

use axum::http::{HeaderMap, HeaderName};
use ipnet::IpNet;

/// The header a proxy names the client in when no other is set.
pub const DEFAULT_CLIENT_HEADER: &str = "x-forwarded-for";

/// The reverse proxies whose word on the client's address is taken, and the header they give it
/// in. By default there are none, and the address of the connection is the client's.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrustedProxies {
    networks: Vec<IpNet>,
    header: HeaderName,
}

impl Default for TrustedProxies {
    fn default() -> Self {
        TrustedProxies {
            networks: Vec::new(),
            header: HeaderName::from_static(DEFAULT_CLIENT_HEADER),
        }
    }
}

impl TrustedProxies {
    /// Reads the proxies' addresses (`127.0.0.1`, `::1`) and networks (`10.0.0.0/8`), blank
    /// entries skipped, and the header they set (`X-Forwarded-For` when absent).
    pub fn parse<S: AsRef<str>>(
        entries: &[S],
        header: Option<&str>,
    ) -> Result<TrustedProxies, String> {
        let networks = entries
            .iter()
            .map(|entry| entry.as_ref().trim())
            .filter(|entry| !entry.is_empty())
            .map(|entry| {
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "'{entry}' is neither an IP address (127.0.0.1, ::1) nor a network \
                             (10.0.0.0/8)"
                        )
                    })
            })
            .collect::<Result<_, _>>()?;
        let header = match header.map(str::trim).filter(|h| !h.is_empty()) {
            Some(name) => HeaderName::try_from(name.to_ascii_lowercase())
                .map_err(|_| format!("'{name}' is not the name of a header"))?,
            None => HeaderName::from_static(DEFAULT_CLIENT_HEADER),
        };
        Ok(TrustedProxies { networks, header })
    }

    fn trusts(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        self.networks.iter().any(|n| n.contains(&address))
    }

    /// The client's address: the connection's own (`peer`), unless it is a trusted proxy, in
    /// which case the header is read from its right-hand end (the hop the proxy added), past any
    /// further trusted proxies, to the first address no trusted proxy holds. A header that is
    /// missing or unreadable leaves the connection's address.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer.to_canonical();
        }
        let hops: Vec<&str> = headers
            .get_all(&self.header)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        // Read from the right: what lies left of an address no trusted proxy holds was written by
        // the client and is not believed, however it reads.
        let mut client = peer;
        for hop in hops.iter().rev() {
            match parse_hop(hop.trim()) {
                Some(address) if self.trusts(address) => client = address,
                Some(address) => return address.to_canonical(),
                None => break,
            }
        }
        client.to_canonical()
    }
}

/// One address of a forwarding header: `192.0.2.1`, `2001:db8::1`, or with a port
/// (`192.0.2.1:4711`, `[2001:db8::1]:4711`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    if let Ok(address) = hop.parse() {
        return Some(address);
    }
    if let Some(rest) = hop.strip_prefix('[') {
        return rest.split(']').next()?.parse().ok();
    }
    hop.rsplit_once(':')?.0.parse().ok()
}

impl fmt::Display for TrustedProxies {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let networks: Vec<String> = self.networks.iter().map(ToString::to_string).collect();
        write!(f, "{} (header {})", networks.join(", "), self.header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn the_header_is_believed_only_from_a_trusted_proxy() {
        let none = TrustedProxies::default();
        assert_eq!(
            none.client(ip("127.0.0.1"), &headers("198.51.100.7")),
            ip("127.0.0.1")
        );
        let proxy = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8"], None).unwrap();
        assert_eq!(
            proxy.client(ip("127.0.0.1"), &headers("198.51.100.7")),
            ip("198.51.100.7")
        );
        assert_eq!(
            proxy.client(ip("192.0.2.9"), &headers("198.51.100.7")),
            ip("192.0.2.9"),
            "a client that is no proxy cannot choose its address"
        );
    }

    #[test]
    fn a_forged_first_hop_is_passed_over_for_the_one_the_proxy_added() {
        let proxy = TrustedProxies::parse(&["10.0.0.0/8"], None).unwrap();
        let forged = headers("203.0.113.1, 198.51.100.7, 10.0.0.2");
        assert_eq!(proxy.client(ip("10.0.0.1"), &forged), ip("198.51.100.7"));
        assert_eq!(
            proxy.client(ip("10.0.0.1"), &headers("[2001:db8::1]:4711")),
            ip("2001:db8::1")
        );
        assert_eq!(
            proxy.client(ip("10.0.0.1"), &headers("unknown")),
            ip("10.0.0.1")
        );
        assert_eq!(
            proxy.client(ip("10.0.0.1"), &headers("junk, 198.51.100.7")),
            ip("198.51.100.7"),
            "what the client wrote first does not hide the address the proxy added"
        );
        assert_eq!(
            proxy.client(ip("10.0.0.1"), &HeaderMap::new()),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn a_malformed_setting_is_refused() {
        assert!(TrustedProxies::parse(&["proxy.example"], None).is_err());
        assert!(TrustedProxies::parse(&["10.0.0.1"], Some("bad header")).is_err());
        let real_ip = TrustedProxies::parse(&["10.0.0.1"], Some("X-Real-IP")).unwrap();
        let mut h = HeaderMap::new();
        h.insert("x-real-ip", "198.51.100.7".parse().unwrap());
        assert_eq!(real_ip.client(ip("10.0.0.1"), &h), ip("198.51.100.7"));
    }
}
