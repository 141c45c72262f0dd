//! whisper.cpp's legacy ggml model file: what it holds, how to write it, and
//! a check that reads one back before whisper.cpp sees it (whisper.cpp reads
//! past the end of a truncated file without noticing, and trusts sizes).
//!
//! Layout, all little-endian: magic `0x67676d6c`; eleven `i32` hyper-
//! parameters; the mel filters (`i32` n_mel, `i32` n_fft, then f32s); the
//! vocabulary (`i32` count, then per token `u32` length and bytes); then
//! tensors to the end of the file, each `i32` n_dims, `i32` name length,
//! `i32` type, `i32` ne[n_dims] (ggml order: the numpy shape reversed), the
//! name, and the data.

use std::io::{self, Write};
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use super::quant::{BLOCK, Q5_1_BYTES, Q8_0_BYTES};
use crate::{Error, Result};

/// "ggml", as a little-endian u32.
pub const MAGIC: u32 = 0x6767_6d6c;
/// ggml's quantization format version, folded into `ftype` as
/// `ftype + 1000 * version` for quantized files.
const QNT_VERSION: i32 = 2;
const QNT_VERSION_FACTOR: i32 = 1000;

/// The hyper-parameters at the start of the file, in file order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Hparams {
    pub n_vocab: i32,
    pub n_audio_ctx: i32,
    pub n_audio_state: i32,
    pub n_audio_head: i32,
    pub n_audio_layer: i32,
    pub n_text_ctx: i32,
    pub n_text_state: i32,
    pub n_text_head: i32,
    pub n_text_layer: i32,
    pub n_mels: i32,
    /// As stored: the weight type, plus 1000 × the quantization version for
    /// quantized files.
    pub ftype: i32,
}

impl Hparams {
    fn as_array(&self) -> [i32; 11] {
        [
            self.n_vocab,
            self.n_audio_ctx,
            self.n_audio_state,
            self.n_audio_head,
            self.n_audio_layer,
            self.n_text_ctx,
            self.n_text_state,
            self.n_text_head,
            self.n_text_layer,
            self.n_mels,
            self.ftype,
        ]
    }

    /// The type of the big matrices.
    pub fn weight_type(&self) -> Option<WeightType> {
        WeightType::from_ftype(self.ftype % QNT_VERSION_FACTOR)
    }

    /// Whether the model knows more than English (whisper.cpp's test).
    pub fn is_multilingual(&self) -> bool {
        self.n_vocab >= 51865
    }

    /// Rejects numbers no Whisper model has, before anything is sized by them.
    pub(crate) fn check(&self) -> std::result::Result<(), BadHparams> {
        let in_range = |name: &'static str, value: i32, lo: i32, hi: i32| {
            if value < lo || value > hi {
                Err(BadHparams::OutOfRange {
                    name,
                    value,
                    lo,
                    hi,
                })
            } else {
                Ok(())
            }
        };
        in_range("n_vocab", self.n_vocab, 1000, 100_000)?;
        in_range("n_audio_ctx", self.n_audio_ctx, 1, 10_000)?;
        in_range("n_audio_state", self.n_audio_state, 32, 8192)?;
        in_range("n_audio_head", self.n_audio_head, 1, 64)?;
        in_range("n_audio_layer", self.n_audio_layer, 1, 64)?;
        in_range("n_text_ctx", self.n_text_ctx, 1, 10_000)?;
        in_range("n_text_state", self.n_text_state, 32, 8192)?;
        in_range("n_text_head", self.n_text_head, 1, 64)?;
        in_range("n_text_layer", self.n_text_layer, 1, 64)?;
        in_range("n_mels", self.n_mels, 1, 256)?;
        if self.n_text_state != self.n_audio_state {
            return Err(BadHparams::StateMismatch {
                text: self.n_text_state,
                audio: self.n_audio_state,
            });
        }
        if self.n_audio_state % self.n_audio_head != 0 || self.n_text_state % self.n_text_head != 0
        {
            return Err(BadHparams::HeadsDoNotDivide);
        }
        if self.weight_type().is_none() {
            return Err(BadHparams::Ftype(self.ftype));
        }
        Ok(())
    }
}

