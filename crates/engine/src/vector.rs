//! Arithmetic on embeddings.

/// Scales `v` to unit length (L2); a zero vector stays zero.
pub fn normalise(v: &mut [f32]) {
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        v.iter_mut().for_each(|x| *x /= norm);
    }
}

/// The dot product of two equally long vectors: their cosine similarity when both are
/// L2-normalised, in [−1, 1].
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    // Eight lanes summed apart let the compiler vectorise without reassociating floats.
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..8 {
            acc[i] += x[i] * y[i];
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// `v` quantised to int8 with one symmetric scale: `v[i] ≈ q[i] × scale`, scale = max |v| / 127
/// (0 for a zero vector). For unit vectors of 384 dims the error of a dot product is about
/// 1e-3, far below the gaps that rank passages.
pub fn quantise(v: &[f32], q: &mut Vec<i8>) -> f32 {
    let max = v.iter().fold(0f32, |m, x| m.max(x.abs()));
    let scale = if max > 0.0 { max / 127.0 } else { 0.0 };
    let inv = if scale > 0.0 { 1.0 / scale } else { 0.0 };
    q.extend(
        v.iter()
            .map(|x| (x * inv).round().clamp(-127.0, 127.0) as i8),
    );
    scale
}

/// The dot product of two equally long int8 vectors, exactly (in i32).
pub fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    dot_i8_fn()(a, b)
}

/// [`dot_i8`] for this CPU: compiled for AVX2 when it has it (about twice as fast), else for
/// the x86-64 baseline. Look it up once for a scan of many vectors.
pub fn dot_i8_fn() -> fn(&[i8], &[i8]) -> i32 {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        return dot_i8_avx2;
    }
    dot_i8_portable
}

#[cfg(target_arch = "x86_64")]
fn dot_i8_avx2(a: &[i8], b: &[i8]) -> i32 {
    #[target_feature(enable = "avx2")]
    fn with_avx2(a: &[i8], b: &[i8]) -> i32 {
        dot_i8_body(a, b)
    }
    // SAFETY: only returned by `dot_i8_fn` after the CPU was found to have AVX2.
    unsafe { with_avx2(a, b) }
}

fn dot_i8_portable(a: &[i8], b: &[i8]) -> i32 {
    dot_i8_body(a, b)
}

#[inline(always)]
fn dot_i8_body(a: &[i8], b: &[i8]) -> i32 {
    // Sixteen lanes summed apart widen to i16 products the compiler vectorises.
    let mut acc = [0i32; 16];
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: i32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for i in 0..16 {
            acc[i] += i32::from(i16::from(x[i]) * i16::from(y[i]));
        }
    }
    acc.iter().sum::<i32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalised_vectors_have_unit_length_and_dot_is_the_cosine() {
        let mut a = vec![3.0, 4.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0];
        normalise(&mut a);
        assert!((dot(&a, &a) - 1.0).abs() < 1e-6);
        let mut b = vec![0.0; 10];
        b[9] = 2.0;
        normalise(&mut b);
        assert!((dot(&a, &b) - 1.0 / 26f32.sqrt()).abs() < 1e-6);
        let mut z = vec![0.0; 4];
        normalise(&mut z);
        assert_eq!(z, vec![0.0; 4]);
    }

    #[test]
    fn int8_dot_products_stay_close_to_the_float_ones() {
        let mut seed = 7u64;
        let mut rnd = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % 2001) as f32 / 1000.0 - 1.0
        };
        for _ in 0..50 {
            let mut a: Vec<f32> = (0..384).map(|_| rnd()).collect();
            let mut b: Vec<f32> = (0..384).map(|_| rnd()).collect();
            normalise(&mut a);
            normalise(&mut b);
            let (mut qa, mut qb) = (Vec::new(), Vec::new());
            let (sa, sb) = (quantise(&a, &mut qa), quantise(&b, &mut qb));
            let approx = dot_i8(&qa, &qb) as f32 * sa * sb;
            assert!(
                (approx - dot(&a, &b)).abs() < 5e-3,
                "{approx} vs {}",
                dot(&a, &b)
            );
        }
        let mut z = Vec::new();
        assert_eq!(quantise(&[0.0; 4], &mut z), 0.0);
        assert_eq!(z, vec![0; 4]);
    }
}
