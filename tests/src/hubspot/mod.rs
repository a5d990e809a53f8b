//! A fake HubSpot CRM that speaks HubSpot's wire formats (CRM v3 objects and search, associations
//! v4, owners, OAuth refresh) over real HTTP on 127.0.0.1, with HubSpot's rate limits, the
//! 10,000-result search cap, token expiry and injectable faults.
//!
//! ```no_run
//! # async fn demo() {
//! use rapport_tests::hubspot::{Config, FakeHubSpot, Fault};
//! let hs = FakeHubSpot::start(Config::default()).await;
//! hs.seed(150, 42);
//! hs.inject(Fault::ServerErrors { count: 2, status: 502 });
//! // point the connector at hs.base_url with token "pat-fake-token"
//! # }
//! ```

mod gate;
mod oauth;
mod properties;
mod routes;
mod search;
mod seed;
mod store;
#[cfg(test)]
mod tests;
mod words;
mod writes;

use std::collections::{BTreeMap, VecDeque};
use std::sync::Arc;
use std::time::Instant;

pub use search::{SEARCH_CAP, SEARCH_MAX_LIMIT};
pub use seed::{base_time_ms, OWNER_IDS};
pub use store::{iso, parse_time};

use store::{Assocs, Obj, Ty, TypeStore};

/// Every object type the fake serves, by API name.
pub const OBJECT_TYPES: [&str; 10] = [
    "companies",
    "contacts",
    "deals",
    "tickets",
    "notes",
    "calls",
    "meetings",
    "emails",
    "tasks",
    "feedback_submissions",
];

/// A token that authenticates but lacks every scope: each `/crm` call answers 403 MISSING_SCOPES.
pub const NO_SCOPE_TOKEN: &str = "pat-no-scope";

/// How the fake behaves.
#[derive(Clone, Debug)]
pub struct Config {
    /// Valid private-app tokens (`Authorization: Bearer <token>`).
    pub tokens: Vec<String>,
    /// Enables the OAuth refresh flow at `POST /oauth/v1/token`.
    pub oauth: Option<OAuth>,
    /// Enforced per rolling window; `None` = unlimited (headers still sent, with large numbers).
    pub rate_limit: Option<RateLimit>,
    /// Accepted data requests before every further one answers 429 `DAILY`.
    pub daily_limit: u64,
    /// How long a write takes to reach the search index (HubSpot documents a few seconds;
    /// 10–60 s are reported): until then search shows the record's previous version, or nothing
    /// for a new record. Lists and batch reads are never behind.
    pub search_lag_ms: u64,
    /// The portal's id and company currency (`GET /account-info/v3/details`).
    pub portal_id: u64,
    pub currency: String,
    /// The token may create properties (`crm.schemas.companies.write` and the like).
    pub schema_write_scope: bool,
    /// The first this many record creates (`POST /crm/v3/objects/{type}`: notes, tasks; and
    /// batch upserts) are
    /// stored and then their connection is closed before the answer (commit-then-drop), whatever
    /// other requests come between: for watching the app resolve an unconfirmed write.
    pub drop_creates: u32,
    /// The portal has the `rapport_feedback` custom object (Enterprise) with the unique property
    /// `rapport_key`: feedback is upserted there instead of written as notes.
    pub feedback_object: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            tokens: vec!["pat-fake-token".into()],
            oauth: None,
            rate_limit: None,
            daily_limit: 500_000,
            search_lag_ms: 0,
            portal_id: 44_150_531,
            currency: "USD".into(),
            schema_write_scope: true,
            drop_creates: 0,
            feedback_object: false,
        }
    }
}

#[derive(Clone, Debug)]
pub struct OAuth {
    pub client_id: String,
    pub client_secret: String,
    pub refresh_token: String,
    pub access_ttl_secs: u64,
    /// Each refresh answers with a new refresh token and retires the one it was given.
    pub rotate_refresh_token: bool,
    /// The redirect address registered with the app (matched exactly); `None` accepts any
    /// loopback address.
    pub redirect_uri: Option<String>,
    /// How the signed-in user answers the sign-in page (`/oauth/authorize`).
    pub consent: crate::oauth_code::Consent,
}

