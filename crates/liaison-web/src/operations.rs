//! What operators' tools ask a running process: whether it can serve (`/healthz`) and how it is doing (`/metrics`).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use ipnet::IpNet;
use liaison_store::{PoolSnapshot, Store};
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeLabelSet, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::{ConstCounter, Counter};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::AppState;

/// A load balancer marks a process down when it does not answer in time; answering "down"
/// first says why.
const HEALTH_LIMIT: Duration = Duration::from_secs(5);

/// Who may read `/metrics`: nobody, the default (and `/metrics` is not served at all), or the
/// clients whose address lies in one of the networks listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MetricsAccess {
    allowed: Vec<IpNet>,
}

impl MetricsAccess {
    /// Reads a list of addresses (`127.0.0.1`, `::1`) and networks (`10.0.0.0/8`); blank
    /// entries are skipped, so an empty list turns `/metrics` off.
    pub fn parse<S: AsRef<str>>(entries: &[S]) -> Result<MetricsAccess, String> {
        let allowed = entries
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
        Ok(MetricsAccess { allowed })
    }

    /// Whether `/metrics` is served at all.
    pub fn is_on(&self) -> bool {
        !self.allowed.is_empty()
    }

    /// Whether a client at `peer` may read `/metrics`. An IPv4 client reaching a server bound to
    /// an IPv6 address arrives as `::ffff:a.b.c.d`, and is compared as the IPv4 address it is.
    pub fn allows(&self, peer: IpAddr) -> bool {
        let peer = peer.to_canonical();
        self.allowed.iter().any(|network| network.contains(&peer))
    }
}

impl fmt::Display for MetricsAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let networks: Vec<String> = self.allowed.iter().map(ToString::to_string).collect();
        f.write_str(&networks.join(", "))
    }
}

/// `GET /healthz`: 200 when the database answers on a reading and a writing connection, 503
/// when it does not. Open to everyone, as it tells nothing but that.
async fn health(State(state): State<AppState>) -> Response {
    let plain = [(header::CONTENT_TYPE, "text/plain; charset=utf-8")];
    match tokio::time::timeout(HEALTH_LIMIT, state.store.health()).await {
        Ok(Ok(())) => (StatusCode::OK, plain, "ok\n").into_response(),
        Ok(Err(err)) => {
            tracing::warn!(error = %err, "health check: the database does not answer");
            let body = "the database does not answer\n";
            (StatusCode::SERVICE_UNAVAILABLE, plain, body).into_response()
        }
        Err(_) => {
            tracing::warn!("health check: the database did not answer in time");
            let body = "the database did not answer in time\n";
            (StatusCode::SERVICE_UNAVAILABLE, plain, body).into_response()
        }
    }
}

/// The application's routes with `/healthz`, and, when `access` lets anyone read it,
/// `/metrics` and the counting of every request. Called once every other route is in place, so
/// that every route is counted.
pub(crate) fn add_routes(
    routes: Router<AppState>,
    store: &Store,
    access: &MetricsAccess,
) -> Router<AppState> {
    let routes = routes.route("/healthz", get(health));
    if !access.is_on() {
        return routes;
    }
    let telemetry = Arc::new(Telemetry::new(store.clone(), access.clone()));
    let exposition = Arc::clone(&telemetry);
    routes
        .route(
            "/metrics",
            get(move |peer: ConnectInfo<SocketAddr>| metrics(exposition, peer)),
        )
        .layer(middleware::from_fn_with_state(telemetry, count_request))
}

/// The labels of a request's figures: the route as declared (`/api/v1/activities/{id}`, never
/// the address asked for, so there are as many series as routes), the method and the class of
/// the status (`2xx`).
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: &'static str,
}

/// Upper bounds of the latency buckets, in seconds: from a page read from memory to a large
/// export.
const LATENCY_BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// The figures `/metrics` shows: requests counted as they are answered, and the store's figures
/// read at each scrape.
#[derive(Debug)]
struct Telemetry {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RequestLabels, Histogram>,
    access: MetricsAccess,
}

impl Telemetry {
    fn new(store: Store, access: MetricsAccess) -> Telemetry {
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RequestLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(LATENCY_BUCKETS)
        });
        let mut registry = Registry::default();
        registry.register(
            "liaison_http_requests",
            "HTTP requests answered, by route, method and status class",
            requests.clone(),
        );
        registry.register(
            "liaison_http_request_duration_seconds",
            "Time to answer an HTTP request, until its headers are sent",
            latency.clone(),
        );
        registry.register_collector(Box::new(StoreFigures(store)));
        Telemetry {
            registry,
            requests,
            latency,
            access,
        }
    }
}

/// Counts a request and the time it took, under the route it was matched to.
async fn count_request(
    State(telemetry): State<Arc<Telemetry>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let labels = RequestLabels {
        route,
        method,
        status: status_class(response.status()),
    };
    telemetry.requests.get_or_create(&labels).inc();
    telemetry
        .latency
        .get_or_create(&labels)
        .observe(started.elapsed().as_secs_f64());
    response
}

