//! Rotary position tables, computed once per distinct base for the kiosk's
//! context length and shared by every layer that uses that base (candle
//! 0.11's Gemma 3 kept 131,072 positions per layer: ~2.35 GB).

/// How pairs of dimensions are rotated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RopeStyle {
    /// Dimension i with i + d/2 (Gemma; llama.cpp's "neox").
    Halves,
    /// Dimension 2i with 2i + 1 (Llama as stored in GGUF).
    Adjacent,
}

/// cos/sin of `pos · base^(−2i/d)` for every position and pair.
#[derive(Debug, Clone)]
pub struct RopeTable {
    pub base: f32,
    half: usize,
    cos: Vec<f32>,
    sin: Vec<f32>,
}

impl RopeTable {
    pub fn new(base: f32, head_dim: usize, n_pos: usize) -> RopeTable {
        let half = head_dim / 2;
        let mut cos = Vec::with_capacity(n_pos * half);
        let mut sin = Vec::with_capacity(n_pos * half);
        for pos in 0..n_pos {
            for i in 0..half {
                let inv_freq = 1.0 / (base as f64).powf(2.0 * i as f64 / head_dim as f64);
                let angle = pos as f64 * inv_freq;
                cos.push(angle.cos() as f32);
                sin.push(angle.sin() as f32);
            }
        }
        RopeTable {
            base,
            half,
            cos,
            sin,
        }
    }

    /// Rotates one head vector for position `pos`.
    pub fn apply(&self, x: &mut [f32], pos: usize, style: RopeStyle) {
        let cos = &self.cos[pos * self.half..(pos + 1) * self.half];
        let sin = &self.sin[pos * self.half..(pos + 1) * self.half];
        match style {
            RopeStyle::Halves => {
                let (a, b) = x.split_at_mut(self.half);
                for i in 0..self.half {
                    let (x0, x1) = (a[i], b[i]);
                    a[i] = x0 * cos[i] - x1 * sin[i];
                    b[i] = x0 * sin[i] + x1 * cos[i];
                }
            }
            RopeStyle::Adjacent => {
                for i in 0..self.half {
                    let (x0, x1) = (x[2 * i], x[2 * i + 1]);
                    x[2 * i] = x0 * cos[i] - x1 * sin[i];
                    x[2 * i + 1] = x0 * sin[i] + x1 * cos[i];
                }
            }
        }
    }

    pub fn bytes(&self) -> usize {
        (self.cos.len() + self.sin.len()) * 4
    }
}
