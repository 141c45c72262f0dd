//! The CTranslate2 → whisper.cpp converter (`kiosk models convert-whisper`).
//!
//! No ggml Whisper model is on the package registries the kiosk may use, but
//! faster-whisper's CTranslate2 models are. They hold the same weights under
//! other names, with the attention projections fused ([q;k;v] for self-
//! attention, [k;v] for cross-attention). This module reads `model.bin` and
//! its `vocabulary.txt`/`config.json`/`tokenizer.json`, computes the mel
//! filters, splits the fused projections back, renames every tensor, and
//! writes whisper.cpp's file, optionally quantized. The output is a function
//! of the input alone (no timestamps, fixed order), so its sha256 can live in
//! the model manifest.

pub mod ct2;
pub mod ggml;
pub mod mel;
pub mod quant;
pub mod vocab;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use half::f16;
use serde::Serialize;
use sha2::{Digest, Sha256};

use self::ct2::Ct2Model;
use self::ggml::{GgmlWriter, Hparams, TensorSpec, WeightType};
use crate::{Error, Result};

/// Whisper's audio front end: 16 kHz, 25 ms windows (400-point FFT).
const SAMPLE_RATE: u32 = 16_000;
const N_FFT: usize = 400;
/// Whisper's attention heads are 64 wide in every size; used only when an
/// old model.bin does not store the head count.
const HEAD_DIM: usize = 64;

/// How to convert.
#[derive(Debug, Clone, Copy)]
pub struct ConvertOptions {
    /// The type of the big matrices: f16 (as the source), f32, or a ggml
    /// quantization (q8_0, q5_1).
    pub weight_type: WeightType,
}

impl Default for ConvertOptions {
    fn default() -> ConvertOptions {
        ConvertOptions {
            weight_type: WeightType::F16,
        }
    }
}

/// What a conversion produced.
#[derive(Debug, Clone, Serialize)]
pub struct ConvertSummary {
    pub output: PathBuf,
    pub hparams: Hparams,
    pub weight_type: WeightType,
    pub n_tensors: usize,
    pub n_tokens: usize,
    pub bytes: u64,
    pub sha256: String,
    pub seconds: f64,
}

