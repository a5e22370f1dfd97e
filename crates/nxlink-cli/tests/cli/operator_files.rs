//! The files operators really have, written by the programs they use: an .xlsx and an .ods
//! from real spreadsheet writers, and CSV/TSV as Excel saves it (UTF-8 with a BOM, UTF-16
//! "Unicode text", GB18030). Each appends the same contacts as the plain UTF-8 CSV; cells a
//! spreadsheet mangled are refused with the cell named.

use std::path::Path;

use rust_xlsxwriter::Workbook;
use spreadsheet_ods::{Sheet, WorkBook};

use crate::common::{Gateway, run, summary};

/// The table every file holds: a header and rows with Chinese names and written numbers.
const TABLE: &[[&str; 5]] = &[
    [
        "contactId",
        "name",
        "phoneNumber",
        "countryCode",
        "customerName",
    ],
    ["cn-1", "张三", "138 0000 0001", "", "张先生"],
    ["cn-2", "李四", "+86 138-0000-0002", "", "李女士"],
    ["hk-1", "陳大文", "+852 9123 4567", "", "陳生"],
    ["id-1", "Budi Santoso", "0812-3456-7890", "62", "Pak Budi"],
    ["us-1", "Ann Lee", "+1 (650) 253-0000", "", "Ann"],
];

fn as_csv(delimiter: char, end: &str) -> String {
    TABLE
        .iter()
        .map(|row| row.join(&delimiter.to_string()))
        .collect::<Vec<_>>()
        .join(end)
        + end
}

fn write_xlsx(path: &Path, numbers: &[f64]) {
    let mut workbook = Workbook::new();
    // A first sheet that is not the contacts: `--sheet` picks the right one.
    workbook
        .add_worksheet()
        .set_name("Notes")
        .expect("name")
        .write_string(0, 0, "contacts are on the next sheet")
        .expect("cell");
    let sheet = workbook.add_worksheet();
    sheet.set_name("Contacts").expect("name");
    for (row, cells) in TABLE.iter().enumerate() {
        for (column, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                sheet
                    .write_string(row as u32, column as u16, *text)
                    .expect("cell");
            }
        }
    }
    for (index, number) in numbers.iter().enumerate() {
        let row = TABLE.len() as u32 + index as u32;
        sheet
            .write_string(row, 0, format!("num-{index}"))
            .expect("cell");
        sheet.write_string(row, 1, "Number Cell").expect("cell");
        sheet.write_number(row, 2, *number).expect("cell");
    }
    workbook.save(path).expect("xlsx saved");
}

fn write_ods(path: &Path) {
    let mut book = WorkBook::new_empty();
    let mut sheet = Sheet::new("Contacts");
    for (row, cells) in TABLE.iter().enumerate() {
        for (column, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                sheet.set_value(row as u32, column as u32, *text);
            }
        }
    }
    book.push_sheet(sheet);
    spreadsheet_ods::write_ods(&mut book, path).expect("ods saved");
}

/// The contacts the emulator holds for a task: id, name, number, variables.
fn held(gateway: &Gateway, task_id: &str) -> Vec<String> {
    let mut contacts: Vec<String> = gateway
        .emulator()
        .contacts(task_id)
        .into_iter()
        .map(|stored| {
            let contact = stored.contact;
            format!(
                "{} {} {} {}",
                contact.contact_id,
                contact.name,
                contact.phone_number,
                serde_json::to_string(&contact.params).expect("json")
            )
        })
        .collect();
    contacts.sort();
    contacts
}

fn append(gateway: &Gateway, file: &Path, extra: &[&str]) -> (crate::common::Run, Vec<String>) {
    let task_id = gateway.create_task("");
    let mut command = gateway.append(&task_id, file);
    command.args(["--country-code", "86"]).args(extra);
    let outcome = run(&mut command);
    (outcome, held(gateway, &task_id))
}

#[test]
fn every_file_kind_appends_the_same_contacts() {
    let gateway = Gateway::start();
    let scratch = &gateway.scratch;
    let plain = scratch.write("plain.csv", as_csv(',', "\n"));
    let (first, expected) = append(&gateway, &plain, &[]);
    assert_eq!(first.code, 0, "{first:?}");
    assert_eq!(expected.len(), TABLE.len() - 1);
    assert!(
        expected.contains(
            &r#"cn-2 李四 13800000002 [{"name":"customerName","value":"李女士"}]"#.to_owned()
        ),
        "{expected:#?}"
    );
    assert!(
        expected
            .iter()
            .any(|c| c.starts_with("id-1 Budi Santoso +6281234567890 "))
    );
    assert!(
        expected
            .iter()
            .any(|c| c.starts_with("hk-1 陳大文 +85291234567 "))
    );
    assert_eq!(summary(&first.stdout, "appended"), 5);
    assert!(
        first.stdout.contains("phone numbers normalized: 5"),
        "{first:?}"
    );

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(as_csv(',', "\r\n").as_bytes());
    let crlf = as_csv(',', "\r\n");
    let (gb18030, _, unmappable) = encoding_rs::GB18030.encode(&crlf);
    assert!(!unmappable);
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in as_csv('\t', "\r\n").encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let files = [
        (
            scratch.write("bom.csv", bom),
            "UTF-8 (from its byte-order mark)",
        ),
        (
            scratch.write("gbk.csv", gb18030.as_ref()),
            "gb18030 (it is not valid UTF-8",
        ),
        (
            scratch.write("unicode.txt", utf16),
            "UTF-16LE (from its byte-order mark)",
        ),
    ];
    for (file, said) in &files {
        let (outcome, contacts) = append(&gateway, file, &[]);
        assert_eq!(outcome.code, 0, "{outcome:?}");
        assert_eq!(contacts, expected, "{}", file.display());
        assert_eq!(
            outcome.stderr.matches("reading ").count(),
            1,
            "the encoding is said once: {outcome:?}"
        );
        assert!(outcome.stderr.contains(said), "{said}: {outcome:?}");
    }

    let xlsx = scratch.path("contacts.xlsx");
    write_xlsx(&xlsx, &[]);
    let (outcome, contacts) = append(&gateway, &xlsx, &["--sheet", "Contacts"]);
    assert_eq!(outcome.code, 0, "{outcome:?}");
    assert_eq!(contacts, expected);
    let (outcome, _) = append(&gateway, &xlsx, &[]);
    assert_eq!(
        outcome.code, 1,
        "the first sheet has no contacts: {outcome:?}"
    );
    assert!(
        outcome.stderr.contains("no column contactId"),
        "{outcome:?}"
    );

    let ods = scratch.path("contacts.ods");
    write_ods(&ods);
    let (outcome, contacts) = append(&gateway, &ods, &[]);
    assert_eq!(outcome.code, 0, "{outcome:?}");
    assert_eq!(contacts, expected);
}