/// What a seeded portal looks like.
#[derive(Clone, Copy, Debug)]
pub struct SeedOptions {
    /// Custom company properties (ARR, contract dates, seats, usage) and a custom `renewal` deal
    /// type. Without them the portal is stock: companies carry only HubSpot's own properties and
    /// deals only the stock types `newbusiness` and `existingbusiness`.
    pub custom_properties: bool,
}

impl Default for SeedOptions {
    fn default() -> Self {
        SeedOptions {
            custom_properties: true,
        }
    }
}

/// Records to modify once a number of searches of their type have been answered, as another
/// user editing the portal while a sync pages through a search.
#[derive(Clone, Debug)]
pub(crate) struct Touch {
    pub ty: Ty,
    pub after_searches: u32,
    pub seen: u32,
    pub ids: Vec<u64>,
}

/// At most `max` accepted requests inside any rolling `window_ms` (HubSpot Pro: 190 / 10,000).
#[derive(Clone, Copy, Debug)]
pub struct RateLimit {
    pub max: u32,
    pub window_ms: u64,
}

/// A misbehaviour for the next data requests (any `/crm` route, after authentication). Faults
/// queue and are consumed in injection order.
#[derive(Clone, Debug)]
pub enum Fault {
    /// The next `count` data requests answer `status` (e.g. 502, 503) with an HTML body.
    ServerErrors { count: u32, status: u16 },
    /// The next `count` data requests answer 429 with HubSpot's body; `Retry-After` only when
    /// `retry_after_secs` is set. `policy` is `"SECONDLY"` or `"DAILY"`.
    RateLimited {
        count: u32,
        retry_after_secs: Option<u64>,
        policy: &'static str,
    },
    /// The next `count` data responses are 200 with a truncated JSON body.
    Malformed { count: u32 },
    /// The next `count` data responses are 200 with `<html>proxy error</html>`.
    Garbage { count: u32 },
    /// Every OAuth access token issued so far expires now (applied at injection, not queued).
    ExpireTokens,
    /// The next `count` data requests are carried out after `ms` and then answered: a client with
    /// a shorter time limit has given up by then (a timeout), and a write still lands.
    Delay { count: u32, ms: u64 },
    /// The next `count` data requests are carried out (a write is stored) and then the
    /// connection is closed before any answer: the client cannot know it landed.
    CommitThenDrop { count: u32 },
}

impl Fault {
    fn count_mut(&mut self) -> Option<&mut u32> {
        match self {
            Fault::ServerErrors { count, .. }
            | Fault::RateLimited { count, .. }
            | Fault::Malformed { count }
            | Fault::Garbage { count }
            | Fault::Delay { count, .. }
            | Fault::CommitThenDrop { count } => Some(count),
            Fault::ExpireTokens => None,
        }
    }
}

/// What the fake saw. Every request (OAuth ones too) counts in `requests` and `by_route`.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    pub requests: u64,
    /// 2xx answers (207 included).
    pub ok: u64,
    pub rejected_429: u64,
    pub errors_5xx: u64,
    pub unauthorized_401: u64,
    /// Searches refused by the 10,000-result cap.
    pub cap_400: u64,
    /// Pages of archived records listed (`GET /crm/v3/objects/{type}?archived=true`).
    pub archived_pages: u64,
    /// `"GET /crm/v3/objects/companies"`, `"POST /crm/v3/objects/contacts/search"`, ... (numeric path
    /// segments shown as `{id}`).
    pub by_route: BTreeMap<String, u64>,
    /// Most accepted data requests seen inside any rolling rate-limit window (10 s when unlimited).
    pub max_in_any_window: u32,
    /// Requests carried out and then cut off before their answer (`Fault::CommitThenDrop`).
    pub dropped_after_commit: u64,
    pub first_request_ms: Option<i64>,
    pub last_request_ms: Option<i64>,
}