/// Hyper-parameters no Whisper model has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum BadHparams {
    #[error("{name} = {value}, expected {lo} to {hi}")]
    OutOfRange {
        name: &'static str,
        value: i32,
        lo: i32,
        hi: i32,
    },
    #[error("n_text_state {text} differs from n_audio_state {audio}")]
    StateMismatch { text: i32, audio: i32 },
    #[error("the state size is not a multiple of the head count")]
    HeadsDoNotDivide,
    #[error("ftype {0}, expected 0 (f32), 1 (f16), 2007 (q8_0) or 2009 (q5_1)")]
    Ftype(i32),
}

/// How a tensor's values are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WeightType {
    F32,
    F16,
    Q8_0,
    Q5_1,
}

impl WeightType {
    /// ggml's `ggml_type` number, written per tensor.
    pub fn ggml_type(self) -> i32 {
        match self {
            WeightType::F32 => 0,
            WeightType::F16 => 1,
            WeightType::Q5_1 => 7,
            WeightType::Q8_0 => 8,
        }
    }

    fn from_ggml_type(code: i32) -> Option<WeightType> {
        Some(match code {
            0 => WeightType::F32,
            1 => WeightType::F16,
            7 => WeightType::Q5_1,
            8 => WeightType::Q8_0,
            _ => return None,
        })
    }

    /// The `ftype` header value for a model whose big matrices are `self`.
    pub fn ftype(self) -> i32 {
        match self {
            WeightType::F32 => 0,
            WeightType::F16 => 1,
            WeightType::Q8_0 => 7 + QNT_VERSION * QNT_VERSION_FACTOR,
            WeightType::Q5_1 => 9 + QNT_VERSION * QNT_VERSION_FACTOR,
        }
    }

    fn from_ftype(ftype: i32) -> Option<WeightType> {
        Some(match ftype {
            0 => WeightType::F32,
            1 => WeightType::F16,
            7 => WeightType::Q8_0,
            9 => WeightType::Q5_1,
            _ => return None,
        })
    }

    pub fn is_quantized(self) -> bool {
        matches!(self, WeightType::Q8_0 | WeightType::Q5_1)
    }

    /// Bytes for `n` values (`n` a multiple of 32 for quantized types).
    pub fn n_bytes(self, n: usize) -> usize {
        match self {
            WeightType::F32 => 4 * n,
            WeightType::F16 => 2 * n,
            WeightType::Q8_0 => n / BLOCK * Q8_0_BYTES,
            WeightType::Q5_1 => n / BLOCK * Q5_1_BYTES,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            WeightType::F32 => "f32",
            WeightType::F16 => "f16",
            WeightType::Q8_0 => "q8_0",
            WeightType::Q5_1 => "q5_1",
        }
    }
}

impl FromStr for WeightType {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "f32" => Ok(WeightType::F32),
            "f16" => Ok(WeightType::F16),
            "q8_0" => Ok(WeightType::Q8_0),
            "q5_1" => Ok(WeightType::Q5_1),
            _ => Err(format!(
                "unknown weight type {s:?}: expected f32, f16, q8_0 or q5_1"
            )),
        }
    }
}

/// A tensor whisper.cpp expects: its name, ggml shape and storage type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TensorSpec {
    pub name: String,
    pub ne: Vec<usize>,
    pub ttype: WeightType,
}

impl TensorSpec {
    pub fn n_elements(&self) -> usize {
        self.ne.iter().product()
    }

    pub fn n_bytes(&self) -> usize {
        self.ttype.n_bytes(self.n_elements())
    }
}

