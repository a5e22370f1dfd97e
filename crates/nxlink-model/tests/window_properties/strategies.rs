//! Strategies for the property tests: valid window values built directly, strings biased
//! toward the list grammar, arbitrary and valid task requests, and task documents.

use nxlink_model::{
    CallWindow, Contact, CreateTaskRequest, HourSet, StartMode, Variable, WeekDays,
};
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use serde_json::{Map, Value};

// ---------------------------------------------------------------------------------------
// Valid values, built directly rather than filtered.
//
// Strategies are boxed: unboxed, the value trees of whole requests are large enough to
// overflow a debug-mode test thread's stack.

pub(crate) fn week_days() -> BoxedStrategy<WeekDays> {
    prop_oneof![
        1 => Just(WeekDays::EMPTY),
        1 => Just(WeekDays::ALL),
        8 => (0u8..128).prop_map(|mask| {
            WeekDays::from_days((1..=7).filter(|day| mask & (1 << (day - 1)) != 0))
                .expect("days 1-7 are valid")
        }),
    ]
    .boxed()
}

pub(crate) fn hour_set() -> BoxedStrategy<HourSet> {
    prop_oneof![
        1 => Just(HourSet::EMPTY),
        1 => Just(HourSet::ALL),
        8 => (0u32..(1 << 24)).prop_map(|mask| {
            HourSet::from_hours((0..24).filter(|hour| mask & (1 << hour) != 0))
                .expect("hours 0-23 are valid")
        }),
    ]
    .boxed()
}

prop_compose! {
    pub(crate) fn call_window()(
        week_days in week_days(),
        first in hour_set(),
        second in hour_set(),
        third in hour_set(),
        fourth in hour_set(),
    ) -> CallWindow {
        CallWindow {
            week_days,
            first_fifteen: first,
            second_fifteen: second,
            third_fifteen: third,
            fourth_fifteen: fourth,
        }
    }
}

pub(crate) fn token() -> BoxedStrategy<String> {
    prop_oneof![
        6 => (0u32..30).prop_map(|n| n.to_string()),
        3 => Just(",".to_owned()),
        3 => prop::sample::select(vec![
            "", ",,", " ", "\t", "\n", "+", "-", "0", "00", "07", "007", "a", "x", "٣", "１",
            "99999999999999999999999999", "4294967296", "4294967303", "256", "263", "1e1",
            "0x1", "1.0", "\u{0}", "é",
        ])
        .prop_map(str::to_owned),
        1 => any::<char>().prop_map(String::from),
    ]
    .boxed()
}

fn join(numbers: impl IntoIterator<Item = u32>) -> String {
    numbers
        .into_iter()
        .map(|n| n.to_string())
        .collect::<Vec<_>>()
        .join(",")
}

/// Strings biased toward the grammar: canonical lists (some with out-of-range values),
/// unsorted lists with duplicates, canonical lists with one token spliced in, token soup
/// and arbitrary text.
pub(crate) fn list_like() -> BoxedStrategy<String> {
    prop_oneof![
        3 => prop::collection::btree_set(0u32..26, 0..10).prop_map(join),
        2 => vec(0u32..26, 0..10).prop_map(join),
        3 => (prop::collection::btree_set(0u32..26, 0..10), any::<usize>(), token(), any::<bool>())
            .prop_map(|(set, at, token, append)| {
                let mut items: Vec<String> = set.iter().map(u32::to_string).collect();
                let at = at % (items.len() + 1);
                match items.get_mut(at) {
                    Some(item) if append => item.push_str(&token),
                    _ => items.insert(at, token),
                }
                items.join(",")
            }),
        3 => vec(token(), 0..12).prop_map(|tokens| tokens.concat()),
        1 => any::<String>(),
    ]
    .boxed()
}

// ---------------------------------------------------------------------------------------
// Task requests and documents

pub(crate) fn text() -> BoxedStrategy<String> {
    prop_oneof![
        2 => "[a-z0-9]{1,8}",
        2 => "\\+?[0-9]{0,17}",
        1 => "[0-9a-z+ -]{0,6}",
        1 => "(https?|ftp|HTTP)://[a-z]{0,6}(:[0-9a-z]{0,6})?(/[ -~]{0,8})?",
        1 => Just(String::new()),
        1 => any::<String>(),
    ]
    .boxed()
}

pub(crate) fn json_leaf() -> BoxedStrategy<Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        // Eighths are exact in binary and short in decimal, so they survive a JSON round trip.
        any::<i32>().prop_map(|n| Value::from(f64::from(n) / 8.0)),
        text().prop_map(Value::String),
        list_like().prop_map(Value::String),
    ]
    .boxed()
}

