//! The converter on a tiny synthetic CTranslate2 Whisper: header, split
//! projections, determinism, quantization, and damaged input.

use std::path::Path;

use super::ggml::{self, WeightType};
use super::*;

/// A tiny English-only Whisper in CTranslate2's format: state 64, one layer
/// each side, one head, real vocabulary size (the token ids are fixed by
/// whisper.cpp). Values are a fixed function of position, so tests can
/// predict every tensor.
pub(crate) struct TinyCt2 {
    pub state: usize,
}

fn value(seed: usize, i: usize) -> f32 {
    let x = (seed * 7919 + i * 104_729) % 10_007;
    (x as f32 / 10_007.0 - 0.5) * 0.25
}

struct VarWriter {
    vars: Vec<(String, Vec<usize>, u8, Vec<u8>)>,
}

impl VarWriter {
    fn f16(&mut self, name: &str, shape: &[usize]) {
        let n: usize = shape.iter().product();
        let seed = self.vars.len() + 1;
        let bytes = (0..n)
            .flat_map(|i| f16::from_f32(value(seed, i)).to_le_bytes())
            .collect();
        self.vars.push((name.into(), shape.to_vec(), 4, bytes));
    }

    fn i16(&mut self, name: &str, v: i16) {
        self.vars
            .push((name.into(), vec![], 2, v.to_le_bytes().to_vec()));
    }

    fn finish(mut self, aliases: &[(&str, &str)]) -> Vec<u8> {
        self.vars.sort_by(|a, b| a.0.cmp(&b.0));
        let mut out = Vec::new();
        let string = |out: &mut Vec<u8>, s: &str| {
            out.extend_from_slice(&((s.len() + 1) as u16).to_le_bytes());
            out.extend_from_slice(s.as_bytes());
            out.push(0);
        };
        out.extend_from_slice(&6u32.to_le_bytes());
        string(&mut out, "WhisperSpec");
        out.extend_from_slice(&3u32.to_le_bytes());
        out.extend_from_slice(&(self.vars.len() as u32).to_le_bytes());
        for (name, shape, dtype, bytes) in &self.vars {
            string(&mut out, name);
            out.push(shape.len() as u8);
            for d in shape {
                out.extend_from_slice(&(*d as u32).to_le_bytes());
            }
            out.push(*dtype);
            out.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
            out.extend_from_slice(bytes);
        }
        out.extend_from_slice(&(aliases.len() as u32).to_le_bytes());
        for (alias, target) in aliases {
            string(&mut out, alias);
            string(&mut out, target);
        }
        out
    }
}

pub(crate) const N_VOCAB_EN: usize = 51864;