/// The method as a label; any method Liaison does not serve is `other`, so a client inventing
/// methods cannot add series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() / 100 {
        1 => "1xx",
        2 => "2xx",
        3 => "3xx",
        4 => "4xx",
        _ => "5xx",
    }
}

/// `GET /metrics`: every figure in Prometheus's text format, to the allowed addresses only;
/// any other client is refused with a 403.
async fn metrics(
    telemetry: Arc<Telemetry>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
) -> Response {
    if !telemetry.access.allows(peer.ip()) {
        return (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            "metrics are not shown to this address\n",
        )
            .into_response();
    }
    let mut text = String::new();
    match prometheus_client::encoding::prometheus_text::encode(&mut text, &telemetry.registry) {
        Ok(()) => (
            [(
                header::CONTENT_TYPE,
                prometheus_client::encoding::prometheus_text::CONTENT_TYPE,
            )],
            text,
        )
            .into_response(),
        Err(err) => {
            tracing::error!(error = %err, "the metrics cannot be written");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// The store's figures, read afresh at each scrape.
#[derive(Debug)]
struct StoreFigures(Store);

impl Collector for StoreFigures {
    fn encode(&self, mut encoder: DescriptorEncoder) -> Result<(), fmt::Error> {
        let figures = self.0.metrics();
        let pools = &figures.pools;
        pool_gauge(
            &mut encoder,
            "liaison_db_pool_open_connections",
            "Database connections open, in use or idle, by pool.",
            pools,
            |pool| pool.open,
        )?;
        pool_gauge(
            &mut encoder,
            "liaison_db_pool_idle_connections",
            "Database connections open and waiting to be used, by pool.",
            pools,
            |pool| pool.idle,
        )?;
        pool_gauge(
            &mut encoder,
            "liaison_db_pool_max_connections",
            "The most database connections a pool opens.",
            pools,
            |pool| pool.max,
        )?;
        let counts = [
            (
                "liaison_db_write_transactions",
                "Write transactions begun.",
                figures.write_transactions_begun,
            ),
            (
                "liaison_db_write_transactions_refused",
                "Write transactions that could not begin: the database busy or not answering.",
                figures.write_transactions_refused,
            ),
            (
                "liaison_search_documents_indexed",
                "Search documents whose words were indexed from the queue, after their change.",
                figures.search_documents_indexed,
            ),
        ];
        for (name, help, value) in counts {
            let counter = ConstCounter::new(value);
            counter.encode(encoder.encode_descriptor(name, help, None, MetricType::Counter)?)?;
        }
        let waited = ConstCounter::new(figures.write_transactions_waited.as_secs_f64());
        waited.encode(encoder.encode_descriptor(
            "liaison_db_write_transaction_wait_seconds",
            "Time write transactions waited to begin, for the write connection and the \
             database's lock.",
            None,
            MetricType::Counter,
        )?)?;
        Ok(())
    }
}

/// One gauge with a value for each pool, labelled with the pool's name.
fn pool_gauge(
    encoder: &mut DescriptorEncoder,
    name: &str,
    help: &str,
    pools: &[PoolSnapshot],
    value: impl Fn(&PoolSnapshot) -> u32,
) -> Result<(), fmt::Error> {
    let mut metric = encoder.encode_descriptor(name, help, None, MetricType::Gauge)?;
    for pool in pools {
        let gauge = ConstGauge::new(i64::from(value(pool)));
        gauge.encode(metric.encode_family(&[("pool", pool.name)])?)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_and_networks_are_read_and_anything_else_refused() {
        let access = MetricsAccess::parse(&["127.0.0.1", " 10.0.0.0/8 ", "::1", ""]).unwrap();
        assert!(access.is_on());
        assert!(access.allows("127.0.0.1".parse().unwrap()));
        assert!(access.allows("10.20.30.40".parse().unwrap()));
        assert!(access.allows("::1".parse().unwrap()));
        assert!(access.allows("::ffff:10.1.2.3".parse().unwrap()));
        assert!(!access.allows("127.0.0.2".parse().unwrap()));
        assert!(!access.allows("192.168.1.1".parse().unwrap()));
        assert!(!MetricsAccess::parse::<&str>(&[]).unwrap().is_on());
        assert!(!MetricsAccess::parse(&[" "]).unwrap().is_on());
        for wrong in ["localhost", "10.0.0.0/33", "300.1.1.1", "10.0.0.0/"] {
            let err = MetricsAccess::parse(&[wrong]).unwrap_err();
            assert!(err.contains(&format!("'{wrong}'")), "{err}");
        }
    }

    #[test]
    fn a_status_is_counted_by_its_class_and_an_unknown_method_as_other() {
        assert_eq!(status_class(StatusCode::NO_CONTENT), "2xx");
        assert_eq!(status_class(StatusCode::SEE_OTHER), "3xx");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