pub(crate) fn json_value() -> BoxedStrategy<Value> {
    json_leaf()
        .prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                vec(inner.clone(), 0..4).prop_map(Value::Array),
                btree_map(text(), inner, 0..4).prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
        .boxed()
}

pub(crate) fn variable() -> BoxedStrategy<Variable> {
    (
        prop_oneof![3 => "v[0-3]", 1 => text()],
        option::of(json_value()),
    )
        .prop_map(|(name, value)| Variable { name, value })
        .boxed()
}

prop_compose! {
    pub(crate) fn contact()(
        contact_id in prop_oneof![3 => "c[0-5]", 1 => text()],
        other in option::of(text()),
        name in text(),
        phone_number in text(),
        params in vec(variable(), 0..4),
    ) -> Contact {
        Contact { contact_id, other, name, phone_number, params }
    }
}

pub(crate) fn epoch() -> BoxedStrategy<i64> {
    prop_oneof![-2i64..3, 1_700_000_000i64..1_800_000_000, any::<i64>()].boxed()
}

pub(crate) fn start_mode() -> BoxedStrategy<StartMode> {
    prop_oneof![
        Just(StartMode::Manual),
        Just(StartMode::Immediate),
        epoch().prop_map(|at| StartMode::Scheduled { at }),
    ]
    .boxed()
}

prop_compose! {
    pub(crate) fn request()(
        (user_task_id, other, task_name, task_desc, auto_flow_id, route_id) in
            (option::of(text()), option::of(text()), text(), option::of(text()), any::<i64>(), text()),
        (task_keep, start, shutdown_at, zone_second, window) in (
            any::<bool>(),
            start_mode(),
            option::of(epoch()),
            prop_oneof![-43_300i32..50_500, any::<i32>()],
            call_window(),
        ),
        (order_max_call, replay_interval, max_call, max_ring_time) in (
            prop_oneof![0u32..3, any::<u32>()],
            any::<u32>(),
            option::of(any::<u32>()),
            option::of(any::<u32>()),
        ),
        (task_callback_url, call_callback_url, country_code, call_list) in (
            option::of(text()),
            option::of(text()),
            option::of(text()),
            vec(contact(), 0..6),
        ),
    ) -> CreateTaskRequest {
        CreateTaskRequest {
            user_task_id, other, task_name, task_desc, auto_flow_id, route_id, task_keep, start,
            shutdown_at, zone_second, window, order_max_call, replay_interval, max_call,
            max_ring_time, task_callback_url, call_callback_url, country_code, call_list,
        }
    }
}

pub(crate) fn valid_contacts() -> BoxedStrategy<Vec<Contact>> {
    let one = (
        "[A-Za-z ]{1,10}",
        "\\+?[0-9]{5,15}",
        option::of("[a-z0-9-]{0,8}"),
        prop::collection::btree_set("[a-z]{1,6}", 0..4),
        json_leaf(),
    );
    vec(one, 0..5)
        .prop_map(|contacts| {
            contacts
                .into_iter()
                .enumerate()
                .map(|(i, (name, phone, other, params, value))| Contact {
                    // Unique by construction.
                    contact_id: format!("contact-{i}"),
                    other,
                    name,
                    phone_number: phone,
                    params: params
                        .into_iter()
                        .map(|name| Variable {
                            name,
                            value: Some(value.clone()),
                        })
                        .collect(),
                })
                .collect()
        })
        .boxed()
}

prop_compose! {
    /// Requests that satisfy every rule, built field by field.
    pub(crate) fn valid_request()(
        (task_name, auto_flow_id, route_id, task_keep) in ("[^\\x00]{1,12}", any::<i64>(), "[A-Za-z0-9_]{1,32}", any::<bool>()),
        (start, shutdown_after) in (
            prop_oneof![
                Just(StartMode::Manual),
                Just(StartMode::Immediate),
                (1i64..2_000_000_000).prop_map(|at| StartMode::Scheduled { at }),
            ],
            option::of(1i64..1_000_000),
        ),
        zone_second in -43_200i32..=50_400,
        (days, first, rest) in ((1u8..128), (1u32..(1 << 24)), (hour_set(), hour_set(), hour_set())),
        (order_max_call, replay_interval, max_call, max_ring_time) in
            (1u32..10, any::<u32>(), option::of(0u32..100), option::of(0u32..100)),
        (task_callback_url, call_callback_url, country_code) in (
            option::of("https?://[a-z]{1,8}(\\.[a-z]{2,3})?(:[0-9]{1,4})?(/[a-z0-9?=&]{0,8})?"),
            option::of("https://[a-z]{1,8}\\.com/[a-z]{0,8}"),
            option::of("[0-9]{1,3}"),
        ),
        (user_task_id, other, task_desc) in (option::of(text()), option::of(text()), option::of(text())),
        call_list in valid_contacts(),
    ) -> CreateTaskRequest {
        let week_days = WeekDays::from_days((1..=7).filter(|d| days & (1 << (d - 1)) != 0))
            .expect("days 1-7");
        let first_fifteen = HourSet::from_hours((0..24).filter(|h| first & (1 << h) != 0))
            .expect("hours 0-23");
        let shutdown_at = shutdown_after.map(|after| start.startup_at().unwrap_or(2_000_000_000) + after);
        CreateTaskRequest {
            user_task_id, other, task_name, task_desc, auto_flow_id, route_id, task_keep, start,
            shutdown_at, zone_second,
            window: CallWindow {
                week_days,
                first_fifteen,
                second_fifteen: rest.0,
                third_fifteen: rest.1,
                fourth_fifteen: rest.2,
            },
            order_max_call, replay_interval, max_call, max_ring_time, task_callback_url,
            call_callback_url, country_code, call_list,
        }
    }
}