#[test]
fn cells_a_spreadsheet_mangled_are_refused_with_the_cell_named() {
    let gateway = Gateway::start();
    let xlsx = gateway.scratch.path("numbers.xlsx");
    write_xlsx(
        &xlsx,
        &[
            // exact, and a valid CN number: taken
            13_800_000_009.0,
            // an Indonesian number whose + the cell dropped
            6_281_234_567_890.0,
            // a number cell holding a fraction: digits were rounded
            13_800_000_001.5,
        ],
    );
    let (outcome, contacts) = append(&gateway, &xlsx, &["--sheet", "Contacts"]);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    assert_eq!(contacts.len(), TABLE.len() - 1 + 1, "{contacts:#?}");
    assert!(
        contacts
            .iter()
            .any(|c| c.starts_with("num-0 Number Cell 13800000009 "))
    );
    assert!(
        outcome.stderr.contains(
            "numbers.xlsx: Contacts!C8 (column phoneNumber): is a number cell: 6281234567890 is \
             not a valid number in CN, but +62 812-3456-7890 is: the leading '+' was probably lost"
        ),
        "{outcome:?}"
    );
    assert!(
        outcome.stderr.contains(
            "numbers.xlsx: Contacts!C9 (column phoneNumber): is a number cell (13800000001.5), \
             so digits were rounded away: format the column as text"
        ),
        "{outcome:?}"
    );
    assert_eq!(summary(&outcome.stdout, "invalid, not sent"), 2);

    let csv = gateway.scratch.write(
        "exported.csv",
        "contactId,name,phoneNumber\nx-1,A,1.38E+10\nx-2,B,13800000002.0\nx-3,C,13800000003\n",
    );
    let (outcome, contacts) = append(&gateway, &csv, &[]);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    assert_eq!(contacts.len(), 1);
    for line in [2, 3] {
        assert!(
            outcome
                .stderr
                .contains(&format!("exported.csv:{line}: column phoneNumber: ")),
            "{outcome:?}"
        );
    }
    assert_eq!(
        outcome.stderr.matches("format the column as text").count(),
        2
    );
}

#[test]
fn strict_phones_send_numbers_as_written() {
    let gateway = Gateway::start();
    let plain = gateway.scratch.write("plain.csv", as_csv(',', "\n"));
    let (outcome, contacts) = append(&gateway, &plain, &["--phones", "strict"]);
    assert_eq!(outcome.code, 1, "{outcome:?}");
    assert!(contacts.is_empty(), "{contacts:?}");
    assert!(
        outcome
            .stderr
            .contains("plain.csv:2: column phoneNumber: must be 5–15 digits"),
        "{outcome:?}"
    );
}

#[test]
fn a_task_is_created_with_the_contacts_of_a_sheet() {
    let gateway = Gateway::start();
    let xlsx = gateway.scratch.path("contacts.xlsx");
    write_xlsx(&xlsx, &[13_800_000_001.5]);
    let definition = gateway.scratch.write(
        "task.json",
        crate::common::TASK_JSON.replacen('{', r#"{"countryCode": "86","#, 1),
    );
    let created = run(gateway
        .nxlink()
        .args(["task", "create"])
        .arg(&definition)
        .arg("--contacts")
        .arg(&xlsx)
        .args(["--sheet", "contacts"]));
    // The rounded number cell is refused before anything is sent.
    assert_eq!(created.code, 1, "{created:?}");
    assert!(
        created
            .stderr
            .contains("contacts.xlsx: Contacts!C7 (column phoneNumber): is a number cell"),
        "{created:?}"
    );
    assert!(gateway.emulator().tasks().is_empty());

    write_xlsx(&xlsx, &[]);
    let created = run(gateway
        .nxlink()
        .args(["task", "create"])
        .arg(&definition)
        .arg("--contacts")
        .arg(&xlsx)
        .args(["--sheet", "Contacts"]));
    assert_eq!(created.code, 0, "{created:?}");
    let task = gateway.emulator().tasks().pop().expect("created");
    assert_eq!(held(&gateway, &task.task_id).len(), TABLE.len() - 1);
}
