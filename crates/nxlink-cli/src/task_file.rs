//! Task definition files: the documented task/create JSON, or TOML with the same field names.
//!
//! A well-typed JSON file is streamed straight into the model. Any other (TOML, a value of
//! the wrong type, a compact `window`) is read into a JSON value first: values of the wrong
//! type are reported with their JSON path and taken out, so the model's own validation
//! (`CreateTaskRequest::from_json`) can still report every other problem at once.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde::de::IgnoredAny;

use nxlink::model::{CallWindow, CreateTaskRequest, ParseError, Quarter};
use serde_json::{Map, Value};

use crate::errors::CliError;
use crate::problems::Problem;
use crate::task_zone;

/// A definition file, read and checked.
#[derive(Debug)]
pub(crate) struct TaskDefinition {
    /// The request, when the file is valid.
    pub(crate) request: Option<CreateTaskRequest>,
    /// Every problem found, in the order of the documented fields.
    pub(crate) problems: Vec<Problem>,
    /// Keys that are not task/create fields (ignored, but probably typos), and the
    /// daylight-saving changes a `timeZone` task crosses.
    pub(crate) warnings: Vec<Problem>,
    /// The `timeZone` the file named, and the `zoneSecond` it gave: `zoneSecond 28800
    /// (UTC+8, …)`.
    pub(crate) time_zone: Option<String>,
    /// The `countryCode` the file gives, valid or not: contacts are read by it even when
    /// the rest of the definition has problems, so their reports are not misleading.
    pub(crate) country_code: Option<String>,
}

/// What a known field must hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Text,
    Integer,
    Contacts,
}

/// The task/create fields and their JSON types.
const FIELDS: [(&str, Kind); 24] = [
    ("userTaskId", Kind::Text),
    ("other", Kind::Text),
    ("taskName", Kind::Text),
    ("taskDesc", Kind::Text),
    ("autoFlowId", Kind::Integer),
    ("routeId", Kind::Text),
    ("taskKeep", Kind::Integer),
    ("startupType", Kind::Integer),
    ("startupAt", Kind::Integer),
    ("shutdownAt", Kind::Integer),
    ("zoneSecond", Kind::Integer),
    ("weekDay", Kind::Text),
    ("firstFifteen", Kind::Text),
    ("secondFifteen", Kind::Text),
    ("thirdFifteen", Kind::Text),
    ("fourthFifteen", Kind::Text),
    ("orderMaxCall", Kind::Integer),
    ("replayInterval", Kind::Integer),
    ("maxCall", Kind::Integer),
    ("maxRingTime", Kind::Integer),
    ("taskCallbackUrl", Kind::Text),
    ("callCallbackUrl", Kind::Text),
    ("countryCode", Kind::Text),
    ("callList", Kind::Contacts),
];

/// The text fields of a contact.
const CONTACT_TEXT: [&str; 4] = ["contactId", "other", "name", "phoneNumber"];

/// Largest definition file read unless `--max-file-mib` says otherwise. A valid file costs
/// about twice its size in memory; contact lists this large belong in a CSV.
pub(crate) const DEFAULT_MAX_FILE_MIB: u64 = 256;

/// Reads and checks a definition file. Only an unreadable or oversized file is an error
/// (exit 2); an invalid one is reported in [`TaskDefinition::problems`].
///
/// A JSON file is streamed into the model, so a valid one never sits in memory as bytes or
/// as a JSON tree; only a file with a value of the wrong type is read whole, to report each
/// such value with its path.
pub(crate) fn load(path: &Path, max_file_mib: u64) -> Result<TaskDefinition, CliError> {
    let unreadable = |error: std::io::Error| CliError::unreadable(path, &error);
    let file = File::open(path).map_err(unreadable)?;
    let len = file.metadata().map_err(unreadable)?.len();
    let limit = max_file_mib.saturating_mul(1024 * 1024);
    if len > limit {
        return Err(CliError::usage_hint(
            format!(
                "{} is {} MiB, over the {max_file_mib} MiB limit for a task definition",
                path.display(),
                len.div_ceil(1024 * 1024)
            ),
            "put the contacts in a CSV (--contacts FILE.csv, streamed), or raise the limit \
             with --max-file-mib N",
        ));
    }
    let name = path.display().to_string();
    let mut reader = BufReader::with_capacity(64 * 1024, file);
    let head = reader.fill_buf().map_err(unreadable)?;
    let toml = is_toml(path, head);
    if !toml {
        if head.starts_with(BOM) {
            reader.consume(BOM.len());
        }
        if let Some(definition) = read_typed(&name, reader, || open_json(path))? {
            return Ok(definition);
        }
    }
    let bytes = std::fs::read(path).map_err(unreadable)?;
    Ok(check(&name, toml, &bytes))
}