#[derive(Clone, Debug)]
pub(crate) struct Owner {
    pub id: u64,
    pub email: String,
    pub first_name: String,
    pub last_name: String,
    pub team: &'static str,
}

pub(crate) struct State {
    pub cfg: Config,
    /// Stopped: requests on connections still open get no answer.
    pub down: bool,
    pub types: Vec<TypeStore>,
    pub assocs: Assocs,
    pub owners: Vec<Owner>,
    pub faults: VecDeque<Fault>,
    /// OAuth access token → expiry.
    pub access: BTreeMap<String, Instant>,
    /// Instants of accepted data requests inside the current rolling window.
    pub window: VecDeque<Instant>,
    pub daily_used: u64,
    pub stats: Stats,
    pub touches: Vec<Touch>,
    /// The refresh token the OAuth endpoint accepts now (rotates when configured).
    pub refresh_token: Option<String>,
    pub refresh_tokens_issued: u64,
    /// Authorization codes the sign-in page issued and the token endpoint has not redeemed.
    pub codes: crate::oauth_code::Codes,
    /// Custom properties defined through the API, by object type.
    pub custom_props: writes::CustomProps,
    pub feedback_object: writes::CustomObject,
}

impl State {
    fn new(cfg: Config) -> State {
        State {
            refresh_token: cfg.oauth.as_ref().map(|o| o.refresh_token.clone()),
            refresh_tokens_issued: 0,
            codes: Default::default(),
            custom_props: Ty::ALL.iter().map(|_| Default::default()).collect(),
            feedback_object: Default::default(),
            touches: Vec::new(),
            cfg,
            types: Ty::ALL.iter().map(|_| TypeStore::default()).collect(),
            assocs: Assocs::default(),
            owners: seed::owners(),
            faults: VecDeque::new(),
            access: BTreeMap::new(),
            window: VecDeque::new(),
            daily_used: 0,
            stats: Stats::default(),
            down: false,
        }
    }

    pub fn store(&mut self, ty: Ty) -> &mut TypeStore {
        &mut self.types[ty.idx()]
    }

    pub fn lag_ms(&self) -> i64 {
        self.cfg.search_lag_ms as i64
    }

    /// Counts one answered search of `ty` and applies the touches it triggers.
    pub fn after_search(&mut self, ty: Ty) {
        let now = crate::http_util::now_ms();
        let lag = self.lag_ms();
        let mut fire = Vec::new();
        self.touches.retain_mut(|t| {
            if t.ty != ty {
                return true;
            }
            t.seen += 1;
            if t.seen >= t.after_searches {
                fire.extend(t.ids.iter().copied());
                return false;
            }
            true
        });
        if fire.is_empty() {
            return;
        }
        let store = self.store(ty);
        for id in fire {
            if let Some(o) = store.objs.get_mut(&id) {
                o.before_write(true, now, lag);
                o.updated_ms = now;
            }
        }
        store.touch();
    }

    /// Takes one unit of the front fault.
    pub fn take_fault(&mut self) -> Option<Fault> {
        loop {
            let front = self.faults.front_mut()?;
            let left = match front.count_mut() {
                Some(c) if *c > 0 => {
                    *c -= 1;
                    *c
                }
                _ => {
                    self.faults.pop_front();
                    continue;
                }
            };
            let f = front.clone();
            if left == 0 {
                self.faults.pop_front();
            }
            return Some(f);
        }
    }
}

pub(crate) type Shared = crate::http_util::Shared<State>;

/// A running fake HubSpot. Dropping it stops the server.
pub struct FakeHubSpot {
    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub base_url: String,
    shared: Arc<Shared>,
    /// `None` while stopped.
    task: std::sync::Mutex<Option<crate::http_util::Serving>>,
}

