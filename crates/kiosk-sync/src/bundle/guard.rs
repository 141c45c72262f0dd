//! A bound on a bundle's tar headers, checked before the tar crate sees
//! them.
//!
//! The tar crate reads a GNU long name or link (`././@LongLink`, types `L`
//! and `K`) and a pax extended header (`x`) whole into memory, however
//! large its header says it is, and it does so before the bundle's
//! signature can be checked: an unsigned file on a stick could make the
//! kiosk allocate gigabytes. [`HeaderGuard`] sits between the source and
//! the tar reader and follows the archive's 512-byte blocks itself:
//!
//! - every header is read and checked before the tar reader gets a byte of
//!   it; an extension record (`L`, `K`, `x`, `g`) over
//!   [`MAX_EXTENSION_BYTES`] is refused;
//! - a pax record that sets an entry's `size` is refused, so the guard and
//!   the tar reader always agree on where the next header starts;
//! - GNU sparse entries (`S`), whose extra header blocks the guard would
//!   have to follow as well, are refused: a bundle holds plain files.
//!
//! A refusal is remembered in the shared [`Refusal`] so the reader can
//! report it as a rejected bundle rather than a read error.

use std::cell::RefCell;
use std::io::{self, Read};
use std::rc::Rc;

/// The most a long-name, long-link or pax record may declare. Real ones
/// are a few hundred bytes.
pub const MAX_EXTENSION_BYTES: u64 = 64 * 1024;

const BLOCK: usize = 512;

/// Why the guard refused the bundle, once it has.
pub type Refusal = Rc<RefCell<Option<String>>>;

pub struct HeaderGuard<R> {
    inner: R,
    /// The current entry's data (with padding) still to pass through.
    data_left: u64,
    /// Checked bytes (a header, or a pax header and its records) waiting
    /// for the tar reader.
    held: Vec<u8>,
    held_at: usize,
    refusal: Refusal,
}

impl<R: Read> HeaderGuard<R> {
    pub fn new(inner: R, refusal: Refusal) -> HeaderGuard<R> {
        HeaderGuard {
            inner,
            data_left: 0,
            held: Vec::with_capacity(BLOCK),
            held_at: 0,
            refusal,
        }
    }

    fn refuse(&self, reason: String) -> io::Error {
        let error = io::Error::new(io::ErrorKind::InvalidData, reason.clone());
        *self.refusal.borrow_mut() = Some(reason);
        error
    }

    /// Reads the next header into `held` and checks it (and, for a pax
    /// header, its records). At the end of the source `held` keeps what
    /// there was, for the tar reader to find truncated.
    fn next_header(&mut self) -> io::Result<()> {
        self.held.clear();
        self.held_at = 0;
        fill(&mut self.inner, &mut self.held, BLOCK)?;
        if self.held.len() < BLOCK {
            return Ok(());
        }
        let header: [u8; BLOCK] = self.held[..BLOCK]
            .try_into()
            .expect("held holds one whole block here");
        if header.iter().all(|&b| b == 0) {
            // An end-of-archive block.
            return Ok(());
        }
        let kind = header[156];
        let size = entry_size(&header[124..136])
            .ok_or_else(|| self.refuse("a tar header's size field is not a number".into()))?;
        if matches!(kind, b'L' | b'K' | b'x' | b'g') && size > MAX_EXTENSION_BYTES {
            return Err(self.refuse(format!(
                "a tar {} record declares {size} bytes, at most {MAX_EXTENSION_BYTES} are allowed",
                extension_name(kind)
            )));
        }
        let padded = size
            .checked_add(BLOCK as u64 - 1)
            .map(|s| s & !(BLOCK as u64 - 1))
            .ok_or_else(|| self.refuse(format!("a tar header declares {size} bytes")))?;
        match kind {
            b'x' => {
                // Small (checked above): read the records now and look at
                // them before the tar reader does.
                fill(&mut self.inner, &mut self.held, BLOCK + padded as usize)?;
                let records = &self.held[BLOCK..];
                let records = &records[..records.len().min(size as usize)];
                if records.windows(6).any(|w| w == b" size=") {
                    return Err(self.refuse(
                        "a pax record sets an entry's size; bundles do not use that".into(),
                    ));
                }
                Ok(())
            }
            b'S' => Err(self.refuse("a GNU sparse entry; a bundle holds only plain files".into())),
            _ => {
                self.data_left = padded;
                Ok(())
            }
        }
    }
}

impl<R: Read> Read for HeaderGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if let Some(reason) = self.refusal.borrow().as_ref() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, reason.clone()));
        }
        if buf.is_empty() {
            return Ok(0);
        }
        loop {
            if self.held_at < self.held.len() {
                let n = buf.len().min(self.held.len() - self.held_at);
                buf[..n].copy_from_slice(&self.held[self.held_at..self.held_at + n]);
                self.held_at += n;
                return Ok(n);
            }
            if self.data_left > 0 {
                let want = (buf.len() as u64).min(self.data_left) as usize;
                let n = self.inner.read(&mut buf[..want])?;
                self.data_left -= n as u64;
                return Ok(n);
            }
            self.next_header()?;
            if self.held.is_empty() {
                return Ok(0);
            }
        }
    }
}

/// Appends from `reader` until `buf` holds `len` bytes or the source ends.
fn fill<R: Read>(reader: &mut R, buf: &mut Vec<u8>, len: usize) -> io::Result<()> {
    let mut chunk = [0u8; BLOCK];
    while buf.len() < len {
        let want = (len - buf.len()).min(BLOCK);
        match reader.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A header's size field as the tar crate reads it: octal text up to the
/// first NUL, or big-endian binary when the top bit is set.
fn entry_size(field: &[u8]) -> Option<u64> {
    if field[0] & 0x80 != 0 {
        let tail = &field[field.len() - 8..];
        return Some(tail.iter().fold(0u64, |n, &b| (n << 8) | u64::from(b)));
    }
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let text = std::str::from_utf8(&field[..end]).ok()?;
    u64::from_str_radix(text.trim(), 8).ok()
}

fn extension_name(kind: u8) -> &'static str {
    match kind {
        b'L' => "GNU long-name",
        b'K' => "GNU long-link",
        b'x' => "pax",
        _ => "pax global",
    }
}