/// Converts the CTranslate2 Whisper model in `ct2_dir` to a ggml file at
/// `output`, written to a temporary file beside it and renamed when whole.
pub fn convert(ct2_dir: &Path, output: &Path, options: &ConvertOptions) -> Result<ConvertSummary> {
    let started = Instant::now();
    let model = Ct2Model::open(&ct2_dir.join("model.bin"))?;
    if model.version >= 2 && model.spec_name != "WhisperSpec" {
        return Err(Error::model(
            model.path(),
            format!(
                "a CTranslate2 {} model, expected WhisperSpec",
                model.spec_name
            ),
        ));
    }
    let hparams = derive_hparams(&model, options.weight_type)?;
    let vocabulary = vocab::read_vocabulary(ct2_dir)?;
    let vocab_path = ct2_dir.join("vocabulary.txt");
    if vocabulary.len() != hparams.n_vocab as usize {
        return Err(Error::model(
            &vocab_path,
            format!(
                "{} tokens, but the model's embedding has {} rows",
                vocabulary.len(),
                hparams.n_vocab
            ),
        ));
    }
    let tokens = vocab::bpe_token_bytes(&vocabulary, &vocab_path)?;
    let expected_bpe = 50256 + usize::from(hparams.is_multilingual());
    if tokens.len() != expected_bpe {
        return Err(Error::model(
            &vocab_path,
            format!(
                "<|endoftext|> is token {}, whisper.cpp expects {expected_bpe} for this model",
                tokens.len()
            ),
        ));
    }
    vocab::check_tokenizer_json(ct2_dir, &vocabulary)?;
    check_config_json(ct2_dir, &hparams)?;
    let filters = mel::mel_filters(SAMPLE_RATE, N_FFT, hparams.n_mels as usize);

    let specs = ggml::expected_tensors(&hparams);
    let tmp = temp_path(output);
    if let Some(dir) = output.parent() {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let file = File::create(&tmp).map_err(|e| Error::io(&tmp, e))?;
    let result = (|| {
        let mut writer =
            GgmlWriter::new(HashingWriter::new(BufWriter::with_capacity(1 << 20, file)));
        let io_err = |e| Error::io(&tmp, e);
        writer
            .header(&hparams, N_FFT / 2 + 1, &filters, &tokens)
            .map_err(io_err)?;
        for spec in &specs {
            let data = tensor_data(&model, spec)?;
            writer.tensor(spec, &data).map_err(io_err)?;
        }
        let HashingWriter {
            inner,
            hasher,
            bytes,
        } = writer.into_inner();
        let sha256 = hex(&hasher.finalize());
        let file = inner
            .into_inner()
            .map_err(|e| Error::io(&tmp, e.into_error()))?;
        file.sync_all().map_err(io_err)?;
        Ok((bytes, sha256))
    })();
    let (bytes, sha256) = match result {
        Ok(done) => done,
        Err(e) => {
            // Best effort: the partial file is useless either way.
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, output).map_err(|e| Error::io(output, e))?;
    Ok(ConvertSummary {
        output: output.to_path_buf(),
        hparams,
        weight_type: options.weight_type,
        n_tensors: specs.len(),
        n_tokens: tokens.len(),
        bytes,
        sha256,
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn temp_path(output: &Path) -> PathBuf {
    let mut name = output.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    output.with_file_name(name)
}

/// Hyper-parameters from the shapes of the CTranslate2 variables.
fn derive_hparams(model: &Ct2Model, weight_type: WeightType) -> Result<Hparams> {
    let shape2 = |name: &str| -> Result<(usize, usize)> {
        let v = model.get(name)?;
        match v.shape[..] {
            [a, b] => Ok((a, b)),
            _ => Err(Error::model(
                model.path(),
                format!("{name}: expected 2 dimensions, found {:?}", v.shape),
            )),
        }
    };
    let conv1 = model.get("encoder/conv1/weight")?;
    let [n_state, n_mels, 3] = conv1.shape[..] else {
        return Err(Error::model(
            model.path(),
            format!(
                "encoder/conv1/weight: expected [state, mels, 3], found {:?}",
                conv1.shape
            ),
        ));
    };
    let (n_vocab, text_state) = shape2("decoder/embeddings/weight")?;
    let (n_audio_ctx, _) = shape2("encoder/position_encodings/encodings")?;
    let (n_text_ctx, _) = shape2("decoder/position_encodings/encodings")?;
    let heads = |name: &str, state: usize| -> Result<i32> {
        match model.find(name) {
            Some(_) => Ok(model.scalar_int(name)? as i32),
            None => Ok((state / HEAD_DIM) as i32),
        }
    };
    let hparams = Hparams {
        n_vocab: n_vocab as i32,
        n_audio_ctx: n_audio_ctx as i32,
        n_audio_state: n_state as i32,
        n_audio_head: heads("encoder/num_heads", n_state)?,
        n_audio_layer: count_layers(model, "encoder")? as i32,
        n_text_ctx: n_text_ctx as i32,
        n_text_state: text_state as i32,
        n_text_head: heads("decoder/num_heads", text_state)?,
        n_text_layer: count_layers(model, "decoder")? as i32,
        n_mels: n_mels as i32,
        ftype: weight_type.ftype(),
    };
    if weight_type.is_quantized() && n_state % quant::BLOCK != 0 {
        return Err(Error::model(
            model.path(),
            format!("a state size of {n_state} cannot be quantized in blocks of 32"),
        ));
    }
    Ok(hparams)
}

/// The number of `<stack>/layer_<i>/` blocks, which must run 0..n.
fn count_layers(model: &Ct2Model, stack: &str) -> Result<usize> {
    let prefix = format!("{stack}/layer_");
    let mut indices: Vec<usize> = model
        .names()
        .filter_map(|n| n.strip_prefix(&prefix))
        .filter_map(|rest| rest.split('/').next())
        .filter_map(|i| i.parse().ok())
        .collect();
    indices.sort_unstable();
    indices.dedup();
    if indices.is_empty() || indices.iter().enumerate().any(|(i, &n)| i != n) {
        return Err(Error::model(
            model.path(),
            format!("the {stack} layers are not numbered 0..n: {indices:?}"),
        ));
    }
    Ok(indices.len())
}

/// `config.json`'s language list must match what whisper.cpp derives from
/// the vocabulary size, or language tokens would be off by some.
fn check_config_json(dir: &Path, hparams: &Hparams) -> Result<()> {
    let path = dir.join("config.json");
    if !path.exists() || !hparams.is_multilingual() {
        return Ok(());
    }
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let json: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| Error::model(&path, format!("not valid JSON: {e}")))?;
    if let Some(langs) = json.get("lang_ids").and_then(|v| v.as_array()) {
        let expected = hparams.n_vocab as usize - 51765 - 1;
        if langs.len() != expected {
            return Err(Error::model(
                &path,
                format!(
                    "{} languages in lang_ids, whisper.cpp derives {expected} from n_vocab {}",
                    langs.len(),
                    hparams.n_vocab
                ),
            ));
        }
    }
    Ok(())
}

/// Where a whisper.cpp tensor comes from: a CTranslate2 variable, or part
/// `part` of `parts` equal row blocks of a fused one.
struct Source {
    name: String,
    part: usize,
    parts: usize,
}

fn source_of(ggml_name: &str) -> Option<Source> {
    let whole = |name: String| {
        Some(Source {
            name,
            part: 0,
            parts: 1,
        })
    };
    let split = |name: String, part, parts| Some(Source { name, part, parts });
    let (stack, rest) = ggml_name.split_once('.')?;
    if let Some(rest) = rest.strip_prefix("blocks.") {
        let (layer, rest) = rest.split_once('.')?;
        let p = format!("{stack}/layer_{layer}");
        let (module, param) = rest.rsplit_once('.')?;
        let ln = |scope: &str| {
            let which = if param == "weight" { "gamma" } else { "beta" };
            whole(format!("{p}/{scope}/layer_norm/{which}"))
        };
        return match module {
            "attn_ln" => ln("self_attention"),
            "cross_attn_ln" => ln("attention"),
            "mlp_ln" => ln("ffn"),
            "mlp.0" => whole(format!("{p}/ffn/linear_0/{param}")),
            "mlp.2" => whole(format!("{p}/ffn/linear_1/{param}")),
            "attn.query" => split(format!("{p}/self_attention/linear_0/{param}"), 0, 3),
            "attn.key" => split(format!("{p}/self_attention/linear_0/{param}"), 1, 3),
            "attn.value" => split(format!("{p}/self_attention/linear_0/{param}"), 2, 3),
            "attn.out" => whole(format!("{p}/self_attention/linear_1/{param}")),
            "cross_attn.query" => whole(format!("{p}/attention/linear_0/{param}")),
            "cross_attn.key" => split(format!("{p}/attention/linear_1/{param}"), 0, 2),
            "cross_attn.value" => split(format!("{p}/attention/linear_1/{param}"), 1, 2),
            "cross_attn.out" => whole(format!("{p}/attention/linear_2/{param}")),
            _ => None,
        };
    }
    match (stack, rest) {
        (_, "positional_embedding") => whole(format!("{stack}/position_encodings/encodings")),
        ("encoder", "conv1.weight" | "conv1.bias" | "conv2.weight" | "conv2.bias") => {
            whole(format!("encoder/{}", rest.replace('.', "/")))
        }
        ("encoder", "ln_post.weight") | ("decoder", "ln.weight") => {
            whole(format!("{stack}/layer_norm/gamma"))
        }
        ("encoder", "ln_post.bias") | ("decoder", "ln.bias") => {
            whole(format!("{stack}/layer_norm/beta"))
        }
        ("decoder", "token_embedding.weight") => whole("decoder/embeddings/weight".into()),
        _ => None,
    }
}

/// The bytes of one whisper.cpp tensor, in its storage type.
///
/// Dropping the key bias of the fused self-attention projection (which
/// CTranslate2 stores as zeros) is exact: a bias on the keys adds the same
/// amount to every score of a query, which softmax cancels.
fn tensor_data(model: &Ct2Model, spec: &TensorSpec) -> Result<Vec<u8>> {
    let source = source_of(&spec.name).ok_or_else(|| {
        Error::model(
            model.path(),
            format!("no CTranslate2 variable maps to {}", spec.name),
        )
    })?;
    let variable = model.get(&source.name)?;
    let n_total = variable.n_elements();
    let n = spec.n_elements();
    if n * source.parts != n_total {
        return Err(Error::model(
            model.path(),
            format!(
                "{} has shape {:?}; {} needs {} of {} equal parts of {n} values",
                source.name,
                variable.shape,
                spec.name,
                source.part + 1,
                source.parts
            ),
        ));
    }
    // Same-orientation check for plain matrices: ggml's ne is the numpy
    // shape reversed.
    if source.parts == 1 && variable.shape.len() == spec.ne.len() {
        let reversed: Vec<usize> = spec.ne.iter().rev().copied().collect();
        if reversed != variable.shape {
            return Err(Error::model(
                model.path(),
                format!(
                    "{}: shape {:?}, expected {reversed:?} for {}",
                    source.name, variable.shape, spec.name
                ),
            ));
        }
    }
    let range = source.part * n..(source.part + 1) * n;
    let mut out = Vec::with_capacity(spec.n_bytes());
    // The common case, f16 → f16, copies bytes.
    if variable.dtype == ct2::DType::F16 && spec.ttype == WeightType::F16 {
        out.extend_from_slice(&model.raw(variable)[2 * range.start..2 * range.end]);
        return Ok(out);
    }
    let values = model.to_f32(&source.name)?;
    let values = &values[range];
    match spec.ttype {
        WeightType::F32 => values
            .iter()
            .for_each(|v| out.extend_from_slice(&v.to_le_bytes())),
        WeightType::F16 => values
            .iter()
            .for_each(|v| out.extend_from_slice(&f16::from_f32(*v).to_le_bytes())),
        WeightType::Q8_0 => quant::quantize_q8_0(values, &mut out),
        WeightType::Q5_1 => quant::quantize_q5_1(values, &mut out),
    }
    Ok(out)
}

/// Counts and hashes what passes through.
struct HashingWriter<W: Write> {
    inner: W,
    hasher: Sha256,
    bytes: u64,
}

impl<W: Write> HashingWriter<W> {
    fn new(inner: W) -> HashingWriter<W> {
        HashingWriter {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }
}

impl<W: Write> Write for HashingWriter<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// Lowercase hex.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
