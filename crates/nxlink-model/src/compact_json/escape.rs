//! Which bytes of a JSON string need an escape, eight at a time, and writing them escaped.

/// Lanes of a `u64`, each holding `byte`.
const fn lanes(byte: u8) -> u64 {
    u64::from_ne_bytes([byte; 8])
}

/// Which of the eight bytes of `word` must be escaped (a control character, `"` or `\\`):
/// non-zero exactly when one must (the classic "has a byte less than n" and "has a zero
/// byte" tests), never telling which byte: the caller then looks at them one by one.
fn escape_mask(word: u64) -> u64 {
    let high = lanes(0x80);
    let below_space = word.wrapping_sub(lanes(0x20)) & !word & high;
    let quote = word ^ lanes(b'"');
    let backslash = word ^ lanes(b'\\');
    let has_quote = quote.wrapping_sub(lanes(1)) & !quote & high;
    let has_backslash = backslash.wrapping_sub(lanes(1)) & !backslash & high;
    below_space | has_quote | has_backslash
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

/// Whether any byte of `bytes` must be escaped, with as few steps as the length allows:
/// most strings of a body are keys and values of 4 to 40 bytes, where a call's fixed cost
/// is most of its cost. 8 bytes and more go a word at a time, the last word overlapping the
/// one before it; 4 to 7 as two overlapping 4-byte halves of one word; shorter ones byte by
/// byte. The masks are gathered and tested once, not per word.
fn needs_escape(bytes: &[u8]) -> bool {
    if let Some(last) = bytes.last_chunk::<8>() {
        let (words, _) = bytes.as_chunks::<8>();
        let mask = words
            .iter()
            .fold(escape_mask(u64::from_ne_bytes(*last)), |mask, word| {
                mask | escape_mask(u64::from_ne_bytes(*word))
            });
        return mask != 0;
    }
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let halves = [
            first[0], first[1], first[2], first[3], last[0], last[1], last[2], last[3],
        ];
        return escape_mask(u64::from_ne_bytes(halves)) != 0;
    }
    bytes.iter().any(|&byte| ESCAPED[usize::from(byte)])
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every length that takes a different path (bytes, two halves, words, words with an
    /// overlapping tail), with each kind of byte at every position: the word tricks must
    /// neither miss a byte nor see one that is not there.
    #[test]
    fn every_position_of_every_length() {
        for len in 0..=41 {
            for at in 0..len {
                for byte in [0x00, 0x1f, b'"', b'\\', b' ', b'!', b'#', b'[', b']', 0x7f] {
                    let mut text = vec![b'a'; len];
                    text[at] = byte;
                    let text = String::from_utf8(text).expect("ASCII");
                    let expected = serde_json::to_vec(&text).expect("a string");
                    let mut written = b"\"".to_vec();
                    write_escaped(&mut written, &text);
                    written.push(b'"');
                    assert_eq!(written, expected, "{len} bytes, {byte:#04x} at {at}");
                    assert_eq!(needs_escape(text.as_bytes()), ESCAPED[usize::from(byte)]);
                }
            }
        }
    }
}
