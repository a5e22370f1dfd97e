//! The AI agents ("flows") and call routes the emulated gateway offers every account: what
//! flow/list and route/list answer, and what task/create and call/append must name.

/// The agents every emulator starts with: (`autoFlowId`, name).
pub const SEEDED_FLOWS: [(i64, &str); 3] = [
    (197, "Parcel Notification"),
    (198, "Satisfaction Survey"),
    (199, "Payment Reminder"),
];

/// The routes every emulator starts with: (`routeId`, name). The first is the spec's example.
pub const SEEDED_ROUTES: [(&str, &str); 3] = [
    ("y29ND1X4kkCG_nC576sALEkvg3HjEqde", "MX-Router"),
    ("k7QwZ3pLm9sT_vB2xN8cR4dF6gH1jY0a", "US-Router"),
    ("Hq2Lr8VtNc5W_mXk3Pz7Ys1Bd9Fg4Ja6", "HK-Router"),
];

/// One named entry of the catalog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Entry<Id> {
    pub(crate) id: Id,
    pub(crate) name: String,
}

/// Flows and routes, in the order they were added.
#[derive(Debug, Clone)]
pub(crate) struct Catalog {
    flows: Vec<Entry<i64>>,
    routes: Vec<Entry<String>>,
}

impl Default for Catalog {
    fn default() -> Self {
        let mut catalog = Catalog {
            flows: Vec::new(),
            routes: Vec::new(),
        };
        for (id, name) in SEEDED_FLOWS {
            catalog.add_flow(id, name);
        }
        for (id, name) in SEEDED_ROUTES {
            catalog.add_route(id, name);
        }
        catalog
    }
}

impl Catalog {
    /// Adds an agent; an id given twice keeps its latest name.
    pub(crate) fn add_flow(&mut self, id: i64, name: impl Into<String>) {
        upsert(&mut self.flows, id, name.into());
    }

    /// Adds a route; an id given twice keeps its latest name.
    pub(crate) fn add_route(&mut self, id: impl Into<String>, name: impl Into<String>) {
        upsert(&mut self.routes, id.into(), name.into());
    }

    /// The name of agent `id`, when the gateway has it.
    pub(crate) fn flow_name(&self, id: i64) -> Option<&str> {
        self.flows
            .iter()
            .find(|flow| flow.id == id)
            .map(|flow| flow.name.as_str())
    }

    /// True when the gateway has route `id`.
    pub(crate) fn has_route(&self, id: &str) -> bool {
        self.routes.iter().any(|route| route.id == id)
    }

    /// Agents whose name contains `filter`, ignoring case (the documented "fuzzy match").
    pub(crate) fn flows<'a>(
        &'a self,
        filter: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Entry<i64>> + 'a {
        matching(&self.flows, filter)
    }

    /// Routes whose name contains `filter`, ignoring case.
    pub(crate) fn routes<'a>(
        &'a self,
        filter: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Entry<String>> + 'a {
        matching(&self.routes, filter)
    }
}

fn upsert<Id: PartialEq>(entries: &mut Vec<Entry<Id>>, id: Id, name: String) {
    match entries.iter_mut().find(|entry| entry.id == id) {
        Some(entry) => entry.name = name,
        None => entries.push(Entry { id, name }),
    }
}

fn matching<'a, Id>(
    entries: &'a [Entry<Id>],
    filter: Option<&'a str>,
) -> impl Iterator<Item = &'a Entry<Id>> + 'a {
    let needle = filter.map(str::to_lowercase);
    entries.iter().filter(move |entry| {
        needle
            .as_deref()
            .is_none_or(|needle| contains_ignoring_case(&entry.name, needle))
    })
}

/// True when `haystack` contains `lowercase_needle`, ignoring case.
pub(crate) fn contains_ignoring_case(haystack: &str, lowercase_needle: &str) -> bool {
    haystack.to_lowercase().contains(lowercase_needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_added_entries_are_found_by_fuzzy_name() {
        let mut catalog = Catalog::default();
        catalog.add_flow(500, "Parcel Pickup");
        catalog.add_flow(197, "Parcel Notification v2");
        let ids: Vec<i64> = catalog.flows(Some("PARCEL")).map(|f| f.id).collect();
        assert_eq!(ids, [197, 500]);
        assert_eq!(catalog.flow_name(197), Some("Parcel Notification v2"));
        assert_eq!(catalog.flow_name(1), None);
        assert_eq!(catalog.flows(None).count(), 4);

        catalog.add_route("r-1", "Local test route");
        assert!(catalog.has_route("r-1"));
        assert!(catalog.has_route(SEEDED_ROUTES[0].0));
        assert!(!catalog.has_route("r-2"));
        let names: Vec<&str> = catalog
            .routes(Some("mx"))
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(names, ["MX-Router"]);
    }
}
