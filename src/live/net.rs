//! The addresses this machine can be reached at, to pick one to serve on: the local
//! network's first (phones join through it), loopback last (for trying it alone).

use std::net::IpAddr;

/// Every address of every interface, IPv4 first, loopback last.
pub fn local_addresses() -> Vec<IpAddr> {
    let mut found: Vec<IpAddr> = if_addrs::get_if_addrs()
        .map(|list| list.into_iter().map(|i| i.ip()).collect())
        .unwrap_or_default();
    // Link-local IPv6 addresses need a zone id in a URL, which phones cannot type.
    found.retain(|ip| match ip {
        IpAddr::V6(v6) => (v6.segments()[0] & 0xffc0) != 0xfe80,
        IpAddr::V4(_) => true,
    });
    for lo in [IpAddr::from([127, 0, 0, 1])] {
        if !found.contains(&lo) {
            found.push(lo);
        }
    }
    found.sort_by_key(|ip| (ip.is_loopback(), ip.is_ipv6()));
    found.dedup();
    found
}

/// The address to serve on when none is chosen: the first that is not loopback.
pub fn default_address() -> IpAddr {
    local_addresses()
        .into_iter()
        .next()
        .unwrap_or(IpAddr::from([127, 0, 0, 1]))
}