/// The file again, past its byte-order mark, for a second streaming pass.
fn open_json(path: &Path) -> Result<BufReader<File>, CliError> {
    let unreadable = |error: std::io::Error| CliError::unreadable(path, &error);
    let mut reader = BufReader::new(File::open(path).map_err(unreadable)?);
    if reader.fill_buf().map_err(unreadable)?.starts_with(BOM) {
        reader.consume(BOM.len());
    }
    Ok(reader)
}

/// TOML by extension; otherwise JSON when the first non-blank character opens an object.
fn is_toml(path: &Path, bytes: &[u8]) -> bool {
    match path.extension().and_then(|ext| ext.to_str()) {
        Some(ext) if ext.eq_ignore_ascii_case("toml") => true,
        Some(ext) if ext.eq_ignore_ascii_case("json") => false,
        _ => without_bom(bytes)
            .iter()
            .find(|byte| !byte.is_ascii_whitespace())
            .is_some_and(|byte| *byte != b'{'),
    }
}

/// Editors on some systems start UTF-8 files with a byte-order mark; parsers do not want it.
fn without_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(BOM).unwrap_or(bytes)
}

/// The UTF-8 byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Checks a definition's bytes; `name` is how problems name the file.
pub(crate) fn check(name: &str, toml: bool, bytes: &[u8]) -> TaskDefinition {
    let invalid = |problem| TaskDefinition {
        request: None,
        problems: vec![problem],
        warnings: Vec::new(),
        time_zone: None,
        country_code: None,
    };
    let document = if toml {
        parse_toml(without_bom(bytes))
    } else {
        serde_json::from_slice::<Value>(without_bom(bytes))
            .map_err(|error| format!("not valid JSON: {error}"))
    };
    let mut document = match document {
        Ok(document) => document,
        Err(message) => return invalid(Problem::file(name, message)),
    };
    let Some(fields) = document.as_object_mut() else {
        return invalid(Problem::file(
            name,
            format!(
                "must be an object with the task/create fields (got {})",
                describe(&document)
            ),
        ));
    };
    let mut typing = Typing::default();
    if let Some(problem) = expand_window(fields) {
        typing.problems.push(problem);
    }
    let country_code = fields
        .get("countryCode")
        .and_then(Value::as_str)
        .map(str::to_owned);
    let zone = task_zone::take(fields).unwrap_or_else(|problem| {
        typing.problems.push(problem);
        None
    });
    typing.check_fields(fields);
    let mut problems = Vec::new();
    let mut zone_warnings = Vec::new();
    let mut time_zone = None;
    let request =
        match serde_json::to_vec(&document)
            .map_err(ParseError::Json)
            .and_then(|json| CreateTaskRequest::from_json(&json))
        {
            Ok(mut request) => {
                if let Some(zone) = &zone {
                    zone_warnings = task_zone::apply(&mut request, zone);
                    time_zone = Some(task_zone::describe(&request, zone));
                    // The offset the zone gave is checked like a written one.
                    if let Err(errors) = request.validate() {
                        problems.extend(errors.into_iter().map(|violation| {
                            Problem::path(name, violation.path, violation.reason)
                        }));
                    }
                }
                Some(request)
            }
            Err(ParseError::Invalid(errors) | ParseError::Mistyped(errors)) => {
                problems.extend(
                    errors
                        .into_iter()
                        .filter(|violation| !typing.covers(violation.path()))
                        .map(|violation| Problem::path(name, violation.path, violation.reason)),
                );
                None
            }
            Err(other) => {
                problems.push(Problem::file(name, other.to_string()));
                None
            }
        };
    // Type problems first, in field order, then the rules; a file is valid only without both.
    let mut all: Vec<Problem> = typing
        .problems
        .into_iter()
        .map(|(path, message)| Problem::path(name, path, message))
        .collect();
    all.extend(problems);
    let mut warnings: Vec<Problem> = typing
        .unknown
        .into_iter()
        .map(|key| Problem::path(name, key, "is not a task/create field; it is ignored"))
        .collect();
    warnings.extend(
        zone_warnings
            .into_iter()
            .map(|warning| Problem::path(name, task_zone::TIME_ZONE, warning)),
    );
    TaskDefinition {
        request: request.filter(|_| all.is_empty()),
        problems: all,
        warnings,
        time_zone,
        country_code,
    }
}

