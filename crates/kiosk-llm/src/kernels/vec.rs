//! f32 vector helpers for the parts of the forward pass that are not
//! matmuls: norms, attention dot products, softmax and the MLP activations.
//! `exp` is a polynomial (relative error ~1e-7) so the activations
//! vectorize instead of calling libm per element.

#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
use std::arch::x86_64::*;

/// `a · b` over the shorter length.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len());
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    // SAFETY: indices stay below `n`; AVX2/FMA are in the build baseline.
    unsafe {
        let (pa, pb) = (a.as_ptr(), b.as_ptr());
        let mut acc = [_mm256_setzero_ps(); 4];
        let mut i = 0;
        while i + 32 <= n {
            for (j, acc) in acc.iter_mut().enumerate() {
                let x = _mm256_loadu_ps(pa.add(i + 8 * j));
                let y = _mm256_loadu_ps(pb.add(i + 8 * j));
                *acc = _mm256_fmadd_ps(x, y, *acc);
            }
            i += 32;
        }
        while i + 8 <= n {
            acc[0] = _mm256_fmadd_ps(
                _mm256_loadu_ps(pa.add(i)),
                _mm256_loadu_ps(pb.add(i)),
                acc[0],
            );
            i += 8;
        }
        let v = _mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3]));
        let mut s = hsum(v);
        while i < n {
            s += a[i] * b[i];
            i += 1;
        }
        s
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    {
        a[..n].iter().zip(&b[..n]).map(|(x, y)| x * y).sum()
    }
}

/// `y += alpha · x`.
#[inline]
pub fn axpy(y: &mut [f32], alpha: f32, x: &[f32]) {
    let n = y.len().min(x.len());
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    // SAFETY: indices stay below `n`; AVX2/FMA are in the build baseline.
    unsafe {
        let (py, px) = (y.as_mut_ptr(), x.as_ptr());
        let a = _mm256_set1_ps(alpha);
        let mut i = 0;
        while i + 8 <= n {
            let v = _mm256_fmadd_ps(a, _mm256_loadu_ps(px.add(i)), _mm256_loadu_ps(py.add(i)));
            _mm256_storeu_ps(py.add(i), v);
            i += 8;
        }
        while i < n {
            *py.add(i) += alpha * *px.add(i);
            i += 1;
        }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    for (y, x) in y[..n].iter_mut().zip(&x[..n]) {
        *y += alpha * x;
    }
}

/// RMS norm of `x` scaled by `w`, in place.
pub fn rms_norm(x: &mut [f32], w: &[f32], eps: f32) {
    let ms = dot(x, x) / x.len() as f32;
    let inv = 1.0 / (ms + eps).sqrt();
    for (v, g) in x.iter_mut().zip(w) {
        *v *= inv * g;
    }
}

/// RMS norm of `x` scaled by `w`, into `out`.
pub fn rms_norm_into(x: &[f32], w: &[f32], eps: f32, out: &mut [f32]) {
    let ms = dot(x, x) / x.len() as f32;
    let inv = 1.0 / (ms + eps).sqrt();
    for ((o, v), g) in out.iter_mut().zip(x).zip(w) {
        *o = v * inv * g;
    }
}

/// Softmax in place.
pub fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    map_exp(x, |v| v - max);
    for v in x.iter() {
        sum += v;
    }
    let inv = 1.0 / sum;
    for v in x.iter_mut() {
        *v *= inv;
    }
}

/// `x[i] = exp(f(x[i]))` where `f` is a cheap affine map.
fn map_exp(x: &mut [f32], f: impl Fn(f32) -> f32) {
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    {
        let mut chunks = x.chunks_exact_mut(8);
        for c in &mut chunks {
            let mut t = [0f32; 8];
            for (t, v) in t.iter_mut().zip(c.iter()) {
                *t = f(*v);
            }
            // SAFETY: `t` and `c` hold 8 floats; AVX2 is in the baseline.
            unsafe { _mm256_storeu_ps(c.as_mut_ptr(), exp8(_mm256_loadu_ps(t.as_ptr()))) };
        }
        for v in chunks.into_remainder() {
            *v = f(*v).exp();
        }
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "avx2")))]
    for v in x.iter_mut() {
        *v = f(*v).exp();
    }
}

