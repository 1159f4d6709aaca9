//! all-MiniLM-L6-v2 as an ONNX graph, built in memory from its published weights
//! (`model.safetensors`, the BERT layout of Devlin et al. 2019: 6 layers, hidden size 384, 12
//! heads, feed-forward 1,536, GELU, layer-norm ε 1e-12) for one text at a time (no padding, so
//! no attention mask), with ONNX Runtime's fused operators where they are fast on CPU
//! (`com.microsoft` EmbedLayerNormalization, MultiHeadAttention, Gelu; the residual sums stay
//! Add + LayerNormalization, which measured 3× faster than its SkipLayerNormalization, so
//! sessions use basic optimisation only and nothing fuses them back).
//!
//! With [`Precision::DynamicInt8`] the linear layers are `DynamicQuantizeMatMul`: weights int8,
//! symmetric, one scale per output column (max |w| / 127), activations quantised to uint8 per
//! tensor at run time (Jacob et al., CVPR 2018; ONNX Runtime's dynamic quantisation), integer
//! products — all but the feed-forward output of the first [`FLOAT_FFN_OUTPUT_LAYERS`] layers,
//! whose input (GELU's output) loses most to quantisation. Measured on Cranfield abstracts, one
//! thread, against the float graph (docs/benchmarks.md): every layer int8 111 texts/s at
//! cosine 0.9944 (mean) of the float embeddings; the feed-forward output float in all six
//! layers 69 at 0.9976; in the first three (what is built) 84 at 0.9972; in the last three
//! nothing gained over all int8. The float graph: 37 texts/s; the int8 export used before,
//! which computed in float: about 13.

use safetensors::SafeTensors;

use crate::onnx::{
    AttributeProto, GraphProto, ModelProto, OperatorSetIdProto, Parts, ValueInfoProto, FLOAT,
    INT32, INT8,
};
use crate::{EngineError, DIMS};

const HEADS: i64 = 12;
const LAYERS: usize = 6;
const FFN: usize = 1536;
const EPSILON: f32 = 1e-12;
/// Layers, from the first, whose feed-forward output stays float in the int8 graph.
pub const FLOAT_FFN_OUTPUT_LAYERS: usize = 3;
const MS: &str = "com.microsoft";

/// How the linear layers compute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Float weights and arithmetic: the reference.
    Float,
    /// Int8 weights and integer products but in the feed-forward output (what the engine
    /// runs).
    DynamicInt8,
}

/// The serialised ONNX model: input `input_ids` (int32, `[batch, tokens]`, every token real:
/// the graph has no attention mask, so run texts one at a time), output `last_hidden_state`
/// (float, `[batch, tokens, 384]`). Errors: [`EngineError::Load`] when a weight is missing or not the
/// shape or type of all-MiniLM-L6-v2's.
pub fn build(weights: &[u8], precision: Precision) -> Result<Vec<u8>, EngineError> {
    let st = SafeTensors::deserialize(weights)
        .map_err(|e| EngineError::Load(format!("model.safetensors: {e}")))?;
    let mut g = Builder {
        st,
        precision,
        parts: Parts::default(),
    };
    let e = "embeddings.";
    let word = g.weight(&format!("{e}word_embeddings.weight"), None)?;
    let vocab = (word.len() / DIMS) as i64;
    let word = g.parts.float("word", &[vocab, DIMS as i64], &word);
    // BERT adds token type 0's embedding to every position; one input fewer at run time.
    let mut pos = g.weight(&format!("{e}position_embeddings.weight"), None)?;
    let types = g.weight(&format!("{e}token_type_embeddings.weight"), Some(2 * DIMS))?;
    for row in pos.chunks_exact_mut(DIMS) {
        row.iter_mut()
            .zip(&types[..DIMS])
            .for_each(|(p, t)| *p += t);
    }
    let positions = (pos.len() / DIMS) as i64;
    let pos = g.parts.float("position", &[positions, DIMS as i64], &pos);
    let (gamma, beta) = g.norm(&format!("{e}LayerNorm"), "embeddings")?;
    g.node(
        "EmbedLayerNormalization",
        &["input_ids", "", &word, &pos, "", &gamma, &beta],
        &["embedded", "mask_index"],
        vec![AttributeProto::float("epsilon", EPSILON)],
    );
    let mut x = "embedded".to_owned();
    for i in 0..LAYERS {
        x = g.layer(i, &x)?;
    }
    let graph = GraphProto {
        node: g.parts.nodes,
        name: "all-MiniLM-L6-v2".into(),
        initializer: g.parts.initializers,
        input: vec![ValueInfoProto::tensor(
            "input_ids",
            INT32,
            &[Err("batch"), Err("tokens")],
        )],
        output: vec![ValueInfoProto::tensor(
            &x,
            FLOAT,
            &[Err("batch"), Err("tokens"), Ok(DIMS as i64)],
        )],
    };
    let model = ModelProto {
        ir_version: 8,
        producer_name: "wisdomos".into(),
        graph: Some(graph),
        opset_import: vec![
            OperatorSetIdProto {
                domain: String::new(),
                version: 17,
            },
            OperatorSetIdProto {
                domain: MS.into(),
                version: 1,
            },
        ],
    };
    Ok(prost::Message::encode_to_vec(&model))
}