/// The fast path for a well-typed JSON document: read straight into the model, without the
/// JSON tree (which costs several times the file's size in memory). `None` when a value has
/// the wrong type: the tree path then reports each such value with its path. `again` opens
/// the document once more, to list its top-level keys.
fn read_typed<R: std::io::Read>(
    name: &str,
    json: R,
    again: impl FnOnce() -> Result<R, CliError>,
) -> Result<Option<TaskDefinition>, CliError> {
    // Only the top-level keys first, their values skipped: the unknown ones are warned
    // about, and a compact `window` takes the tree path, which writes it out.
    let Ok(keys) =
        serde_json::from_reader::<_, std::collections::BTreeMap<String, IgnoredAny>>(json)
    else {
        return Ok(None);
    };
    if keys.contains_key(WINDOW) || keys.contains_key(task_zone::TIME_ZONE) {
        return Ok(None);
    }
    let Ok(request) = serde_json::from_reader::<_, CreateTaskRequest>(again()?) else {
        return Ok(None);
    };
    let country_code = request.country_code.clone();
    let (request, problems) = match request.validate() {
        Ok(()) => (Some(request), Vec::new()),
        Err(errors) => (
            None,
            errors
                .into_iter()
                .map(|violation| Problem::path(name, violation.path, violation.reason))
                .collect(),
        ),
    };
    let warnings = keys
        .into_keys()
        .filter(|key| !FIELDS.iter().any(|(field, _)| field == key))
        .map(|key| Problem::path(name, key, "is not a task/create field; it is ignored"))
        .collect();
    Ok(Some(TaskDefinition {
        request,
        problems,
        warnings,
        time_zone: None,
        country_code,
    }))
}

/// The compact calling window a definition may give instead of the five window fields.
const WINDOW: &str = "window";

/// The five task/create fields a compact window stands for.
const WINDOW_FIELDS: [&str; 5] = [
    "weekDay",
    Quarter::First.field_name(),
    Quarter::Second.field_name(),
    Quarter::Third.field_name(),
    Quarter::Fourth.field_name(),
];

/// Replaces a compact `window` ("Mon-Fri 09:00-12:00, 14:00-17:30") by the five fields it
/// stands for; a problem when it does not parse, is not a string, or comes with them.
fn expand_window(fields: &mut Map<String, Value>) -> Option<(String, String)> {
    let window = fields.remove(WINDOW)?;
    let Value::String(text) = window else {
        return Some((
            WINDOW.to_owned(),
            format!(
                "must be a string such as \"Mon-Fri 09:00-12:00, 14:00-17:30\" (got {})",
                describe(&window)
            ),
        ));
    };
    if let Some(field) = WINDOW_FIELDS
        .iter()
        .find(|field| fields.contains_key(**field))
    {
        return Some((
            WINDOW.to_owned(),
            format!("give either window or {field} and the other window fields, not both"),
        ));
    }
    match CallWindow::parse_schedule(&text).map(serde_json::to_value) {
        // The window's own wire form: exactly the five fields.
        Ok(Ok(Value::Object(wire))) => {
            fields.extend(wire);
            None
        }
        Ok(_) => Some((WINDOW.to_owned(), "could not be written out".to_owned())),
        Err(error) => Some((WINDOW.to_owned(), error.to_string())),
    }
}

