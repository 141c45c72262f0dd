//! Reading GGUF model files: metadata, and tensors as raw bytes, with the
//! checks that turn a truncated or corrupt file into a clear error instead
//! of a panic or garbage output.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use candle_core::quantized::gguf_file::{Content, Value};
use candle_core::quantized::{GgmlDType, QStorage, QTensor};
use candle_core::{Device, Tensor};

use crate::kernels::QMatrix;
use crate::kernels::convert::to_qmatrix;
use crate::{Error, Result};

/// An open GGUF file.
pub struct Gguf {
    pub path: PathBuf,
    pub content: Content,
    file: File,
    file_len: u64,
}

impl std::fmt::Debug for Gguf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gguf").field("path", &self.path).finish()
    }
}

impl Gguf {
    /// Opens `path` and reads its header; checks that every tensor's data
    /// lies inside the file.
    pub fn open(path: &Path) -> Result<Gguf> {
        let mut file = File::open(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => Error::Missing {
                path: path.to_path_buf(),
            },
            _ => Error::io(format!("opening model file {}", path.display()), e),
        })?;
        let file_len = file
            .metadata()
            .map_err(|e| Error::io(format!("reading model file {}", path.display()), e))?
            .len();
        let corrupt = |what: String| Error::Corrupt {
            path: path.to_path_buf(),
            what,
        };
        let mut magic = [0u8; 4];
        file.read_exact(&mut magic)
            .map_err(|_| corrupt(format!("only {file_len} bytes, expected a GGUF header")))?;
        if &magic != b"GGUF" {
            return Err(corrupt(format!(
                "starts with {magic:02x?}, expected the GGUF magic \"GGUF\""
            )));
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| Error::io(format!("reading model file {}", path.display()), e))?;
        let content =
            Content::read(&mut file).map_err(|e| corrupt(format!("unreadable header ({e})")))?;
        for (name, info) in &content.tensor_infos {
            let bytes = tensor_bytes(info.ggml_dtype, info.shape.elem_count());
            let end = content.tensor_data_offset + info.offset + bytes as u64;
            if end > file_len {
                return Err(corrupt(format!(
                    "tensor {name} ends at byte {end} but the file has {file_len} bytes (truncated?)"
                )));
            }
        }
        Ok(Gguf {
            path: path.to_path_buf(),
            content,
            file,
            file_len,
        })
    }

    pub fn file_len(&self) -> u64 {
        self.file_len
    }

    fn corrupt(&self, what: String) -> Error {
        Error::Corrupt {
            path: self.path.clone(),
            what,
        }
    }

    pub fn meta(&self, key: &str) -> Result<&Value> {
        self.content
            .metadata
            .get(key)
            .ok_or_else(|| self.corrupt(format!("metadata key {key} is missing")))
    }

    pub fn meta_u32(&self, key: &str) -> Result<u32> {
        let v = self.meta(key)?;
        match v {
            Value::U8(x) => Ok(*x as u32),
            Value::U16(x) => Ok(*x as u32),
            Value::U32(x) => Ok(*x),
            Value::I32(x) if *x >= 0 => Ok(*x as u32),
            Value::U64(x) => {
                u32::try_from(*x).map_err(|_| self.corrupt(format!("{key} = {x} is too large")))
            }
            Value::I64(x) => {
                u32::try_from(*x).map_err(|_| self.corrupt(format!("{key} = {x} is out of range")))
            }
            other => Err(self.corrupt(format!("{key} is {other:?}, expected an integer"))),
        }
    }

    pub fn meta_f32(&self, key: &str) -> Result<f32> {
        match self.meta(key)? {
            Value::F32(x) => Ok(*x),
            Value::F64(x) => Ok(*x as f32),
            other => Err(self.corrupt(format!("{key} is {other:?}, expected a number"))),
        }
    }

    pub fn meta_str(&self, key: &str) -> Result<&str> {
        match self.meta(key)? {
            Value::String(s) => Ok(s),
            other => Err(self.corrupt(format!("{key} is {other:?}, expected a string"))),
        }
    }

    pub fn meta_bool(&self, key: &str) -> Option<bool> {
        match self.content.metadata.get(key) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    /// A string array (tokens, merges).
    pub fn meta_strings(&self, key: &str) -> Result<Vec<&str>> {
        let Value::Array(items) = self.meta(key)? else {
            return Err(self.corrupt(format!("{key} is not an array")));
        };
        items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.as_str()),
                other => Err(self.corrupt(format!("{key} holds {other:?}, expected strings"))),
            })
            .collect()
    }

    /// A numeric array as f32 (scores) or i32 (token types).
    pub fn meta_numbers(&self, key: &str) -> Result<Vec<f64>> {
        let Value::Array(items) = self.meta(key)? else {
            return Err(self.corrupt(format!("{key} is not an array")));
        };
        items
            .iter()
            .map(|v| match v {
                Value::F32(x) => Ok(*x as f64),
                Value::F64(x) => Ok(*x),
                Value::I32(x) => Ok(*x as f64),
                Value::U32(x) => Ok(*x as f64),
                Value::I8(x) => Ok(*x as f64),
                Value::U8(x) => Ok(*x as f64),
                other => Err(self.corrupt(format!("{key} holds {other:?}, expected numbers"))),
            })
            .collect()
    }

    /// The tensor's type and dims (GGUF order reversed by candle: rows last
    /// changing, i.e. `[rows, cols]`).
    pub fn tensor_info(&self, name: &str) -> Result<(GgmlDType, Vec<usize>)> {
        let info = self
            .content
            .tensor_infos
            .get(name)
            .ok_or_else(|| self.corrupt(format!("tensor {name} is missing")))?;
        Ok((info.ggml_dtype, info.shape.dims().to_vec()))
    }

    pub fn has_tensor(&self, name: &str) -> bool {
        self.content.tensor_infos.contains_key(name)
    }

    /// The raw bytes of a tensor.
    pub fn raw(&mut self, name: &str) -> Result<(GgmlDType, Vec<usize>, Vec<u8>)> {
        let (dtype, dims) = self.tensor_info(name)?;
        let info = &self.content.tensor_infos[name];
        let n = tensor_bytes(dtype, info.shape.elem_count());
        let start = self.content.tensor_data_offset + info.offset;
        let mut buf = vec![0u8; n];
        let path = self.path.clone();
        self.file
            .seek(SeekFrom::Start(start))
            .and_then(|_| self.file.read_exact(&mut buf))
            .map_err(|e| Error::io(format!("reading tensor {name} from {}", path.display()), e))?;
        Ok((dtype, dims, buf))
    }

    /// A 1-D (or any) tensor as f32 values.
    pub fn f32s(&mut self, name: &str) -> Result<Vec<f32>> {
        let (dtype, dims, raw) = self.raw(name)?;
        let values = self.dequantize(name, dtype, &dims, &raw)?;
        if let Some(bad) = values.iter().find(|v| !v.is_finite()) {
            return Err(self.corrupt(format!("tensor {name} holds {bad}")));
        }
        Ok(values)
    }

    fn dequantize(
        &self,
        name: &str,
        dtype: GgmlDType,
        dims: &[usize],
        raw: &[u8],
    ) -> Result<Vec<f32>> {
        if dtype == GgmlDType::F32 {
            return Ok(raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect());
        }
        let q = QStorage::from_data(std::borrow::Cow::Borrowed(raw), &Device::Cpu, dtype)
            .and_then(|storage| QTensor::new(storage, dims))
            .and_then(|t| t.dequantize(&Device::Cpu))
            .and_then(|t: Tensor| t.flatten_all())
            .and_then(|t| t.to_vec1::<f32>())
            .map_err(|e| self.corrupt(format!("tensor {name}: {e}")))?;
        Ok(q)
    }

    /// A 2-D weight tensor in a kernel format (see `kernels::convert`).
    pub fn matrix(&mut self, name: &str) -> Result<QMatrix> {
        let (dtype, dims, raw) = self.raw(name)?;
        let [rows, cols] = dims[..] else {
            return Err(self.corrupt(format!("tensor {name} has shape {dims:?}, expected 2-D")));
        };
        let m = to_qmatrix(dtype, raw, rows, cols, |raw| {
            self.dequantize(name, dtype, &dims, raw)
        })
        .map_err(|e| self.corrupt(format!("tensor {name}: {e}")))?;
        Ok(m)
    }
}

/// Bytes of `n` elements of `dtype`.
pub fn tensor_bytes(dtype: GgmlDType, n: usize) -> usize {
    n / dtype.block_size() * dtype.type_size()
}
