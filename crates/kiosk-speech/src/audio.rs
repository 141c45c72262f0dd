//! Audio in the shape Whisper wants: 16 kHz mono f32 in [-1, 1]. WAV files
//! of any rate, channel count and sample format (8/16/24/32-bit integer,
//! 32-bit float) are read with hound, mixed down by averaging channels, and
//! resampled with rubato's FFT resampler; the microphone's stream goes
//! through the same [`Downmixer`] and [`StreamResampler`].

use std::path::Path;

use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};
use serde::Serialize;

use crate::{Error, Result};

/// Whisper's sample rate.
pub const SAMPLE_RATE: u32 = 16_000;

/// A clip, converted to 16 kHz mono, and what it was.
#[derive(Debug, Clone)]
pub struct Clip {
    pub samples: Vec<f32>,
    pub source: SourceInfo,
}

/// The format a clip came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    pub sample_rate: u32,
    pub channels: u16,
    pub bits: u16,
    pub float: bool,
}

impl Clip {
    pub fn seconds(&self) -> f64 {
        self.samples.len() as f64 / f64::from(SAMPLE_RATE)
    }
}

/// Reads a WAV file and converts it to 16 kHz mono.
pub fn read_wav(path: &Path) -> Result<Clip> {
    let (interleaved, source) = read_wav_interleaved(path)?;
    let mono = downmix(&interleaved, source.channels);
    let samples = resample(&mono, source.sample_rate)?;
    Ok(Clip { samples, source })
}

/// Reads a WAV file's samples as interleaved f32, at its own rate.
pub fn read_wav_interleaved(path: &Path) -> Result<(Vec<f32>, SourceInfo)> {
    let mut reader = hound::WavReader::open(path).map_err(|e| wav_error(path, e))?;
    let spec = reader.spec();
    if spec.channels == 0 || spec.sample_rate == 0 {
        return Err(Error::audio(
            path,
            "a WAV header with no channels or no sample rate",
        ));
    }
    let source = SourceInfo {
        sample_rate: spec.sample_rate,
        channels: spec.channels,
        bits: spec.bits_per_sample,
        float: spec.sample_format == hound::SampleFormat::Float,
    };
    let samples: std::result::Result<Vec<f32>, hound::Error> = match spec.sample_format {
        hound::SampleFormat::Float if spec.bits_per_sample == 32 => {
            reader.samples::<f32>().collect()
        }
        hound::SampleFormat::Float => {
            return Err(Error::audio(
                path,
                format!(
                    "{}-bit float samples are not supported (expected 32-bit float or 8/16/24/32-bit integer)",
                    spec.bits_per_sample
                ),
            ));
        }
        hound::SampleFormat::Int => {
            let scale = 1.0 / (1u64 << (spec.bits_per_sample.clamp(1, 32) - 1)) as f32;
            reader
                .samples::<i32>()
                .map(|s| s.map(|v| v as f32 * scale))
                .collect()
        }
    };
    let samples = samples.map_err(|e| wav_error(path, e))?;
    Ok((samples, source))
}

fn wav_error(path: &Path, e: hound::Error) -> Error {
    match e {
        hound::Error::IoError(io) => Error::io(path, io),
        other => Error::audio(path, format!("not a WAV file we can read: {other}")),
    }
}

/// Averages interleaved channels into one.
pub fn downmix(interleaved: &[f32], channels: u16) -> Vec<f32> {
    let mut out = Vec::with_capacity(interleaved.len() / usize::from(channels.max(1)));
    Downmixer::new(channels).push(interleaved, &mut out);
    out
}

/// Mixes interleaved frames down to mono across calls (a chunk may end in
/// the middle of a frame).
#[derive(Debug, Clone)]
pub struct Downmixer {
    channels: usize,
    partial: Vec<f32>,
}

impl Downmixer {
    pub fn new(channels: u16) -> Downmixer {
        Downmixer {
            channels: usize::from(channels.max(1)),
            partial: Vec::new(),
        }
    }

    pub fn push(&mut self, interleaved: &[f32], out: &mut Vec<f32>) {
        if self.channels == 1 {
            out.extend_from_slice(interleaved);
            return;
        }
        let mut rest = interleaved;
        if !self.partial.is_empty() {
            let need = self.channels - self.partial.len();
            let take = need.min(rest.len());
            self.partial.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.partial.len() < self.channels {
                return;
            }
            out.push(self.partial.iter().sum::<f32>() / self.channels as f32);
            self.partial.clear();
        }
        let frames = rest.chunks_exact(self.channels);
        self.partial.extend_from_slice(frames.remainder());
        out.extend(frames.map(|f| f.iter().sum::<f32>() / self.channels as f32));
    }
}

/// Resamples a whole mono clip to 16 kHz.
pub fn resample(mono: &[f32], from_rate: u32) -> Result<Vec<f32>> {
    if from_rate == SAMPLE_RATE || mono.is_empty() {
        return Ok(mono.to_vec());
    }
    let mut resampler = StreamResampler::new(from_rate)?;
    let mut out = Vec::with_capacity(
        (mono.len() as u64 * u64::from(SAMPLE_RATE) / u64::from(from_rate)) as usize + 1024,
    );
    resampler.push(mono, &mut out)?;
    resampler.finish(&mut out)?;
    Ok(out)
}

