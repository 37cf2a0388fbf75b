//! A minimal ZIP writer: stored (uncompressed) entries, enough for a wheel.
//!
//! A wheel is a ZIP archive (PEP 427); nothing requires compression, and pip,
//! `zipfile` and `unzip` all read stored entries. Each entry gets a local
//! header, its bytes and a central-directory record; the archive ends with
//! the end-of-central-directory record. No ZIP64: an entry or the archive must
//! stay below 4 GiB, which [`ZipWriter::finish`] checks.

/// CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320), as ZIP requires.
pub fn crc32(data: &[u8]) -> u32 {
    const TABLE: [u32; 256] = {
        let mut table = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            let mut c = i as u32;
            let mut k = 0;
            while k < 8 {
                c = if c & 1 != 0 {
                    0xEDB8_8320 ^ (c >> 1)
                } else {
                    c >> 1
                };
                k += 1;
            }
            table[i] = c;
            i += 1;
        }
        table
    };
    !data.iter().fold(!0u32, |crc, &b| {
        TABLE[((crc ^ u32::from(b)) & 0xff) as usize] ^ (crc >> 8)
    })
}

struct Entry {
    name: String,
    crc: u32,
    size: u32,
    offset: u32,
    unix_mode: u32,
}

/// Builds a ZIP archive in memory.
#[derive(Default)]
pub struct ZipWriter {
    bytes: Vec<u8>,
    entries: Vec<Entry>,
    too_large: bool,
}

/// 1980-01-01 00:00, the earliest DOS timestamp: archives are reproducible.
const DOS_TIME: u16 = 0;
const DOS_DATE: u16 = (1 << 5) | 1;

impl ZipWriter {
    /// Adds a file `name` (forward slashes, relative) with permissions `unix_mode`
    /// (e.g. `0o644`, or `0o755` for a shared library).
    pub fn add(&mut self, name: &str, data: &[u8], unix_mode: u32) {
        let (Ok(size), Ok(offset), Ok(name_len)) = (
            u32::try_from(data.len()),
            u32::try_from(self.bytes.len()),
            u16::try_from(name.len()),
        ) else {
            self.too_large = true;
            return;
        };
        let crc = crc32(data);
        let b = &mut self.bytes;
        b.extend_from_slice(&0x0403_4b50u32.to_le_bytes()); // local file header
        b.extend_from_slice(&20u16.to_le_bytes()); // version needed: 2.0
        b.extend_from_slice(&0x0800u16.to_le_bytes()); // flags: UTF-8 names
        b.extend_from_slice(&0u16.to_le_bytes()); // method: stored
        b.extend_from_slice(&DOS_TIME.to_le_bytes());
        b.extend_from_slice(&DOS_DATE.to_le_bytes());
        b.extend_from_slice(&crc.to_le_bytes());
        b.extend_from_slice(&size.to_le_bytes()); // compressed size
        b.extend_from_slice(&size.to_le_bytes()); // uncompressed size
        b.extend_from_slice(&name_len.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes()); // extra field length
        b.extend_from_slice(name.as_bytes());
        b.extend_from_slice(data);
        self.entries.push(Entry {
            name: name.to_owned(),
            crc,
            size,
            offset,
            unix_mode,
        });
    }

    /// Writes the central directory and returns the archive, or `None` if it
    /// would need ZIP64 (over 4 GiB or 65535 entries).
    pub fn finish(mut self) -> Option<Vec<u8>> {
        let directory_offset = u32::try_from(self.bytes.len()).ok()?;
        let count = u16::try_from(self.entries.len()).ok()?;
        if self.too_large {
            return None;
        }
        for entry in &self.entries {
            let b = &mut self.bytes;
            b.extend_from_slice(&0x0201_4b50u32.to_le_bytes()); // central header
            b.extend_from_slice(&((3u16 << 8) | 20).to_le_bytes()); // made by: Unix, 2.0
            b.extend_from_slice(&20u16.to_le_bytes());
            b.extend_from_slice(&0x0800u16.to_le_bytes());
            b.extend_from_slice(&0u16.to_le_bytes());
            b.extend_from_slice(&DOS_TIME.to_le_bytes());
            b.extend_from_slice(&DOS_DATE.to_le_bytes());
            b.extend_from_slice(&entry.crc.to_le_bytes());
            b.extend_from_slice(&entry.size.to_le_bytes());
            b.extend_from_slice(&entry.size.to_le_bytes());
            b.extend_from_slice(&(entry.name.len() as u16).to_le_bytes());
            b.extend_from_slice(&[0; 6]); // extra, comment lengths; disk number
            b.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                                                      // Regular file (S_IFREG) with its permissions, in the high half.
            b.extend_from_slice(&((0o100_000 | entry.unix_mode) << 16).to_le_bytes());
            b.extend_from_slice(&entry.offset.to_le_bytes());
            b.extend_from_slice(entry.name.as_bytes());
        }
        let directory_size = u32::try_from(self.bytes.len()).ok()? - directory_offset;
        let b = &mut self.bytes;
        b.extend_from_slice(&0x0605_4b50u32.to_le_bytes()); // end of central directory
        b.extend_from_slice(&[0; 4]); // this disk, disk with the directory
        b.extend_from_slice(&count.to_le_bytes());
        b.extend_from_slice(&count.to_le_bytes());
        b.extend_from_slice(&directory_size.to_le_bytes());
        b.extend_from_slice(&directory_offset.to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes()); // comment length
        Some(self.bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_vectors() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn archive_layout() {
        let mut zip = ZipWriter::default();
        zip.add("a/b.txt", b"hello", 0o644);
        zip.add("c.so", b"", 0o755);
        let bytes = zip.finish().unwrap();
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        let eocd = &bytes[bytes.len() - 22..];
        assert_eq!(&eocd[..4], b"PK\x05\x06");
        assert_eq!(u16::from_le_bytes([eocd[10], eocd[11]]), 2);
    }

    /// Reads the archive back with Python's `zipfile` when `python3` exists.
    #[test]
    fn python_zipfile_reads_it() {
        use std::io::Write;
        use std::process::{Command, Stdio};
        let mut zip = ZipWriter::default();
        zip.add("pkg/__init__.py", b"x = 1\n", 0o644);
        zip.add("pkg/m.so", &[0u8, 1, 2, 255], 0o755);
        let bytes = zip.finish().unwrap();
        let check = "import io, sys, zipfile\n\
            z = zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read()))\n\
            assert z.testzip() is None\n\
            assert z.read('pkg/__init__.py') == b'x = 1\\n'\n\
            assert z.read('pkg/m.so') == bytes([0, 1, 2, 255])\n\
            assert z.getinfo('pkg/m.so').external_attr >> 16 == 0o100755\n";
        let Ok(mut child) = Command::new("python3")
            .args(["-c", check])
            .stdin(Stdio::piped())
            .spawn()
        else {
            eprintln!("python3 not found; archive not checked with zipfile");
            return;
        };
        child.stdin.take().unwrap().write_all(&bytes).unwrap();
        assert!(
            child.wait().unwrap().success(),
            "zipfile rejected the archive"
        );
    }
}
