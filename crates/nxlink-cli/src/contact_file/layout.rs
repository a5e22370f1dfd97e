//! Which column of a contacts file holds what, found from its header.
//!
//! Columns: `contactId`, `name` and `phoneNumber` are required; `other` and `countryCode`
//! are optional (their names match in any case); every further column is a script variable
//! named by its header.

use csv::ByteRecord;

use super::places::FilePlaces;
use crate::problems::Problem;

/// The required columns, as they are reported.
pub(crate) const REQUIRED: [&str; 3] = ["contactId", "name", "phoneNumber"];
/// The optional pass-through column.
const OTHER: &str = "other";
/// The optional column of the country to read a row's number by.
const COUNTRY_CODE: &str = "countryCode";

/// Which column holds what.
#[derive(Clone, Debug)]
pub(crate) struct Layout {
    /// The header names, as written.
    pub(crate) names: Vec<String>,
    pub(crate) contact_id: usize,
    pub(crate) name: usize,
    pub(crate) phone_number: usize,
    pub(crate) other: Option<usize>,
    pub(crate) country_code: Option<usize>,
    /// Columns that are variables.
    pub(crate) variables: Vec<usize>,
}

/// Finds the columns; every problem of the header is reported on its row.
pub(crate) fn layout(places: &FilePlaces, headers: &ByteRecord) -> Result<Layout, Vec<Problem>> {
    let mut problems = Vec::new();
    let header_problem = |message: String| places.problem(1, None, message);
    if headers.is_empty() || (headers.len() == 1 && headers.get(0).is_some_and(<[u8]>::is_empty)) {
        return Err(vec![header_problem(format!(
            "the first line must name the columns: {}, optionally {OTHER} and {COUNTRY_CODE}, \
             then one column per variable",
            REQUIRED.join(", ")
        ))]);
    }
    let mut names = Vec::with_capacity(headers.len());
    for (index, bytes) in headers.iter().enumerate() {
        match std::str::from_utf8(bytes) {
            Ok("") => {
                problems.push(header_problem(format!(
                    "column {} has no name; each column after {} and {OTHER} is a variable named \
                     by its header",
                    index + 1,
                    REQUIRED.join(", ")
                )));
                names.push(format!("#{}", index + 1));
            }
            Ok(name) => names.push(name.to_owned()),
            Err(_) => {
                problems.push(header_problem(format!(
                    "column {} is not valid UTF-8: save the file as UTF-8 CSV, or pass \
                     --encoding",
                    index + 1
                )));
                names.push(format!("#{}", index + 1));
            }
        }
    }
    let find = |wanted: &str| {
        names
            .iter()
            .position(|name| name.eq_ignore_ascii_case(wanted))
    };
    let mut required = [0usize; 3];
    for (slot, wanted) in required.iter_mut().zip(REQUIRED) {
        match find(wanted) {
            Some(index) => *slot = index,
            None => problems.push(header_problem(format!(
                "no column {wanted} (columns: {})",
                names.join(", ")
            ))),
        }
    }
    for (index, name) in names.iter().enumerate() {
        let reserved = REQUIRED
            .iter()
            .chain([&OTHER, &COUNTRY_CODE])
            .any(|r| r.eq_ignore_ascii_case(name));
        let first = names.iter().position(|other| {
            if reserved {
                other.eq_ignore_ascii_case(name)
            } else {
                other == name
            }
        });
        if first != Some(index) {
            problems.push(header_problem(format!("column {name} appears twice")));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let other = find(OTHER);
    let country_code = find(COUNTRY_CODE);
    let [contact_id, name, phone_number] = required;
    let variables = (0..names.len())
        .filter(|index| {
            ![contact_id, name, phone_number].contains(index)
                && Some(*index) != other
                && Some(*index) != country_code
        })
        .collect();
    Ok(Layout {
        names,
        contact_id,
        name,
        phone_number,
        other,
        country_code,
        variables,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> ByteRecord {
        ByteRecord::from(names.to_vec())
    }

    fn places() -> FilePlaces {
        FilePlaces::lines("c.csv".into())
    }

    #[test]
    fn columns_are_found_in_any_case_and_the_rest_are_variables() {
        let layout = layout(
            &places(),
            &headers(&[
                "Name",
                "PHONENUMBER",
                "x",
                "contactId",
                "other",
                "y",
                "countrycode",
            ]),
        )
        .expect("valid header");
        assert_eq!(
            (layout.contact_id, layout.name, layout.phone_number),
            (3, 0, 1)
        );
        assert_eq!(layout.other, Some(4));
        assert_eq!(layout.country_code, Some(6));
        assert_eq!(layout.variables, [2, 5]);
    }

    #[test]
    fn header_problems_are_all_reported_at_line_one() {
        let problems = layout(&places(), &headers(&["contactId", "name", "", "v", "v"]))
            .expect_err("broken header");
        let lines: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), 3, "{lines:#?}");
        assert!(lines[0].starts_with("c.csv:1: column 3 has no name"));
        assert!(lines[1].starts_with("c.csv:1: no column phoneNumber"));
        assert_eq!(lines[2], "c.csv:1: column v appears twice");
    }
}