/// Every tensor whisper.cpp 1.8 loads for these hyper-parameters, in the
/// order the converter writes them (OpenAI's state-dict order).
pub fn expected_tensors(h: &Hparams) -> Vec<TensorSpec> {
    let wtype = h.weight_type().unwrap_or(WeightType::F16);
    // Convolutions stay f16 in quantized files (they are 3-D).
    let conv_type = if wtype == WeightType::F32 {
        WeightType::F32
    } else {
        WeightType::F16
    };
    let (a_state, t_state) = (h.n_audio_state as usize, h.n_text_state as usize);
    let mut specs = Vec::new();
    let mut push = |name: String, ne: Vec<usize>, ttype: WeightType| {
        specs.push(TensorSpec { name, ne, ttype })
    };
    let f32 = WeightType::F32;
    push(
        "encoder.positional_embedding".into(),
        vec![a_state, h.n_audio_ctx as usize],
        f32,
    );
    push(
        "encoder.conv1.weight".into(),
        vec![3, h.n_mels as usize, a_state],
        conv_type,
    );
    push("encoder.conv1.bias".into(), vec![1, a_state], f32);
    push(
        "encoder.conv2.weight".into(),
        vec![3, a_state, a_state],
        conv_type,
    );
    push("encoder.conv2.bias".into(), vec![1, a_state], f32);
    let attention = |push: &mut dyn FnMut(String, Vec<usize>, WeightType), p: &str, s: usize| {
        push(format!("{p}.query.weight"), vec![s, s], wtype);
        push(format!("{p}.query.bias"), vec![s], f32);
        push(format!("{p}.key.weight"), vec![s, s], wtype);
        push(format!("{p}.value.weight"), vec![s, s], wtype);
        push(format!("{p}.value.bias"), vec![s], f32);
        push(format!("{p}.out.weight"), vec![s, s], wtype);
        push(format!("{p}.out.bias"), vec![s], f32);
    };
    let norm = |push: &mut dyn FnMut(String, Vec<usize>, WeightType), p: &str, s: usize| {
        push(format!("{p}.weight"), vec![s], f32);
        push(format!("{p}.bias"), vec![s], f32);
    };
    let mlp = |push: &mut dyn FnMut(String, Vec<usize>, WeightType), p: &str, s: usize| {
        push(format!("{p}.mlp.0.weight"), vec![s, 4 * s], wtype);
        push(format!("{p}.mlp.0.bias"), vec![4 * s], f32);
        push(format!("{p}.mlp.2.weight"), vec![4 * s, s], wtype);
        push(format!("{p}.mlp.2.bias"), vec![s], f32);
    };
    for i in 0..h.n_audio_layer {
        let p = format!("encoder.blocks.{i}");
        attention(&mut push, &format!("{p}.attn"), a_state);
        norm(&mut push, &format!("{p}.attn_ln"), a_state);
        mlp(&mut push, &p, a_state);
        norm(&mut push, &format!("{p}.mlp_ln"), a_state);
    }
    norm(&mut push, "encoder.ln_post", a_state);
    push(
        "decoder.positional_embedding".into(),
        vec![t_state, h.n_text_ctx as usize],
        f32,
    );
    push(
        "decoder.token_embedding.weight".into(),
        vec![t_state, h.n_vocab as usize],
        wtype,
    );
    for i in 0..h.n_text_layer {
        let p = format!("decoder.blocks.{i}");
        attention(&mut push, &format!("{p}.attn"), t_state);
        norm(&mut push, &format!("{p}.attn_ln"), t_state);
        attention(&mut push, &format!("{p}.cross_attn"), t_state);
        norm(&mut push, &format!("{p}.cross_attn_ln"), t_state);
        mlp(&mut push, &p, t_state);
        norm(&mut push, &format!("{p}.mlp_ln"), t_state);
    }
    norm(&mut push, "decoder.ln", t_state);
    specs
}

/// Writes a ggml file front to back.
pub struct GgmlWriter<W: Write> {
    out: W,
}

impl<W: Write> GgmlWriter<W> {
    pub fn new(out: W) -> GgmlWriter<W> {
        GgmlWriter { out }
    }

