"""A small, independent float64 executor of QONNX graphs in numpy, for checking ernsim's QONNX
import: it knows nothing of thresholds or integer codes, it evaluates the ONNX graph node by node.
Quant follows the QONNX sample implementation (qonnx/docs/qonnx-custom-ops/quant_op.md):
y = (round_mode(clip(x / scale + zeropt, min_int, max_int)) - zeropt) * scale, clip then round."""
import numpy as np
import onnx
from onnx import numpy_helper


def _attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def _int_range(bits, signed, narrow):
    if signed:
        return -(2 ** (bits - 1)) + (1 if narrow else 0), 2 ** (bits - 1) - 1
    return 0, 2 ** bits - 1 - (1 if narrow else 0)


def quant(x, scale, zeropt, bits, signed, narrow, rounding):
    lo, hi = _int_range(int(bits), signed, narrow)
    y = np.clip(x / scale + zeropt, lo, hi)
    y = {"ROUND": np.round, "CEIL": np.ceil, "FLOOR": np.floor}[rounding](y)
    return (y - zeropt) * scale


def conv2d(x, w, pads):
    n, c, h, wd = x.shape
    o, _, k, _ = w.shape
    p = pads[0]
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    oh, ow = h + 2 * p - k + 1, wd + 2 * p - k + 1
    cols = np.empty((n, c, k, k, oh, ow))
    for ky in range(k):
        for kx in range(k):
            cols[:, :, ky, kx] = xp[:, :, ky:ky + oh, kx:kx + ow]
    return np.einsum("ncijyx,ocij->noyx", cols, w, optimize=True)


def run(path, images):
    """Logits (N x classes, float64) of the model at `path` on uint8 images (N, C, H, W)."""
    model = onnx.load(path)
    g = model.graph
    env = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in g.initializer}
    env[g.input[0].name] = images.astype(np.float64)
    for node in g.node:
        a = _attrs(node)
        i = [env[n] for n in node.input]
        op = node.op_type
        if op == "Quant":
            rounding = a.get("rounding_mode", b"ROUND")
            rounding = rounding.decode() if isinstance(rounding, bytes) else rounding
            out = quant(i[0], i[1], i[2], i[3], a.get("signed", 1), a.get("narrow", 0), rounding)
        elif op == "BipolarQuant":
            out = np.where(i[0] >= 0, 1.0, -1.0) * i[1]
        elif op == "Conv":
            out = conv2d(i[0], i[1], a.get("pads", [0, 0, 0, 0]))
        elif op == "BatchNormalization":
            x, gamma, beta, mean, var = i
            eps = a.get("epsilon", 1e-5)
            sh = (1, -1, 1, 1)
            out = gamma.reshape(sh) * (x - mean.reshape(sh)) / np.sqrt(var.reshape(sh) + eps) + beta.reshape(sh)
        elif op == "Add":
            out = i[0] + i[1]
        elif op == "Sub":
            out = i[0] - i[1]
        elif op == "Mul":
            out = i[0] * i[1]
        elif op == "Clip":
            out = np.clip(i[0], i[1], i[2])
        elif op == "MaxPool":
            x = i[0]
            n, c, h, w = x.shape
            out = x.reshape(n, c, h // 2, 2, w // 2, 2).max(axis=(3, 5))
        elif op == "GlobalAveragePool":
            out = i[0].mean(axis=(2, 3), keepdims=True)
        elif op == "ReduceSum":
            axes = tuple(int(v) for v in (i[1] if len(i) > 1 else a["axes"]))
            out = i[0].sum(axis=axes, keepdims=bool(a.get("keepdims", 1)))
        elif op == "Flatten":
            out = i[0].reshape(i[0].shape[0], -1)
        elif op == "MatMul":
            out = i[0] @ i[1]
        elif op == "Gemm":
            b = i[1].T if a.get("transB", 0) else i[1]
            out = a.get("alpha", 1.0) * (i[0] @ b) + (a.get("beta", 1.0) * i[2] if len(i) > 2 else 0)
        else:
            raise ValueError(f"qonnx_exec: unsupported op {op}")
        env[node.output[0]] = out
    return env[g.output[0].name]