impl TinyCt2 {
    pub(crate) fn write(&self, dir: &Path) {
        let s = self.state;
        let mut w = VarWriter { vars: Vec::new() };
        w.f16("encoder/conv1/weight", &[s, 80, 3]);
        w.f16("encoder/conv1/bias", &[s]);
        w.f16("encoder/conv2/weight", &[s, s, 3]);
        w.f16("encoder/conv2/bias", &[s]);
        w.f16("encoder/position_encodings/encodings", &[1500, s]);
        w.f16("encoder/layer_norm/gamma", &[s]);
        w.f16("encoder/layer_norm/beta", &[s]);
        w.i16("encoder/num_heads", 1);
        w.i16("decoder/num_heads", 1);
        w.f16("decoder/embeddings/weight", &[N_VOCAB_EN, s]);
        w.f16("decoder/position_encodings/encodings", &[448, s]);
        w.f16("decoder/layer_norm/gamma", &[s]);
        w.f16("decoder/layer_norm/beta", &[s]);
        for stack in ["encoder", "decoder"] {
            let p = format!("{stack}/layer_0");
            let mut scopes = vec!["self_attention", "ffn"];
            if stack == "decoder" {
                scopes.push("attention");
            }
            for scope in scopes {
                w.f16(&format!("{p}/{scope}/layer_norm/gamma"), &[s]);
                w.f16(&format!("{p}/{scope}/layer_norm/beta"), &[s]);
            }
            w.f16(&format!("{p}/self_attention/linear_0/weight"), &[3 * s, s]);
            w.f16(&format!("{p}/self_attention/linear_0/bias"), &[3 * s]);
            w.f16(&format!("{p}/self_attention/linear_1/weight"), &[s, s]);
            w.f16(&format!("{p}/self_attention/linear_1/bias"), &[s]);
            w.f16(&format!("{p}/ffn/linear_0/weight"), &[4 * s, s]);
            w.f16(&format!("{p}/ffn/linear_0/bias"), &[4 * s]);
            w.f16(&format!("{p}/ffn/linear_1/weight"), &[s, 4 * s]);
            w.f16(&format!("{p}/ffn/linear_1/bias"), &[s]);
            if stack == "decoder" {
                w.f16(&format!("{p}/attention/linear_0/weight"), &[s, s]);
                w.f16(&format!("{p}/attention/linear_0/bias"), &[s]);
                w.f16(&format!("{p}/attention/linear_1/weight"), &[2 * s, s]);
                w.f16(&format!("{p}/attention/linear_1/bias"), &[2 * s]);
                w.f16(&format!("{p}/attention/linear_2/weight"), &[s, s]);
                w.f16(&format!("{p}/attention/linear_2/bias"), &[s]);
            }
        }
        let bin = w.finish(&[("decoder/projection/weight", "decoder/embeddings/weight")]);
        std::fs::write(dir.join("model.bin"), bin).expect("write model.bin");
        let mut vocab: Vec<String> = (0..50256).map(|i| format!("t{i}")).collect();
        vocab[0] = "Ġhello".into();
        vocab.push("<|endoftext|>".into());
        vocab.push("<|startoftranscript|>".into());
        while vocab.len() < N_VOCAB_EN {
            vocab.push(format!("<|x{}|>", vocab.len()));
        }
        std::fs::write(dir.join("vocabulary.txt"), vocab.join("\n") + "\n")
            .expect("write vocabulary.txt");
    }
}

fn convert_tiny(weight_type: WeightType) -> (tempfile::TempDir, ConvertSummary, Vec<u8>) {
    let dir = tempfile::tempdir().expect("tempdir");
    TinyCt2 { state: 64 }.write(dir.path());
    let out = dir.path().join("out/ggml.bin");
    let summary = convert(dir.path(), &out, &ConvertOptions { weight_type }).expect("converts");
    let bytes = std::fs::read(&out).expect("read output");
    (dir, summary, bytes)
}

#[test]
fn writes_the_header_whisper_cpp_expects() {
    let (_dir, summary, bytes) = convert_tiny(WeightType::F16);
    let info = ggml::inspect(Path::new("ggml.bin"), &bytes).expect("a valid file");
    let h = info.hparams;
    assert_eq!(
        [
            h.n_vocab,
            h.n_audio_ctx,
            h.n_audio_state,
            h.n_audio_head,
            h.n_audio_layer
        ],
        [N_VOCAB_EN as i32, 1500, 64, 1, 1]
    );
    assert_eq!(
        [h.n_text_ctx, h.n_text_state, h.n_text_head, h.n_text_layer],
        [448, 64, 1, 1]
    );
    assert_eq!((h.n_mels, h.ftype), (80, 1));
    assert_eq!((info.n_mel, info.n_fft), (80, 201));
    assert_eq!(info.filters, mel::mel_filters(16_000, 400, 80));
    assert_eq!(info.tokens.len(), 50256);
    assert_eq!(info.tokens[0], b" hello");
    // 7 encoder-level + 15 per encoder block + 4 decoder-level + 24 per
    // decoder block.
    assert_eq!(info.tensors.len(), 7 + 15 + 4 + 24);
    assert_eq!(summary.n_tensors, info.tensors.len());
    assert_eq!(summary.bytes, bytes.len() as u64);
}