/// `out[i] = gelu_tanh(gate[i]) · up[i]` (Gemma's MLP).
pub fn gelu_mul(gate: &[f32], up: &[f32], out: &mut [f32]) {
    const C: f32 = 0.797_884_6; // sqrt(2 / pi)
    let n = out.len().min(gate.len()).min(up.len());
    let mut i = 0;
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    // SAFETY: indices stay below `n`; AVX2/FMA are in the build baseline.
    unsafe {
        // gelu_tanh(x) = x · sigmoid(2u), u = C·(x + 0.044715·x³).
        let (pg, pu, po) = (gate.as_ptr(), up.as_ptr(), out.as_mut_ptr());
        let m2c = _mm256_set1_ps(-2.0 * C);
        let k = _mm256_set1_ps(0.044_715);
        let one = _mm256_set1_ps(1.0);
        while i + 8 <= n {
            let x = _mm256_loadu_ps(pg.add(i));
            let x2 = _mm256_mul_ps(x, x);
            let inner = _mm256_mul_ps(x, _mm256_fmadd_ps(k, x2, one));
            let e = exp8(_mm256_mul_ps(m2c, inner));
            let g = _mm256_div_ps(x, _mm256_add_ps(one, e));
            _mm256_storeu_ps(po.add(i), _mm256_mul_ps(g, _mm256_loadu_ps(pu.add(i))));
            i += 8;
        }
    }
    while i < n {
        let x = gate[i];
        let u = C * (x + 0.044_715 * x * x * x);
        out[i] = 0.5 * x * (1.0 + u.tanh()) * up[i];
        i += 1;
    }
}

/// `out[i] = silu(gate[i]) · up[i]` (Llama's MLP).
pub fn silu_mul(gate: &[f32], up: &[f32], out: &mut [f32]) {
    let n = out.len().min(gate.len()).min(up.len());
    let mut i = 0;
    #[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
    // SAFETY: indices stay below `n`; AVX2/FMA are in the build baseline.
    unsafe {
        let (pg, pu, po) = (gate.as_ptr(), up.as_ptr(), out.as_mut_ptr());
        let one = _mm256_set1_ps(1.0);
        let neg = _mm256_set1_ps(-1.0);
        while i + 8 <= n {
            let x = _mm256_loadu_ps(pg.add(i));
            let e = exp8(_mm256_mul_ps(neg, x));
            let s = _mm256_div_ps(x, _mm256_add_ps(one, e));
            _mm256_storeu_ps(po.add(i), _mm256_mul_ps(s, _mm256_loadu_ps(pu.add(i))));
            i += 8;
        }
    }
    while i < n {
        let x = gate[i];
        out[i] = x / (1.0 + (-x).exp()) * up[i];
        i += 1;
    }
}

#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
unsafe fn hsum(v: __m256) -> f32 {
    unsafe {
        let s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
        let s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        let s = _mm_add_ss(s, _mm_movehdup_ps(s));
        _mm_cvtss_f32(s)
    }
}

/// exp of 8 floats: 2^n · p(r) with x = n·ln2 + r, |r| ≤ ln2/2, p a
/// degree-6 Taylor polynomial.
#[cfg(all(target_arch = "x86_64", target_feature = "avx2"))]
#[inline(always)]
unsafe fn exp8(x: __m256) -> __m256 {
    unsafe {
        let x = _mm256_min_ps(
            _mm256_max_ps(x, _mm256_set1_ps(-87.0)),
            _mm256_set1_ps(88.0),
        );
        let n = _mm256_round_ps(
            _mm256_mul_ps(x, _mm256_set1_ps(std::f32::consts::LOG2_E)),
            _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC,
        );
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693_145_75), x);
        let r = _mm256_fnmadd_ps(n, _mm256_set1_ps(1.428_606_8e-6), r);
        let mut p = _mm256_set1_ps(1.0 / 720.0);
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0 / 120.0));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0 / 24.0));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0 / 6.0));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(0.5));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0));
        p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.0));
        let pow2 = _mm256_slli_epi32(
            _mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)),
            23,
        );
        _mm256_mul_ps(p, _mm256_castsi256_ps(pow2))
    }
}