struct Builder<'a> {
    st: SafeTensors<'a>,
    precision: Precision,
    parts: Parts,
}

impl Builder<'_> {
    /// One encoder layer over `x`; returns its output's name (the last is `last_hidden_state`).
    fn layer(&mut self, i: usize, x: &str) -> Result<String, EngineError> {
        let p = format!("encoder.layer.{i}.");
        let n = |s: &str| format!("l{i}_{s}");
        let (mut w, mut b) = (Vec::new(), Vec::new());
        for part in ["query", "key", "value"] {
            w.extend(self.weight(
                &format!("{p}attention.self.{part}.weight"),
                Some(DIMS * DIMS),
            )?);
            b.extend(self.weight(&format!("{p}attention.self.{part}.bias"), Some(DIMS))?);
        }
        let qkv = self.linear(x, &w, &b, DIMS, &n("qkv"), self.precision)?;
        let split = self.parts.int64(&n("split"), &[3], &[DIMS as i64; 3]);
        let (q, k, v) = (n("q"), n("k"), n("v"));
        self.node(
            "Split",
            &[&qkv, &split],
            &[&q, &k, &v],
            vec![AttributeProto::int("axis", 2)],
        );
        let context = n("context");
        self.node(
            "MultiHeadAttention",
            &[&q, &k, &v],
            &[&context],
            vec![AttributeProto::int("num_heads", HEADS)],
        );
        let attended = self.dense(
            &context,
            &format!("{p}attention.output.dense"),
            DIMS,
            &n("ao"),
        )?;
        let (g1, b1) = self.norm(&format!("{p}attention.output.LayerNorm"), &n("ln1"))?;
        let norm1 = n("norm1");
        self.skip_norm(&attended, x, &g1, &b1, &norm1);
        let inner = self.dense(&norm1, &format!("{p}intermediate.dense"), DIMS, &n("ffn1"))?;
        let gelu = n("gelu");
        self.node("Gelu", &[&inner], &[&gelu], Vec::new());
        let precision = if i < FLOAT_FFN_OUTPUT_LAYERS {
            Precision::Float
        } else {
            self.precision
        };
        let out = self.dense_as(
            &gelu,
            &format!("{p}output.dense"),
            FFN,
            &n("ffn2"),
            precision,
        )?;
        let (g2, b2) = self.norm(&format!("{p}output.LayerNorm"), &n("ln2"))?;
        let y = if i + 1 == LAYERS {
            "last_hidden_state".to_owned()
        } else {
            n("out")
        };
        self.skip_norm(&out, &norm1, &g2, &b2, &y);
        Ok(y)
    }

    /// `LayerNorm(x + skip)`, BERT's residual connection.
    fn skip_norm(&mut self, x: &str, skip: &str, gamma: &str, beta: &str, y: &str) {
        let sum = format!("{y}_sum");
        self.node("Add", &[x, skip], &[&sum], Vec::new());
        self.node(
            "LayerNormalization",
            &[&sum, gamma, beta],
            &[y],
            vec![
                AttributeProto::int("axis", -1),
                AttributeProto::float("epsilon", EPSILON),
            ],
        );
    }

    /// A PyTorch `Linear` (`prefix.weight` `[out, in]`, `prefix.bias` `[out]`) over `x`.
    fn dense(
        &mut self,
        x: &str,
        prefix: &str,
        inputs: usize,
        name: &str,
    ) -> Result<String, EngineError> {
        self.dense_as(x, prefix, inputs, name, self.precision)
    }

    /// [`Builder::dense`] at `precision` (float whatever the graph's, or the graph's).
    fn dense_as(
        &mut self,
        x: &str,
        prefix: &str,
        inputs: usize,
        name: &str,
        precision: Precision,
    ) -> Result<String, EngineError> {
        let w = self.weight(&format!("{prefix}.weight"), None)?;
        let b = self.weight(&format!("{prefix}.bias"), None)?;
        if w.len() != b.len() * inputs {
            return Err(EngineError::Load(format!(
                "{prefix}: weight and bias disagree"
            )));
        }
        self.linear(x, &w, &b, inputs, name, precision)
    }

    /// `x · wᵀ + b` for `w` `[out, inputs]` row-major (PyTorch's layout).
    fn linear(
        &mut self,
        x: &str,
        w: &[f32],
        b: &[f32],
        inputs: usize,
        name: &str,
        precision: Precision,
    ) -> Result<String, EngineError> {
        let outputs = b.len();
        // ONNX multiplies by [inputs, outputs].
        let dims = [inputs as i64, outputs as i64];
        let bias = self.parts.float(&format!("{name}_b"), &[outputs as i64], b);
        match precision {
            Precision::Float => {
                let t = transpose(w, inputs);
                let w = self.parts.float(&format!("{name}_w"), &dims, &t);
                let product = format!("{name}_mm");
                self.node("MatMul", &[x, &w], &[&product], Vec::new());
                self.node("Add", &[&product, &bias], &[name], Vec::new());
            }
            Precision::DynamicInt8 => {
                let (q, scales) = int8_by_output(w, inputs);
                let w = self.parts.tensor(
                    &format!("{name}_w"),
                    &dims,
                    INT8,
                    q.iter().map(|v| *v as u8).collect(),
                );
                let s = self
                    .parts
                    .float(&format!("{name}_s"), &[outputs as i64], &scales);
                let zero = self.parts.tensor(
                    &format!("{name}_z"),
                    &[outputs as i64],
                    INT8,
                    vec![0; outputs],
                );
                self.node(
                    "DynamicQuantizeMatMul",
                    &[x, &w, &s, &zero, &bias],
                    &[name],
                    Vec::new(),
                );
            }
        }
        Ok(name.to_owned())
    }

    fn norm(&mut self, prefix: &str, name: &str) -> Result<(String, String), EngineError> {
        let g = self.weight(&format!("{prefix}.weight"), Some(DIMS))?;
        let b = self.weight(&format!("{prefix}.bias"), Some(DIMS))?;
        Ok((
            self.parts
                .float(&format!("{name}_gamma"), &[DIMS as i64], &g),
            self.parts
                .float(&format!("{name}_beta"), &[DIMS as i64], &b),
        ))
    }

    /// A float32 weight, its length checked when `len` is given.
    fn weight(&self, name: &str, len: Option<usize>) -> Result<Vec<f32>, EngineError> {
        let bad = |why: String| EngineError::Load(format!("model.safetensors: {name}: {why}"));
        let t = self.st.tensor(name).map_err(|e| bad(e.to_string()))?;
        if t.dtype() != safetensors::Dtype::F32 {
            return Err(bad(format!("{:?}, expected F32", t.dtype())));
        }
        let v: Vec<f32> = t
            .data()
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        match len {
            Some(n) if v.len() != n => Err(bad(format!("{} values, expected {n}", v.len()))),
            _ if !v.len().is_multiple_of(DIMS) => Err(bad(format!("{} values", v.len()))),
            _ => Ok(v),
        }
    }

    /// A node; ONNX Runtime's own operators are in its `com.microsoft` domain.
    fn node(
        &mut self,
        op: &str,
        inputs: &[&str],
        outputs: &[&str],
        attribute: Vec<AttributeProto>,
    ) {
        let standard = matches!(op, "MatMul" | "Add" | "Split" | "LayerNormalization");
        let domain = if standard { "" } else { MS };
        self.parts.node(domain, op, inputs, outputs, attribute);
    }
}

