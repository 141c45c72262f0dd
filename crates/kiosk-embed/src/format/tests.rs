use std::path::Path;

use super::*;
use crate::ErrorKind;

const H: usize = 32;
const FF: usize = 64;
const VOCAB_ROWS: usize = 8;
const POSITIONS: usize = 8;
const PIECES: [&str; 8] = ["<s>", "<pad>", "</s>", "<unk>", "▁", "▁a", "b", "c"];

/// A tiny but complete E5S1 file: one layer, 32 wide, eight pieces.
fn tiny_model() -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"E5S1");
    out.extend_from_slice(&1u32.to_le_bytes());
    for v in [H, 1, 2, FF, VOCAB_ROWS, POSITIONS, 1] {
        out.extend_from_slice(&(v as i32).to_le_bytes());
    }
    out.extend_from_slice(&1e-12f32.to_le_bytes());
    out.extend_from_slice(&32i32.to_le_bytes());

    for v in [PIECES.len(), 0, 2, 1, 3] {
        out.extend_from_slice(&(v as i32).to_le_bytes());
    }
    let blob: Vec<u8> = PIECES.iter().flat_map(|p| p.bytes()).collect();
    out.extend_from_slice(&(blob.len() as u64).to_le_bytes());
    let mut offset = 0u32;
    out.extend_from_slice(&offset.to_le_bytes());
    for piece in PIECES {
        offset += piece.len() as u32;
        out.extend_from_slice(&offset.to_le_bytes());
    }
    for i in 0..PIECES.len() {
        out.extend_from_slice(&(-(i as f32)).to_le_bytes());
    }
    out.extend_from_slice(&blob);

    // '\t' → ' ', U+200B → nothing.
    let mut table = Vec::new();
    table.extend_from_slice(&0x09u32.to_le_bytes());
    table.push(1);
    table.extend_from_slice(&0x20u32.to_le_bytes());
    table.extend_from_slice(&0x200bu32.to_le_bytes());
    table.push(0);
    out.extend_from_slice(&2i32.to_le_bytes());
    out.extend_from_slice(&(table.len() as u32).to_le_bytes());
    out.extend_from_slice(&table);

    let mut tensors: Vec<(String, u8, usize)> = vec![
        ("emb.word".into(), TYPE_Q4_0, VOCAB_ROWS * H),
        ("emb.pos".into(), TYPE_F32, POSITIONS * H),
        ("emb.type".into(), TYPE_F32, H),
        ("emb.ln.w".into(), TYPE_F32, H),
        ("emb.ln.b".into(), TYPE_F32, H),
    ];
    for (name, n) in [
        ("q", H),
        ("k", H),
        ("v", H),
        ("ao", H),
        ("fi", FF),
        ("fo", H),
    ] {
        let cols = if name == "fo" { FF } else { H };
        tensors.push((format!("l0.{name}.w"), TYPE_Q4_0, n * cols));
        tensors.push((format!("l0.{name}.b"), TYPE_F32, n));
    }
    for name in ["aln.w", "aln.b", "oln.w", "oln.b"] {
        tensors.push((format!("l0.{name}"), TYPE_F32, H));
    }
    let n_bytes = |kind: u8, n: usize| if kind == TYPE_F32 { n * 4 } else { n / 32 * 18 };
    let directory_len: usize = 4 + tensors
        .iter()
        .map(|(name, ..)| 2 + name.len() + 21)
        .sum::<usize>();
    let mut data_offset = out.len() + directory_len;
    out.extend_from_slice(&(tensors.len() as i32).to_le_bytes());
    for (name, kind, n) in &tensors {
        out.extend_from_slice(&(name.len() as u16).to_le_bytes());
        out.extend_from_slice(name.as_bytes());
        out.push(*kind);
        out.extend_from_slice(&(*n as u32).to_le_bytes());
        out.extend_from_slice(&(data_offset as u64).to_le_bytes());
        out.extend_from_slice(&(n_bytes(*kind, *n) as u64).to_le_bytes());
        data_offset += n_bytes(*kind, *n);
    }
    for (_, kind, n) in &tensors {
        if *kind == TYPE_F32 {
            for i in 0..*n {
                out.extend_from_slice(&(0.01 * (i % 7) as f32).to_le_bytes());
            }
        } else {
            for i in 0..n / 32 {
                out.extend_from_slice(&0x2c00u16.to_le_bytes()); // 1/16
                out.extend((0..16u8).map(|j| j.wrapping_mul(i as u8 + 3)));
            }
        }
    }
    assert_eq!(out.len(), data_offset);
    out
}

fn path() -> &'static Path {
    Path::new("tiny.bin")
}

#[test]
fn reads_a_complete_file() {
    let file = parse(path(), &tiny_model()).expect("the tiny model reads");
    assert_eq!(file.config.hidden, H);
    assert_eq!(file.config.n_layers, 1);
    assert_eq!(file.vocab.pieces.len(), PIECES.len());
    assert_eq!(file.vocab.pieces.get(5), "▁a".as_bytes());
    assert_eq!(file.vocab.normalization.len(), 2);
    assert_eq!(file.weights.layers[0].ff_out.weight.cols(), FF);
}

// Issue 14: a model file cut short anywhere is an error, never a panic or a
// read past the end.
#[test]
fn every_truncation_is_an_error() {
    let bytes = tiny_model();
    for len in 0..bytes.len() {
        match parse(path(), &bytes[..len]) {
            Ok(_) => panic!("a file cut to {len} of {} bytes was accepted", bytes.len()),
            Err(error) => {
                assert_eq!(error.kind(), ErrorKind::Model, "cut to {len}: {error}");
                assert!(error.to_string().starts_with("tiny.bin: "), "{error}");
            }
        }
    }
}

// Issue 14: any flipped bit anywhere in the file is read without a panic;
// where it breaks the structure, the result is a Model error.
#[test]
fn flipped_bits_never_panic() {
    let bytes = tiny_model();
    let mut n_rejected = 0;
    for at in 0..bytes.len() {
        for bit in 0..8 {
            let mut copy = bytes.clone();
            copy[at] ^= 1 << bit;
            if let Err(error) = parse(path(), &copy) {
                assert_eq!(error.kind(), ErrorKind::Model, "{error}");
                n_rejected += 1;
            }
        }
    }
    assert!(n_rejected > 500, "only {n_rejected} flips rejected");
}
