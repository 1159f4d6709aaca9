//! The address a request comes from, for the per-IP limit on the sign-in routes: the TCP peer,
//! unless the peer is a proxy the operator trusts (`WISDOMOS_TRUSTED_PROXIES`); then the nearest
//! `X-Forwarded-For` entry that is not itself a trusted proxy. Headers from anyone else are
//! ignored, so a client cannot pick its own key.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Request};
use tower_governor::key_extractor::KeyExtractor;
use tower_governor::GovernorError;

/// The client address of `peer`'s request with `headers`, given the `trusted` proxies.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // Each proxy appends the address it received from; read from the nearest hop outwards.
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    hops.into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer)
}

/// [`client_ip`] as the limiter's key.
#[derive(Debug, Clone, Default)]
pub struct ClientIpKey {
    trusted: Arc<[IpAddr]>,
}

impl ClientIpKey {
    /// Keys on the peer, or behind `trusted` proxies on the forwarded client address.
    pub fn new(trusted: &[IpAddr]) -> Self {
        Self {
            trusted: trusted.into(),
        }
    }
}

impl KeyExtractor for ClientIpKey {
    type Key = IpAddr;

    fn extract<T>(&self, req: &Request<T>) -> Result<IpAddr, GovernorError> {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip())
            .ok_or(GovernorError::UnableToExtractKey)?;
        Ok(client_ip(peer, req.headers(), &self.trusted))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(xff: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("x-forwarded-for", xff.parse().unwrap());
        h
    }

    #[test]
    fn forwarded_addresses_count_only_behind_a_trusted_proxy() {
        let proxy: IpAddr = "10.0.0.5".parse().unwrap();
        let client: IpAddr = "203.0.113.9".parse().unwrap();
        let spoofed = headers("198.51.100.1, 203.0.113.9");
        // A direct client cannot choose its key.
        assert_eq!(client_ip(client, &spoofed, &[proxy]), client);
        assert_eq!(client_ip(client, &spoofed, &[]), client);
        // Behind the proxy, the nearest untrusted hop: what the proxy saw, not what was claimed.
        assert_eq!(client_ip(proxy, &spoofed, &[proxy]), client);
        // Two trusted proxies in a row.
        let inner: IpAddr = "10.0.0.6".parse().unwrap();
        assert_eq!(
            client_ip(inner, &headers("203.0.113.9, 10.0.0.5"), &[proxy, inner]),
            client
        );
        // A trusted proxy that forwarded nothing readable is the key itself.
        assert_eq!(client_ip(proxy, &headers("garbage"), &[proxy]), proxy);
    }
}