const TASK_KEYS: [&str; 24] = [
    "userTaskId",
    "other",
    "taskName",
    "taskDesc",
    "autoFlowId",
    "routeId",
    "taskKeep",
    "startupType",
    "startupAt",
    "shutdownAt",
    "zoneSecond",
    "weekDay",
    "firstFifteen",
    "secondFifteen",
    "thirdFifteen",
    "fourthFifteen",
    "orderMaxCall",
    "replayInterval",
    "maxCall",
    "maxRingTime",
    "taskCallbackUrl",
    "callCallbackUrl",
    "countryCode",
    "callList",
];

pub(crate) fn contact_like() -> BoxedStrategy<Value> {
    let keys = prop_oneof![
        5 => prop::sample::select(vec!["contactId", "other", "name", "phoneNumber", "params"])
            .prop_map(str::to_owned),
        1 => text(),
    ];
    let values = prop_oneof![
        3 => json_leaf(),
        1 => vec(btree_map(prop_oneof![Just("name".to_owned()), Just("value".to_owned()), text()], json_leaf(), 0..3)
            .prop_map(|m| Value::Object(m.into_iter().collect())), 0..3).prop_map(Value::Array),
    ];
    btree_map(keys, values, 0..6)
        .prop_map(|m| Value::Object(m.into_iter().collect()))
        .boxed()
}

/// A value for a documented key: of the documented type more often than not, but any size,
/// sign or content, and sometimes of another type altogether.
pub(crate) fn value_for(key: &'static str) -> BoxedStrategy<Value> {
    match key {
        "callList" => prop_oneof![
            4 => vec(contact_like(), 0..4).prop_map(Value::Array),
            1 => json_value(),
        ]
        .boxed(),
        "weekDay" | "firstFifteen" | "secondFifteen" | "thirdFifteen" | "fourthFifteen" => {
            prop_oneof![4 => list_like().prop_map(Value::String), 1 => json_value()].boxed()
        }
        _ => prop_oneof![
            2 => prop_oneof![any::<i64>(), -3i64..5].prop_map(Value::from),
            2 => text().prop_map(Value::String),
            1 => json_value(),
        ]
        .boxed(),
    }
}

/// A JSON object with documented keys holding arbitrary values: either built from scratch
/// or a valid task with a few keys overwritten or removed.
pub(crate) fn entry() -> BoxedStrategy<(String, Option<Value>)> {
    prop::sample::select(TASK_KEYS.to_vec())
        .prop_flat_map(|key| (Just(key.to_owned()), option::weighted(0.8, value_for(key))))
        .boxed()
}

pub(crate) fn task_document() -> BoxedStrategy<Vec<u8>> {
    prop_oneof![
        1 => vec(entry(), 0..30).prop_map(|entries| {
            let object: Map<String, Value> =
                entries.into_iter().filter_map(|(k, v)| Some((k, v?))).collect();
            serde_json::to_vec(&object).expect("serialize")
        }),
        2 => (prop_oneof![request().boxed(), valid_request().boxed()], vec(entry(), 0..3)).prop_map(|(request, entries)| {
            let mut doc = serde_json::to_value(request).expect("serialize");
            if let Some(object) = doc.as_object_mut() {
                for (key, value) in entries {
                    match value {
                        Some(value) => object.insert(key, value),
                        None => object.remove(&key),
                    };
                }
            }
            serde_json::to_vec(&doc).expect("serialize")
        }),
        1 => vec(any::<u8>(), 0..64),
    ]
    .boxed()
}