    fn i32(&mut self, v: i32) -> io::Result<()> {
        self.out.write_all(&v.to_le_bytes())
    }

    /// Magic, hyper-parameters, mel filters (`[n_mel][n_fft]`) and the
    /// tokens' bytes.
    pub fn header(
        &mut self,
        hparams: &Hparams,
        n_fft: usize,
        filters: &[f32],
        tokens: &[Vec<u8>],
    ) -> io::Result<()> {
        self.out.write_all(&MAGIC.to_le_bytes())?;
        for v in hparams.as_array() {
            self.i32(v)?;
        }
        self.i32(hparams.n_mels)?;
        self.i32(n_fft as i32)?;
        for f in filters {
            self.out.write_all(&f.to_le_bytes())?;
        }
        self.i32(tokens.len() as i32)?;
        for token in tokens {
            self.out.write_all(&(token.len() as u32).to_le_bytes())?;
            self.out.write_all(token)?;
        }
        Ok(())
    }

    /// One tensor; `data` must be `spec.n_bytes()` long.
    pub fn tensor(&mut self, spec: &TensorSpec, data: &[u8]) -> io::Result<()> {
        if data.len() != spec.n_bytes() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "{}: {} bytes of data for a tensor of {} bytes",
                    spec.name,
                    data.len(),
                    spec.n_bytes()
                ),
            ));
        }
        self.i32(spec.ne.len() as i32)?;
        self.i32(spec.name.len() as i32)?;
        self.i32(spec.ttype.ggml_type())?;
        for &n in &spec.ne {
            self.i32(n as i32)?;
        }
        self.out.write_all(spec.name.as_bytes())?;
        self.out.write_all(data)
    }

    pub fn into_inner(self) -> W {
        self.out
    }
}

/// What a ggml file holds, as read back by [`inspect`].
#[derive(Debug, Clone)]
pub struct GgmlInfo {
    pub hparams: Hparams,
    pub n_mel: usize,
    pub n_fft: usize,
    pub filters: Vec<f32>,
    /// The tokens' raw bytes (specials are not stored).
    pub tokens: Vec<Vec<u8>>,
    /// Tensors in file order, with the offset of their data.
    pub tensors: Vec<(TensorSpec, usize)>,
}

impl GgmlInfo {
    pub fn weight_type(&self) -> WeightType {
        self.hparams.weight_type().unwrap_or(WeightType::F16)
    }
}