/// TOML into the equivalent JSON value; date-times (which JSON lacks) become strings.
fn parse_toml(bytes: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(bytes)
        .map_err(|error| format!("not valid UTF-8 (TOML must be): {error}"))?;
    let table: toml::Table =
        toml::from_str(text).map_err(|error| format!("not valid TOML: {error}"))?;
    Ok(toml_to_json(toml::Value::Table(table)))
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(text) => Value::String(text),
        toml::Value::Integer(number) => Value::from(number),
        toml::Value::Float(number) => serde_json::Number::from_f64(number)
            .map_or_else(|| Value::String(number.to_string()), Value::Number),
        toml::Value::Boolean(flag) => Value::Bool(flag),
        toml::Value::Datetime(datetime) => Value::String(datetime.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(table) => Value::Object(
            table
                .into_iter()
                .map(|(key, value)| (key, toml_to_json(value)))
                .collect::<Map<String, Value>>(),
        ),
    }
}

/// Type problems found, with the paths they cover.
#[derive(Default)]
struct Typing {
    /// `(path, message)`, in document order.
    problems: Vec<(String, String)>,
    /// Top-level keys that are not fields.
    unknown: Vec<String>,
}

impl Typing {
    /// Checks each field's type; a mistyped value is reported and replaced, so that the
    /// model's validation does not stop at it.
    fn check_fields(&mut self, fields: &mut Map<String, Value>) {
        for (key, value) in fields.iter_mut() {
            match FIELDS.iter().find(|(name, _)| name == key) {
                Some((_, Kind::Text)) => self.expect_text(key, value),
                Some((_, Kind::Integer)) => self.expect_integer(key, value),
                Some((_, Kind::Contacts)) => self.check_contacts(key, value),
                None => self.unknown.push(key.clone()),
            }
        }
    }

    fn expect_text(&mut self, path: &str, value: &mut Value) {
        if !(value.is_string() || value.is_null()) {
            self.replace(path, value, "must be a string", Value::Null);
        }
    }

    fn expect_integer(&mut self, path: &str, value: &mut Value) {
        if !(value.is_i64() || value.is_null()) {
            self.replace(path, value, "must be a whole number", Value::Null);
        }
    }

    fn check_contacts(&mut self, path: &str, value: &mut Value) {
        let items = match value {
            Value::Null => return,
            Value::Array(items) => items,
            _ => return self.replace(path, value, "must be an array of contacts", Value::Null),
        };
        for (index, item) in items.iter_mut().enumerate() {
            let at = format!("{path}[{index}]");
            let Value::Object(contact) = item else {
                self.replace(
                    &at,
                    item,
                    "must be a contact object",
                    Value::Object(Map::new()),
                );
                continue;
            };
            for (key, field) in contact.iter_mut() {
                let field_path = format!("{at}.{key}");
                if CONTACT_TEXT.contains(&key.as_str()) {
                    self.expect_text(&field_path, field);
                } else if key == "params" {
                    self.check_params(&field_path, field);
                }
            }
        }
    }

    fn check_params(&mut self, path: &str, value: &mut Value) {
        let items = match value {
            Value::Null => return,
            Value::Array(items) => items,
            _ => {
                let message = "must be an array of {\"name\", \"value\"} objects";
                return self.replace(path, value, message, Value::Null);
            }
        };
        for (index, item) in items.iter_mut().enumerate() {
            let at = format!("{path}[{index}]");
            match item {
                Value::Object(variable) => {
                    if let Some(name) = variable.get_mut("name") {
                        self.expect_text(&format!("{at}.name"), name);
                    }
                }
                _ => {
                    let message = "must be a {\"name\", \"value\"} object";
                    self.replace(&at, item, message, Value::Object(Map::new()));
                }
            }
        }
    }

    fn replace(&mut self, path: &str, value: &mut Value, expected: &str, with: Value) {
        self.problems.push((
            path.to_owned(),
            format!("{expected} (got {})", describe(value)),
        ));
        *value = with;
    }

