//! Reads CTranslate2's `model.bin`: a header, then named, typed variables,
//! then aliases. Layout (CTranslate2 `model_spec.py::_serialize`): `u32`
//! version; from version 2 a spec name and `u32` revision; `u32` count; per
//! variable a name, `u8` rank, `u32` dims, then (version ≥ 4) `u8` dtype and
//! `u32` byte count, or (older) `u8` item size and `u32` element count; then
//! the raw little-endian bytes. Version ≥ 3 ends with `u32` alias count and
//! (alias, target) name pairs. A string is `u16` length including a NUL,
//! then the bytes and the NUL.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use half::{bf16, f16};

use crate::{Error, Result};

/// The element type of a variable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I8,
    I16,
    I32,
    F16,
    BF16,
}

impl DType {
    fn from_code(code: u8) -> Option<DType> {
        Some(match code {
            0 => DType::F32,
            1 => DType::I8,
            2 => DType::I16,
            3 => DType::I32,
            4 => DType::F16,
            5 => DType::BF16,
            _ => return None,
        })
    }

    pub fn code(self) -> u8 {
        match self {
            DType::F32 => 0,
            DType::I8 => 1,
            DType::I16 => 2,
            DType::I32 => 3,
            DType::F16 => 4,
            DType::BF16 => 5,
        }
    }

    pub fn size(self) -> usize {
        match self {
            DType::I8 => 1,
            DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::F32 | DType::I32 => 4,
        }
    }

    /// The type an old (version < 4) file implies by its item size.
    fn from_item_size(size: u8) -> Option<DType> {
        match size {
            1 => Some(DType::I8),
            2 => Some(DType::F16),
            4 => Some(DType::F32),
            _ => None,
        }
    }
}

/// One variable: its shape, type and where its bytes are.
#[derive(Debug, Clone)]
pub struct Variable {
    pub shape: Vec<usize>,
    pub dtype: DType,
    bytes: Range<usize>,
}

impl Variable {
    pub fn n_elements(&self) -> usize {
        self.shape.iter().product()
    }
}

/// A parsed `model.bin`, holding the file's bytes.
pub struct Ct2Model {
    path: PathBuf,
    data: Vec<u8>,
    pub version: u32,
    pub spec_name: String,
    pub spec_revision: u32,
    variables: BTreeMap<String, Variable>,
    aliases: BTreeMap<String, String>,
}

impl Ct2Model {
    /// Reads and parses `path`.
    pub fn open(path: &Path) -> Result<Ct2Model> {
        let data = std::fs::read(path).map_err(|e| Error::io(path, e))?;
        Ct2Model::parse(path, data)
    }

