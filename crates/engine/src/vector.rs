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
}