fn ty_of(object_type: &str) -> Ty {
    Ty::parse(object_type).unwrap_or_else(|| panic!("unknown HubSpot object type {object_type:?}"))
}

impl FakeHubSpot {
    /// Starts on a random free port of 127.0.0.1. Must run inside a tokio runtime.
    pub async fn start(cfg: Config) -> FakeHubSpot {
        Self::start_on(cfg, 0).await
    }

    /// Starts on `port` of 127.0.0.1 (0 = random). Panics when the port cannot be bound.
    pub async fn start_on(cfg: Config, port: u16) -> FakeHubSpot {
        let (base_url, shared, task) =
            crate::http_util::serve("HubSpot", port, State::new(cfg), routes::router).await;
        FakeHubSpot {
            base_url,
            shared,
            task: std::sync::Mutex::new(Some(task)),
        }
    }

    /// Stops answering (connections are refused), keeping every record: the network is gone.
    pub async fn stop(&self) {
        // Connections already open are cut too: their next request gets no answer.
        self.shared.lock().down = true;
        self.task.lock().unwrap_or_else(|e| e.into_inner()).take();
        tokio::task::yield_now().await;
    }

    /// Answers again on the same port, with the same records.
    pub async fn resume(&self) {
        if self
            .task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .is_some()
        {
            return;
        }
        let listener = crate::http_util::rebind("HubSpot", &self.base_url).await;
        self.shared.lock().down = false;
        let serving = crate::http_util::serve_on(listener, self.shared.clone(), routes::router);
        *self.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(serving);
    }

    /// Commits-then-drops the next `n` record creates (see `Config::drop_creates`).
    pub fn drop_creates(&self, n: u32) {
        self.shared.lock().cfg.drop_creates = n;
    }

    /// Grants or withdraws the scope to create properties.
    pub fn set_schema_write_scope(&self, on: bool) {
        self.shared.lock().cfg.schema_write_scope = on;
    }

    /// The definition of a custom property created through the API.
    pub fn custom_property(&self, object_type: &str, name: &str) -> Option<serde_json::Value> {
        self.shared.lock().custom_props[ty_of(object_type).idx()]
            .get(name)
            .cloned()
    }

    /// The `rapport_feedback` custom-object records, each as its properties.
    pub fn feedback_object_records(&self) -> Vec<(u64, BTreeMap<String, String>)> {
        let st = self.shared.lock();
        st.feedback_object
            .records
            .iter()
            .map(|(id, r)| (*id, r.clone()))
            .collect()
    }

    /// The ids of `to_type` records a custom-object record is associated with.
    pub fn feedback_object_associated(&self, record: u64, to_type: &str) -> Vec<u64> {
        let st = self.shared.lock();
        st.feedback_object
            .assocs
            .iter()
            .filter(|(f, t, _)| *f == record && t == to_type)
            .map(|(_, _, id)| *id)
            .collect()
    }

    /// The port the server listens on.
    pub fn port(&self) -> u16 {
        self.base_url
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or(0)
    }

    /// Adds `companies` companies with their contacts, deals, tickets, engagements and feedback,
    /// generated deterministically from `seed` (see the `seed` module). Ids continue after any
    /// existing record of each type.
    pub fn seed(&self, companies: usize, seed: u64) {
        self.seed_with(companies, seed, SeedOptions::default());
    }

    /// [`seed`](Self::seed) with options, e.g. a stock portal without custom properties.
    pub fn seed_with(&self, companies: usize, seed: u64, opts: SeedOptions) {
        let starts: Vec<u64> = {
            let st = self.shared.lock();
            Ty::ALL
                .iter()
                .map(|t| st.types[t.idx()].next_id(*t))
                .collect()
        };
        let batch = seed::generate(companies, seed, &starts, opts);
        let mut st = self.shared.lock();
        for (ty, objs) in batch.objects {
            let store = st.store(ty);
            for o in objs {
                store.objs.insert(o.id, o);
            }
            store.touch();
        }
        for (a, a_id, b, b_id) in batch.assocs {
            st.assocs.add(a, a_id, b, b_id);
        }
    }