#[test]
fn splits_the_fused_projections() {
    let dir = tempfile::tempdir().expect("tempdir");
    TinyCt2 { state: 64 }.write(dir.path());
    let model = Ct2Model::open(&dir.path().join("model.bin")).expect("parses");
    let (_d, _s, bytes) = convert_tiny(WeightType::F16);
    let info = ggml::inspect(Path::new("ggml.bin"), &bytes).expect("valid");
    let tensor = |name: &str| -> Vec<f32> {
        let (spec, offset) = info
            .tensors
            .iter()
            .find(|(s, _)| s.name == name)
            .expect("tensor present");
        bytes[*offset..offset + spec.n_bytes()]
            .chunks_exact(2)
            .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
            .collect()
    };
    let fused = model
        .to_f32("encoder/layer_0/self_attention/linear_0/weight")
        .expect("fused qkv");
    let n = 64 * 64;
    assert_eq!(tensor("encoder.blocks.0.attn.query.weight"), fused[..n]);
    assert_eq!(tensor("encoder.blocks.0.attn.key.weight"), fused[n..2 * n]);
    assert_eq!(tensor("encoder.blocks.0.attn.value.weight"), fused[2 * n..]);
    let cross = model
        .to_f32("decoder/layer_0/attention/linear_1/weight")
        .expect("fused kv");
    assert_eq!(tensor("decoder.blocks.0.cross_attn.key.weight"), cross[..n]);
    assert_eq!(
        tensor("decoder.blocks.0.cross_attn.value.weight"),
        cross[n..]
    );
    let bias = model
        .to_f32("encoder/layer_0/self_attention/linear_0/bias")
        .expect("fused bias");
    let value_bias: Vec<f32> = {
        let (spec, offset) = info
            .tensors
            .iter()
            .find(|(s, _)| s.name == "encoder.blocks.0.attn.value.bias")
            .expect("value bias");
        assert_eq!(spec.ttype, WeightType::F32);
        bytes[*offset..offset + spec.n_bytes()]
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect()
    };
    assert_eq!(value_bias, bias[128..]);
}

#[test]
fn the_output_is_deterministic() {
    let (_a, first, _) = convert_tiny(WeightType::F16);
    let (_b, second, _) = convert_tiny(WeightType::F16);
    assert_eq!(first.sha256, second.sha256);
    let (_c, q1, _) = convert_tiny(WeightType::Q8_0);
    let (_d, q2, _) = convert_tiny(WeightType::Q8_0);
    assert_eq!(q1.sha256, q2.sha256);
    assert_ne!(first.sha256, q1.sha256);
}

#[test]
fn quantizes_matrices_but_not_convolutions_or_vectors() {
    for wtype in [WeightType::Q8_0, WeightType::Q5_1] {
        let (_dir, summary, bytes) = convert_tiny(wtype);
        let info = ggml::inspect(Path::new("q.bin"), &bytes).expect("valid");
        assert_eq!(info.weight_type(), wtype);
        assert!(summary.hparams.ftype > 2000);
        for (spec, _) in &info.tensors {
            let expected = if spec.name.contains("conv") && spec.name.ends_with("weight") {
                WeightType::F16
            } else if spec.ne.len() == 1
                || spec.name.contains("positional")
                || spec.name.contains("bias")
            {
                WeightType::F32
            } else {
                wtype
            };
            assert_eq!(spec.ttype, expected, "{}", spec.name);
        }
    }
}