/// `m` (row-major, rows of `columns` values) transposed.
fn transpose<T: Copy + Default>(m: &[T], columns: usize) -> Vec<T> {
    let rows = m.len() / columns;
    let mut t = vec![T::default(); m.len()];
    for (r, row) in m.chunks_exact(columns).enumerate() {
        for (c, v) in row.iter().enumerate() {
            t[c * rows + r] = *v;
        }
    }
    t
}

/// PyTorch weights `w` (`[outputs, inputs]`) as int8 `[inputs, outputs]` with one symmetric
/// scale per output ([`crate::vector::quantise`] of each output's row: max |w| / 127, 0 for an
/// all-zero row, whose products are then 0 as they should be).
fn int8_by_output(w: &[f32], inputs: usize) -> (Vec<i8>, Vec<f32>) {
    let mut q = Vec::with_capacity(w.len());
    let scales = w
        .chunks_exact(inputs)
        .map(|row| crate::vector::quantise(row, &mut q))
        .collect();
    (transpose(&q, inputs), scales)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_output_is_quantised_to_its_own_range() {
        // 3 outputs × 2 inputs: output 0 spans ±2, output 1 ±0.5, output 2 is all zero.
        let (q, s) = int8_by_output(&[2.0, -1.0, 0.25, -0.5, 0.0, 0.0], 2);
        assert_eq!(s, vec![2.0 / 127.0, 0.5 / 127.0, 0.0]);
        assert_eq!(q, vec![127, 64, 0, -64, -127, 0]);
    }

    #[test]
    fn weights_that_are_not_minilm_are_refused() {
        assert!(build(b"not safetensors", Precision::Float).is_err());
        let empty = safetensors::serialize(
            std::iter::empty::<(&str, safetensors::tensor::TensorView<'_>)>(),
            None,
        )
        .unwrap();
        let e = build(&empty, Precision::DynamicInt8)
            .unwrap_err()
            .to_string();
        assert!(e.contains("word_embeddings"), "{e}");
    }
}
