//! The text encodings Excel writes CSV and "Unicode text" in: UTF-8 with or without a
//! byte-order mark, UTF-16 LE/BE with one, and GB18030/GBK on Simplified-Chinese Windows.
//!
//! Detection reads the file once ahead (bounded memory): a byte-order mark decides; else a
//! file that is valid UTF-8 throughout is UTF-8; else it is GB18030. The file is then
//! decoded to UTF-8 as it streams (`encoding_rs_io`), so the CSV reader sees UTF-8 only.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use encoding_rs::{BIG5, Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};
use encoding_rs_io::DecodeReaderBytesBuilder;

use crate::cli::EncodingChoice;

/// The encoding a file is read in, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TextEncoding {
    /// The encoding.
    pub(crate) encoding: &'static Encoding,
    /// Whether the file starts with a byte-order mark.
    pub(crate) bom: bool,
    /// Whether it was detected (not given with `--encoding`).
    pub(crate) detected: bool,
}

impl TextEncoding {
    /// Whether the bytes are UTF-8 already (the reader then reads the file as it is).
    pub(crate) fn is_plain_utf8(&self) -> bool {
        self.encoding == UTF_8 && !self.bom
    }

    /// `UTF-16LE (byte-order mark)`, `GB18030 (not valid UTF-8)`, for the one note on stderr.
    pub(crate) fn describe(&self) -> String {
        let why = match (self.detected, self.bom) {
            (false, _) => "as --encoding says",
            (true, true) => "from its byte-order mark",
            (true, false) if self.encoding == UTF_8 => "valid UTF-8",
            (true, false) => "it is not valid UTF-8; pass --encoding to choose another",
        };
        format!("{} ({why})", self.encoding.name())
    }
}

/// Decides how to read `path`.
pub(crate) fn detect(path: &Path, choice: EncodingChoice) -> io::Result<TextEncoding> {
    let mut head = Vec::with_capacity(3);
    File::open(path)?.take(3).read_to_end(&mut head)?;
    let bom = match head.as_slice() {
        [0xEF, 0xBB, 0xBF, ..] => Some(UTF_8),
        [0xFF, 0xFE, ..] => Some(UTF_16LE),
        [0xFE, 0xFF, ..] => Some(UTF_16BE),
        _ => None,
    };
    let given = match choice {
        EncodingChoice::Auto => None,
        EncodingChoice::Utf8 => Some(UTF_8),
        EncodingChoice::Utf16Le => Some(UTF_16LE),
        EncodingChoice::Utf16Be => Some(UTF_16BE),
        EncodingChoice::Gb18030 => Some(GB18030),
        EncodingChoice::Big5 => Some(BIG5),
    };
    if let Some(encoding) = given {
        return Ok(TextEncoding {
            encoding,
            bom: bom == Some(encoding),
            detected: false,
        });
    }
    if let Some(encoding) = bom {
        return Ok(TextEncoding {
            encoding,
            bom: true,
            detected: true,
        });
    }
    let encoding = if is_utf8(File::open(path)?)? {
        UTF_8
    } else {
        GB18030
    };
    Ok(TextEncoding {
        encoding,
        bom: false,
        detected: true,
    })
}

/// Counts the bytes read from the file (for progress), whatever the decoding does to them.
#[derive(Debug, Clone, Default)]
pub(crate) struct BytesRead(Arc<AtomicU64>);

impl BytesRead {
    /// Bytes of the file read so far.
    pub(crate) fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// A file reader that counts what it reads.
#[derive(Debug)]
struct Counted {
    file: File,
    count: BytesRead,
}

impl Read for Counted {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let read = self.file.read(buf)?;
        self.count.0.fetch_add(read as u64, Ordering::Relaxed);
        Ok(read)
    }
}

/// A file's text as UTF-8 bytes.
pub(crate) struct Utf8Stream(Box<dyn Read + Send>);

impl std::fmt::Debug for Utf8Stream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Utf8Stream")
    }
}

impl Read for Utf8Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read(buf)
    }
}

/// The file as UTF-8 bytes (the byte-order mark removed), and its read counter.
pub(crate) fn utf8_stream(file: File, encoding: TextEncoding) -> (Utf8Stream, BytesRead) {
    let count = BytesRead::default();
    let counted = Counted {
        file,
        count: count.clone(),
    };
    if encoding.is_plain_utf8() {
        return (Utf8Stream(Box::new(counted)), count);
    }
    let decoded = DecodeReaderBytesBuilder::new()
        .encoding(Some(encoding.encoding))
        .bom_override(true)
        .strip_bom(true)
        .build(counted);
    (Utf8Stream(Box::new(decoded)), count)
}

/// Whether a stream is valid UTF-8 from end to end, read in bounded chunks.
fn is_utf8(mut file: File) -> io::Result<bool> {
    let mut buffer = vec![0u8; 64 * 1024];
    // Bytes of a character cut by the end of the previous chunk, moved to the front.
    let mut carried = 0;
    loop {
        let read = file.read(&mut buffer[carried..])?;
        if read == 0 {
            return Ok(carried == 0);
        }
        let filled = carried + read;
        match std::str::from_utf8(&buffer[..filled]) {
            Ok(_) => carried = 0,
            Err(error) if error.error_len().is_none() => {
                let valid = error.valid_up_to();
                buffer.copy_within(valid..filled, 0);
                carried = filled - valid;
            }
            Err(_) => return Ok(false),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detected(name: &str, bytes: &[u8]) -> TextEncoding {
        let dir = std::env::temp_dir().join(format!("nxlink-enc-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("scratch dir");
        let path = dir.join(name);
        std::fs::write(&path, bytes).expect("written");
        detect(&path, EncodingChoice::Auto).expect("readable")
    }

    #[test]
    fn boms_then_utf8_then_gb18030() {
        assert_eq!(detected("bom8", b"\xEF\xBB\xBFa,b\n").encoding, UTF_8);
        assert_eq!(detected("le", b"\xFF\xFEa\0").encoding, UTF_16LE);
        assert_eq!(detected("be", b"\xFE\xFF\0a").encoding, UTF_16BE);
        assert!(detected("plain", "名字,电话\n".as_bytes()).is_plain_utf8());
        let (gbk, _, _) = GB18030.encode("名字,电话\n张三,138\n");
        assert_eq!(detected("gbk", &gbk).encoding, GB18030);
    }

    #[test]
    fn a_character_across_chunks_is_still_utf8() {
        let mut text = "a".repeat(64 * 1024 - 1);
        text.push('张');
        assert!(detected("edge", text.as_bytes()).is_plain_utf8());
    }
}