    /// Parses a whole `model.bin` held in memory (`path` names it in errors).
    pub fn parse(path: &Path, data: Vec<u8>) -> Result<Ct2Model> {
        let mut r = Reader {
            path,
            data: &data,
            pos: 0,
        };
        let version = r.u32("the format version")?;
        if version == 0 || version > 6 {
            return Err(Error::model(
                path,
                format!("not a CTranslate2 model.bin: format version {version}, expected 1 to 6"),
            ));
        }
        let (spec_name, spec_revision) = if version >= 2 {
            (r.string("the spec name")?, r.u32("the spec revision")?)
        } else {
            (String::new(), 1)
        };
        let n_variables = r.u32("the variable count")? as usize;
        let mut variables = BTreeMap::new();
        for i in 0..n_variables {
            let what = format!("variable {i} of {n_variables}");
            let name = r.string(&what)?;
            let rank = r.u8(&name)? as usize;
            let mut shape = Vec::with_capacity(rank);
            for _ in 0..rank {
                shape.push(r.u32(&name)? as usize);
            }
            let (dtype, n_bytes) = if version >= 4 {
                let code = r.u8(&name)?;
                let dtype = DType::from_code(code).ok_or_else(|| {
                    Error::model(path, format!("{name}: unknown dtype code {code}"))
                })?;
                (dtype, r.u32(&name)? as usize)
            } else {
                let size = r.u8(&name)?;
                let count = r.u32(&name)? as usize;
                let dtype = DType::from_item_size(size).ok_or_else(|| {
                    Error::model(path, format!("{name}: unknown item size {size}"))
                })?;
                (dtype, count * size as usize)
            };
            let n_elements: usize = shape.iter().product();
            if n_elements * dtype.size() != n_bytes {
                return Err(Error::model(
                    path,
                    format!(
                        "{name}: shape {shape:?} of {dtype:?} needs {} bytes, the file says {n_bytes}",
                        n_elements * dtype.size()
                    ),
                ));
            }
            let bytes = r.skip(n_bytes, &name)?;
            variables.insert(
                name,
                Variable {
                    shape,
                    dtype,
                    bytes,
                },
            );
        }
        let mut aliases = BTreeMap::new();
        if version >= 3 {
            let n_aliases = r.u32("the alias count")?;
            for _ in 0..n_aliases {
                let alias = r.string("an alias")?;
                let target = r.string(&alias)?;
                aliases.insert(alias, target);
            }
        }
        if r.pos != data.len() {
            return Err(Error::model(
                path,
                format!(
                    "{} unexpected bytes after the last variable (at byte {})",
                    data.len() - r.pos,
                    r.pos
                ),
            ));
        }
        Ok(Ct2Model {
            path: path.to_path_buf(),
            data,
            version,
            spec_name,
            spec_revision,
            variables,
            aliases,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The variable `name` (following an alias), or `None`.
    pub fn find(&self, name: &str) -> Option<&Variable> {
        self.variables.get(name).or_else(|| {
            self.aliases
                .get(name)
                .and_then(|target| self.variables.get(target))
        })
    }

    /// The variable `name`, or an error naming it.
    pub fn get(&self, name: &str) -> Result<&Variable> {
        self.find(name).ok_or_else(|| {
            Error::model(
                &self.path,
                format!("variable {name} is missing (is this a Whisper model?)"),
            )
        })
    }

    /// Variable names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.variables.keys().map(String::as_str)
    }

    /// The raw little-endian bytes of a variable.
    pub fn raw(&self, variable: &Variable) -> &[u8] {
        &self.data[variable.bytes.clone()]
    }

    /// A scalar integer variable (`encoder/num_heads`...).
    pub fn scalar_int(&self, name: &str) -> Result<i64> {
        let v = self.get(name)?;
        let raw = self.raw(v);
        if v.n_elements() != 1 {
            return Err(Error::model(
                &self.path,
                format!("{name}: expected a scalar, found shape {:?}", v.shape),
            ));
        }
        Ok(match v.dtype {
            DType::I8 => i64::from(raw[0] as i8),
            DType::I16 => i64::from(i16::from_le_bytes([raw[0], raw[1]])),
            DType::I32 => i64::from(i32::from_le_bytes([raw[0], raw[1], raw[2], raw[3]])),
            other => {
                return Err(Error::model(
                    &self.path,
                    format!("{name}: expected an integer scalar, found {other:?}"),
                ));
            }
        })
    }

    /// A variable as f32 values, row-major. Int8 weights are dequantized with
    /// their per-row `<prefix>/weight_scale` (`w = q / scale`).
    pub fn to_f32(&self, name: &str) -> Result<Vec<f32>> {
        let v = self.get(name)?;
        let raw = self.raw(v);
        Ok(match v.dtype {
            DType::F32 => raw
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect(),
            DType::F16 => raw
                .chunks_exact(2)
                .map(|b| f16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            DType::BF16 => raw
                .chunks_exact(2)
                .map(|b| bf16::from_le_bytes([b[0], b[1]]).to_f32())
                .collect(),
            DType::I8 => self.dequantize_i8(name, v, raw)?,
            other => {
                return Err(Error::model(
                    &self.path,
                    format!(
                        "{name}: {other:?} weights are not supported (expected float32, float16, bfloat16 or int8)"
                    ),
                ));
            }
        })
    }

    fn dequantize_i8(&self, name: &str, v: &Variable, raw: &[u8]) -> Result<Vec<f32>> {
        let scale_name = match name.strip_suffix("/weight") {
            Some(prefix) => format!("{prefix}/weight_scale"),
            None => format!("{name}_scale"),
        };
        let scales = self.to_f32(&scale_name)?;
        let rows = v.shape.first().copied().unwrap_or(1).max(1);
        let cols = v.n_elements() / rows;
        if scales.len() != rows && scales.len() != 1 {
            return Err(Error::model(
                &self.path,
                format!(
                    "{scale_name}: expected {rows} scales (one per row of {name}), found {}",
                    scales.len()
                ),
            ));
        }
        Ok(raw
            .iter()
            .enumerate()
            .map(|(i, &q)| {
                let scale = if scales.len() == 1 {
                    scales[0]
                } else {
                    scales[i / cols]
                };
                f32::from(q as i8) / scale
            })
            .collect())
    }
}

/// A bounds-checked cursor; every read names what it was reading.
struct Reader<'a> {
    path: &'a Path,
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn skip(&mut self, n: usize, what: &str) -> Result<Range<usize>> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&end| end <= self.data.len());
        match end {
            Some(end) => {
                let range = self.pos..end;
                self.pos = end;
                Ok(range)
            }
            None => Err(Error::model(
                self.path,
                format!(
                    "truncated: reading {what} needs {n} bytes at byte {}, the file has {}",
                    self.pos,
                    self.data.len()
                ),
            )),
        }
    }

    fn bytes<const N: usize>(&mut self, what: &str) -> Result<[u8; N]> {
        let range = self.skip(N, what)?;
        let mut out = [0u8; N];
        out.copy_from_slice(&self.data[range]);
        Ok(out)
    }

    fn u8(&mut self, what: &str) -> Result<u8> {
        Ok(self.bytes::<1>(what)?[0])
    }

    fn u32(&mut self, what: &str) -> Result<u32> {
        Ok(u32::from_le_bytes(self.bytes::<4>(what)?))
    }

    fn string(&mut self, what: &str) -> Result<String> {
        let len = u16::from_le_bytes(self.bytes::<2>(what)?) as usize;
        let range = self.skip(len, what)?;
        let raw = &self.data[range];
        let text = raw.strip_suffix(&[0]).ok_or_else(|| {
            Error::model(
                self.path,
                format!("{what}: a name that does not end in NUL (corrupt file?)"),
            )
        })?;
        String::from_utf8(text.to_vec()).map_err(|_| {
            Error::model(
                self.path,
                format!("{what}: a name that is not UTF-8 (corrupt file?)"),
            )
        })
    }
}
