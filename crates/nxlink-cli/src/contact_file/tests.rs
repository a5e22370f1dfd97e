use super::*;
use crate::cli::EncodingChoice;

fn options(phones: PhoneMode, country_code: Option<&str>) -> ReadOptions {
    ReadOptions {
        args: ReadArgs {
            sheet: None,
            encoding: EncodingChoice::Auto,
            phones,
        },
        country_code: country_code.map(str::to_owned),
    }
}

fn reader_with(name: &str, content: &[u8], options: &ReadOptions) -> ContactsReader {
    let dir = std::env::temp_dir().join(format!("nxlink-csv-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let path = dir.join(name);
    std::fs::write(&path, content).expect("written");
    ContactsReader::open(&path, options)
        .expect("readable")
        .expect("valid header")
}

fn reader_of(name: &str, content: &[u8]) -> ContactsReader {
    reader_with(name, content, &options(PhoneMode::Strict, None))
}

fn lines_and_problems(reader: &mut ContactsReader) -> Vec<(u64, Vec<String>)> {
    let mut rows = Vec::new();
    while let Some(row) = reader.next_row().expect("row") {
        let problems = match row.contact {
            Ok(_) => Vec::new(),
            Err(problems) => problems.iter().map(ToString::to_string).collect(),
        };
        rows.push((row.line, problems));
    }
    rows
}

fn contacts(reader: &mut ContactsReader) -> Vec<(String, String, String)> {
    let mut contacts = Vec::new();
    while let Some(row) = reader.next_row().expect("row") {
        let contact = row.contact.expect("a valid row");
        contacts.push((contact.contact_id, contact.name, contact.phone_number));
    }
    contacts
}

#[test]
fn rows_of_a_crlf_file_are_numbered_by_their_own_lines() {
    for (name, end) in [("lf.csv", "\n"), ("crlf.csv", "\r\n")] {
        let content = [
            "contactId,name,phoneNumber",
            "c-1,A,13800000001",
            "\"c-2\",\"B\nC\",13800000002",
            "c-3,,13800000003",
            "",
        ]
        .join(end);
        let mut reader = reader_of(name, content.as_bytes());
        let rows = lines_and_problems(&mut reader);
        let lines: Vec<u64> = rows.iter().map(|(line, _)| *line).collect();
        assert_eq!(lines, [2, 3, 5], "{name}");
        assert_eq!(rows[2].1.len(), 1, "{name}: {:?}", rows[2].1);
        assert!(
            rows[2].1[0].starts_with(&format!("{}:5:", reader.places().file())),
            "{:?}",
            rows[2].1
        );
    }
}

#[test]
fn a_field_that_is_not_text_in_the_encoding_is_reported_once() {
    // Valid UTF-8 but for one byte: the file is read as GB18030, where 0xE9 followed by a
    // comma is no character.
    let mut reader = reader_of(
        "latin1.csv",
        b"contactId,name,phoneNumber\nc-1,Jos\xe9,13800000001\n",
    );
    let rows = lines_and_problems(&mut reader);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].1.len(), 1, "{:?}", rows[0].1);
    assert!(
        rows[0].1[0].contains("column name: has bytes that are not gb18030 text"),
        "{:?}",
        rows[0].1
    );
}

#[test]
fn excel_encodings_read_as_the_same_contacts() {
    let text = "contactId,name,phoneNumber\r\nc-1,张三,13800000001\r\nc-2,李四,13800000002\r\n";
    let expected = contacts(&mut reader_of("plain.csv", text.as_bytes()));
    assert_eq!(expected[0].1, "张三");
    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice(text.as_bytes());
    let (gbk, _, _) = encoding_rs::GB18030.encode(text);
    let tsv = text.replace(',', "\t");
    let mut utf16le = vec![0xFF, 0xFE];
    let mut utf16be = vec![0xFE, 0xFF];
    for unit in tsv.encode_utf16() {
        utf16le.extend_from_slice(&unit.to_le_bytes());
        utf16be.extend_from_slice(&unit.to_be_bytes());
    }
    for (name, bytes) in [
        ("bom.csv", bom),
        ("gbk.csv", gbk.into_owned()),
        ("le.txt", utf16le),
        ("be.txt", utf16be),
    ] {
        let mut reader = reader_of(name, &bytes);
        assert_eq!(contacts(&mut reader), expected, "{name}");
        assert!(reader.wants_bom(), "{name}");
    }
}

#[test]
fn written_numbers_are_normalized_and_the_rewrite_kept() {
    let mut reader = reader_with(
        "written.csv",
        "contactId,name,phoneNumber,countryCode\nc-1,A,+86 138 0000 0001,\nc-2,B,0812-3456-7890,62\nc-3,C,13800000003,\n"
            .as_bytes(),
        &options(PhoneMode::Normalize, Some("86")),
    );
    let mut rewrites = Vec::new();
    while let Some(row) = reader.next_row().expect("row") {
        let contact = row.contact.expect("valid");
        rewrites.push((
            contact.phone_number,
            row.rewrite.map(|rewrite| rewrite.sent.to_string()),
        ));
    }
    assert_eq!(
        rewrites,
        [
            (
                "13800000001".to_owned(),
                Some("13800000001, countryCode 86".to_owned())
            ),
            (
                "+6281234567890".to_owned(),
                Some("+6281234567890, countryCode 62".to_owned())
            ),
            ("13800000003".to_owned(), None),
        ]
    );
}

#[test]
fn invalid_numbers_are_refused_in_their_column_once() {
    let mut reader = reader_with(
        "invalid.csv",
        b"contactId,name,phoneNumber\nc-1,A,138 0000 000\nc-2,B,1.38E+10\n",
        &options(PhoneMode::Normalize, Some("86")),
    );
    let rows = lines_and_problems(&mut reader);
    assert_eq!(rows[0].1.len(), 1, "{:?}", rows[0].1);
    assert!(
        rows[0].1[0].contains("invalid.csv:2: column phoneNumber: Illegal phone number format: \"138 0000 000\" is not a valid CN number"),
        "{:?}",
        rows[0].1
    );
    assert!(
        rows[1].1[0].contains("format the column as text"),
        "{:?}",
        rows[1].1
    );
}

#[test]
fn delimiters_are_read_from_the_header() {
    assert_eq!(delimiter_of(b"contactId,name,phoneNumber"), b',');
    assert_eq!(delimiter_of(b"contactId\tname\tphoneNumber"), b'\t');
    assert_eq!(delimiter_of(b"contactId;name;phoneNumber"), b';');
    assert_eq!(delimiter_of(b"contactId\tname,x\tphoneNumber"), b'\t');
}