#[test]
fn a_truncated_model_bin_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    TinyCt2 { state: 64 }.write(dir.path());
    let path = dir.path().join("model.bin");
    let bytes = std::fs::read(&path).expect("read");
    for cut in [3, 100, bytes.len() / 2, bytes.len() - 1] {
        std::fs::write(&path, &bytes[..cut]).expect("write");
        let err = convert(
            dir.path(),
            &dir.path().join("o.bin"),
            &ConvertOptions::default(),
        )
        .expect_err("truncated input");
        let msg = err.to_string();
        assert!(
            msg.contains("model.bin") && msg.contains("truncated"),
            "{msg}"
        );
        assert!(!dir.path().join("o.bin").exists());
        assert!(!dir.path().join("o.bin.part").exists());
    }
}

#[test]
fn a_file_that_is_not_ctranslate2_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("model.bin"),
        b"GGUF\x03\0\0\0 not a ct2 file",
    )
    .expect("write");
    let err = convert(
        dir.path(),
        &dir.path().join("o.bin"),
        &ConvertOptions::default(),
    )
    .expect_err("not ct2");
    assert!(
        err.to_string().contains("not a CTranslate2 model.bin"),
        "{err}"
    );
}

#[test]
fn a_missing_vocabulary_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("tempdir");
    TinyCt2 { state: 64 }.write(dir.path());
    std::fs::remove_file(dir.path().join("vocabulary.txt")).expect("rm");
    let err = convert(
        dir.path(),
        &dir.path().join("o.bin"),
        &ConvertOptions::default(),
    )
    .expect_err("no vocab");
    assert!(err.to_string().contains("no vocabulary.txt"), "{err}");
}

#[test]
fn inspect_rejects_truncated_and_corrupt_ggml() {
    let (_dir, _s, bytes) = convert_tiny(WeightType::F16);
    let path = Path::new("ggml-tiny.bin");
    for cut in [0, 2, 30, 1000, 300_000, bytes.len() - 10] {
        let err = ggml::inspect(path, &bytes[..cut]).expect_err("truncated");
        let msg = err.to_string();
        assert!(
            msg.contains("ggml-tiny.bin") && msg.contains("truncated"),
            "{cut}: {msg}"
        );
    }
    let mut bad_magic = bytes.clone();
    bad_magic[0] ^= 0xff;
    let err = ggml::inspect(path, &bad_magic).expect_err("magic");
    assert!(
        err.to_string().contains("not a whisper.cpp ggml model"),
        "{err}"
    );
    let mut bad_hparams = bytes.clone();
    bad_hparams[4..8].copy_from_slice(&i32::MAX.to_le_bytes());
    let err = ggml::inspect(path, &bad_hparams).expect_err("hparams");
    assert!(err.to_string().contains("n_vocab"), "{err}");
}

#[test]
fn hyper_parameters_no_whisper_model_has_are_named() {
    use super::ggml::{BadHparams, Hparams};
    let tiny = Hparams {
        n_vocab: 51865,
        n_audio_ctx: 1500,
        n_audio_state: 384,
        n_audio_head: 6,
        n_audio_layer: 4,
        n_text_ctx: 448,
        n_text_state: 384,
        n_text_head: 6,
        n_text_layer: 4,
        n_mels: 80,
        ftype: 1,
    };
    assert_eq!(tiny.check(), Ok(()));
    let check = |h: Hparams, expected: BadHparams| assert_eq!(h.check(), Err(expected));
    check(
        Hparams { n_mels: 0, ..tiny },
        BadHparams::OutOfRange {
            name: "n_mels",
            value: 0,
            lo: 1,
            hi: 256,
        },
    );
    check(
        Hparams {
            n_text_state: 512,
            ..tiny
        },
        BadHparams::StateMismatch {
            text: 512,
            audio: 384,
        },
    );
    check(
        Hparams {
            n_audio_head: 5,
            ..tiny
        },
        BadHparams::HeadsDoNotDivide,
    );
    check(Hparams { ftype: 3, ..tiny }, BadHparams::Ftype(3));
    assert_eq!(
        BadHparams::Ftype(3).to_string(),
        "ftype 3, expected 0 (f32), 1 (f16), 2007 (q8_0) or 2009 (q5_1)"
    );
}