/// Reads a whole ggml file and checks it is one whisper.cpp will load: the
/// header is sane, every tensor whisper.cpp expects is there once with the
/// right shape and type, nothing else is, and the file is not truncated.
/// `path` only names the file in errors.
pub fn inspect(path: &Path, data: &[u8]) -> Result<GgmlInfo> {
    let mut r = Cursor { data, pos: 0, path };
    let magic = r.u32("the magic number")?;
    if magic != MAGIC {
        return Err(Error::model(
            path,
            format!("not a whisper.cpp ggml model (magic {magic:#010x}, expected {MAGIC:#010x})"),
        ));
    }
    let mut v = [0i32; 11];
    for x in &mut v {
        *x = r.i32("the hyper-parameters")?;
    }
    let hparams = Hparams {
        n_vocab: v[0],
        n_audio_ctx: v[1],
        n_audio_state: v[2],
        n_audio_head: v[3],
        n_audio_layer: v[4],
        n_text_ctx: v[5],
        n_text_state: v[6],
        n_text_head: v[7],
        n_text_layer: v[8],
        n_mels: v[9],
        ftype: v[10],
    };
    hparams
        .check()
        .map_err(|m| Error::model(path, format!("bad hyper-parameters: {m}")))?;
    let n_mel = r.i32("the mel filter count")?;
    let n_fft = r.i32("the mel filter width")?;
    if n_mel != hparams.n_mels || !(1..=4096).contains(&n_fft) {
        return Err(Error::model(
            path,
            format!(
                "mel filters of {n_mel} × {n_fft}, expected {} filters",
                hparams.n_mels
            ),
        ));
    }
    let (n_mel, n_fft) = (n_mel as usize, n_fft as usize);
    let filter_bytes = r.take(4 * n_mel * n_fft, "the mel filters")?;
    let filters = filter_bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    let n_tokens = r.i32("the vocabulary size")?;
    if n_tokens < 0 || n_tokens > hparams.n_vocab {
        return Err(Error::model(
            path,
            format!(
                "{n_tokens} tokens in the vocabulary, expected at most n_vocab = {}",
                hparams.n_vocab
            ),
        ));
    }
    let mut tokens = Vec::with_capacity(n_tokens as usize);
    for i in 0..n_tokens {
        let len = r.u32("a token length")? as usize;
        if len > 1024 {
            return Err(Error::model(
                path,
                format!("token {i} is {len} bytes long (corrupt vocabulary?)"),
            ));
        }
        tokens.push(r.take(len, "a token")?.to_vec());
    }
    let expected = expected_tensors(&hparams);
    let mut seen = vec![false; expected.len()];
    let mut tensors = Vec::with_capacity(expected.len());
    while r.pos < data.len() {
        let n_dims = r.i32("a tensor header")?;
        let name_len = r.i32("a tensor header")?;
        let ttype = r.i32("a tensor header")?;
        if !(1..=4).contains(&n_dims) || !(1..=256).contains(&name_len) {
            return Err(Error::model(
                path,
                format!("corrupt tensor header at byte {}", r.pos - 12),
            ));
        }
        let mut ne = Vec::with_capacity(n_dims as usize);
        for _ in 0..n_dims {
            let n = r.i32("a tensor shape")?;
            if n < 1 {
                return Err(Error::model(
                    path,
                    format!("corrupt tensor shape at byte {}", r.pos - 4),
                ));
            }
            ne.push(n as usize);
        }
        let name =
            String::from_utf8_lossy(r.take(name_len as usize, "a tensor name")?).into_owned();
        let Some(idx) = expected.iter().position(|s| s.name == name) else {
            return Err(Error::model(
                path,
                format!("unknown tensor {name:?} (whisper.cpp would refuse the file)"),
            ));
        };
        let spec = &expected[idx];
        let got_type = WeightType::from_ggml_type(ttype);
        if spec.ne != ne || got_type != Some(spec.ttype) {
            return Err(Error::model(
                path,
                format!(
                    "tensor {name}: shape {ne:?} type {ttype}, expected shape {:?} type {}",
                    spec.ne,
                    spec.ttype.name()
                ),
            ));
        }
        if seen[idx] {
            return Err(Error::model(path, format!("tensor {name} appears twice")));
        }
        seen[idx] = true;
        let offset = r.pos;
        r.take(spec.n_bytes(), &format!("tensor {name}"))?;
        tensors.push((spec.clone(), offset));
    }
    if let Some(missing) = expected.iter().zip(&seen).find(|(_, seen)| !**seen) {
        return Err(Error::model(
            path,
            format!(
                "truncated or incomplete: {} of {} tensors, the first missing is {}",
                tensors.len(),
                expected.len(),
                missing.0.name
            ),
        ));
    }
    Ok(GgmlInfo {
        hparams,
        n_mel,
        n_fft,
        filters,
        tokens,
        tensors,
    })
}

struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    path: &'a Path,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8]> {
        match self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.data.len())
        {
            Some(end) => {
                let bytes = &self.data[self.pos..end];
                self.pos = end;
                Ok(bytes)
            }
            None => Err(Error::model(
                self.path,
                format!(
                    "truncated: {what} needs {n} bytes at byte {}, the file ends at {}",
                    self.pos,
                    self.data.len()
                ),
            )),
        }
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        let b = self.take(4, what)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn i32(&mut self, what: &str) -> Result<i32> {
        let b = self.take(4, what)?;
        Ok(i32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}