/// Resamples a mono stream to 16 kHz chunk by chunk, trimming rubato's
/// start-up delay so the output lines up with the input.
pub struct StreamResampler {
    inner: Option<Fft<f32>>,
    pending: Vec<f32>,
    buffer_out: Vec<f32>,
    to_trim: usize,
    consumed: u64,
    produced: u64,
    ratio: f64,
}

impl StreamResampler {
    /// Input chunk, in frames (~20 ms at 48 kHz).
    const CHUNK: usize = 1024;

    pub fn new(from_rate: u32) -> Result<StreamResampler> {
        if from_rate == 0 {
            return Err(Error::Resample("a sample rate of 0 Hz".into()));
        }
        let inner = if from_rate == SAMPLE_RATE {
            None
        } else {
            Some(
                Fft::<f32>::new(
                    from_rate as usize,
                    SAMPLE_RATE as usize,
                    Self::CHUNK,
                    1,
                    FixedSync::Input,
                )
                .map_err(|e| Error::Resample(format!("{from_rate} Hz → 16 kHz: {e}")))?,
            )
        };
        let to_trim = inner.as_ref().map_or(0, |r| r.output_delay());
        let buffer_out = vec![0.0; inner.as_ref().map_or(0, |r| r.output_frames_max())];
        Ok(StreamResampler {
            inner,
            pending: Vec::with_capacity(Self::CHUNK * 2),
            buffer_out,
            to_trim,
            consumed: 0,
            produced: 0,
            ratio: f64::from(SAMPLE_RATE) / f64::from(from_rate),
        })
    }

    /// Feeds mono samples; appends whatever 16 kHz output is ready.
    pub fn push(&mut self, mono: &[f32], out: &mut Vec<f32>) -> Result<()> {
        if self.inner.is_none() {
            out.extend_from_slice(mono);
            return Ok(());
        }
        self.pending.extend_from_slice(mono);
        let mut start = 0;
        while self.pending.len() - start >= Self::CHUNK {
            self.process(start, None, out)?;
            start += Self::CHUNK;
        }
        self.pending.drain(..start);
        Ok(())
    }

    /// Flushes the rest: the partial chunk, then the resampler's tail.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<()> {
        if self.inner.is_none() {
            return Ok(());
        }
        let n_input = self.consumed + self.pending.len() as u64;
        let expected = (n_input as f64 * self.ratio).round() as u64;
        let partial = self.pending.len();
        if partial > 0 {
            self.pending.resize(Self::CHUNK, 0.0);
            self.process(0, Some(partial), out)?;
        }
        self.pending.clear();
        let mut guard = 0;
        while self.produced < expected && guard < 64 {
            self.pending.resize(Self::CHUNK, 0.0);
            self.process(0, Some(0), out)?;
            guard += 1;
        }
        // Drop what the zero padding produced past the input's end.
        let excess = self.produced.saturating_sub(expected) as usize;
        out.truncate(out.len().saturating_sub(excess));
        self.produced -= excess as u64;
        self.pending.clear();
        Ok(())
    }

    fn process(&mut self, start: usize, partial: Option<usize>, out: &mut Vec<f32>) -> Result<()> {
        let Some(inner) = self.inner.as_mut() else {
            return Ok(());
        };
        let input =
            InterleavedSlice::new(&self.pending[start..start + Self::CHUNK], 1, Self::CHUNK)
                .map_err(|e| Error::Resample(e.to_string()))?;
        let frames_out = self.buffer_out.len();
        let mut output = InterleavedSlice::new_mut(&mut self.buffer_out, 1, frames_out)
            .map_err(|e| Error::Resample(e.to_string()))?;
        let indexing = Indexing {
            input_offset: 0,
            output_offset: 0,
            partial_len: partial,
            active_channels_mask: None,
        };
        let (_, n_out) = inner
            .process_into_buffer(&input, &mut output, Some(&indexing))
            .map_err(|e| Error::Resample(e.to_string()))?;
        self.consumed += partial.unwrap_or(Self::CHUNK) as u64;
        let skip = self.to_trim.min(n_out);
        self.to_trim -= skip;
        out.extend_from_slice(&self.buffer_out[skip..n_out]);
        self.produced += (n_out - skip) as u64;
        Ok(())
    }
}

/// Root-mean-square level in dBFS (−100 for silence).
pub fn rms_dbfs(samples: &[f32]) -> f32 {
    if samples.is_empty() {
        return -100.0;
    }
    let mean_square = samples.iter().map(|s| s * s).sum::<f32>() / samples.len() as f32;
    (10.0 * mean_square.max(1e-10).log10()).max(-100.0)
}

/// Writes 16 kHz mono samples as a 16-bit WAV (for the debug flag only).
pub fn write_wav_16k(path: &Path, samples: &[f32]) -> Result<()> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut writer = hound::WavWriter::create(path, spec).map_err(|e| wav_error(path, e))?;
    for &s in samples {
        let v = (s.clamp(-1.0, 1.0) * 32767.0).round() as i16;
        writer.write_sample(v).map_err(|e| wav_error(path, e))?;
    }
    writer.finalize().map_err(|e| wav_error(path, e))
}

#[cfg(test)]
mod tests;
