//! The part of ONNX's protobuf schema (`onnx/onnx.proto`, IR version 8) the engine writes: a
//! model of one graph whose nodes, initializers, inputs and outputs are tensors. Field numbers
//! are the schema's; only what [`crate::graph`] needs is declared, so these messages are for
//! writing models, not for reading arbitrary ones.

use prost::Message;

/// `TensorProto.DataType` values used here.
pub const FLOAT: i32 = 1;
pub const INT8: i32 = 3;
pub const INT32: i32 = 6;
pub const INT64: i32 = 7;

/// `AttributeProto.AttributeType` values used here.
const ATTR_FLOAT: i32 = 1;
const ATTR_INT: i32 = 2;

#[derive(Clone, PartialEq, Message)]
pub struct ModelProto {
    #[prost(int64, tag = "1")]
    pub ir_version: i64,
    #[prost(string, tag = "2")]
    pub producer_name: String,
    #[prost(message, optional, tag = "7")]
    pub graph: Option<GraphProto>,
    #[prost(message, repeated, tag = "8")]
    pub opset_import: Vec<OperatorSetIdProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct OperatorSetIdProto {
    #[prost(string, tag = "1")]
    pub domain: String,
    #[prost(int64, tag = "2")]
    pub version: i64,
}

#[derive(Clone, PartialEq, Message)]
pub struct GraphProto {
    #[prost(message, repeated, tag = "1")]
    pub node: Vec<NodeProto>,
    #[prost(string, tag = "2")]
    pub name: String,
    #[prost(message, repeated, tag = "5")]
    pub initializer: Vec<TensorProto>,
    #[prost(message, repeated, tag = "11")]
    pub input: Vec<ValueInfoProto>,
    #[prost(message, repeated, tag = "12")]
    pub output: Vec<ValueInfoProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct NodeProto {
    #[prost(string, repeated, tag = "1")]
    pub input: Vec<String>,
    #[prost(string, repeated, tag = "2")]
    pub output: Vec<String>,
    #[prost(string, tag = "3")]
    pub name: String,
    #[prost(string, tag = "4")]
    pub op_type: String,
    #[prost(message, repeated, tag = "5")]
    pub attribute: Vec<AttributeProto>,
    #[prost(string, tag = "7")]
    pub domain: String,
}

#[derive(Clone, PartialEq, Message)]
pub struct AttributeProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(float, tag = "2")]
    pub f: f32,
    #[prost(int64, tag = "3")]
    pub i: i64,
    #[prost(int32, tag = "20")]
    pub r#type: i32,
}

impl AttributeProto {
    /// A float attribute.
    pub fn float(name: &str, f: f32) -> Self {
        Self {
            name: name.into(),
            f,
            i: 0,
            r#type: ATTR_FLOAT,
        }
    }

    /// An integer attribute.
    pub fn int(name: &str, i: i64) -> Self {
        Self {
            name: name.into(),
            f: 0.0,
            i,
            r#type: ATTR_INT,
        }
    }
}

/// A constant tensor: its dimensions, element type and little-endian bytes.
#[derive(Clone, PartialEq, Message)]
pub struct TensorProto {
    #[prost(int64, repeated, tag = "1")]
    pub dims: Vec<i64>,
    #[prost(int32, tag = "2")]
    pub data_type: i32,
    #[prost(string, tag = "8")]
    pub name: String,
    #[prost(bytes = "vec", tag = "9")]
    pub raw_data: Vec<u8>,
}

/// A graph input or output: its name, element type and shape (each dimension a number or a
/// symbolic name such as "batch").
#[derive(Clone, PartialEq, Message)]
pub struct ValueInfoProto {
    #[prost(string, tag = "1")]
    pub name: String,
    #[prost(message, optional, tag = "2")]
    pub r#type: Option<TypeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TypeProto {
    #[prost(message, optional, tag = "1")]
    pub tensor_type: Option<TensorTypeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorTypeProto {
    #[prost(int32, tag = "1")]
    pub elem_type: i32,
    #[prost(message, optional, tag = "2")]
    pub shape: Option<TensorShapeProto>,
}

#[derive(Clone, PartialEq, Message)]
pub struct TensorShapeProto {
    #[prost(message, repeated, tag = "1")]
    pub dim: Vec<Dimension>,
}

/// One dimension: `dim_value` or `dim_param` (a oneof in the schema; one of the two is set).
#[derive(Clone, PartialEq, Message)]
pub struct Dimension {
    #[prost(int64, optional, tag = "1")]
    pub dim_value: Option<i64>,
    #[prost(string, optional, tag = "2")]
    pub dim_param: Option<String>,
}

impl ValueInfoProto {
    /// A tensor of `elem_type` whose dimensions are named (`Err`) or fixed (`Ok`).
    pub fn tensor(name: &str, elem_type: i32, dims: &[Result<i64, &str>]) -> Self {
        let dim = dims
            .iter()
            .map(|d| match d {
                Ok(v) => Dimension {
                    dim_value: Some(*v),
                    dim_param: None,
                },
                Err(p) => Dimension {
                    dim_value: None,
                    dim_param: Some((*p).into()),
                },
            })
            .collect();
        Self {
            name: name.into(),
            r#type: Some(TypeProto {
                tensor_type: Some(TensorTypeProto {
                    elem_type,
                    shape: Some(TensorShapeProto { dim }),
                }),
            }),
        }
    }
}

/// The nodes and constant tensors of a graph being written.
#[derive(Default)]
pub struct Parts {
    pub nodes: Vec<NodeProto>,
    pub initializers: Vec<TensorProto>,
}

impl Parts {
    /// A float32 constant; returns its name.
    pub fn float(&mut self, name: &str, dims: &[i64], v: &[f32]) -> String {
        let bytes = v.iter().flat_map(|f| f.to_le_bytes()).collect();
        self.tensor(name, dims, FLOAT, bytes)
    }

    /// An int64 constant; returns its name.
    pub fn int64(&mut self, name: &str, dims: &[i64], v: &[i64]) -> String {
        let bytes = v.iter().flat_map(|f| f.to_le_bytes()).collect();
        self.tensor(name, dims, INT64, bytes)
    }

    /// A constant of `data_type` from its little-endian bytes; returns its name.
    pub fn tensor(
        &mut self,
        name: &str,
        dims: &[i64],
        data_type: i32,
        raw_data: Vec<u8>,
    ) -> String {
        self.initializers.push(TensorProto {
            dims: dims.to_vec(),
            data_type,
            name: name.into(),
            raw_data,
        });
        name.to_owned()
    }

    /// A node of operator `op` in `domain` ("" for the standard operators), named after its
    /// first output; an empty input name skips an optional input.
    pub fn node(
        &mut self,
        domain: &str,
        op: &str,
        inputs: &[&str],
        outputs: &[&str],
        attribute: Vec<AttributeProto>,
    ) {
        self.nodes.push(NodeProto {
            input: inputs.iter().map(|s| (*s).to_owned()).collect(),
            output: outputs.iter().map(|s| (*s).to_owned()).collect(),
            name: outputs.first().map(|s| (*s).to_owned()).unwrap_or_default(),
            op_type: op.into(),
            attribute,
            domain: domain.into(),
        });
    }
}