    /// Adds `n` bare records of one type (a `name`-like property plus the system ones), ids
    /// `first_id..first_id + n`, the last-modified time of record `i` being `modified_ms(i)`.
    pub fn seed_bulk(
        &self,
        object_type: &str,
        n: usize,
        first_id: u64,
        modified_ms: impl Fn(usize) -> i64,
    ) {
        let ty = ty_of(object_type);
        let label = ty.default_props()[0];
        let objs: Vec<Obj> = (0..n)
            .map(|i| {
                let id = first_id + i as u64;
                let m = modified_ms(i);
                let mut o = Obj::new(id, m, m);
                o.props.insert(
                    label.to_string(),
                    format!("{} {id}", seed::title_case(ty.singular())),
                );
                o
            })
            .collect();
        let mut st = self.shared.lock();
        let store = st.store(ty);
        if store.objs.is_empty() {
            store.objs = objs.into_iter().map(|o| (o.id, o)).collect();
        } else {
            store.objs.extend(objs.into_iter().map(|o| (o.id, o)));
        }
        store.touch();
    }

    /// Creates the record or merges `props` into it. Sets the last-modified time to `modified_ms`
    /// (and the creation time too, on create, unless `props` carries `createdate`).
    pub fn upsert(&self, object_type: &str, id: u64, props: &[(&str, &str)], modified_ms: i64) {
        let ty = ty_of(object_type);
        let mut st = self.shared.lock();
        let lag = st.lag_ms();
        let store = st.store(ty);
        let existing = store.objs.contains_key(&id);
        let o = store
            .objs
            .entry(id)
            .or_insert_with(|| Obj::new(id, modified_ms, modified_ms));
        o.before_write(existing, crate::http_util::now_ms(), lag);
        for (k, v) in props {
            if *k == "createdate" {
                if let Some(t) = parse_time(v) {
                    o.created_ms = t;
                }
            } else if !Obj::is_system(ty, k) {
                o.props.insert((*k).to_string(), (*v).to_string());
            }
        }
        o.updated_ms = modified_ms;
        store.touch();
    }

    /// Archives (soft-deletes) a record: it leaves lists and search, and shows in `archived=true`.
    pub fn archive(&self, object_type: &str, id: u64, at_ms: i64) {
        let ty = ty_of(object_type);
        let mut st = self.shared.lock();
        let lag = st.lag_ms();
        let store = st.store(ty);
        if let Some(o) = store.objs.get_mut(&id) {
            o.before_write(true, crate::http_util::now_ms(), lag);
            o.archived_at = Some(at_ms);
            o.updated_ms = at_ms;
        }
        store.touch();
    }

    /// Removes a property from a record (as a user clearing a field), at `modified_ms`.
    pub fn clear(&self, object_type: &str, id: u64, prop: &str, modified_ms: i64) {
        let ty = ty_of(object_type);
        let mut st = self.shared.lock();
        let lag = st.lag_ms();
        let store = st.store(ty);
        if let Some(o) = store.objs.get_mut(&id) {
            o.before_write(true, crate::http_util::now_ms(), lag);
            o.props.remove(prop);
            o.updated_ms = modified_ms;
        }
        store.touch();
    }

    /// From now on, writes take `ms` to reach the search index.
    pub fn set_search_lag(&self, ms: u64) {
        self.shared.lock().cfg.search_lag_ms = ms;
    }

    /// After `after_searches` more searches of `object_type` have been answered, the records
    /// `ids` are modified (last-modified time = the wall clock), as a colleague editing them
    /// while a sync pages through the results.
    pub fn touch_during_search(&self, object_type: &str, after_searches: u32, ids: &[u64]) {
        let ty = ty_of(object_type);
        self.shared.lock().touches.push(Touch {
            ty,
            after_searches,
            seen: 0,
            ids: ids.to_vec(),
        });
    }

