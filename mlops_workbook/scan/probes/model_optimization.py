"""Models optimised for serving: quantization, distillation, pruning, ONNX/TensorRT/OpenVINO export."""

from __future__ import annotations

import re

from ..collector import RawResults
from ..findings import Finding
from ._util import libraries, findings

ID = "model-optimization"
SHORT = "Serving optimisation: PyTorch quantization/pruning, ONNX export and ONNX Runtime, TensorRT, OpenVINO, TFLite, Optimum"
CRITERIA = {"model-4-optimization": "partial"}
REMEDIATION = "Measure serving cost and latency per model and optimise the heavy ones (quantize, distil or export to ONNX)."
EFFORT = "high"

_TOOLS = (
    (("torch",), ("torch",), re.compile(r"\bquantize_dynamic\s*\(|\btorch\.quantization\.\w+\s*\(|\bprune\.\w+\s*\(|"
                                        r"\btorch\.onnx\.export\s*\("), "PyTorch optimisation"),
    (("tensorflow",), ("tensorflow",), re.compile(r"\bTFLiteConverter\b|\btfmot\.\w+"), "TensorFlow Lite / model optimisation"),
    (("onnxruntime",), ("onnxruntime",), re.compile(r"\bquantize_(?:dynamic|static)\s*\(|\bInferenceSession\s*\("), "ONNX Runtime"),
    (("optimum",), ("optimum",), re.compile(r"\bORT\w+\.from_pretrained\s*\(|\bORTQuantizer\b|\bexport\s*\("), "Optimum"),
    (("openvino",), ("openvino",), re.compile(r"\bconvert_model\s*\(|\bcompile_model\s*\("), "OpenVINO"),
    (("tensorrt", "torch_tensorrt"), ("tensorrt",), re.compile(r"\b(?:torch_tensorrt\.compile|trt\.Builder)\s*\("), "TensorRT"),
)


def run(raw: RawResults) -> list[Finding]:
    """One finding per place this probe sees its practice, the strongest first."""
    positive, weak = libraries(raw, _TOOLS)
    return findings(ID, positive, weak)
