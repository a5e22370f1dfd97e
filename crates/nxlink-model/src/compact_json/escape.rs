//! Which bytes of a JSON string need an escape, eight at a time, and writing them escaped.

/// Lanes of a `u64`, each holding `byte`.
const fn lanes(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Whether any of the eight bytes of `word` must be escaped: a control character, `"` or
/// `\`. Exact as a yes/no (the classic "has a byte less than n" and "has a zero byte"
/// tests), never telling which byte: the caller then looks at the eight one by one.
fn any_needs_escape(word: u64) -> bool {
    let high = lanes(0x80);
    let below_space = word.wrapping_sub(lanes(0x20)) & !word & high;
    let quote = word ^ lanes(b'"');
    let backslash = word ^ lanes(b'\\');
    let has_quote = quote.wrapping_sub(lanes(1)) & !quote & high;
    let has_backslash = backslash.wrapping_sub(lanes(1)) & !backslash & high;
    (below_space | has_quote | has_backslash) != 0
}

/// The escape serde_json writes for `byte`, or `None` when it is written as is.
fn escape_of(byte: u8) -> Option<&'static [u8]> {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    const CONTROL: [[u8; 6]; 32] = {
        let mut table = [[0; 6]; 32];
        let mut byte = 0;
        while byte < 32 {
            table[byte] = [b'\\', b'u', b'0', b'0', HEX[byte >> 4], HEX[byte & 0xF]];
            byte += 1;
        }
        table
    };
    match byte {
        b'"' => Some(b"\\\""),
        b'\\' => Some(b"\\\\"),
        0x08 => Some(b"\\b"),
        b'\t' => Some(b"\\t"),
        b'\n' => Some(b"\\n"),
        0x0C => Some(b"\\f"),
        b'\r' => Some(b"\\r"),
        0..0x20 => Some(&CONTROL[byte as usize]),
        _ => None,
    }
}

/// The contents of a JSON string (without its quotes). Almost every string the SDK writes
/// needs no escape and is written in one piece after an eight-bytes-at-a-time check; one
/// that does is written run by run.
pub(super) fn write_escaped(out: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !needs_escape(bytes) {
        out.extend_from_slice(bytes);
        return;
    }
    let mut run_start = 0;
    for (at, &byte) in bytes.iter().enumerate() {
        if let Some(escape) = escape_of(byte) {
            out.extend_from_slice(&bytes[run_start..at]);
            out.extend_from_slice(escape);
            run_start = at + 1;
        }
    }
    out.extend_from_slice(&bytes[run_start..]);
}

/// Whether any byte of `bytes` must be escaped: a word at a time, the last word overlapping
/// the one before it; a short string byte by byte from a table.
fn needs_escape(bytes: &[u8]) -> bool {
    let Some(last) = bytes.len().checked_sub(8) else {
        return bytes.iter().any(|&byte| ESCAPED[usize::from(byte)]);
    };
    let word_at = |at: usize| {
        bytes
            .get(at..at + 8)
            .and_then(|word| <[u8; 8]>::try_from(word).ok())
            .is_none_or(|word| any_needs_escape(u64::from_ne_bytes(word)))
    };
    (0..last).step_by(8).any(word_at) || word_at(last)
}

/// Which bytes [`escape_of`] escapes, for the byte-by-byte test of short strings.
static ESCAPED: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = byte < 0x20 || byte == b'"' as usize || byte == b'\\' as usize;
        byte += 1;
    }
    table
};