    /// Removes the association between two records (both directions), e.g. a contact who left
    /// the company; the child's last-modified time becomes `modified_ms`.
    pub fn dissociate(
        &self,
        from_type: &str,
        from_id: u64,
        to_type: &str,
        to_id: u64,
        modified_ms: i64,
    ) {
        let (a, b) = (ty_of(from_type), ty_of(to_type));
        let mut st = self.shared.lock();
        st.assocs.remove(a, from_id, b, to_id);
        let lag = st.lag_ms();
        let store = st.store(a);
        if let Some(o) = store.objs.get_mut(&from_id) {
            o.before_write(true, crate::http_util::now_ms(), lag);
            o.updated_ms = modified_ms;
        }
        store.touch();
    }

    /// The refresh token the OAuth endpoint accepts now, and how many it has issued.
    pub fn current_refresh_token(&self) -> Option<String> {
        self.shared.lock().refresh_token.clone()
    }

    pub fn refresh_tokens_issued(&self) -> u64 {
        self.shared.lock().refresh_tokens_issued
    }

    /// Associates two records (stored in both directions).
    pub fn associate(&self, from_type: &str, from_id: u64, to_type: &str, to_id: u64) {
        let (a, b) = (ty_of(from_type), ty_of(to_type));
        self.shared.lock().assocs.add(a, from_id, b, to_id);
    }

    /// Queues a fault (or, for [`Fault::ExpireTokens`], applies it at once).
    pub fn inject(&self, fault: Fault) {
        let mut st = self.shared.lock();
        if let Fault::ExpireTokens = fault {
            let now = Instant::now();
            for exp in st.access.values_mut() {
                if *exp > now {
                    *exp = now;
                }
            }
        } else {
            st.faults.push_back(fault);
        }
    }

    pub fn stats(&self) -> Stats {
        self.shared.lock().stats.clone()
    }

    /// Forgets the statistics (and the rolling window), e.g. between a warm-up and a measurement.
    pub fn reset_stats(&self) {
        let mut st = self.shared.lock();
        st.stats = Stats::default();
        st.window.clear();
    }

    pub fn count(&self, object_type: &str, archived: bool) -> usize {
        let ty = ty_of(object_type);
        let st = self.shared.lock();
        st.types[ty.idx()]
            .objs
            .values()
            .filter(|o| o.archived() == archived)
            .count()
    }

    /// Ids of the live (non-archived) records, ascending.
    pub fn ids(&self, object_type: &str) -> Vec<u64> {
        let ty = ty_of(object_type);
        let st = self.shared.lock();
        st.types[ty.idx()]
            .objs
            .values()
            .filter(|o| !o.archived())
            .map(|o| o.id)
            .collect()
    }

    /// All properties of a record (archived ones too), system properties included.
    pub fn get(&self, object_type: &str, id: u64) -> Option<BTreeMap<String, String>> {
        let ty = ty_of(object_type);
        let st = self.shared.lock();
        st.types[ty.idx()].objs.get(&id).map(|o| o.all_props(ty))
    }

    /// Ids associated with a record, in association order.
    pub fn associated(&self, from_type: &str, from_id: u64, to_type: &str) -> Vec<u64> {
        let (a, b) = (ty_of(from_type), ty_of(to_type));
        self.shared.lock().assocs.get(a, b, from_id).to_vec()
    }

    /// The OAuth access tokens issued so far.
    pub fn access_tokens(&self) -> Vec<String> {
        self.shared.lock().access.keys().cloned().collect()
    }

    /// OAuth access tokens issued so far (expired ones included).
    pub fn issued_access_tokens(&self) -> usize {
        self.shared.lock().access.len()
    }
}