    /// Whether a violation of the model is a consequence of a reported type problem.
    fn covers(&self, path: &str) -> bool {
        // A window that was not understood stands for the five fields it would have set.
        let window_field = WINDOW_FIELDS.iter().any(|field| path.starts_with(field));
        self.problems.iter().any(|(bad, _)| {
            (window_field && bad == WINDOW)
                || path
                    .strip_prefix(bad.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
        })
    }
}

/// A value as an error message quotes it: short, and typed.
fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(flag) => format!("the boolean {flag}"),
        Value::Number(number) => format!("the number {number}"),
        Value::String(text) => {
            let short: String = text.chars().take(24).collect();
            let more = if text.chars().count() > 24 { "…" } else { "" };
            format!("the string {short:?}{more}")
        }
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"{"taskName":"t","autoFlowId":197,"routeId":"r","taskKeep":0,
        "startupType":1,"zoneSecond":28800,"weekDay":"1,2,3,4,5","firstFifteen":"9,10",
        "secondFifteen":"9,10","thirdFifteen":"9,10","fourthFifteen":"9,10",
        "orderMaxCall":1,"replayInterval":600}"#;

    #[test]
    fn a_valid_definition_reads() {
        let checked = check("t.json", false, VALID.as_bytes());
        assert!(checked.problems.is_empty(), "{:?}", checked.problems);
        assert_eq!(checked.request.expect("valid").task_name, "t");
    }

    #[test]
    fn type_problems_and_rule_problems_are_all_reported_once() {
        let json = VALID
            .replace(r#""autoFlowId":197"#, r#""autoFlowId":"197""#)
            .replace(r#""zoneSecond":28800"#, r#""zoneSecond":99999"#)
            .replace("\"taskKeep\":0", "\"taskKeep\":0,\"callList\":[7,{\"contactId\":\"c\",\"name\":\"n\",\"phoneNumber\":\"12\"}],\"tpyo\":1");
        let checked = check("t.json", false, json.as_bytes());
        let lines: Vec<String> = checked.problems.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 4, "{lines:#?}");
        assert!(
            lines[0]
                .starts_with("t.json: autoFlowId: must be a whole number (got the string \"197\")")
        );
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("t.json: callList[0]: must be a contact object"))
        );
        assert!(lines.iter().any(|l| l.starts_with("t.json: zoneSecond:")));
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with("t.json: callList[1].phoneNumber:"))
        );
        assert!(!lines.iter().any(|l| l.contains("autoFlowId: is required")));
        assert_eq!(checked.warnings.len(), 1);
        assert!(checked.request.is_none());
    }

    #[test]
    fn toml_reads_like_json_and_dates_are_reported_as_strings() {
        let toml = "taskName = \"t\"\nautoFlowId = 197\nrouteId = \"r\"\ntaskKeep = 0\n\
                    startupType = 2\nstartupAt = 2026-01-01T00:00:00Z\nzoneSecond = 0\n\
                    weekDay = \"1\"\nfirstFifteen = \"9\"\nsecondFifteen = \"9\"\n\
                    thirdFifteen = \"9\"\nfourthFifteen = \"9\"\norderMaxCall = 1\n\
                    replayInterval = 600\n";
        let checked = check("t.toml", true, toml.as_bytes());
        assert_eq!(checked.problems.len(), 1, "{:?}", checked.problems);
        assert!(
            checked.problems[0]
                .to_string()
                .contains("startupAt: must be a whole number")
        );
    }

    #[test]
    fn syntax_errors_and_non_objects_are_file_problems() {
        for (bytes, toml, expected) in [
            (&b"{\"taskName\": }"[..], false, "not valid JSON"),
            (b"[1]", false, "must be an object"),
            (b"taskName = ", true, "not valid TOML"),
            (b"\xff\xfe", true, "not valid UTF-8"),
        ] {
            let checked = check("f", toml, bytes);
            assert_eq!(checked.problems.len(), 1);
            assert!(
                checked.problems[0].message.contains(expected),
                "{:?}",
                checked.problems
            );
        }
    }
}
